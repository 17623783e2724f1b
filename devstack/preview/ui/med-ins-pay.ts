/**
 * The sheet wx.requestMedicalInsurancePay shows (医保移动支付): the merchant, the cash part in large
 * type (or 医保全额支付), then 订单总额, 医保统筹, 个人账户 (其他医保 when any) and 微信支付现金, and a
 * green 确认支付; × and Escape cancel, the mask does not.
 *
 * Test ids: medpay, medpay-merchant, medpay-amount, medpay-total, medpay-fund, medpay-account,
 * medpay-other, medpay-cash, medpay-confirm, medpay-cancel.
 */
import { button, el, uid } from './dom';
import { openPaySheet, row, yuan } from './payment';
import type { PaymentChoice } from './payment';

export interface MedInsSheetOptions {
  merchant: string;
  totalFen: number;
  fundFen: number;
  accountFen: number;
  otherFen: number;
  cashFen: number;
}

function buildSheet(root: HTMLElement, o: MedInsSheetOptions) {
  const titleId = uid('mpui-medpay-title');
  const sheet = el(root, 'div', 'mpui-sheet mpui-pay', {
    role: 'dialog',
    'aria-modal': 'true',
    'aria-labelledby': titleId,
    tabindex: '-1',
    'data-testid': 'medpay',
  });
  const hd = el(root, 'div', 'mpui-pay__hd');
  const cancelBtn = button(root, 'mpui-pay__close', 'medpay-cancel', '×');
  cancelBtn.setAttribute('aria-label', '取消');
  hd.append(cancelBtn, el(root, 'div', 'mpui-pay__brand', { id: titleId }, '医保移动支付'));
  const amount = o.cashFen > 0 ? yuan(o.cashFen) : '医保全额支付';
  sheet.append(
    hd,
    el(root, 'div', 'mpui-pay__merchant', { 'data-testid': 'medpay-merchant' }, o.merchant),
    el(root, 'div', 'mpui-pay__amount', { 'data-testid': 'medpay-amount' }, amount),
  );
  const rows = el(root, 'div', 'mpui-pay__rows');
  rows.append(
    row(root, '订单总额', yuan(o.totalFen), 'medpay-total'),
    row(root, '医保统筹', yuan(o.fundFen), 'medpay-fund'),
    row(root, '个人账户', yuan(o.accountFen), 'medpay-account'),
  );
  if (o.otherFen > 0) rows.append(row(root, '其他医保', yuan(o.otherFen), 'medpay-other'));
  rows.append(row(root, '微信支付现金', yuan(o.cashFen), 'medpay-cash'));
  sheet.appendChild(rows);
  const confirmBtn = button(root, 'mpui-pay__confirm', 'medpay-confirm', '确认支付');
  sheet.appendChild(confirmBtn);
  return { sheet, cancelBtn, confirmBtn };
}

export function showMedInsPaySheet(root: HTMLElement, opts: MedInsSheetOptions): Promise<PaymentChoice> {
  return openPaySheet(root, buildSheet(root, opts));
}
