/**
 * The WeChat Pay sheet wx.requestPayment shows: × (取消) top left, the merchant, the amount in
 * large type, what is bought and the payment method, and a green 确认支付. Tapping the mask does
 * nothing (WeChat's sheet must be answered); Escape cancels.
 *
 * Test ids: pay, pay-merchant, pay-amount, pay-description, pay-method, pay-confirm, pay-cancel.
 */

import { formatYuan } from '../../../common/money';
import { blockingLayer, button, el, pushKeyHandler, trapInitialFocus, uid } from './dom';

export interface PaymentSheetOptions {
  merchant: string;
  /** What is bought (the order's description); may be empty. */
  description: string;
  amountFen: number;
}

export type PaymentChoice = 'confirm' | 'cancel';

export const PAY_STYLE_ELEMENT_ID = 'mpui-pay-style';

const PAY_CSS = `
.mpui-pay { background: #fff; padding: 16px 24px 32px; }
.mpui-pay__hd { position: relative; height: 32px; }
.mpui-pay__close {
  position: absolute; left: -8px; top: 0; width: 40px; height: 32px;
  font-size: 24px !important; line-height: 32px; color: rgba(0, 0, 0, 0.9);
}
.mpui-pay__brand { text-align: center; font-size: 15px; line-height: 32px; color: rgba(0, 0, 0, 0.5); }
.mpui-pay__merchant { margin-top: 12px; text-align: center; font-size: 17px; color: rgba(0, 0, 0, 0.9); }
.mpui-pay__amount {
  margin-top: 8px; text-align: center; font-size: 40px; font-weight: 600;
  color: rgba(0, 0, 0, 0.9); font-variant-numeric: tabular-nums;
}
.mpui-pay__rows { margin: 24px 0 32px; border-top: 0.5px solid rgba(0, 0, 0, 0.1); }
.mpui-pay__row {
  display: flex; justify-content: space-between; gap: 16px; padding: 14px 0;
  font-size: 15px; border-bottom: 0.5px solid rgba(0, 0, 0, 0.1);
}
.mpui-pay__label { color: rgba(0, 0, 0, 0.5); flex: none; }
.mpui-pay__value { color: rgba(0, 0, 0, 0.9); text-align: right; word-break: break-all; }
.mpui-pay__confirm {
  display: block; width: 184px; height: 48px; margin: 0 auto; border-radius: 8px !important;
  background: #07c160 !important; color: #fff; font-size: 17px !important; font-weight: 600;
}
.mpui-pay__confirm:active { filter: brightness(0.92); }
`;

/** The sheet's styles, once per document (the 医保 sheet uses them too). */
export function ensurePayStyles(root: HTMLElement): void {
  const doc = root.ownerDocument;
  if (doc.getElementById(PAY_STYLE_ELEMENT_ID)) return;
  const style = doc.createElement('style');
  style.id = PAY_STYLE_ELEMENT_ID;
  style.textContent = PAY_CSS;
  (doc.head ?? doc.documentElement).appendChild(style);
}

/** Integer fen → `¥25.00` (integer arithmetic); never negative on a payment sheet. */
export const yuan = (fen: number): string => formatYuan(Math.max(0, fen));

export function row(root: HTMLElement, label: string, value: string, testId: string): HTMLElement {
  const r = el(root, 'div', 'mpui-pay__row');
  r.append(
    el(root, 'span', 'mpui-pay__label', undefined, label),
    el(root, 'span', 'mpui-pay__value', { 'data-testid': testId }, value),
  );
  return r;
}

function buildSheet(root: HTMLElement, opts: PaymentSheetOptions) {
  const titleId = uid('mpui-pay-title');
  const sheet = el(root, 'div', 'mpui-sheet mpui-pay', {
    role: 'dialog',
    'aria-modal': 'true',
    'aria-labelledby': titleId,
    tabindex: '-1',
    'data-testid': 'pay',
  });
  const hd = el(root, 'div', 'mpui-pay__hd');
  const cancelBtn = button(root, 'mpui-pay__close', 'pay-cancel', '×');
  cancelBtn.setAttribute('aria-label', '取消');
  cancelBtn.title = '取消';
  hd.append(cancelBtn, el(root, 'div', 'mpui-pay__brand', { id: titleId }, '微信支付'));
  sheet.appendChild(hd);
  sheet.appendChild(el(root, 'div', 'mpui-pay__merchant', { 'data-testid': 'pay-merchant' }, opts.merchant));
  sheet.appendChild(el(root, 'div', 'mpui-pay__amount', { 'data-testid': 'pay-amount' }, yuan(opts.amountFen)));
  const rows = el(root, 'div', 'mpui-pay__rows');
  if (opts.description) rows.appendChild(row(root, '商品', opts.description, 'pay-description'));
  rows.appendChild(row(root, '付款方式', '零钱', 'pay-method'));
  sheet.appendChild(rows);
  const confirmBtn = button(root, 'mpui-pay__confirm', 'pay-confirm', '确认支付');
  sheet.appendChild(confirmBtn);
  return { sheet, cancelBtn, confirmBtn };
}

export function showPaymentSheet(root: HTMLElement, opts: PaymentSheetOptions): Promise<PaymentChoice> {
  return openPaySheet(root, buildSheet(root, opts));
}

/**
 * Shows a built payment sheet over the phone until 确认支付, 取消 or Escape (focus kept inside
 * and given back): the 微信支付 sheet above and the 医保 one (./med-ins-pay.ts).
 */
export function openPaySheet(
  root: HTMLElement,
  built: { sheet: HTMLElement; cancelBtn: HTMLElement; confirmBtn: HTMLElement },
): Promise<PaymentChoice> {
  const node = blockingLayer(root, 'mpui-sheet-layer');
  ensurePayStyles(root);
  node.appendChild(el(root, 'div', 'mpui-mask'));
  const { sheet, cancelBtn, confirmBtn } = built;
  node.appendChild(sheet);

  return new Promise((resolve) => {
    let settled = false;
    const restoreFocus = trapInitialFocus(sheet);
    const popKeys = pushKeyHandler(root, (event) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      close('cancel');
    });

    function close(choice: PaymentChoice): void {
      if (settled) return;
      settled = true;
      popKeys();
      node.remove();
      restoreFocus();
      resolve(choice);
    }

    confirmBtn.addEventListener('click', () => close('confirm'));
    cancelBtn.addEventListener('click', () => close('cancel'));
  });
}
