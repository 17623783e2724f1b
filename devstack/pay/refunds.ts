/**
 * Refunds with WeChat's rules: the same out_refund_no refunds once (a repeat answers the first
 * refund, whatever else it says); at most 50 per order, a minute apart; never more than was paid in
 * all; amount.total must be the order's total; only paid orders, within a year. An accepted refund
 * is PROCESSING — "accepted" is not "refunded" — and settles after a (time-scaled) delay, which
 * sends the REFUND.* notification.
 */
import { now, type PayContext } from './context';
import { PayError } from './errors';
import { newRefundId } from './ids';
import { queueNotification } from './orders';
import { tradeByOutTradeNo, tradeByTransaction } from './papay-refunds';
import type { OrderRow, RefundRow } from './store';
import { refundEventType, refundNoticeResource, refundView } from './views';
import {
  checkCurrency,
  checkInt,
  checkNotifyUrl,
  checkObject,
  checkString,
  optionalString,
  type Json,
} from './validate';

export const MAX_REFUNDS_PER_ORDER = 50;
const REFUND_WINDOW_MS = 365 * 86_400_000;

const OUT_REFUND_NO = { max: 64, pattern: /^[0-9A-Za-z_\-|*@]+$/, patternText: '1～64 位数字、大小写字母或 _-|*@' };

interface RefundRequest {
  transactionId: string | undefined;
  outTradeNo: string | undefined;
  outRefundNo: string;
  reason: string | undefined;
  notifyUrl: string | undefined;
  refund: number;
  total: number;
  currency: string;
}

function parseRefund(body: Json): RefundRequest {
  const amount = checkObject(body.amount, 'amount');
  const transactionId = optionalString(body.transaction_id, 'transaction_id', { max: 32 });
  const outTradeNo = optionalString(body.out_trade_no, 'out_trade_no', { max: 32 });
  if (transactionId === undefined && outTradeNo === undefined) {
    throw new PayError('PARAM_ERROR', 'transaction_id 与 out_trade_no 必须二选一');
  }
  return {
    transactionId,
    outTradeNo,
    outRefundNo: checkString(body.out_refund_no, 'out_refund_no', OUT_REFUND_NO),
    reason: optionalString(body.reason, 'reason', { max: 80 }),
    notifyUrl: body.notify_url === undefined ? undefined : checkNotifyUrl(body.notify_url, 'notify_url'),
    refund: checkInt(amount.refund, 'amount.refund', 1),
    total: checkInt(amount.total, 'amount.total', 1),
    currency: checkCurrency(amount.currency, 'amount.currency', true),
  };
}

/** The order a refund names: transaction_id wins when both are given, as WeChat documents. */
function refundedOrder(ctx: PayContext, r: RefundRequest): OrderRow {
  // A withholding deduction (trade type PAP) is refunded like a JSAPI order (papay-refunds.ts).
  const byTransaction = r.transactionId === undefined ? undefined : tradeByTransaction(ctx, r.transactionId);
  const o = r.transactionId === undefined ? tradeByOutTradeNo(ctx, r.outTradeNo!) : byTransaction;
  if (!o) throw new PayError('RESOURCE_NOT_EXISTS', '订单不存在');
  return o;
}

/** Refunds that took or may take the money: CLOSED ones gave it back. */
const holdsMoney = (x: RefundRow): boolean => x.status !== 'CLOSED';

