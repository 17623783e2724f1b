/**
 * 医保 at the 医生站 (docs/his-gateway.md, "医保 (medical insurance)"): when the doctor's desk read
 * the patient's physical 医保 card, the HIS uploads the new charges as a 医保 order and pre-settles
 * it itself, so only the self-pay remainder is left for WeChat withholding (微信代扣). The order is
 * made by the same writes as insurance.uploadFees + insurance.preSettle (./methods/insurance-rules.ts),
 * but there is no payAuthNo: the card read stands for it. Runs in the caller's transaction.
 */
import { randomBytes } from 'node:crypto';
import type { HisInsuranceSplit } from '../../server/ports/his-insurance';
import type { HisPatient } from '../../server/ports/his-patient';
import type { SandboxDb } from './db';
import type { FeeItemRow } from './fee-store';
import { checkInsured, payableItems, quoteOrder, uploadOrder } from './methods/insurance-rules';

/**
 * How long a card read authorises the order: a day, so the cloud's deduction — and a re-quote
 * (insurance.preSettle) after a standing change — fit well inside it, unlike a payAuthNo's 10 min.
 */
export const CARD_AUTH_TTL_MS = 24 * 60 * 60_000;

/**
 * A synthetic, never-repeated authorisation for one card read. Stored hashed like a payAuthNo
 * (pay_auth_hash is UNIQUE); the `card:` prefix can never match a payAuthNo (`pan_…`).
 */
const cardAuthNo = (): string => `card:${randomBytes(24).toString('hex')}`;

/**
 * Uploads the patient's new (unpaid) items as a 医保 order of `appId` — the cloud client that will
 * settle it — and pre-settles it now: status preSettled with the split stored. NOT_INSURED for a
 * patient without 医保; any other refusal is the upload's or the quote's.
 */
export function preSettleWithCard(
  db: SandboxDb,
  o: { appId: string; patient: HisPatient; itemIds: readonly string[]; now: Date },
): { payOrdId: string; split: HisInsuranceSplit } {
  checkInsured(o.patient);
  const items: FeeItemRow[] = payableItems(db, o.patient.patientId, o.itemIds);
  const auth = { payAuthNo: cardAuthNo(), expiresAt: new Date(o.now.getTime() + CARD_AUTH_TTL_MS) };
  const order = uploadOrder(db, { appId: o.appId, patient: o.patient, items, auth, now: o.now });
  return { payOrdId: order.pay_ord_id, split: quoteOrder(db, order, o.now) };
}
