/**
 * 医生站 医保 (the hospital's paper: "医保可报销部分通过实体卡医保结算，自费部分通过微信授权代扣"):
 * the HIS pre-settled a visit's charges with the patient's physical 医保 card at the doctor's desk
 * and names that 医保 order in charges.ready. Only the cash part is deducted; the settlement then
 * confirms the split. The split is read from the HIS (6301), never taken from the event.
 */
import { quoteView, splitProblem, type InsuranceRecord, sumFen } from '../../domain/payment';
import type { HisFeeItem } from '../../ports/his-payment';
import type { PaymentContext } from '../payment/context';

export interface DeskPricing {
  fundFen: number;
  accountFen: number;
  cashFen: number;
  insurance: InsuranceRecord;
}

/** The 医保 order's split when it covers exactly these items, pre-settled and unpaid; else null. */
export async function deskPricing(
  ctx: PaymentContext,
  payOrdId: string,
  patientId: string,
  items: readonly HisFeeItem[],
): Promise<DeskPricing | null> {
  if (!ctx.hisInsurance) return null;
  const o = await ctx.hisInsurance.query(payOrdId).catch(() => null);
  if (!o || o.status !== 'preSettled' || !o.split || o.patientId !== patientId) return null;
  const ids = items.map((i) => i.itemId).sort();
  const same = o.itemIds.length === ids.length && [...o.itemIds].sort().every((id, k) => id === ids[k]);
  if (!same || splitProblem(o.split, sumFen(items)) !== null) return null;
  return {
    fundFen: o.split.fundPay,
    accountFen: o.split.psnAcctPay,
    cashFen: o.split.ownPayAmt,
    insurance: {
      payOrdId,
      medOrgOrd: o.medOrgOrd,
      mixPayType: o.split.ownPayAmt > 0 ? 'CASH_AND_INSURANCE' : 'INSURANCE_ONLY',
      quote: quoteView(o.split),
      mixTradeNo: null,
      medRefundedAtMs: null,
    },
  };
}
