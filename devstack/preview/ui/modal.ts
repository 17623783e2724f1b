/** wx.showModal look-alike: white rounded dialog, optional input, 取消 | 确定 button row. */

import { blockingLayer, button, el, isComposing, pushKeyHandler, trapInitialFocus, uid } from './dom';

export interface ModalOptions {
  title?: string;
  content?: string;
  showCancel?: boolean;
  cancelText?: string;
  confirmText?: string;
  cancelColor?: string;
  confirmColor?: string;
  editable?: boolean;
  placeholderText?: string;
}

export interface ModalResult {
  confirm: boolean;
  cancel: boolean;
  content?: string;
}

export const DEFAULT_CONFIRM_COLOR = '#576B95';

export function showModal(root: HTMLElement, opts: ModalOptions): Promise<ModalResult> {
  const title = opts.title ?? '';
  const content = opts.content ?? '';
  const showCancel = opts.showCancel !== false;
  const editable = opts.editable === true;

  const node = blockingLayer(root, 'mpui-modal-layer');
  node.appendChild(el(root, 'div', 'mpui-mask'));

  const dialog = el(root, 'div', 'mpui-modal', {
    role: 'dialog',
    'aria-modal': 'true',
    tabindex: '-1',
    'data-testid': 'modal',
  });
  if (!title) dialog.classList.add('mpui-modal_no-title');
  if (editable) dialog.classList.add('mpui-modal_editable');

  if (title) {
    const titleId = uid('mpui-modal-title');
    const hd = el(root, 'div', 'mpui-modal__hd');
    hd.appendChild(el(root, 'h2', 'mpui-modal__title', { id: titleId, 'data-testid': 'modal-title' }, title));
    dialog.appendChild(hd);
    dialog.setAttribute('aria-labelledby', titleId);
  }

  let input: HTMLInputElement | undefined;
  if (editable) {
    // As in WeChat, `content` is the input's initial text when the modal is editable.
    const bd = el(root, 'div', 'mpui-modal__bd');
    input = el(root, 'input', 'mpui-modal__input', { type: 'text', 'data-testid': 'modal-input' });
    input.value = content;
    if (opts.placeholderText) input.placeholder = opts.placeholderText;
    if (title) input.setAttribute('aria-label', title);
    bd.appendChild(input);
    dialog.appendChild(bd);
  } else if (content || !title) {
    const bodyId = uid('mpui-modal-content');
    dialog.appendChild(el(root, 'div', 'mpui-modal__bd', { id: bodyId, 'data-testid': 'modal-content' }, content));
    dialog.setAttribute('aria-describedby', bodyId);
  }

  const ft = el(root, 'div', 'mpui-modal__ft');
  let cancelBtn: HTMLButtonElement | undefined;
  if (showCancel) {
    cancelBtn = button(root, 'mpui-modal__btn mpui-modal__btn_cancel', 'modal-cancel', opts.cancelText || '取消');
    if (opts.cancelColor) cancelBtn.style.color = opts.cancelColor;
    ft.appendChild(cancelBtn);
  }
  const confirmBtn = button(
    root,
    'mpui-modal__btn mpui-modal__btn_confirm',
    'modal-confirm',
    opts.confirmText || '确定',
  );
  confirmBtn.style.color = opts.confirmColor || DEFAULT_CONFIRM_COLOR;
  ft.appendChild(confirmBtn);
  dialog.appendChild(ft);
  node.appendChild(dialog);

  return new Promise<ModalResult>((resolve) => {
    let settled = false;
    const restoreFocus = trapInitialFocus(input ?? dialog);
    const popKeys = pushKeyHandler(root, (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        // Without a cancel button the only way out is 确定, as in WeChat; Escape still dismisses.
        close(false);
      } else if (event.key === 'Enter' && !isComposing(event)) {
        // A focused 取消 button handles its own Enter (native activation).
        if (cancelBtn && event.target === cancelBtn) return;
        event.preventDefault();
        close(true);
      }
    });

    function close(confirm: boolean): void {
      if (settled) return;
      settled = true;
      popKeys();
      const result: ModalResult = { confirm, cancel: !confirm };
      if (editable && confirm) result.content = input?.value ?? '';
      node.remove();
      restoreFocus();
      resolve(result);
    }

    confirmBtn.addEventListener('click', () => close(true));
    cancelBtn?.addEventListener('click', () => close(false));
  });
}
