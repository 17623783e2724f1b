/**
 * wx.showToast / wx.showLoading look-alikes. As in WeChat there is a single toast slot per screen:
 * a new toast or loading replaces whatever is showing. hideToast only removes a toast and
 * hideLoading only removes a loading box (WeChat's `noConflict: true` behaviour), so a
 * `finally { hideLoading() }` cannot swallow a result toast shown just before it.
 */

import { el, layer, swallowPointerEvents } from './dom';

export type ToastIcon = 'success' | 'error' | 'loading' | 'none';

export interface ToastOptions {
  title: string;
  icon?: ToastIcon;
  duration?: number;
  mask?: boolean;
}

export interface LoadingOptions {
  title: string;
  mask?: boolean;
}

export const DEFAULT_TOAST_DURATION = 1500;

interface Slot {
  kind: 'toast' | 'loading';
  node: HTMLElement;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const slots = new WeakMap<HTMLElement, Slot>();

const SVG_NS = 'http://www.w3.org/2000/svg';

function svgIcon(root: HTMLElement, kind: 'success' | 'error'): SVGSVGElement {
  const doc = root.ownerDocument;
  const svg = doc.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', `mpui-toast__icon mpui-toast__icon_${kind}`);
  svg.setAttribute('viewBox', '0 0 40 40');
  svg.setAttribute('aria-hidden', 'true');
  const circle = doc.createElementNS(SVG_NS, 'circle');
  circle.setAttribute('cx', '20');
  circle.setAttribute('cy', '20');
  circle.setAttribute('r', '18');
  circle.setAttribute('fill', 'none');
  circle.setAttribute('stroke', 'currentColor');
  circle.setAttribute('stroke-width', '2.4');
  const path = doc.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', kind === 'success' ? 'M11.5 20.5l6 6 11-12' : 'M14 14l12 12M26 14L14 26');
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '2.6');
  path.setAttribute('stroke-linecap', 'round');
  path.setAttribute('stroke-linejoin', 'round');
  svg.append(circle, path);
  return svg;
}

function clearSlot(root: HTMLElement, kind?: Slot['kind']): void {
  const slot = slots.get(root);
  if (!slot || (kind && slot.kind !== kind)) return;
  if (slot.timer !== undefined) clearTimeout(slot.timer);
  slot.node.remove();
  slots.delete(root);
}

function render(root: HTMLElement, kind: Slot['kind'], title: string, icon: ToastIcon, mask: boolean): HTMLElement {
  clearSlot(root);
  const node = layer(root, `mpui-toast-layer${mask ? ' mpui-toast-layer_mask' : ''}`);
  const box = el(root, 'div', `mpui-toast mpui-toast_${icon === 'none' ? 'text' : 'icon'}`, {
    'data-testid': kind,
    role: 'status',
    'aria-live': 'polite',
    'data-icon': icon,
  });
  if (icon === 'success' || icon === 'error') box.appendChild(svgIcon(root, icon));
  else if (icon === 'loading') box.appendChild(el(root, 'div', 'mpui-spinner', { 'aria-hidden': 'true' }));
  box.appendChild(el(root, 'div', 'mpui-toast__title', undefined, String(title ?? '')));
  node.appendChild(box);
  if (mask) swallowPointerEvents(node); // nothing underneath reacts, exactly like the native mask
  return node;
}

export function showToast(root: HTMLElement, opts: ToastOptions): void {
  const icon: ToastIcon = opts.icon ?? 'success';
  const node = render(root, 'toast', opts.title, icon, opts.mask === true);
  const duration =
    typeof opts.duration === 'number' && Number.isFinite(opts.duration) ? opts.duration : DEFAULT_TOAST_DURATION;
  const slot: Slot = { kind: 'toast', node, timer: undefined };
  slot.timer = setTimeout(
    () => {
      if (slots.get(root) === slot) clearSlot(root);
    },
    Math.max(0, duration),
  );
  slots.set(root, slot);
}

export function hideToast(root: HTMLElement): void {
  clearSlot(root, 'toast');
}

export function showLoading(root: HTMLElement, opts: LoadingOptions): void {
  const node = render(root, 'loading', opts.title, 'loading', opts.mask === true);
  slots.set(root, { kind: 'loading', node, timer: undefined });
}

export function hideLoading(root: HTMLElement): void {
  clearSlot(root, 'loading');
}
