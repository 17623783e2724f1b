/**
 * What the payment feature needs from WeChat Pay API v3 (JSAPI orders, refunds, the trade bill,
 * notifications). Adapter: server/core/wechatpay/client.ts; protocol facts:
 * ../shared/reference/wechat-pay.md. Field names are WeChat's (snake_case) so a reader can hold
 * them against its documentation.
 */
import type { RequestPaymentParams } from '../../typings/payment';

export type WxTradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';

export interface WxTransaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type?: string;
  trade_state: WxTradeState;
  trade_state_desc?: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer?: { openid?: string };
  amount?: { total?: number; payer_total?: number; currency?: string; payer_currency?: string };
}

export type WxRefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';

export interface WxRefund {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  out_trade_no: string;
  status: WxRefundStatus;
  success_time?: string;
  create_time: string;
  amount: { total: number; refund: number; currency?: string };
}

export interface JsapiOrderInput {
  description: string;
  outTradeNo: string;
  /** ISO instant; the order closes itself then. */
  timeExpire: string;
  attach?: string;
  totalFen: number;
  openid: string;
}

export interface RefundInput {
  outTradeNo: string;
  /** The same out_refund_no refunds once: a retry must reuse it. */
  outRefundNo: string;
  /** ≤ 80 characters, shown to the payer. */
  reason: string;
  refundFen: number;
  totalFen: number;
}

/** A verified, decrypted notification. */
export type WxNotification =
  | { id: string; eventType: 'TRANSACTION.SUCCESS'; transaction: WxTransaction }
  | { id: string; eventType: 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED'; refund: WxRefundNotice }
  | { id: string; eventType: 'MEDICAL_INSURANCE.SUCCESS'; medIns: WxMedInsOrder };

/** The decrypted resource of a refund notification. */
export interface WxRefundNotice {
  mchid: string;
  out_trade_no: string;
  transaction_id: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: WxRefundStatus;
  success_time?: string;
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number };
}

export interface TradeBill {
  /** The CSV as WeChat writes it (BOM stripped), checked against its SHA1. */
  csv: string;
}

export interface MedInsPerson {
  name: string;
  idDigest: string;
}

export type MixPayType = 'CASH_ONLY' | 'INSURANCE_ONLY' | 'CASH_AND_INSURANCE';

/** A 医保 mixed order (移动医保支付): the split from the HIS's 医保 pre-settlement. */
export interface MedInsOrderInput {
  outTradeNo: string;
  mixPayType: MixPayType;
  /** REG_PAY 挂号, DIAG_PAY 诊间, IN_HOSP_PAY 住院, … */
  orderType: string;
  openid: string;
  /**
   * The WeChat user paying (encrypted before sending): the name and `idDigest` (lower-case MD5 of
   * the upper-cased ID number) as the 医保 authorisation gave them — the hospital never needs the
   * whole ID number for this.
   */
  payer: MedInsPerson;
  /** Set when paying for a relative (the insured person). */
  relative?: MedInsPerson;
  /** The hospital's order number of the fee upload (medOrgOrd). */
  serialNo: string;
  /** 医保 payOrdId of the fee upload. */
  payOrderId: string;
  payAuthNo: string;
  /** `lng,lat` of the hospital. */
  geoLocation: string;
  cityId: string;
  medInstName: string;
  medInstNo: string;
  /** RFC 3339 */
  medInsOrderCreateTime: string;
  totalFen: number;
  govFen: number;
  selfFen: number;
  otherFen: number;
  medInsCashFen: number;
  wechatPayCashFen: number;
  /** A JSAPI prepay (same out_trade_no) for the cash part; absent for INSURANCE_ONLY. */
  prepayId?: string;
  /** https URL for MEDICAL_INSURANCE.SUCCESS. */
  callbackUrl: string;
  passthrough?: Record<string, unknown>;
}

export interface WxMedInsOrder {
  mix_trade_no: string;
  mix_pay_status: 'MIX_PAY_CREATED' | 'MIX_PAY_SUCCESS' | 'MIX_PAY_REFUND' | 'MIX_PAY_FAIL';
  self_pay_status?: string;
  med_ins_pay_status?: string;
  paid_time?: string;
  out_trade_no: string;
  total_fee: number;
  med_ins_gov_fee?: number;
  med_ins_self_fee?: number;
  med_ins_other_fee?: number;
  med_ins_cash_fee?: number;
  wechat_pay_cash_fee?: number;
}

/** The hospital refunded the 医保 part with the 医保 platform: WeChat Pay is told. */
export interface MedInsRefundNotice {
  govFen: number;
  selfFen: number;
  otherFen: number;
  /** RFC 3339 */
  refundTime: string;
  /** The cash refund's out_refund_no (if any). */
  outRefundNo: string;
}

/** The parameters of `wx.requestMedicalInsurancePay`: mixTradeNo alone when there is no cash part. */
export type MedInsPayParams =
  | { mixTradeNo: string }
  | { mixTradeNo: string; timeStamp: string; nonceStr: string; package: string; signType: 'RSA'; paySign: string };

/**
 * Failures: `WechatPayError` (./../core/wechatpay/errors.ts) with kind 'unavailable' (network,
 * timeout, 5xx, an answer whose signature does not verify) or 'rejected' (4xx with WeChat's code).
 */
export interface WechatPayPort {
  readonly appid: string;
  readonly mchid: string;
  /** → prepay_id. The same outTradeNo with the same fields yields the same prepay_id. */
  jsapiPrepay(input: JsapiOrderInput): Promise<string>;
  /** Signs the `wx.requestPayment` parameters for a prepay_id. */
  requestPaymentParams(prepayId: string): RequestPaymentParams;
  /** null when WeChat Pay has no order with this number. */
  queryOrder(outTradeNo: string): Promise<WxTransaction | null>;
  /** Closes an unpaid order; rejects ORDERPAID when it was paid meanwhile. */
  closeOrder(outTradeNo: string): Promise<void>;
  refund(input: RefundInput): Promise<WxRefund>;
  /** null when WeChat Pay has no refund with this number. */
  queryRefund(outRefundNo: string): Promise<WxRefund | null>;
  /** The trade bill of one Asia/Shanghai date `YYYY-MM-DD`; null when it has no trades. */
  tradeBill(billDate: string): Promise<TradeBill | null>;
  /** Places a 医保 mixed order (the cash part's JSAPI prepay first, same out_trade_no). */
  medInsOrder(input: MedInsOrderInput): Promise<WxMedInsOrder>;
  /** null when WeChat Pay has no mixed order with this out_trade_no. */
  queryMedInsOrder(outTradeNo: string): Promise<WxMedInsOrder | null>;
  medInsRefundNotify(mixTradeNo: string, notice: MedInsRefundNotice): Promise<void>;
  /** Signs `wx.requestMedicalInsurancePay`'s parameters (the cash part's prepay_id, if any). */
  medInsPayParams(mixTradeNo: string, prepayId: string | null): MedInsPayParams;
  /**
   * Verifies (raw body, key by Wechatpay-Serial, ±5 min, SIGNTEST refused) and decrypts a
   * notification; throws NotificationRejected when it must be answered with a failure.
   */
  parseNotification(headers: Readonly<Record<string, string>>, rawBody: string): WxNotification;
}
