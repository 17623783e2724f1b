/**
 * wx.requestPayment of the preview, against the devstack's pay sandbox (WeChat Pay emulation):
 *
 * 1. the parameters are checked as WeChat checks them (all five strings, `package` = `prepay_id=…`);
 * 2. `GET /paysandbox/prepay/<prepay_id>` → `{ prepay_id, order: { out_trade_no, description, total } }`
 *    gives the sheet its amount (the parameters do not carry it);
 * 3. the WeChat Pay sheet (merchant 智慧医院): 取消 → `POST /paysandbox/prepay/<prepay_id>/refuse`
 *    (the sandbox notes the payer closed the sheet; nothing changes at WeChat Pay) and
 *    `requestPayment:fail cancel`;
 * 4. 确认支付 → `POST /paysandbox/prepay/<prepay_id>/pay` with the five parameters, which pays the
 *    order in the sandbox (it checks the signature, and notifies the payment function as WeChat
 *    Pay would); its success → `requestPayment:ok`.
 *
 * The devstack proxies `/paysandbox/<rest>` to the sandbox's `/sandbox/<rest>` (./sandbox-fetch.ts).
 * A sandbox that does not answer, or refuses, is a red banner as well as a `fail`.
 */
import * as ui from '../ui/index';
import { failLoudly as fail, sandbox as call, type SandboxDeps, type SandboxResponse } from './sandbox-fetch';
import { WxFail } from './wx-fail';

export const MERCHANT_NAME = '智慧医院';

const PARAM_NAMES = ['timeStamp', 'nonceStr', 'package', 'signType', 'paySign'] as const;
type PayParam = (typeof PARAM_NAMES)[number];
export type PayParams = Record<PayParam, string>;

export type PayDeps = SandboxDeps;
export type { SandboxResponse };

/** The order summary of a prepay (`order`); a flat `{ description, amount: { total } }` is read too. */
interface OrderSummary {
  description?: unknown;
  total?: unknown;
  amount?: { total?: unknown };
}

function summaryOf(info: Record<string, unknown>): { description: string; amountFen: number | null } {
  const o = (info.order && typeof info.order === 'object' ? info.order : info) as OrderSummary;
  const total = typeof o.total === 'number' ? o.total : o.amount?.total;
  return {
    description: typeof o.description === 'string' ? o.description : '',
    amountFen: typeof total === 'number' ? total : null,
  };
}

/** The five parameters, or a `fail` naming the first one missing, as WeChat does. */
export function payParamsOf(opts: Record<string, unknown>): PayParams {
  const out = {} as PayParams;
  for (const name of PARAM_NAMES) {
    const v = opts[name];
    if (typeof v !== 'string' || !v)
      throw new WxFail(`requestPayment:fail parameter error: ${name} should be a string`);
    out[name] = v;
  }
  if (!/^prepay_id=\S+$/.test(out.package))
    throw new WxFail('requestPayment:fail parameter error: package should be "prepay_id=…"');
  return out;
}

const API = 'requestPayment';

function failLoudly(deps: PayDeps, why: string): never {
  return fail(deps, API, why);
}

function sandbox(deps: PayDeps, method: 'GET' | 'POST', path: string, body?: unknown) {
  return call(deps, API, method, path, body);
}

/** 取消: tells the sandbox the sheet was closed; a failure there changes nothing for the page. */
async function noteRefusal(deps: PayDeps, prepayId: string): Promise<void> {
  try {
    await deps.fetch(`${deps.origin}/paysandbox/prepay/${prepayId}/refuse`, { method: 'POST' });
  } catch (err) {
    console.warn(`[preview] wx.requestPayment: could not note the cancel in the pay sandbox: ${String(err)}`);
  }
}

export async function requestPayment(opts: Record<string, unknown>, deps: PayDeps): Promise<Record<string, unknown>> {
  const params = payParamsOf(opts);
  const prepayId = encodeURIComponent(params.package.slice('prepay_id='.length));
  const { description, amountFen } = summaryOf(await sandbox(deps, 'GET', `prepay/${prepayId}`));
  if (amountFen === null) return failLoudly(deps, `the pay sandbox gave no amount for ${prepayId}`);

  const root = deps.root();
  const choice = await ui.showPaymentSheet(root, { merchant: MERCHANT_NAME, description, amountFen });
  if (choice === 'cancel') {
    await noteRefusal(deps, prepayId);
    throw new WxFail('requestPayment:fail cancel');
  }

  ui.showLoading(root, { title: '正在支付', mask: true });
  try {
    await sandbox(deps, 'POST', `prepay/${prepayId}/pay`, params);
  } finally {
    ui.hideLoading(root);
  }
  ui.showToast(root, { title: '支付成功', icon: 'success', duration: 1500 });
  return {};
}
