/**
 * What the payment feature needs from the HIS (outpatient charges, settlement, e-receipts).
 * Adapter: server/adapters/his/fee-client.ts; protocol: docs/his-gateway.md ("Outpatient fees").
 * Failures are `HisError` from ./his-error (kind 'unavailable' | 'rejected', code).
 */
import type { FeeItemKind } from '../../typings/payment';

export interface HisFeeLine {
  name: string;
  spec: string;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
}

/** One unpaid charge (待缴费项目) of a patient. */
export interface HisFeeItem {
  itemId: string;
  patientId: string;
  kind: FeeItemKind;
  title: string;
  deptCode: string;
  deptName: string;
  doctorName: string;
  /** ISO instant */
  orderedAt: string;
  /** Always the sum of the lines' amounts. */
  amountFen: number;
  lines: HisFeeLine[];
  /** Where the patient goes once it is paid. */
  guide: string;
}

/** 电子票据 issued for a settlement. */
export interface HisReceipt {
  billBatchCode: string;
  billNo: string;
  random: string;
  issuedAt: string;
  viewUrl: string;
}

export interface HisSettlement {
  settlementId: string;
  /** The requestId of the settle call that created it (the order id). */
  requestId: string;
  patientId: string;
  itemIds: string[];
  totalFen: number;
  /** WeChat Pay transaction id of the money. */
  transactionId: string;
  settledAt: string;
  /** null until the e-receipt platform issued it (usually within seconds). */
  receipt: HisReceipt | null;
}

export interface HisSettleInput {
  /** Idempotency key (the order id): the same requestId always yields the same settlement. */
  requestId: string;
  patientId: string;
  itemIds: string[];
  /** Must equal the sum of the items' current amounts. */
  totalFen: number;
  transactionId: string;
  /** ISO instant WeChat Pay reported the payment. */
  paidAt: string;
  /**
   * 医保 (./his-insurance.ts): the preSettled order this payment settles and its split's fund
   * (fundPay) and personal-account (psnAcctPay) parts, all three or none. The WeChat cash part is
   * `totalFen - fundFen - accountFen`. Rejections besides the above: `AMOUNT_MISMATCH` (not the
   * preSettle's split, or the patient's 医保 standing changed since: preSettle again), `INVALID_STATE`
   * (the order is not preSettled), `NOT_FOUND` (no such order for this patient).
   */
  payOrdId?: string;
  fundFen?: number;
  accountFen?: number;
}

export interface HisFeePort {
  /** The patient's unpaid charges, oldest first. `NOT_FOUND` for an unknown patient. */
  listUnpaid(patientId: string): Promise<HisFeeItem[]>;
  /**
   * Marks the items paid and issues the receipt. Rejections: `ITEM_NOT_PAYABLE` (an item is paid,
   * cancelled or not this patient's), `AMOUNT_MISMATCH` (totalFen differs from the items' sum),
   * `NOT_FOUND` (patient), `INVALID_REQUEST`.
   */
  settle(input: HisSettleInput): Promise<HisSettlement>;
  /**
   * The settlement made by the settle call `requestId`, or null when the HIS has not made it so far
   * (a settle still in flight may yet succeed: resolve an unknown outcome by settling again).
   */
  getSettlement(requestId: string): Promise<HisSettlement | null>;
  /**
   * For the daily payment reconciliation: the settlements this app made through the gateway whose
   * `settledAt` falls on business date `date` (`YYYY-MM-DD`, Asia/Shanghai), ordered by settledAt
   * then settlementId, one page at a time. Pass the answer's `nextCursor` back for the next page;
   * it is null on the last one. Payments made at the hospital's window are never listed.
   * `INVALID_REQUEST` for a malformed date or a cursor that is not one of this date's.
   */
  listSettlements(date: string, cursor?: string): Promise<HisSettlementPage>;
}

/** One page of `listSettlements`. */
export interface HisSettlementPage {
  settlements: HisSettlement[];
  /** Opaque; null when this is the last page. */
  nextCursor: string | null;
}
