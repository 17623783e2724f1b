/**
 * Daily reconciliation, pure: the day's trade bill (WeChat Pay), the orders paid that day (cloud)
 * and the HIS settlements of that day, compared. What is safe to fix is returned as a fix (the
 * service then runs the normal machinery: settle, or refund); everything else is an issue for the
 * finance office, listed with what was seen.
 */
import type { HisSettlement } from '../../ports/his-payment';
import type { BillRow } from './trade-bill';
import type { PaymentOrderRecord } from './types';

export type ReconFix =
  /** Paid at WeChat Pay, still open here (notification and queries lost): apply the payment. */
  | { kind: 'applyPayment'; orderId: string }
  /** Paid at WeChat Pay, closed here: the money goes back. */
  | { kind: 'refundClosed'; orderId: string }
  /** Paid here, not settled in the HIS: settle (which refunds if the HIS refuses or times out). */
  | { kind: 'settle'; orderId: string };

export type ReconIssueKind =
  | 'unknownPayment'
  | 'amountMismatch'
  | 'notInBill'
  | 'settledNotInHis'
  | 'refundedButSettled'
  | 'hisSettledUnknownOrder'
  | 'refundNotInBill';

export interface ReconIssue {
  kind: ReconIssueKind;
  outTradeNo: string;
  detail: string;
}

export interface ReconResult {
  fixes: ReconFix[];
  issues: ReconIssue[];
  counts: { billPayments: number; billRefunds: number; orders: number; hisSettlements: number };
}

export type ReconOrder = Pick<PaymentOrderRecord, '_id' | 'status' | 'cashFen' | 'transactionId' | 'refunds'>;

/** `orders`: those paid on the day (plus open or closed ones the bill names); `day`: its bounds in ms. */
export function reconcileDay(
  bill: BillRow[],
  orders: ReconOrder[],
  settlements: HisSettlement[],
  day: { fromMs: number; toMs: number },
): ReconResult {
  const byId = new Map(orders.map((o) => [o._id, o]));
  const settledBy = new Map(settlements.map((s) => [s.requestId, s]));
  const payments = bill.filter((r) => r.tradeState === 'SUCCESS');
  const refundRows = bill.filter((r) => r.tradeState === 'REFUND');
  const fixes: ReconFix[] = [];
  const issues: ReconIssue[] = [];
  const issue = (kind: ReconIssueKind, outTradeNo: string, detail: string) => issues.push({ kind, outTradeNo, detail });

  for (const row of payments) {
    const o = byId.get(row.outTradeNo);
    if (!o) issue('unknownPayment', row.outTradeNo, `paid ${row.totalFen} fen, no order here`);
    else if (row.totalFen !== o.cashFen) issue('amountMismatch', o._id, `bill ${row.totalFen}, order ${o.cashFen}`);
    else if (o.status === 'created' || o.status === 'paying') fixes.push({ kind: 'applyPayment', orderId: o._id });
    else if (o.status === 'closed') fixes.push({ kind: 'refundClosed', orderId: o._id });
    else if (o.status === 'paid') fixes.push({ kind: 'settle', orderId: o._id });
  }
  const billed = new Set(payments.map((r) => r.outTradeNo));
  for (const o of orders) {
    const paidHere = o.status !== 'created' && o.status !== 'paying' && o.status !== 'closed';
    // A 医保 order without cash (INSURANCE_ONLY) has no WeChat Pay trade to be billed.
    if (paidHere && o.cashFen > 0 && !billed.has(o._id))
      issue('notInBill', o._id, `${o.status} here, no payment in the bill`);
    const his = settledBy.get(o._id);
    if (o.status === 'settled' && !his) issue('settledNotInHis', o._id, 'settled here, no HIS settlement');
    if ((o.status === 'refunding' || o.status === 'refunded') && his) {
      issue('refundedButSettled', o._id, `refunded here, HIS settlement ${his.settlementId}`);
    }
  }
  for (const s of settlements) {
    if (!byId.has(s.requestId)) issue('hisSettledUnknownOrder', s.requestId, `HIS settlement ${s.settlementId}`);
  }
  const refundsBilled = new Set(refundRows.map((r) => r.outRefundNo));
  for (const o of orders) {
    for (const r of o.refunds) {
      const thatDay = r.succeededAtMs !== null && r.succeededAtMs >= day.fromMs && r.succeededAtMs < day.toMs;
      if (r.status === 'success' && thatDay && !refundsBilled.has(r.outRefundNo)) {
        issue('refundNotInBill', o._id, `refund ${r.outRefundNo} of ${r.amountFen} fen`);
      }
    }
  }
  return {
    fixes,
    issues,
    counts: {
      billPayments: payments.length,
      billRefunds: refundRows.length,
      orders: orders.length,
      hisSettlements: settlements.length,
    },
  };
}
