/**
 * The contract-signing mini program (appId `wxbd687630cd02ce1d`, path `pages/index/index`) the
 * merchant's mini program jumps to with `wx.navigateToMiniProgram({extraData})`. The browser
 * preview calls `POST /sandbox/papay/sign {extraData, openid, accept}` when that jump happens:
 *
 * - extraData is checked as WeChat's mini program does: mch_id, then `sign` (upper-case MD5 with
 *   the APIv2 key, papay-sign.ts), appid, plan_id (the merchant's template), contract_code,
 *   request_serial (int64, no leading 0, unique per merchant), contract_display_account (≤ 32
 *   characters, no emoji), notify_url (http/https), timestamp (10 digits);
 * - `accept: true` signs: a contract in force (contract_id of 24 digits, contract_expired_time a
 *   year on) and the ADD notification to notify_url; `accept: false` is the user declining.
 *
 * The answer is what `App.onShow`'s `referrerInfo.extraData` then carries back:
 * `{return_code:'SUCCESS', return_msg:'OK', contract_id}` or `{return_code:'FAIL', return_msg}`.
 * The same request again (same request_serial, contract_code and user, still in force) answers
 * the same contract_id without a second notification; a request_serial is used up only by a
 * signed contract, so a declined request may be repeated.
 */
import { now, type PayContext } from './context';
import { PayError } from './errors';
import { digits } from './ids';
import { currentContract, queueContractNotice } from './papay-contracts';
import { verifyV2Sign, type V2Fields } from './papay-sign';
import type { ContractRow } from './papay-store';
import { compactTime } from './time';
import { isObject, type Json } from './validate';

export const PAPAY_MINI_PROGRAM_APPID = 'wxbd687630cd02ce1d';
export const PAPAY_MINI_PROGRAM_PATH = 'pages/index/index';
/** How long a signed contract runs (the template's validity; WeChat's templates vary). */
export const CONTRACT_TTL_MS = 365 * 86_400_000;

const EXTRA_FIELDS = [
  'appid',
  'mch_id',
  'plan_id',
  'contract_code',
  'request_serial',
  'contract_display_account',
  'notify_url',
  'timestamp',
  'sign',
] as const;
const INT64_MAX = 9223372036854775807n;
const EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u{FE0F}\u{20E3}\u{200D}]/u;

export type SignAnswer =
  { return_code: 'SUCCESS'; return_msg: 'OK'; contract_id: string } | { return_code: 'FAIL'; return_msg: string };

/** What the signing mini program shows and hands back as a failure. */
class Refused extends Error {}

/** extraData's values as the strings that were signed (numbers allowed, as JS passes them). */
function extraDataOf(v: unknown): V2Fields {
  if (!isObject(v)) throw new Refused('extraData 应为对象');
  const out: V2Fields = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' && Number.isSafeInteger(val)) out[k] = String(val);
    else throw new Refused(`extraData.${k} 应为字符串`);
  }
  for (const k of EXTRA_FIELDS) if (!out[k]) throw new Refused(`缺少参数 ${k}`);
  return out;
}

function checkNotifyUrl(text: string): void {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || text.length > 256) {
    throw new Refused('notify_url 应为 http 或 https 开头的地址（≤ 256 字符）');
  }
}

/** The checks of the signing mini program, in its order; a failure is the message it shows. */
function checkExtraData(ctx: PayContext, e: V2Fields): void {
  const m = ctx.credentials.merchant;
  if (e.mch_id !== m.mchid) throw new Refused('商户号 mch_id 不存在');
  if (!verifyV2Sign(e, m.apiV2Key)) throw new Refused('签名错误');
  if (e.appid !== m.appid) throw new Refused('appid 与 mch_id 不匹配');
  if (e.plan_id !== m.papayPlanId) throw new Refused('模板 plan_id 不存在');
  if (!/^[0-9A-Za-z_-]{1,32}$/.test(e.contract_code!))
    throw new Refused('contract_code 应为 1～32 位字母、数字、_ 或 -');
  const serial = e.request_serial!;
  if (!/^[1-9]\d{0,18}$/.test(serial) || BigInt(serial) > INT64_MAX) {
    throw new Refused('request_serial 应为 int64 正整数，不能以 0 开头');
  }
  const account = e.contract_display_account!;
  if ([...account].length > 32) throw new Refused('contract_display_account 不能超过 32 个字符');
  if (EMOJI.test(account)) throw new Refused('contract_display_account 不能包含 emoji 表情');
  checkNotifyUrl(e.notify_url!);
  if (!/^\d{10}$/.test(e.timestamp!)) throw new Refused('timestamp 应为 10 位秒级时间戳');
}

/** The same signing request again: its contract, if it is that request's and still in force. */
function repeated(ctx: PayContext, e: V2Fields, openid: string): ContractRow | null {
  const prior = ctx.papay.store.contractBySerial(e.mch_id!, e.request_serial!);
  if (!prior) return null;
  const c = currentContract(ctx, prior);
  const same = c.state === 'ADD' && c.contract_code === e.contract_code && c.openid === openid;
  if (!same) throw new Refused('request_serial 已使用，请使用新的请求序列号');
  return c;
}

function createContract(ctx: PayContext, e: V2Fields, openid: string): ContractRow {
  const store = ctx.papay.store;
  const byCode = store.contractByCode(e.plan_id!, e.contract_code!);
  if (byCode && currentContract(ctx, byCode).state === 'ADD') throw new Refused('该签约协议号 contract_code 已签约');
  const inForce = store.contractsInForce(e.plan_id!, openid).map((c) => currentContract(ctx, c));
  if (inForce.some((c) => c.state === 'ADD')) throw new Refused('用户已签约该模板，请勿重复签约');
  const at = now(ctx);
  const contractId = `${compactTime(at).slice(0, 8)}${digits(16)}`;
  store.insertContract({
    contract_id: contractId,
    mch_id: e.mch_id!,
    appid: e.appid!,
    plan_id: e.plan_id!,
    contract_code: e.contract_code!,
    request_serial: e.request_serial!,
    contract_display_account: e.contract_display_account!,
    openid,
    notify_url: e.notify_url!,
    state: 'ADD',
    signed_at: at,
    expires_at: at + CONTRACT_TTL_MS,
    terminated_at: null,
    termination_mode: null,
    termination_remark: null,
  });
  const c = store.contract(contractId)!;
  queueContractNotice(ctx, c);
  return c;
}

function sandboxParams(body: Json): { openid: string; accept: boolean } {
  const { openid, accept } = body;
  if (typeof openid !== 'string' || !/^[0-9A-Za-z_-]{1,128}$/.test(openid)) {
    throw new PayError('PARAM_ERROR', 'openid 应为 1～128 位字母、数字、_ 或 -');
  }
  if (typeof accept !== 'boolean') throw new PayError('PARAM_ERROR', 'accept 应为 true（签约）或 false（用户取消）');
  return { openid, accept };
}

/** POST /sandbox/papay/sign. */
export function signThroughMiniProgram(ctx: PayContext, body: Json): SignAnswer {
  const { openid, accept } = sandboxParams(body);
  try {
    const e = extraDataOf(body.extraData);
    checkExtraData(ctx, e);
    if (!accept) return { return_code: 'FAIL', return_msg: '用户取消签约' };
    const c = ctx.store.tx(() => repeated(ctx, e, openid) ?? createContract(ctx, e, openid));
    return { return_code: 'SUCCESS', return_msg: 'OK', contract_id: c.contract_id };
  } catch (err) {
    if (err instanceof Refused) return { return_code: 'FAIL', return_msg: err.message };
    throw err;
  }
}
