/** The pure rules of a 医保 order: mix_pay_type, split checks, what a mixed order must match. */
import {
  authorisedFor,
  medInsMismatch,
  medRefundOwed,
  mixPayTypeOf,
  quoteView,
  splitProblem,
  type InsuranceRecord,
} from '../../../server/domain/payment';
import type { HisInsuranceSplit } from '../../../server/ports/his-insurance';
import type { WxMedInsOrder } from '../../../server/ports/wechat-pay';

const split = (over: Partial<HisInsuranceSplit> = {}): HisInsuranceSplit => ({
  feeSumamt: 10_000,
  fulamtOwnpayAmt: 500,
  preselfpayAmt: 300,
  inscpScpAmt: 9_200,
  actPayDedc: 1_000,
  fundPay: 5_000,
  psnAcctPay: 2_000,
  ownPayAmt: 3_000,
  ...over,
});

const ins: InsuranceRecord = {
  payOrdId: 'ORD1',
  medOrgOrd: 'MZ1',
  mixPayType: 'CASH_AND_INSURANCE',
  quote: quoteView(split()),
  mixTradeNo: 'MIX1',
  medRefundedAtMs: null,
};
const order = {
  _id: 'PO1',
  mode: 'insurance' as const,
  totalFen: 10_000,
  fundFen: 5_000,
  accountFen: 2_000,
  cashFen: 3_000,
  insurance: ins,
};
const mixed = (over: Partial<WxMedInsOrder> = {}): WxMedInsOrder => ({
  mix_trade_no: 'MIX1',
  mix_pay_status: 'MIX_PAY_SUCCESS',
  out_trade_no: 'PO1',
  total_fee: 10_000,
  med_ins_gov_fee: 5_000,
  med_ins_self_fee: 2_000,
  wechat_pay_cash_fee: 3_000,
  ...over,
});

describe('医保 order rules', () => {
  test('mix_pay_type: cash left → CASH_AND_INSURANCE, none → INSURANCE_ONLY', () => {
    expect(mixPayTypeOf(split())).toBe('CASH_AND_INSURANCE');
    expect(mixPayTypeOf(split({ ownPayAmt: 0 }))).toBe('INSURANCE_ONLY');
  });

  test('a split must add up to the items and carry a 医保 part', () => {
    expect(splitProblem(split(), 10_000)).toBeNull();
    expect(splitProblem(split(), 9_999)).toBe('total');
    expect(splitProblem(split({ ownPayAmt: 2_999 }), 10_000)).toBe('identity');
    expect(splitProblem(split({ fundPay: 0, psnAcctPay: 0, ownPayAmt: 10_000 }), 10_000)).toBe('noInsurance');
  });

  test('the quote shows 全自费, 先行自付, 起付线 and 政策范围', () => {
    expect(quoteView(split())).toEqual({
      ownExpenseFen: 500,
      preSelfPayFen: 300,
      deductibleFen: 1_000,
      policyScopeFen: 9_200,
    });
  });

  test('a mixed order pays the order only when every number matches', () => {
    expect(medInsMismatch(order, mixed())).toBeNull();
    expect(medInsMismatch(order, mixed({ mix_pay_status: 'MIX_PAY_CREATED' }))).toBe('mix_pay_status');
    expect(medInsMismatch(order, mixed({ out_trade_no: 'PO2' }))).toBe('out_trade_no');
    expect(medInsMismatch(order, mixed({ mix_trade_no: 'MIX2' }))).toBe('mix_trade_no');
    expect(medInsMismatch(order, mixed({ total_fee: 10_001 }))).toBe('total_fee');
    expect(medInsMismatch(order, mixed({ med_ins_gov_fee: 4_999 }))).toBe('med_ins_gov_fee');
    expect(medInsMismatch(order, mixed({ med_ins_self_fee: 2_001 }))).toBe('med_ins_self_fee');
    expect(medInsMismatch(order, mixed({ wechat_pay_cash_fee: 0 }))).toBe('wechat_pay_cash_fee');
    expect(medInsMismatch({ ...order, insurance: { ...ins, mixTradeNo: null } }, mixed())).toBe('mix_trade_no');
  });

  test('the authorisation must be the card patient’s own: whole name and masked ID number', () => {
    const card = { name: '张三', idNumberMasked: '330602********0016' };
    expect(authorisedFor({ userName: '张三', idNumberMasked: '330602********0016' }, card)).toBe(true);
    expect(authorisedFor({ userName: '张三', idNumberMasked: '330602********0024' }, card)).toBe(false);
    expect(authorisedFor({ userName: '张四', idNumberMasked: '330602********0016' }, card)).toBe(false);
  });

  test('the 医保 part is owed back once placed, until given back', () => {
    expect(medRefundOwed(order)).toBe(true);
    expect(medRefundOwed({ ...order, insurance: { ...ins, medRefundedAtMs: 1 } })).toBe(false);
    expect(medRefundOwed({ ...order, insurance: { ...ins, mixTradeNo: null } })).toBe(false);
    expect(medRefundOwed({ ...order, insurance: null })).toBe(false);
    // 医生站 医保 of a withholding order: no mixed order, the HIS upload is what goes back.
    const desk = { ...order, mode: 'withholding' as const, insurance: { ...ins, mixTradeNo: null } };
    expect(medRefundOwed(desk)).toBe(true);
  });
});
