/** wx.showActionSheet look-alike: bottom sheet of items with a separated 取消. */

import { blockingLayer, button, el, pushKeyHandler, trapInitialFocus } from './dom';

export interface ActionSheetOptions {
  itemList: string[];
  itemColor?: string;
  alertText?: string;
}

export function showActionSheet(root: HTMLElement, opts: ActionSheetOptions): Promise<{ tapIndex: number } | null> {
  const items = Array.isArray(opts.itemList) ? opts.itemList : [];
  const node = blockingLayer(root, 'mpui-sheet-layer');
  const mask = el(root, 'div', 'mpui-mask', { 'data-testid': 'actionsheet-mask' });
  node.appendChild(mask);

  const sheet = el(root, 'div', 'mpui-sheet mpui-actionsheet', {
    role: 'dialog',
    'aria-modal': 'true',
    tabindex: '-1',
    'data-testid': 'actionsheet',
  });
  const menu = el(root, 'div', 'mpui-actionsheet__menu', { role: 'menu' });
  if (opts.alertText) {
    menu.appendChild(
      el(root, 'div', 'mpui-actionsheet__alert', { 'data-testid': 'actionsheet-alert' }, opts.alertText),
    );
  }
  const itemButtons = items.map((text, i) => {
    const b = button(root, 'mpui-actionsheet__cell', `actionsheet-item-${i}`, String(text));
    b.setAttribute('role', 'menuitem');
    if (opts.itemColor) b.style.color = opts.itemColor;
    menu.appendChild(b);
    return b;
  });
  sheet.appendChild(menu);
  const cancelWrap = el(root, 'div', 'mpui-actionsheet__cancel-wrap');
  const cancelBtn = button(root, 'mpui-actionsheet__cell mpui-actionsheet__cancel', 'actionsheet-cancel', '取消');
  cancelWrap.appendChild(cancelBtn);
  sheet.appendChild(cancelWrap);
  node.appendChild(sheet);

  return new Promise((resolve) => {
    let settled = false;
    const restoreFocus = trapInitialFocus(sheet);
    const popKeys = pushKeyHandler(root, (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        close(null);
      }
    });

    function close(result: { tapIndex: number } | null): void {
      if (settled) return;
      settled = true;
      popKeys();
      node.remove();
      restoreFocus();
      resolve(result);
    }

    itemButtons.forEach((b, tapIndex) => b.addEventListener('click', () => close({ tapIndex })));
    cancelBtn.addEventListener('click', () => close(null));
    mask.addEventListener('click', () => close(null));
  });
}
