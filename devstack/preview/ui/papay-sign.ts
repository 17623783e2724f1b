/**
 * WeChat Pay's contract-signing mini program (委托代扣 签约), as the preview shows it for
 * wx.navigateToMiniProgram to `wxbd687630cd02ce1d`: the merchant asking to open 自动扣费, the
 * account it shows in WeChat Pay (`contract_display_account`), and 同意并开通 / 取消.
 *
 * Resolves 'accept', 'decline' (取消) or 'back' (the back arrow, Escape: no answer at all).
 * Test ids: papay-sign, papay-sign-back, papay-merchant, papay-account, papay-confirm, papay-cancel.
 */
import { button, el } from './dom';
import { brand, openMiniProgramScreen } from './mini-program';
import { row } from './payment';

export type SignChoice = 'accept' | 'decline' | 'back';

export interface PapaySignOptions {
  merchant: string;
  displayAccount: string;
}

export function showPapaySign(root: HTMLElement, opts: PapaySignOptions): Promise<SignChoice> {
  const screen = openMiniProgramScreen(root, '微信支付', 'papay-sign', 'back');
  const card = el(root, 'div', 'mpui-mp__card');
  card.append(
    brand(root, '¥', '微信支付 · 委托代扣', '#07c160'),
    el(root, 'div', 'mpui-mp__headline', { 'data-testid': 'papay-merchant' }, `${opts.merchant} 申请开通自动扣费`),
    el(
      root,
      'div',
      'mpui-mp__text',
      undefined,
      '开通后，商户可在约定的限额内从你的微信支付自动扣款，无需输入密码；可随时在“微信 → 我 → 服务 → 钱包 → 支付设置 → 自动续费”中解除。',
    ),
  );
  const rows = el(root, 'div', 'mpui-mp__card');
  rows.append(
    row(root, '扣费账户', opts.displayAccount, 'papay-account'),
    row(root, '扣费方式', '免密支付（零钱或银行卡）', 'papay-method'),
  );
  const actions = el(root, 'div', 'mpui-mp__actions');
  const confirm = button(root, 'mpui-mp__primary', 'papay-confirm', '同意并开通');
  const cancel = button(root, 'mpui-mp__secondary', 'papay-cancel', '取消');
  actions.append(confirm, cancel);
  rows.append(actions);
  screen.body.append(card, rows);
  confirm.addEventListener('click', () => screen.close('accept'));
  cancel.addEventListener('click', () => screen.close('decline'));
  return screen.closed as Promise<SignChoice>;
}
