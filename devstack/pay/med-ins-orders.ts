/**
 * 医保 mixed orders (移动医保支付 2.0): placing one, and the payer paying it.
 *
 * Placing (`POST /v3/med-ins/orders`), in WeChat's order of checks: `Wechatpay-Serial` names the
 * key the sensitive fields are encrypted with (PARAM_ERROR otherwise); the fields are well-formed
 * and payer/relative decrypt (PARAM_ERROR); appid is the merchant's (APPID_MCHID_NOT_MATCH); the
 * mix_pay_type rules and identities hold (RULE_LIMIT, med-ins-parse.ts). Then, for a new
 * out_trade_no: the prepay_id is a NOTPAY JSAPI order of this sandbox with the same out_trade_no,
 * appid and openid, amount = wechat_pay_cash_fee, not expired (RULE_LIMIT; ORDERPAID/ORDER_CLOSED);
 * the pay_auth_no is the 医保 gateway's, unused, unexpired, this openid's and city_id's, and the
 * insured person (relative when pay_for_relatives, else payer) is the one authorised: name and
 * id_digest (INVALID_REQUEST). The same out_trade_no with the same body (the payer compared by
 * its decrypted values) answers the same order; with another body → ALREADY_EXISTS.
 *
 * Paying (the payer's `wx.requestMedicalInsurancePay`): the cash part's JSAPI order is paid as any
 * (TRANSACTION.SUCCESS to its notify_url); the 医保 part settles `settleDelayMs` later →
 * MIX_PAY_SUCCESS and MEDICAL_INSURANCE.SUCCESS to callback_url — or, with the `medInsTimeout`
 * fault, times out: the order is reversed (the cash refunded at once, MIX_PAY_FAIL, no
 * notification). CASH_ONLY orders settle with the cash; INSURANCE_ONLY ones have no cash part.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { now, type PayContext } from './context';
import { PayError, paramError } from './errors';
import { newMixTradeNo, newRefundId } from './ids';
import { decryptSensitive } from './med-ins-identity';
import {
  applyMixPayRules,
  orderEcho,
  parseMedInsOrder,
  type Amounts,
  type EncryptedPerson,
  type MedInsRequest,
} from './med-ins-parse';
import type { MedInsOrderRow } from './med-ins-store';
import { medInsStatuses, mixedOrderView, queueMedInsNotification } from './med-ins-views';
import { currentOrder, payOrder } from './orders';
import { canonicalJson, type Json } from './validate';

interface Person {
  name: string;
  idDigest: string;
}

/** The private key of the WeChat Pay key the request's `Wechatpay-Serial` names. */
function sensitiveKey(ctx: PayContext, serial: string | undefined): KeyObject {
  const m = ctx.credentials.merchant;
  const detail = (issue: string) => ({ field: 'Wechatpay-Serial', issue, location: 'header' as const });
  if (!serial) {
    throw new PayError(
      'PARAM_ERROR',
      '请求头 Wechatpay-Serial 缺失：敏感字段须用微信支付公钥加密，并在该请求头中传入其公钥 ID',
      detail('missing'),
    );
  }
  if (serial === m.wechatpayPublicKeyId && ctx.signer.mode !== 'platformCert')
    return ctx.credentials.wechatpayPrivateKey;
  if (serial === m.platformCertificateSerial && ctx.signer.hasPlatformCertificate()) {
    return ctx.credentials.platformPrivateKey;
  }
  throw new PayError(
    'PARAM_ERROR',
    `Wechatpay-Serial ${serial} 不是该商户可用的微信支付公钥 ID 或平台证书序列号`,
    detail('unknown serial'),
  );
}

