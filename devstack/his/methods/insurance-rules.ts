/**
 * Checks and pricing shared by the 医保 methods (./insurance.ts) and fee.settle's insurance part
 * (./fees.ts): which items may be paid, an order of this app, its items unchanged since the upload,
 * its split against the patient's standing now, and the settlement of a preSettled order. The
 * writes of an upload and of a quote are here too, so an order pre-settled at the 医生站 with the
 * patient's card (../insurance-desk.ts) is made exactly as 6201 + 6202 make one.
 */
import type { HisInsuranceSplit } from '../../../server/ports/his-insurance';
import type { SandboxDb } from '../db';
import { SandboxError } from '../errors';
import { feeItemRow, type FeeItemRow } from '../fee-store';
import type { HisPatient } from '../../../server/ports/his-patient';
import { OUTPATIENT_POLICY } from '../insurance-data';
import { computeSplit, sameSplit } from '../insurance-split';
import {
  accountRow,
  applySplit,
  businessYear,
  classTotals,
  ensureAccount,
  insertOrder,
  newSetlId,
  orderItems,
  orderRow,
  splitOf,
  standingOf,
  storeSplit,
  type InsuranceOrderRow,
} from '../insurance-store';

/**
 * The items, each unpaid and this patient's, else ITEM_NOT_PAYABLE naming the first that is not.
 * Unknown and other patients' items read alike: the caller learns nothing about other patients.
 */
export function payableItems(db: SandboxDb, patientId: string, itemIds: readonly string[]): FeeItemRow[] {
  return itemIds.map((itemId, i) => {
    const row = feeItemRow(db, itemId);
    if (!row || row.patient_id !== patientId) {
      throw new SandboxError('ITEM_NOT_PAYABLE', `itemIds.${i}: no such item for this patient`);
    }
    if (row.status !== 'unpaid') throw new SandboxError('ITEM_NOT_PAYABLE', `itemIds.${i}: item is ${row.status}`);
    return row;
  });
}

/** The app's order `payOrdId`; NOT_FOUND for an unknown one or another app's. */
export function ownOrder(db: SandboxDb, appId: string, payOrdId: string): InsuranceOrderRow {
  const row = orderRow(db, payOrdId);
  if (!row || row.app_id !== appId) throw new SandboxError('NOT_FOUND', 'payOrdId: no such 医保 order');
  return row;
}

/** The order's items are still unpaid (ITEM_NOT_PAYABLE) at their uploaded amounts (AMOUNT_MISMATCH). */
export function checkItemsUnchanged(db: SandboxDb, order: InsuranceOrderRow): void {
  const uploaded = orderItems(db, order.pay_ord_id);
  const rows = payableItems(
    db,
    order.patient_id,
    uploaded.map((i) => i.itemId),
  );
  rows.forEach((r, i) => {
    if (r.amount_fen !== uploaded[i]!.amountFen) {
      throw new SandboxError('AMOUNT_MISMATCH', `itemIds.${i}: the amount changed since the upload; upload again`);
    }
  });
}

/** The order's split against the patient's standing in `year` now (nothing is written). */
export function priceOrder(db: SandboxDb, order: InsuranceOrderRow, year: number): HisInsuranceSplit {
  const account = accountRow(db, order.patient_id);
  if (!account) throw new SandboxError('INTERNAL', 'the order’s 医保 account is missing');
  const totals = { feeSumamt: order.fee_sumamt, classBFen: order.class_b_fen, selfFen: order.self_fen };
  return computeSplit(totals, OUTPATIENT_POLICY[order.scheme], standingOf(db, account, year));
}

/** NOT_INSURED unless the patient's HIS record has 医保 (a 社保卡号). */
export function checkInsured(patient: HisPatient): void {
  if (!patient.socialSecurityNo) throw new SandboxError('NOT_INSURED', 'patientId: no 医保 on the HIS record');
}

/** An upload's authorisation: what stands for the patient's consent, and until when it prices. */
export interface UploadAuth {
  /** A payAuthNo, or a synthetic one for a card read; stored hashed, single use. */
  payAuthNo: string;
  expiresAt: Date;
}

/**
 * 6201's writes, after its checks: the order of these (payable) items of an insured patient, status
 * uploaded, its class totals from the items' lines now, the patient's account stored if it was not.
 */
