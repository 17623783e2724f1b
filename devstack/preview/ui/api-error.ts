/** Red, stacked, never auto-hiding banners at the top of the phone screen for failed API calls. */

import { el, swallowPointerEvents } from './dom';
import { ensureStyles } from './styles';

export function showApiError(root: HTMLElement, message: string): void {
  ensureStyles(root);
  let stack = Array.from(root.children).find((c) => c.classList.contains('mpui-api-errors')) as HTMLElement | undefined;
  if (!stack) {
    stack = el(root, 'div', 'mpui-api-errors', { 'data-testid': 'api-errors' });
    root.appendChild(stack);
  } else {
    root.appendChild(stack); // keep the banners above widgets opened since
  }
  const banner = el(root, 'div', 'mpui-api-error', { role: 'alert', 'data-testid': 'api-error' });
  banner.appendChild(el(root, 'div', 'mpui-api-error__msg', { 'data-testid': 'api-error-message' }, String(message)));
  const close = el(
    root,
    'button',
    'mpui-api-error__close',
    {
      type: 'button',
      'aria-label': '关闭',
      title: '关闭',
      'data-testid': 'api-error-close',
    },
    '×',
  );
  banner.appendChild(close);
  swallowPointerEvents(banner);
  const owner = stack;
  close.addEventListener('click', () => {
    banner.remove();
    if (!owner.firstElementChild) owner.remove();
  });
  stack.appendChild(banner);
}