/** Decrypts one identity; the plaintext never goes into an error, a log or the store. */
function decryptPerson(key: KeyObject, p: EncryptedPerson, path: string): Person {
  const failed = 'RSA-OAEP 解密失败：应为用 Wechatpay-Serial 所指的微信支付公钥加密后的 Base64';
  const name = decryptSensitive(key, p.name);
  if (name === null) throw paramError('body', `${path}.name`, failed);
  if (name.trim() === '' || Array.from(name).length > 64) {
    throw paramError('body', `${path}.name`, '解密后的姓名应为 1～64 个字符');
  }
  const idDigest = decryptSensitive(key, p.idDigest);
  if (idDigest === null) throw paramError('body', `${path}.id_digest`, failed);
  if (!/^[0-9a-f]{32}$/.test(idDigest)) {
    throw paramError('body', `${path}.id_digest`, '解密后应为证件号（字母大写）MD5 的 32 位小写十六进制摘要');
  }
  return { name, idDigest };
}

/** "The same body": the request with the ciphertexts (new at every encryption) replaced by a hash of their plaintext. */
function requestKey(body: Json, payer: Person, relative: Person | undefined): string {
  const plain = JSON.stringify([payer.name, payer.idDigest, relative?.name ?? null, relative?.idDigest ?? null]);
  const people = createHash('sha256').update(plain, 'utf8').digest('hex');
  const cardType = (v: unknown): unknown => (typeof v === 'object' && v !== null ? (v as Json).card_type : v);
  const rest = { ...body, payer: cardType(body.payer), relative: cardType(body.relative) };
  return `${canonicalJson(rest)}\n${people}`;
}

const ruleLimit = (message: string): PayError => new PayError('RULE_LIMIT', message);

function checkPrepay(ctx: PayContext, r: MedInsRequest, a: Amounts): void {
  const prepayId = r.prepayId!;
  const prepay = ctx.store.prepay(prepayId);
  if (!prepay) throw ruleLimit(`prepay_id ${prepayId} 不存在：应为本商户 JSAPI 下单（自费部分）返回的 prepay_id`);
  if (prepay.out_trade_no !== r.outTradeNo) {
    throw ruleLimit('自费预下单与医保下单的 out_trade_no 必须一致（prepay_id 属于另一笔订单）');
  }
  const cash = currentOrder(ctx, prepay.out_trade_no)!;
  if (cash.trade_state === 'SUCCESS' || cash.trade_state === 'REFUND') {
    throw new PayError('ORDERPAID', '自费部分订单已支付');
  }
  if (cash.trade_state === 'CLOSED') throw new PayError('ORDER_CLOSED', '自费部分订单已关闭');
  if (now(ctx) >= prepay.expires_at) throw ruleLimit('prepay_id 已过期（有效期 2 小时），请重新 JSAPI 下单');
  if (cash.total !== a.wechatPayCash) {
    throw ruleLimit(`自费金额校验不通过：prepay_id 的订单金额 ${cash.total} ≠ wechat_pay_cash_fee ${a.wechatPayCash}`);
  }
  if (cash.appid !== r.appid || cash.openid !== r.openid) {
    throw new PayError('INVALID_REQUEST', '自费预下单的 appid/openid 与医保下单的不一致');
  }
}

function checkPayAuth(ctx: PayContext, r: MedInsRequest, insured: Person): void {
  const auth = ctx.medIns.store.payAuth(r.payAuthNo!);
  const invalid = (why: string): PayError => new PayError('INVALID_REQUEST', `PAY_AUTH_NO 校验失败：${why}`);
  if (!auth) throw invalid('不存在（应为医保授权换取的 payAuthNo）');
  if (auth.used_by !== null) throw invalid('已被使用（一次授权只能下一笔医保订单）');
  if (now(ctx) >= auth.expires_at) throw invalid('已过期（有效期 10 分钟），请重新授权');
  if (auth.openid !== r.openid) throw invalid('不属于该 openid 的用户');
  if (auth.city_id !== r.cityId) {
    throw new PayError('INVALID_REQUEST', `city_id ${r.cityId} 与医保授权的参保地 ${auth.city_id} 不一致`);
  }
  const who = r.payForRelatives ? '亲属（relative）' : '用户（payer）';
  if (insured.idDigest !== auth.id_digest) {
    throw new PayError('INVALID_REQUEST', `入参${who}身份ID摘要和医保电子凭证绑卡身份ID摘要不匹配`);
  }
  if (insured.name !== auth.user_name) {
    throw new PayError('INVALID_REQUEST', `入参${who}姓名和医保电子凭证绑卡姓名不匹配`);
  }
}

