/**
 * Pure rules of a 医保 order (移动医保支付): the WeChat mixed order built from the HIS's
 * pre-settlement, what a reported mixed order must match before it counts, and who may authorise.
 * Field names of the mixed order are WeChat's (../shared/reference/wechat-pay.md).
 */
import type { InsuranceQuoteView } from '../../../typings/payment';
import type { HisInsuranceSplit } from '../../ports/his-insurance';
import type { MixPayType, WxMedInsOrder } from '../../ports/wechat-pay';
import type { PaymentOrderRecord } from './types';

/** What an insurance order keeps of its 医保 side (`payment_orders.insurance`). */
export interface InsuranceRecord {
  /** 医保 payOrdId of the fee upload (WeChat's pay_order_id) and the hospital's order number. */
  payOrdId: string;
  medOrgOrd: string;
  mixPayType: MixPayType;
  quote: InsuranceQuoteView;
  /** WeChat's mixed order, once placed. */
  mixTradeNo: string | null;
  /** When the 医保 part was given back (upload revoked at the HIS, WeChat told); null until then. */
  medRefundedAtMs: number | null;
}

/** The mix_pay_type of a split: a 医保 order always has a 医保 part (else it is paid 自费). */
export function mixPayTypeOf(split: Pick<HisInsuranceSplit, 'ownPayAmt'>): MixPayType {
  return split.ownPayAmt > 0 ? 'CASH_AND_INSURANCE' : 'INSURANCE_ONLY';
}

/** Why a pre-settlement cannot be paid as a 医保 order for these items (null: it can). */
export function splitProblem(split: HisInsuranceSplit, totalFen: number): 'total' | 'identity' | 'noInsurance' | null {
  if (split.feeSumamt !== totalFen) return 'total';
  if (split.fundPay + split.psnAcctPay + split.ownPayAmt !== split.feeSumamt) return 'identity';
  if (split.fundPay + split.psnAcctPay === 0) return 'noInsurance';
  return null;
}

export function quoteView(split: HisInsuranceSplit): InsuranceQuoteView {
  return {
    ownExpenseFen: split.fulamtOwnpayAmt,
    preSelfPayFen: split.preselfpayAmt,
    deductibleFen: split.actPayDedc,
    policyScopeFen: split.inscpScpAmt,
  };
}

/** Why a reported mixed order does not pay this order (null: it does). */
export function medInsMismatch(
  order: Pick<PaymentOrderRecord, '_id' | 'totalFen' | 'fundFen' | 'accountFen' | 'cashFen' | 'insurance'>,
  m: WxMedInsOrder,
): string | null {
  if (m.out_trade_no !== order._id) return 'out_trade_no';
  if (!order.insurance?.mixTradeNo || m.mix_trade_no !== order.insurance.mixTradeNo) return 'mix_trade_no';
  if (m.mix_pay_status !== 'MIX_PAY_SUCCESS' && m.mix_pay_status !== 'MIX_PAY_REFUND') return 'mix_pay_status';
  if (m.total_fee !== order.totalFen) return 'total_fee';
  if ((m.med_ins_gov_fee ?? 0) !== order.fundFen) return 'med_ins_gov_fee';
  if ((m.med_ins_self_fee ?? 0) !== order.accountFen) return 'med_ins_self_fee';
  if ((m.wechat_pay_cash_fee ?? 0) !== order.cashFen) return 'wechat_pay_cash_fee';
  return null;
}

/**
 * The 医保 authorisation must be the card's patient's own: the gateway's name and masked ID
 * number against the card's (the whole ID number is kept by neither side).
 */
export function authorisedFor(
  auth: { userName: string; idNumberMasked: string },
  card: { name: string; idNumberMasked: string },
): boolean {
  return auth.userName === card.name && auth.idNumberMasked === card.idNumberMasked;
}

/**
 * The 医保 part still to give back for an order whose money goes back (refunding): a placed mixed
 * order's, or the 医生站 pre-settlement of a withholding order's (its HIS upload to void).
 */
export function medRefundOwed(
  order: Pick<PaymentOrderRecord, 'mode' | 'insurance' | 'fundFen' | 'accountFen'>,
): boolean {
  const ins = order.insurance;
  if (!ins || ins.medRefundedAtMs !== null || order.fundFen + order.accountFen <= 0) return false;
  return ins.mixTradeNo !== null || order.mode === 'withholding';
}
