/** HIS charges as the mini program sees them, and a new order of them. */
import type { FeeItemView, PaymentMode } from '../../../typings/payment';
import type { BookingCard } from '../../domain/booking/types';
import { sumFen, type PaymentOrderRecord } from '../../domain/payment';
import type { HisFeeItem } from '../../ports/his-payment';

export function toItemView(i: HisFeeItem): FeeItemView {
  return {
    itemId: i.itemId,
    kind: i.kind,
    title: i.title,
    deptName: i.deptName,
    doctorName: i.doctorName,
    orderedAt: i.orderedAt,
    amountFen: i.amountFen,
    lines: i.lines.map((l) => ({ ...l })),
    guide: i.guide,
  };
}

export interface NewOrder {
  orderId: string;
  openid: string;
  card: BookingCard;
  patientKey: string;
  items: HisFeeItem[];
  mode: PaymentMode;
  expiresAtMs: number;
  /** When the timer first looks at it (a lost notification, a deduction never sent). */
  nextActionAtMs: number;
  nowMs: number;
}

/** A `created` order of the items as the HIS holds them now, all cash until priced otherwise. */
export function newOrderRecord(n: NewOrder): PaymentOrderRecord {
  const totalFen = sumFen(n.items);
  return {
    _id: n.orderId,
    _openid: n.openid,
    cardId: n.card.cardId,
    hisPatientId: n.card.hisPatientId,
    patientKey: n.patientKey,
    patientName: n.card.displayName,
    cardNo: n.card.cardNo,
    status: 'created',
    mode: n.mode,
    items: n.items.map(toItemView),
    itemIds: n.items.map((i) => i.itemId),
    totalFen,
    fundFen: 0,
    accountFen: 0,
    cashFen: totalFen,
    prepayId: null,
    insurance: null,
    createdAtMs: n.nowMs,
    expiresAtMs: n.expiresAtMs,
    paidAtMs: null,
    transactionId: null,
    settleAttempts: 0,
    nextActionAtMs: n.nextActionAtMs,
    settledAtMs: null,
    settlementId: null,
    receipt: null,
    failure: null,
    refunds: [],
    pickupCode: null,
    pickupExpiresAtMs: null,
    updatedAtMs: n.nowMs,
  };
}