/** POST /v3/med-ins/orders → the mixed order (MIX_PAY_CREATED), or the same one again. */
export function createMedInsOrder(ctx: PayContext, body: Json, serial: string | undefined): Json {
  const key = sensitiveKey(ctx, serial);
  const r = parseMedInsOrder(body);
  const payer = decryptPerson(key, r.payer, 'payer');
  const relative = r.relative && decryptPerson(key, r.relative, 'relative');
  if (r.appid !== ctx.credentials.merchant.appid) throw new PayError('APPID_MCHID_NOT_MATCH', 'AppID和mch_id不匹配');
  const a = applyMixPayRules(r, body);
  const reqKey = requestKey(body, payer, relative);
  const store = ctx.medIns.store;
  return ctx.store.tx(() => {
    const existing = store.orderByOutTradeNo(r.outTradeNo);
    if (existing) {
      if (existing.request_key !== reqKey) {
        throw new PayError('ALREADY_EXISTS', '订单已存在：该 out_trade_no 已用于另一笔参数不同的医保订单');
      }
      return mixedOrderView(ctx, existing);
    }
    if (r.prepayId !== undefined) checkPrepay(ctx, r, a);
    if (r.payAuthNo !== undefined) checkPayAuth(ctx, r, relative ?? payer);
    const at = now(ctx);
    const mixTradeNo = newMixTradeNo(at);
    store.insertOrder({
      mix_trade_no: mixTradeNo,
      out_trade_no: r.outTradeNo,
      mix_pay_type: r.mixPayType,
      request_key: reqKey,
      order_json: JSON.stringify(orderEcho(r, a)),
      prepay_id: r.prepayId ?? null,
      callback_url: r.callbackUrl,
      total_fee: a.total,
      med_ins_gov_fee: a.gov,
      med_ins_self_fee: a.self,
      med_ins_other_fee: a.other,
      wechat_pay_cash_fee: a.wechatPayCash,
      pay_auth_no: r.payAuthNo ?? null,
      mix_pay_status: 'MIX_PAY_CREATED',
      med_ins_pay_status: r.mixPayType === 'CASH_ONLY' ? 'NO_MED_INS_PAY' : 'MED_INS_PAY_CREATED',
      created_at: at,
      cash_paid_at: null,
      settle_at: null,
      paid_at: null,
      fail_reason: null,
      passthrough_response: null,
    });
    if (r.payAuthNo !== undefined) store.usePayAuth(r.payAuthNo, mixTradeNo);
    return mixedOrderView(ctx, store.order(mixTradeNo)!);
  });
}

export function requireMedInsOrder(ctx: PayContext, by: 'mix' | 'out', no: string): MedInsOrderRow {
  const o = by === 'mix' ? ctx.medIns.store.order(no) : ctx.medIns.store.orderByOutTradeNo(no);
  if (!o) throw new PayError('ORDER_NOT_EXIST', '未找到订单，请确认订单号是否正确');
  return o;
}

/** The payer confirms in the 医保 payment sheet: the cash part is paid, the 医保 part settles later. */
export function payMedInsOrder(ctx: PayContext, mixTradeNo: string, opts: { bankType?: string } = {}): MedInsOrderRow {
  const store = ctx.medIns.store;
  const paid = ctx.store.tx(() => {
    const o = requireMedInsOrder(ctx, 'mix', mixTradeNo);
    const { mix } = medInsStatuses(ctx, o);
    if (mix === 'MIX_PAY_SUCCESS' || mix === 'MIX_PAY_REFUND') throw new PayError('ORDERPAID', '该医保订单已支付');
    if (mix === 'MIX_PAY_FAIL') throw new PayError('ORDER_CLOSED', '该医保订单已失败');
    if (o.settle_at !== null) throw new PayError('ORDERPAID', '该医保订单已支付，医保部分结算中');
    if (o.prepay_id !== null) payOrder(ctx, o.out_trade_no, { prepayId: o.prepay_id, bankType: opts.bankType });
    const at = now(ctx);
    store.updateOrder(mixTradeNo, {
      cash_paid_at: o.prepay_id === null ? null : at,
      settle_at: Date.now() + (o.med_ins_pay_status === 'NO_MED_INS_PAY' ? 0 : ctx.medIns.settleDelayMs),
    });
    // Nothing to settle at the 医保 side of a CASH_ONLY order: it is done with its cash.
    if (o.med_ins_pay_status === 'NO_MED_INS_PAY') succeed(ctx, store.order(mixTradeNo)!);
    return store.order(mixTradeNo)!;
  });
  if (paid.settle_at !== null) scheduleMedInsSettle(ctx, paid);
  return paid;
}

