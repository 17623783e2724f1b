/**
 * The rules of JSAPI orders: placing one (validated as WeChat does, the same out_trade_no with the
 * same parameters answering the same prepay_id), closing it, its closing itself at time_expire (or
 * after 7 days), and the payer paying or cancelling in the payment sheet.
 */
import { now, type PayContext } from './context';
import { PayError } from './errors';
import { newPrepayId, newTransactionId } from './ids';
import type { OrderRow } from './store';
import { parseRfc3339 } from './time';
import { notificationBody, transactionView } from './views';
import {
  canonicalJson,
  checkCurrency,
  checkInt,
  checkNotifyUrl,
  checkObject,
  checkString,
  optionalString,
  type Json,
} from './validate';

/** A prepay_id can start a payment for 2 hours. */
export const PREPAY_TTL_MS = 2 * 3_600_000;
/** An order without time_expire closes itself after 7 days. */
export const DEFAULT_ORDER_TTL_MS = 7 * 86_400_000;

const OUT_TRADE_NO = { min: 6, max: 32, pattern: /^[0-9A-Za-z_\-*]+$/, patternText: '6～32 位数字、大小写字母或 _-*' };

interface JsapiRequest {
  appid: string;
  mchid: string;
  description: string;
  outTradeNo: string;
  timeExpire: string | undefined;
  expiresAtMs: number | undefined;
  attach: string | undefined;
  notifyUrl: string;
  total: number;
  currency: string;
  openid: string;
}

function parseJsapi(body: Json): JsapiRequest {
  const amount = checkObject(body.amount, 'amount');
  const payer = checkObject(body.payer, 'payer');
  const timeExpire = optionalString(body.time_expire, 'time_expire', { max: 64 });
  const expiresAtMs = timeExpire === undefined ? undefined : parseRfc3339(timeExpire);
  if (expiresAtMs === null) {
    throw new PayError('PARAM_ERROR', 'time_expire 应为 RFC 3339 格式，如 2018-06-08T10:34:56+08:00', {
      field: '/time_expire',
      value: timeExpire,
      issue: 'not RFC 3339',
      location: 'body',
    });
  }
  return {
    appid: checkString(body.appid, 'appid', { max: 32 }),
    mchid: checkString(body.mchid, 'mchid', { max: 32 }),
    description: checkString(body.description, 'description', { max: 127 }),
    outTradeNo: checkString(body.out_trade_no, 'out_trade_no', OUT_TRADE_NO),
    timeExpire,
    expiresAtMs,
    attach: optionalString(body.attach, 'attach', { max: 128 }),
    notifyUrl: checkNotifyUrl(body.notify_url, 'notify_url'),
    total: checkInt(amount.total, 'amount.total', 1),
    currency: checkCurrency(amount.currency, 'amount.currency', false),
    openid: checkString(payer.openid, 'payer.openid', { max: 128 }),
  };
}

/** The mchid of a body or query must be the signing merchant's. */
export function checkMchid(ctx: PayContext, mchid: string): void {
  if (mchid !== ctx.credentials.merchant.mchid) {
    throw new PayError('INVALID_REQUEST', `mchid ${mchid} 与请求头 Authorization 中的商户号不一致`);
  }
}

/** The order as it stands now: an unpaid order past its expiry is closed on the way. */
export function currentOrder(ctx: PayContext, outTradeNo: string): OrderRow | undefined {
  const o = ctx.store.order(outTradeNo);
  if (o && o.trade_state === 'NOTPAY' && now(ctx) >= o.expires_at) {
    ctx.store.updateOrder(outTradeNo, { trade_state: 'CLOSED', closed_at: o.expires_at });
    return ctx.store.order(outTradeNo);
  }
  return o;
}

export function requireOrder(ctx: PayContext, outTradeNo: string): OrderRow {
  const o = currentOrder(ctx, outTradeNo);
  if (!o) throw new PayError('ORDER_NOT_EXIST', '订单不存在');
  return o;
}

function refuseIfPaidOrClosed(o: OrderRow): void {
  if (o.trade_state === 'SUCCESS' || o.trade_state === 'REFUND') throw new PayError('ORDERPAID', '该订单已支付');
  if (o.trade_state === 'CLOSED') throw new PayError('ORDER_CLOSED', '订单已关闭');
}

/** POST /v3/pay/transactions/jsapi → `{prepay_id}`. */
export function placeJsapi(ctx: PayContext, body: Json): { prepay_id: string } {
  const r = parseJsapi(body);
  const m = ctx.credentials.merchant;
  if (r.appid !== m.appid) throw new PayError('APPID_MCHID_NOT_MATCH', 'AppID和mch_id不匹配');
  checkMchid(ctx, r.mchid);
  const at = now(ctx);
  if (r.expiresAtMs !== undefined && r.expiresAtMs <= at) {
    throw new PayError('INVALID_REQUEST', '订单失效时间 time_expire 必须晚于当前时间');
  }
  const canonical = canonicalJson(body);
  return ctx.store.tx(() => {
    const existing = currentOrder(ctx, r.outTradeNo);
    if (existing) return repeatOrder(ctx, existing, canonical);
    const prepayId = newPrepayId(at);
    ctx.store.insertOrder({
      out_trade_no: r.outTradeNo,
      appid: r.appid,
      mchid: r.mchid,
      description: r.description,
      attach: r.attach ?? null,
      notify_url: r.notifyUrl,
      total: r.total,
      currency: r.currency,
      openid: r.openid,
      time_expire: r.timeExpire ?? null,
      expires_at: r.expiresAtMs ?? at + DEFAULT_ORDER_TTL_MS,
      request_json: canonical,
      prepay_id: prepayId,
      prepay_expires_at: at + PREPAY_TTL_MS,
      trade_state: 'NOTPAY',
      transaction_id: null,
      bank_type: null,
      success_at: null,
      created_at: at,
      closed_at: null,
      user_cancelled_at: null,
    });
    return { prepay_id: prepayId };
  });
}

