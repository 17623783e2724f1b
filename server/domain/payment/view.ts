/** What the mini program sees of an order (names already masked when stored). Pure. */
import type { PaymentOrderView, RefundView } from '../../../typings/payment';
import type { PaymentOrderRecord, RefundRecord } from './types';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function refundView(r: RefundRecord): RefundView {
  return {
    refundId: r.outRefundNo,
    amountFen: r.amountFen,
    status: r.status === 'pending' ? 'processing' : r.status,
    reason: r.reason,
    createdAt: new Date(r.createdAtMs).toISOString(),
    succeededAt: iso(r.succeededAtMs),
  };
}

export function toOrderView(o: PaymentOrderRecord, nowMs: number): PaymentOrderView {
  const pickupActive = o.pickupCode !== null && o.pickupExpiresAtMs !== null && o.pickupExpiresAtMs > nowMs;
  return {
    orderId: o._id,
    cardId: o.cardId,
    patientName: o.patientName,
    cardNo: o.cardNo,
    status: o.status,
    mode: o.mode,
    split: { totalFen: o.totalFen, fundFen: o.fundFen, accountFen: o.accountFen, cashFen: o.cashFen },
    insurance: o.insurance?.quote ?? null,
    items: o.items,
    createdAt: new Date(o.createdAtMs).toISOString(),
    expiresAt: new Date(o.expiresAtMs).toISOString(),
    paidAt: iso(o.paidAtMs),
    settledAt: iso(o.settledAtMs),
    failure: o.failure,
    refunds: o.refunds.map(refundView),
    receipt: o.receipt,
    pickup: pickupActive ? { code: o.pickupCode!, expiresAt: new Date(o.pickupExpiresAtMs!).toISOString() } : null,
  };
}