export function scheduleMedInsSettle(ctx: PayContext, o: MedInsOrderRow): void {
  ctx.later(Math.max(0, (o.settle_at ?? 0) - Date.now()), () => settleMedIns(ctx, o.mix_trade_no));
}

/** After a restart: 医保 parts still settling settle (their due time is in the store). */
export function resumeMedIns(ctx: PayContext): void {
  for (const o of ctx.medIns.store.settling()) scheduleMedInsSettle(ctx, o);
}

/** The 医保 part settles: MIX_PAY_SUCCESS (and its notification), or reversed on `medInsTimeout`. */
export function settleMedIns(ctx: PayContext, mixTradeNo: string): void {
  ctx.store.tx(() => {
    const o = ctx.medIns.store.order(mixTradeNo);
    if (!o || o.mix_pay_status !== 'MIX_PAY_CREATED' || o.settle_at === null) return;
    if (ctx.faults.current().medInsTimeout) reverse(ctx, o);
    else succeed(ctx, o);
  });
}

function succeed(ctx: PayContext, o: MedInsOrderRow): void {
  const order = JSON.parse(o.order_json) as Json;
  const passthrough =
    o.pay_auth_no === null
      ? null
      : JSON.stringify({ payAuthNo: o.pay_auth_no, payOrdId: order.pay_order_id, setlLatlnt: order.geo_location });
  ctx.medIns.store.updateOrder(o.mix_trade_no, {
    mix_pay_status: 'MIX_PAY_SUCCESS',
    med_ins_pay_status: o.med_ins_pay_status === 'NO_MED_INS_PAY' ? 'NO_MED_INS_PAY' : 'MED_INS_PAY_SUCCESS',
    paid_at: now(ctx),
    settle_at: null,
    passthrough_response: passthrough,
  });
  queueMedInsNotification(ctx, ctx.medIns.store.order(o.mix_trade_no)!);
}

/** 医保 settlement timed out: WeChat reverses the order, the paid cash goes back at once. */
function reverse(ctx: PayContext, o: MedInsOrderRow): void {
  const at = now(ctx);
  const cash = o.cash_paid_at === null ? undefined : ctx.store.order(o.out_trade_no);
  const held = cash
    ? ctx.store
        .refundsOf(cash.out_trade_no)
        .filter((r) => r.status !== 'CLOSED')
        .reduce((s, r) => s + r.refund, 0)
    : 0;
  if (cash && cash.total > held) {
    ctx.store.insertRefund({
      out_refund_no: `REV${o.mix_trade_no}`,
      refund_id: newRefundId(at),
      out_trade_no: cash.out_trade_no,
      reason: '医保结算超时，自费部分冲正退回',
      notify_url: null,
      refund: cash.total - held,
      total: cash.total,
      currency: cash.currency,
      status: 'SUCCESS',
      created_at: at,
      settle_at: Date.now(),
      success_at: at,
    });
    ctx.store.updateOrder(cash.out_trade_no, { trade_state: 'REFUND' });
  }
  ctx.medIns.store.updateOrder(o.mix_trade_no, {
    mix_pay_status: 'MIX_PAY_FAIL',
    med_ins_pay_status: 'MED_INS_PAY_FAIL',
    settle_at: null,
    fail_reason: '医保结算超时，订单已冲正（自费部分已原路退回）',
  });
}