function checkRefundable(ctx: PayContext, o: OrderRow, r: RefundRequest): void {
  if (o.trade_state !== 'SUCCESS' && o.trade_state !== 'REFUND') {
    throw new PayError('INVALID_REQUEST', '订单未支付，不能退款');
  }
  const at = now(ctx);
  if (o.success_at !== null && at - o.success_at > REFUND_WINDOW_MS) {
    throw new PayError('INVALID_REQUEST', '订单已超过可退款的最长时限（1年）');
  }
  if (r.total !== o.total)
    throw new PayError('INVALID_REQUEST', `amount.total ${r.total} 与原订单金额 ${o.total} 不一致`);
  const previous = ctx.store.refundsOf(o.out_trade_no);
  if (previous.length >= MAX_REFUNDS_PER_ORDER) {
    throw new PayError('INVALID_REQUEST', `订单已退款 ${previous.length} 次，最多 ${MAX_REFUNDS_PER_ORDER} 次`);
  }
  const last = previous[previous.length - 1];
  if (last && at - last.created_at < ctx.refundIntervalMs) {
    throw new PayError('FREQUENCY_LIMITED', '同一笔订单的两次退款需间隔 1 分钟以上');
  }
  const refunded = previous.filter(holdsMoney).reduce((sum, x) => sum + x.refund, 0);
  if (refunded + r.refund > o.total) {
    throw new PayError('INVALID_REQUEST', `申请退款金额超过订单可退金额（已退 ${refunded} 分，订单 ${o.total} 分）`);
  }
}

/** POST /v3/refund/domestic/refunds → the refund (PROCESSING, or the first one again). */
export function createRefund(ctx: PayContext, body: Json): Record<string, unknown> {
  const r = parseRefund(body);
  const created = ctx.store.tx(() => {
    const first = ctx.store.refund(r.outRefundNo);
    if (first) return { refund: first, isNew: false };
    if (ctx.faults.current().refundNotEnough) throw new PayError('NOT_ENOUGH', '基本账户余额不足，请充值后重新发起');
    const o = refundedOrder(ctx, r);
    checkRefundable(ctx, o, r);
    const at = now(ctx);
    const row: Omit<RefundRow, 'seq'> = {
      out_refund_no: r.outRefundNo,
      refund_id: newRefundId(at),
      out_trade_no: o.out_trade_no,
      reason: r.reason ?? null,
      notify_url: r.notifyUrl ?? null,
      refund: r.refund,
      total: r.total,
      currency: r.currency,
      status: 'PROCESSING',
      created_at: at,
      settle_at: Date.now() + ctx.refundDelayMs,
      success_at: null,
    };
    ctx.store.insertRefund(row);
    ctx.store.updateOrder(o.out_trade_no, { trade_state: 'REFUND' });
    return { refund: ctx.store.refund(r.outRefundNo)!, isNew: true };
  });
  if (created.isNew) scheduleSettle(ctx, created.refund);
  return refundView(created.refund, tradeByOutTradeNo(ctx, created.refund.out_trade_no)!);
}

/** GET /v3/refund/domestic/refunds/{out_refund_no}. */
export function queryRefund(ctx: PayContext, outRefundNo: string): Record<string, unknown> {
  const r = ctx.store.refund(outRefundNo);
  if (!r) throw new PayError('RESOURCE_NOT_EXISTS', '退款单不存在');
  return refundView(r, tradeByOutTradeNo(ctx, r.out_trade_no)!);
}

export function scheduleSettle(ctx: PayContext, r: RefundRow): void {
  ctx.later(Math.max(0, r.settle_at - Date.now()), () => settleRefund(ctx, r.out_refund_no));
}

/** PROCESSING → the outcome the faults name (SUCCESS by default), then its notification. */
export function settleRefund(ctx: PayContext, outRefundNo: string): void {
  ctx.store.tx(() => {
    const r = ctx.store.refund(outRefundNo);
    if (!r || r.status !== 'PROCESSING') return;
    const status = ctx.faults.current().refundResult;
    ctx.store.settleRefund(outRefundNo, status, status === 'SUCCESS' ? now(ctx) : null);
    const settled = ctx.store.refund(outRefundNo)!;
    const o = tradeByOutTradeNo(ctx, settled.out_trade_no)!;
    const url = settled.notify_url ?? ctx.defaultNotifyUrl();
    if (url) queueNotification(ctx, o, outRefundNo, refundEventType(status), refundNoticeResource(settled, o), url);
  });
}