/** The same out_trade_no again: the same answer for the same parameters, refused otherwise. */
function repeatOrder(ctx: PayContext, o: OrderRow, canonical: string): { prepay_id: string } {
  refuseIfPaidOrClosed(o);
  if (o.request_json !== canonical) throw new PayError('INVALID_REQUEST', '201 商户订单号重复');
  const at = now(ctx);
  if (at < o.prepay_expires_at) return { prepay_id: o.prepay_id };
  // The old prepay_id has lapsed: the unpaid order gets a new one.
  const prepayId = newPrepayId(at);
  ctx.store.renewPrepay(o.out_trade_no, prepayId, at + PREPAY_TTL_MS);
  return { prepay_id: prepayId };
}

/** POST …/out-trade-no/{no}/close: an unpaid order closes (again: nothing to do); a paid one cannot. */
export function closeOrder(ctx: PayContext, outTradeNo: string, body: Json): void {
  checkMchid(ctx, checkString(body.mchid, 'mchid', { max: 32 }));
  ctx.store.tx(() => {
    const o = requireOrder(ctx, outTradeNo);
    if (o.trade_state === 'SUCCESS' || o.trade_state === 'REFUND') throw new PayError('ORDERPAID', '订单已支付');
    if (o.trade_state === 'NOTPAY') ctx.store.updateOrder(outTradeNo, { trade_state: 'CLOSED', closed_at: now(ctx) });
  });
}

export interface PayOptions {
  bankType?: string;
  /** When paying through the payment sheet: the prepay_id it was opened with. */
  prepayId?: string;
}

function checkBankType(v: string | undefined): string {
  if (v === undefined) return 'OTHERS';
  if (!/^[A-Z0-9_]{1,32}$/.test(v))
    throw new PayError('PARAM_ERROR', 'bank_type 应为 1～32 位大写字母、数字或 _，如 OTHERS、CMB_DEBIT');
  return v;
}

/** The payer pays: NOTPAY → SUCCESS, then the TRANSACTION.SUCCESS notification goes out. */
export function payOrder(ctx: PayContext, outTradeNo: string, opts: PayOptions = {}): OrderRow {
  const bankType = checkBankType(opts.bankType);
  const paid = ctx.store.tx(() => {
    const o = requireOrder(ctx, outTradeNo);
    refuseIfPaidOrClosed(o);
    const at = now(ctx);
    const prepay = opts.prepayId === undefined ? undefined : ctx.store.prepay(opts.prepayId);
    const expiresAt = prepay ? prepay.expires_at : o.prepay_expires_at;
    if (at >= expiresAt) throw new PayError('PREPAY_EXPIRED', 'prepay_id 已过期（有效期 2 小时），请重新下单获取');
    ctx.store.updateOrder(outTradeNo, {
      trade_state: 'SUCCESS',
      transaction_id: newTransactionId(at),
      bank_type: bankType,
      success_at: at,
    });
    const updated = ctx.store.order(outTradeNo)!;
    queueNotification(ctx, updated, null, 'TRANSACTION.SUCCESS', transactionView(updated), updated.notify_url);
    return updated;
  });
  return paid;
}

/** The payer closes the payment sheet: nothing changes at WeChat Pay, nothing is notified. */
export function refuseOrder(ctx: PayContext, outTradeNo: string): OrderRow {
  return ctx.store.tx(() => {
    const o = requireOrder(ctx, outTradeNo);
    refuseIfPaidOrClosed(o);
    ctx.store.updateOrder(outTradeNo, { user_cancelled_at: now(ctx) });
    return ctx.store.order(outTradeNo)!;
  });
}

/** Stores a notification and hands it to the notifier (after the transaction has committed). */
export function queueNotification(
  ctx: PayContext,
  o: OrderRow,
  outRefundNo: string | null,
  eventType: Parameters<typeof notificationBody>[0],
  resource: Record<string, unknown>,
  url: string,
): void {
  const at = now(ctx);
  const { id, body } = notificationBody(eventType, resource, ctx.credentials.merchant.apiV3Key, at);
  ctx.store.insertNotification({
    id,
    out_trade_no: o.out_trade_no,
    out_refund_no: outRefundNo,
    event_type: eventType,
    url,
    body,
    created_at: at,
  });
  // The first attempt runs on a timer, i.e. after the caller's transaction is done.
  ctx.notifier.enqueue(id);
}