export function uploadOrder(
  db: SandboxDb,
  o: { appId: string; patient: HisPatient; items: readonly FeeItemRow[]; auth: UploadAuth; now: Date },
): InsuranceOrderRow {
  const account = ensureAccount(db, o.patient, o.now);
  return insertOrder(db, {
    appId: o.appId,
    patientId: o.patient.patientId,
    payAuthNo: o.auth.payAuthNo,
    scheme: account.scheme,
    items: o.items.map((r) => ({ itemId: r.item_id, amountFen: r.amount_fen })),
    totals: classTotals(
      db,
      o.items.map((r) => r.item_id),
    ),
    uploadedAt: o.now,
    authExpiresAt: o.auth.expiresAt,
  });
}

/**
 * 6202: checks the order may be (re-)quoted now — not past uploaded/preSettled (INVALID_STATE),
 * its authorisation valid (AUTH_INVALID), its items unchanged — then prices it in this year and
 * stores the split (status preSettled).
 */
export function quoteOrder(db: SandboxDb, order: InsuranceOrderRow, now: Date): HisInsuranceSplit {
  if (order.status !== 'uploaded' && order.status !== 'preSettled') {
    throw new SandboxError('INVALID_STATE', `payOrdId: the order is ${order.status}`);
  }
  if (now.getTime() > Date.parse(order.auth_expires_at)) {
    throw new SandboxError('AUTH_INVALID', 'payAuthNo: its validity ended; revoke the upload and authorise again');
  }
  checkItemsUnchanged(db, order);
  const year = businessYear(now);
  const split = priceOrder(db, order, year);
  storeSplit(db, order.pay_ord_id, split, year, now);
  return split;
}

/** What fee.settle says about the 医保 part of its payment. */
export interface InsuranceSettleClaim {
  payOrdId: string;
  patientId: string;
  itemIds: readonly string[];
  totalFen: number;
  fundFen: number;
  accountFen: number;
}

const sortedEqual = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * fee.settle's insurance checks, after its own: the order is this app's and patient's (NOT_FOUND),
 * for exactly these items (INVALID_REQUEST), preSettled (INVALID_STATE), for this total, with the
 * preSettle's split (AMOUNT_MISMATCH), and the patient's standing has not moved since (else the
 * same split would not be given again: AMOUNT_MISMATCH, preSettle again).
 */
export function checkInsuranceSettle(db: SandboxDb, appId: string, claim: InsuranceSettleClaim): InsuranceOrderRow {
  const order = orderRow(db, claim.payOrdId);
  if (!order || order.app_id !== appId || order.patient_id !== claim.patientId) {
    throw new SandboxError('NOT_FOUND', 'payOrdId: no such 医保 order for this patient');
  }
  const uploaded = orderItems(db, order.pay_ord_id).map((i) => i.itemId);
  if (!sortedEqual(uploaded, claim.itemIds)) {
    throw new SandboxError('INVALID_REQUEST', 'itemIds: not the items of this 医保 order');
  }
  if (order.status !== 'preSettled') throw new SandboxError('INVALID_STATE', `payOrdId: the order is ${order.status}`);
  const split = splitOf(order)!;
  if (order.fee_sumamt !== claim.totalFen) {
    throw new SandboxError('AMOUNT_MISMATCH', `totalFen: the 医保 order was uploaded for ${order.fee_sumamt}`);
  }
  if (claim.fundFen !== split.fundPay || claim.accountFen !== split.psnAcctPay) {
    throw new SandboxError('AMOUNT_MISMATCH', 'fundFen, accountFen: not the split of the order’s preSettle');
  }
  if (!sameSplit(priceOrder(db, order, order.year!), split)) {
    throw new SandboxError('AMOUNT_MISMATCH', 'payOrdId: the patient’s 医保 standing changed since preSettle');
  }
  return order;
}

/** Confirms the 医保 settlement of a checked order: settled, deductible and fund used, account debited. */
export function settleInsurance(db: SandboxDb, order: InsuranceOrderRow, settlementId: string, at: Date): void {
  applySplit(db, order, 1);
  db.prepare(
    "UPDATE insurance_orders SET status = 'settled', setl_id = ?, settlement_id = ?, settled_at = ? WHERE pay_ord_id = ?",
  ).run(newSetlId(db, at), settlementId, at.toISOString(), order.pay_ord_id);
}
