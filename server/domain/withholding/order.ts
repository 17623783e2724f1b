/**
 * Withholding (代扣) orders: a payment order of mode `withholding` for one charges.ready event,
 * its deterministic id (a redelivered event finds it), and a deduction's result as the v3-shaped
 * transaction the payment flow records (Confirmation.recordPaid). Pure.
 */
import type { PaymentOrderRecord } from '../payment/types';
import type { WxTransaction } from '../../ports/wechat-pay';
import type { PapayDeduction } from '../../ports/wechat-papay';
import { businessDate } from '../../core/time';

export interface WithholdingInfo {
  /** `payment_contracts` id and WeChat's contract_id the deduction runs on. */
  contractDocId: string;
  contractId: string;
  eventId: string;
  deptName: string;
  /** When the HIS said the charges were ready (the fallback message's time). */
  occurredAtMs: number;
}

export type WithholdingOrder = PaymentOrderRecord & { withholding: WithholdingInfo };

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `P` + the event's business date + 16 characters keyed by the event id: one order per event. */
export function withholdingOrderId(
  hash: (purpose: string, ...parts: string[]) => string,
  eventId: string,
  occurredAtMs: number,
): string {
  const hex = hash('withholding-order', eventId);
  const rand = Array.from(Buffer.from(hex.slice(0, 32), 'hex'), (b) => ALPHABET[b % 32]).join('');
  return `P${businessDate(new Date(occurredAtMs)).replace(/-/g, '')}${rand}`;
}

export const isWithholding = (o: PaymentOrderRecord): o is WithholdingOrder =>
  o.mode === 'withholding' && typeof (o as Partial<WithholdingOrder>).withholding?.contractId === 'string';

/** A successful deduction in the shape of a v3 transaction (trade_type PAP). */
export function deductionTransaction(d: PapayDeduction, merchant: { appid: string; mchid: string }): WxTransaction {
  return {
    appid: merchant.appid,
    mchid: merchant.mchid,
    out_trade_no: d.outTradeNo,
    ...(d.transactionId ? { transaction_id: d.transactionId } : {}),
    trade_type: 'PAP',
    trade_state: 'SUCCESS',
    ...(d.paidAtMs === null ? {} : { success_time: new Date(d.paidAtMs).toISOString() }),
    amount: { total: d.totalFen, payer_total: d.cashFen ?? d.totalFen, currency: 'CNY' },
  };
}

/** The deduction's body (≤ 128 bytes), shown in the payer's WeChat bill. */
export function deductionBody(o: Pick<PaymentOrderRecord, 'items'>): string {
  const first = o.items[0]?.title ?? '门诊费用';
  return `门诊缴费-${o.items.length > 1 ? `${first}等${o.items.length}项` : first}`.slice(0, 40);
}
