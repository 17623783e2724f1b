/**
 * Refunds of withholding deductions: WeChat refunds a PAP trade through the v3 refund API like any
 * other (`POST /v3/refund/domestic/refunds` with its out_trade_no or transaction_id), so to the
 * refund code (refunds.ts, views.ts, bill.ts) a successful deduction is an order row: the same
 * out_trade_no, transaction_id, amount and payer. Failed or pending deductions are unpaid orders
 * (refused as "订单未支付").
 */
import type { PayContext } from './context';
import { currentOrder } from './orders';
import type { DeductionRow } from './papay-store';
import type { OrderRow } from './store';

/** The order row a deduction stands for (seq 0, no prepay: never a JSAPI order). */
export function deductionAsOrder(ctx: PayContext, d: DeductionRow): OrderRow {
  const paid = d.trade_state === 'SUCCESS';
  const refunded = paid && ctx.store.refundsOf(d.out_trade_no).length > 0;
  return {
    seq: 0,
    out_trade_no: d.out_trade_no,
    appid: d.appid,
    mchid: d.mchid,
    description: d.body,
    attach: d.attach,
    notify_url: d.notify_url,
    total: d.total_fee,
    currency: 'CNY',
    openid: d.openid,
    time_expire: null,
    expires_at: d.created_at,
    request_json: d.request_key,
    prepay_id: '',
    prepay_expires_at: 0,
    trade_state: refunded ? 'REFUND' : paid ? 'SUCCESS' : d.trade_state === 'PAY_FAIL' ? 'CLOSED' : 'NOTPAY',
    transaction_id: d.transaction_id,
    bank_type: d.bank_type,
    success_at: d.success_at,
    created_at: d.created_at,
    closed_at: null,
    user_cancelled_at: null,
  };
}

/** A JSAPI order, else a deduction, by out_trade_no. */
export function tradeByOutTradeNo(ctx: PayContext, outTradeNo: string): OrderRow | undefined {
  const o = currentOrder(ctx, outTradeNo);
  if (o) return o;
  const d = ctx.papay.store.deduction(outTradeNo);
  return d ? deductionAsOrder(ctx, d) : undefined;
}

export function tradeByTransaction(ctx: PayContext, transactionId: string): OrderRow | undefined {
  const o = ctx.store.orderByTransaction(transactionId);
  if (o) return o;
  const d = ctx.papay.store.deductionByTransaction(transactionId);
  return d ? deductionAsOrder(ctx, d) : undefined;
}

/** Whether out_trade_no is a withholding deduction (its bill rows are trade type PAP). */
export function isDeduction(ctx: PayContext, outTradeNo: string): boolean {
  return !ctx.store.order(outTradeNo) && ctx.papay.store.deduction(outTradeNo) !== undefined;
}
