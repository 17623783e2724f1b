/**
 * Pure rules of a payment order: which transitions exist, what an order's amounts must be, what a
 * WeChat Pay transaction must match before it counts, and the back-off of settling.
 */
import type { FeeItemView, PaymentOrderStatus } from '../../../typings/payment';
import type { WxTransaction } from '../../ports/wechat-pay';
import type { PaymentOrderRecord, PaymentRules } from './types';

/** Every allowed transition (from → to). Stores apply them as conditional updates on `status`. */
export const TRANSITIONS: Readonly<Record<PaymentOrderStatus, readonly PaymentOrderStatus[]>> = {
  created: ['paying', 'paid', 'closed'],
  paying: ['paid', 'closed'],
  // A payment that arrives after the order was closed locally (reconciliation): paid after all.
  closed: ['paid'],
  paid: ['settled', 'refunding'],
  settled: [],
  refunding: ['refunded'],
  refunded: [],
};

export function canTransition(from: PaymentOrderStatus, to: PaymentOrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses from which `to` can be reached (the condition of the update). */
export function sourcesOf(to: PaymentOrderStatus): PaymentOrderStatus[] {
  return (Object.keys(TRANSITIONS) as PaymentOrderStatus[]).filter((from) => TRANSITIONS[from].includes(to));
}

export const OPEN_STATUSES: readonly PaymentOrderStatus[] = ['created', 'paying'];
export const isOpen = (s: PaymentOrderStatus): boolean => OPEN_STATUSES.includes(s);

export function sumFen(items: readonly Pick<FeeItemView, 'amountFen'>[]): number {
  return items.reduce((sum, i) => sum + i.amountFen, 0);
}

/** Why a reported transaction does not count for this order (null: it does). */
export function transactionMismatch(
  order: Pick<PaymentOrderRecord, '_id' | 'cashFen'>,
  tx: WxTransaction,
  merchant: { appid: string; mchid: string },
): string | null {
  if (tx.out_trade_no !== order._id) return 'out_trade_no';
  if (tx.mchid !== merchant.mchid) return 'mchid';
  if (tx.appid !== merchant.appid) return 'appid';
  if (tx.trade_state !== 'SUCCESS' && tx.trade_state !== 'REFUND') return 'trade_state';
  if (!tx.transaction_id) return 'transaction_id';
  if (tx.amount?.total !== order.cashFen) return 'amount';
  return null;
}

/** When to try settling again after `attempts` failed tries (exponential, capped at 5 min). */
export function nextSettleAt(paidAtMs: number, attempts: number, nowMs: number, rules: PaymentRules): number {
  const delay = Math.min(rules.settleRetryBaseMs * 2 ** Math.max(0, attempts - 1), 5 * 60_000);
  return Math.min(nowMs + delay, paidAtMs + rules.settleLimitMs);
}

/** True once settling has been tried for longer than the limit: the money goes back. */
export function settleTimedOut(paidAtMs: number, nowMs: number, rules: PaymentRules): boolean {
  return nowMs >= paidAtMs + rules.settleLimitMs;
}

/** The out_refund_no of an order's n-th refund (1-based): deterministic, so a retry reuses it. */
export function refundNoFor(orderId: string, n: number): string {
  return `${orderId}R${n}`;
}

/** The cash still refundable: paid minus every refund not closed. */
export function refundableFen(order: Pick<PaymentOrderRecord, 'cashFen' | 'refunds'>): number {
  const out = order.refunds.filter((r) => r.status !== 'closed').reduce((s, r) => s + r.amountFen, 0);
  return order.cashFen - out;
}
