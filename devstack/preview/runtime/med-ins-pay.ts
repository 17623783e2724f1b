/**
 * wx.requestMedicalInsurancePay of the preview, against the devstack's pay sandbox:
 *
 * 1. `mixTradeNo` is required; the cash part's five parameters (timeStamp, nonceStr, package,
 *    signType, paySign) come all together or not at all (an order without cash);
 * 2. `GET /paysandbox/med-ins/<mixTradeNo>` → the mixed order: its total, 医保统筹, 个人账户 and cash
 *    for the sheet (../ui/med-ins-pay.ts);
 * 3. 确认支付 → `POST /paysandbox/med-ins/<mixTradeNo>/pay-sheet` with the parameters (the sandbox
 *    checks them as WeChat's client does, pays the cash part, then settles the 医保 part a moment
 *    later and notifies) → `requestMedicalInsurancePay:ok`; × → `requestMedicalInsurancePay:fail cancel`.
 */
import * as ui from '../ui/index';
import { MERCHANT_NAME } from './pay';
import { failLoudly, sandbox, type SandboxDeps } from './sandbox-fetch';
import { WxFail } from './wx-fail';

const API = 'requestMedicalInsurancePay';
const CASH_PARAMS = ['timeStamp', 'nonceStr', 'package', 'signType', 'paySign'] as const;

/** The parameters as WeChat takes them, or a `fail` naming the problem. */
export function medInsParamsOf(opts: Record<string, unknown>): Record<string, string> {
  if (typeof opts.mixTradeNo !== 'string' || !opts.mixTradeNo)
    throw new WxFail(`${API}:fail parameter error: mixTradeNo should be a string`);
  const out: Record<string, string> = { mixTradeNo: opts.mixTradeNo };
  const given = CASH_PARAMS.filter((k) => opts[k] !== undefined);
  if (given.length === 0) return out;
  for (const k of CASH_PARAMS) {
    const v = opts[k];
    if (typeof v !== 'string' || !v) throw new WxFail(`${API}:fail parameter error: ${k} should be a string`);
    out[k] = v;
  }
  return out;
}

const fen = (o: Record<string, unknown>, k: string): number => (typeof o[k] === 'number' ? (o[k] as number) : 0);

export async function requestMedicalInsurancePay(
  opts: Record<string, unknown>,
  deps: SandboxDeps,
): Promise<Record<string, unknown>> {
  const params = medInsParamsOf(opts);
  const no = encodeURIComponent(params.mixTradeNo!);
  const info = await sandbox(deps, API, 'GET', `med-ins/${no}`);
  const order = info.order && typeof info.order === 'object' ? (info.order as Record<string, unknown>) : null;
  if (!order || typeof order.total_fee !== 'number')
    return failLoudly(deps, API, `the pay sandbox gave no order for ${no}`);

  const root = deps.root();
  const choice = await ui.showMedInsPaySheet(root, {
    merchant: MERCHANT_NAME,
    totalFen: order.total_fee,
    fundFen: fen(order, 'med_ins_gov_fee'),
    accountFen: fen(order, 'med_ins_self_fee'),
    otherFen: fen(order, 'med_ins_other_fee'),
    cashFen: fen(order, 'wechat_pay_cash_fee'),
  });
  if (choice === 'cancel') throw new WxFail(`${API}:fail cancel`);

  ui.showLoading(root, { title: '正在支付', mask: true });
  try {
    await sandbox(deps, API, 'POST', `med-ins/${no}/pay-sheet`, params);
  } finally {
    ui.hideLoading(root);
  }
  ui.showToast(root, { title: '支付成功', icon: 'success', duration: 1500 });
  return {};
}
