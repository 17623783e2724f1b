/**
 * What 医保 mobile payment (移动医保支付) needs from the HIS. The HIS talks to the national 医保
 * platform on the hospital's behalf; the cloud only calls the HIS. The flow:
 *
 *   uploadFees (6201 费用明细上传) → preSettle (6202 支付下单: the split the patient sees)
 *   → the patient pays a WeChat 医保 mixed order built from that split (pay_order_id = payOrdId,
 *     serial_no = medOrgOrd, med_ins_gov_fee = fundPay, med_ins_self_fee = psnAcctPay,
 *     wechat_pay_cash_fee = ownPayAmt)
 *   → fee.settle with { payOrdId, fundFen, accountFen } (./his-payment.ts) confirms the 医保
 *     settlement and marks the items paid, in one HIS transaction.
 *
 * query (6301 结算结果查询) reads an order; refund (6203 医保退费) returns a settled order's 医保 part;
 * revokeUpload (6401 费用明细上传撤销) voids an upload that was never paid.
 * Adapter: server/adapters/his/insurance-client.ts; protocol: docs/his-gateway.md ("医保 (medical
 * insurance)"). Failures are `HisError` from ./his-error (kind 'unavailable' | 'rejected', code).
 */

/** 医疗类别: 11 普通门诊 (the only one the gateway takes so far). */
export type HisMedType = '11';

/** 险种: 310 职工基本医疗保险, 390 城乡居民基本医疗保险. */
export type HisInsuType = '310' | '390';

export type HisInsuranceStatus = 'uploaded' | 'preSettled' | 'settled' | 'refunded' | 'revoked';

export interface HisUploadFeesInput {
  /** Idempotency key: the same requestId always answers the same upload. */
  requestId: string;
  patientId: string;
  /** 1–50 distinct unpaid items of this patient. */
  itemIds: string[];
  /** The patient's 医保 payment authorisation (from the 医保 mini program): single use, minutes. */
  payAuthNo: string;
  /** Default '11'. */
  medType?: HisMedType;
}

/** 6201's answer. */
export interface HisFeeUpload {
  /** 医保 payment order id: WeChat's `pay_order_id`. */
  payOrdId: string;
  payToken: string;
  /** The hospital's order number given in the upload: WeChat's `serial_no`. */
  medOrgOrd: string;
  /** 医疗费总额: the items' sum at upload, integer fen. */
  feeSumamt: number;
}

/** How an order's total is paid (integer fen): feeSumamt = fundPay + psnAcctPay + ownPayAmt. */
export interface HisInsuranceSplit {
  /** 医疗费总额 */
  feeSumamt: number;
  /** 全自费金额: lines outside the 医保目录 (自费). */
  fulamtOwnpayAmt: number;
  /** 先行自付金额: the self-paid share of 乙类 lines. */
  preselfpayAmt: number;
  /** 符合政策范围金额 = feeSumamt − fulamtOwnpayAmt − preselfpayAmt. */
  inscpScpAmt: number;
  /** 本次计入起付线: the part of inscpScpAmt that went to this year's deductible. */
  actPayDedc: number;
  /** 统筹基金支付 (WeChat's med_ins_gov_fee). */
  fundPay: number;
  /** 个人账户支付 (WeChat's med_ins_self_fee). */
  psnAcctPay: number;
  /** 个人现金支付: what WeChat Pay collects (wechat_pay_cash_fee). */
  ownPayAmt: number;
}

/** 6202's answer: the split, for this order. */
export interface HisPreSettlement extends HisInsuranceSplit {
  payOrdId: string;
}

export interface HisInsuranceOrder {
  payOrdId: string;
  medOrgOrd: string;
  patientId: string;
  itemIds: string[];
  medType: HisMedType;
  insuType: HisInsuType;
  status: HisInsuranceStatus;
  feeSumamt: number;
  /** The latest preSettle's split; null while only uploaded (or revoked before any preSettle). */
  split: HisInsuranceSplit | null;
  /** ISO instants; null until the step happened. */
  uploadedAt: string;
  preSettledAt: string | null;
  /** 医保结算 id and the fee settlement (HisSettlement.settlementId) that confirmed it. */
  setlId: string | null;
  settlementId: string | null;
  settledAt: string | null;
  refundedAt: string | null;
  revokedAt: string | null;
}

export interface HisPreSettleInput {
  /** Idempotency key: a repeat answers the same split. */
  requestId: string;
  payOrdId: string;
}

export interface HisInsuranceRefundInput {
  requestId: string;
  payOrdId: string;
  /** 1–128 characters, kept by the HIS; no personal data. */
  reason: string;
}

export interface HisRevokeUploadInput {
  requestId: string;
  payOrdId: string;
}

export interface HisInsurancePort {
  /**
   * 6201: uploads the items' fee details under the patient's payAuthNo. Rejections: `NOT_FOUND`
   * (patient), `NOT_INSURED` (no 医保 in the HIS), `ITEM_NOT_PAYABLE`, `AUTH_INVALID` (malformed or
   * already used payAuthNo), `INVALID_REQUEST`.
   */
  uploadFees(input: HisUploadFeesInput): Promise<HisFeeUpload>;
  /**
   * 6202: the split, against the patient's standing now (nothing is debited). Again with a new
   * requestId re-quotes it. Rejections: `NOT_FOUND`, `INVALID_STATE` (settled, refunded, revoked),
   * `AUTH_INVALID` (the payAuthNo's validity ended: upload again), `ITEM_NOT_PAYABLE`,
   * `AMOUNT_MISMATCH` (an item's amount changed since the upload).
   */
  preSettle(input: HisPreSettleInput): Promise<HisPreSettlement>;
  /** 6301: the order as it is now, or null when the HIS has none with this id (for this app). */
  query(payOrdId: string): Promise<HisInsuranceOrder | null>;
  /**
   * 6203: returns a settled order's 医保 part (fund and personal account restored). Idempotent; an
   * order already refunded answers as it is. Rejections: `NOT_FOUND`, `INVALID_STATE` (not settled).
   */
  refund(input: HisInsuranceRefundInput): Promise<HisInsuranceOrder>;
  /**
   * 6401: voids an upload never paid (uploaded or preSettled). Idempotent; an order already revoked
   * answers as it is. Rejections: `NOT_FOUND`, `INVALID_STATE` (settled or refunded).
   */
  revokeUpload(input: HisRevokeUploadInput): Promise<HisInsuranceOrder>;
}
