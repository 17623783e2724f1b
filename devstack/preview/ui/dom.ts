/** Small DOM helpers shared by the preview widgets. */

import { ensureStyles } from './styles';

type Attrs = Record<string, string>;

/** Create an element in the document owning `root`, with classes, attributes and text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  root: HTMLElement,
  tag: K,
  className?: string,
  attrs?: Attrs,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = root.ownerDocument.createElement(tag);
  if (className) node.className = className;
  if (attrs) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A full-screen layer inside `root`; styles are injected on first use. */
export function layer(root: HTMLElement, className: string, testId?: string): HTMLDivElement {
  ensureStyles(root);
  const node = el(root, 'div', `mpui-layer ${className}`, testId ? { 'data-testid': testId } : undefined);
  root.appendChild(node);
  return node;
}

/** A blocking layer: dimmed mask plus containment of taps. */
export function blockingLayer(root: HTMLElement, className: string, testId?: string): HTMLDivElement {
  const node = layer(root, className, testId);
  swallowPointerEvents(node);
  return node;
}

const POINTER_EVENTS = [
  'click',
  'dblclick',
  'mousedown',
  'mouseup',
  'touchstart',
  'touchmove',
  'touchend',
  'pointerdown',
  'pointerup',
];

/**
 * Keep taps inside a widget layer from bubbling to `root`, where the runtime may delegate the
 * mini program's own tap handling.
 */
export function swallowPointerEvents(node: HTMLElement): void {
  for (const type of POINTER_EVENTS) node.addEventListener(type, (e) => e.stopPropagation());
}

export function button(root: HTMLElement, className: string, testId: string, text: string): HTMLButtonElement {
  return el(root, 'button', className, { type: 'button', 'data-testid': testId }, text);
}

let idSeq = 0;
export function uid(prefix: string): string {
  idSeq += 1;
  return `${prefix}-${idSeq}`;
}

/**
 * Keyboard routing for blocking dialogs: one document-level listener; only the most recently
 * opened dialog of that document receives keys, so stacked dialogs behave.
 */
type KeyHandler = (event: KeyboardEvent) => void;
const keyStack: { doc: Document; handler: KeyHandler }[] = [];
const listening = new WeakSet<Document>();

export function pushKeyHandler(root: HTMLElement, handler: KeyHandler): () => void {
  const doc = root.ownerDocument;
  if (!listening.has(doc)) {
    listening.add(doc);
    doc.addEventListener('keydown', (event) => {
      for (let i = keyStack.length - 1; i >= 0; i--) {
        const entry = keyStack[i]!;
        if (entry.doc === doc) {
          entry.handler(event);
          return;
        }
      }
    });
  }
  const entry = { doc, handler };
  keyStack.push(entry);
  return () => {
    const i = keyStack.indexOf(entry);
    if (i >= 0) keyStack.splice(i, 1);
  };
}

/** Move focus into a dialog; returns a function restoring the previous focus if still possible. */
export function trapInitialFocus(target: HTMLElement): () => void {
  const doc = target.ownerDocument;
  const active = doc.activeElement as HTMLElement | null;
  const previous = active && active !== doc.body && typeof active.focus === 'function' ? active : null;
  try {
    target.focus({ preventScroll: true });
  } catch {
    target.focus();
  }
  return () => {
    if (previous && previous.isConnected && doc.activeElement !== previous) {
      try {
        previous.focus({ preventScroll: true });
      } catch {
        /* focus is best effort */
      }
    }
  };
}

/** True while an IME composition is in progress (Enter then commits text, it must not confirm). */
export function isComposing(event: KeyboardEvent): boolean {
  return event.isComposing || event.keyCode === 229;
}
