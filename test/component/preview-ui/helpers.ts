/** Shared helpers for the preview UI widget tests (jsdom). */

/** A phone-screen-like root attached to the document, as the runtime creates it. */
export function makeRoot(): HTMLElement {
  const root = document.createElement('div');
  root.className = 'phone-screen';
  root.style.position = 'relative';
  root.style.overflow = 'hidden';
  document.body.appendChild(root);
  return root;
}

export function cleanup(): void {
  document.body.innerHTML = '';
}

export function byTestId<T extends HTMLElement = HTMLElement>(root: ParentNode, id: string): T {
  const node = root.querySelector<T>(`[data-testid="${id}"]`);
  if (!node) throw new Error(`no element with data-testid="${id}"`);
  return node;
}

export function queryTestId(root: ParentNode, id: string): HTMLElement | null {
  return root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
}

export function press(key: string, target: EventTarget = document.activeElement ?? document.body): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
}

/** Nothing rendered by the widgets lives outside root (the stylesheet goes to <head>). */
export function expectNothingOutside(root: HTMLElement): void {
  for (const child of Array.from(document.body.children)) expect(child).toBe(root);
}
