/**
 * Contract of the `payment` cloud function (门诊缴费). Request payloads are validated by
 * server/actions/payment/schemas.ts; the compiler ties the two together (server/core/contract.ts).
 *
 * Vocabulary
 * - item (待缴费项目): one charge the HIS holds for a card — a registration fee, a prescription, a
 *   lab or exam order. Amounts always come from the HIS, never from the client.
 * - order (缴费订单): one payment of a chosen set of items. Its status runs
 *   created → paying → paid → settled, or → closed (never paid), or paid → refunding → refunded
 *   (the HIS refused the payment or could not settle it in time: the money goes back).
 * - Money is integer fen; instants are ISO strings; dates are Asia/Shanghai business dates.
 */

export type FeeItemKind = 'registration' | 'prescription' | 'lab' | 'exam';

export type PaymentOrderStatus = 'created' | 'paying' | 'paid' | 'settled' | 'closed' | 'refunding' | 'refunded';

/**
 * Why `payment` refused (ErrorBody.reason), with the code it comes with:
 * - `labNotEligible` (FAILED_PRECONDITION): a chosen self-ordered test is not for this patient (age, sex);
 * - `labDailyLimit` (RESOURCE_EXHAUSTED): the card's self-ordered test orders for today reached the limit;
 * - `hisRefused` (FAILED_PRECONDITION): the HIS refused (unknown patient there): go to the window;
 * - `itemsChanged` (FAILED_PRECONDITION): an item is no longer unpaid in the HIS, or its amount
 *   changed — reload the list;
 * - `itemsInOtherOrder` (ALREADY_EXISTS): an item is being paid in another order — finish or
 *   cancel that one (its id is in the message's order, see `listOrders`);
 * - `notPayable` (FAILED_PRECONDITION): the order is no longer waiting for payment (paid, closed…);
 * - `processing` (ABORTED): the same request is being answered — ask again shortly;
 * - `hisUnavailable` (UNAVAILABLE): the HIS is busy or unreachable, nothing was charged;
 * - `payUnavailable` (UNAVAILABLE): WeChat Pay did not answer, nothing was charged — try again;
 * - `notInsured` (FAILED_PRECONDITION): the HIS has no 医保 for this card's patient — pay 自费;
 * - `insuranceAuthInvalid` (FAILED_PRECONDITION): the 医保 authorisation is used, expired, or not
 *   this card's patient's — authorise again in the 医保 mini program;
 * - `insuranceUnavailable` (UNAVAILABLE): the 医保 platform did not answer, nothing was charged —
 *   try again, or pay 自费;
 * - `contractLimit` (FAILED_PRECONDITION): a withholding contract cannot be signed now: one is
 *   already in force for this card (signing again while a signing is open just answers new extraData).
 * NOT_FOUND, INVALID_ARGUMENT (with `field`), UNAUTHENTICATED and INTERNAL carry no reason.
 */
export const PAYMENT_REFUSAL_REASONS = [
  'hisRefused',
  'labNotEligible',
  'labDailyLimit',
  'itemsChanged',
  'itemsInOtherOrder',
  'notPayable',
  'processing',
  'hisUnavailable',
  'payUnavailable',
  'notInsured',
  'insuranceAuthInvalid',
  'insuranceUnavailable',
  'contractLimit',
] as const;
export type PaymentRefusalReason = (typeof PAYMENT_REFUSAL_REASONS)[number];

/** One line of an item (a drug, a test, the registration). */
export interface FeeLineView {
  name: string;
  /** `0.25g×24片`, `次`; empty when the HIS gives none. */
  spec: string;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
}

export interface FeeItemView {
  /** HIS charge id; pass it back to `createOrder`. */
  itemId: string;
  kind: FeeItemKind;
  /** `西药处方`, `血常规`, `挂号费·心血管内科` */
  title: string;
  deptName: string;
  /** The ordering doctor (a public name, as on the schedule); empty for a self-ordered test. */
  doctorName: string;
  /** ISO instant the doctor ordered it. */
  orderedAt: string;
  amountFen: number;
  lines: FeeLineView[];
  /** Where to go once paid: `门诊楼1楼西药房`. */
  guide: string;
}

/**
 * How an order is paid: all by WeChat Pay (自费), 医保 with the rest in cash (a 医保 mixed order,
 * `wx.requestMedicalInsurancePay`), or deducted under the patient's withholding contract (代扣).
 */
export type PaymentMode = 'selfPay' | 'insurance' | 'withholding';

/** The split of an order's total: always `totalFen = fundFen + accountFen + cashFen`. */
export interface PaymentSplit {
  totalFen: number;
  /** 医保统筹基金 */
  fundFen: number;
  /** 医保个人账户 */
  accountFen: number;
  /** Cash part, paid by WeChat Pay. */
  cashFen: number;
}

/** How the 医保 part of an insurance order was priced (the HIS's pre-settlement), integer fen. */
export interface InsuranceQuoteView {
  /** 全自费: lines outside the 医保目录, all in cash. */
  ownExpenseFen: number;
  /** 先行自付: the self-paid share of 乙类 lines. */
  preSelfPayFen: number;
  /** 计入起付线: the part that went to this year's deductible (paid in cash). */
  deductibleFen: number;
  /** 符合政策范围 */
  policyScopeFen: number;
}

/** The parameters of `wx.requestMedicalInsurancePay`, signed by the server. */
export interface MedInsPayParamsView {
  mixTradeNo: string;
  /** Absent (all five) when the order has no cash part (INSURANCE_ONLY). */
  timeStamp?: string;
  nonceStr?: string;
  package?: string;
  signType?: 'RSA';
  paySign?: string;
}

/** The parameters of `wx.requestPayment`, signed by the server. */
export interface RequestPaymentParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

/** 电子票据, as the HIS's e-receipt platform issued it. */
export interface ReceiptView {
  /** 票据代码 */
  code: string;
  /** 票据号码 */
  number: string;
  /** 校验码 */
  checkCode: string;
  issuedAt: string;
  /** H5 page of the receipt (opened in a web-view or copied). */
  viewUrl: string;
}

export type RefundStatus = 'processing' | 'success' | 'abnormal' | 'closed';

export interface RefundView {
  refundId: string;
  amountFen: number;
  status: RefundStatus;
  /** Shown to the patient: `医院未能确认缴费，款项原路退回`. */
  reason: string;
  createdAt: string;
  /** When WeChat reported the money back; null while processing. */
  succeededAt: string | null;
}

/** 无卡取单 code: redeem at a kiosk for the treatment slip. */
export interface PickupCodeView {
  /** 8 digits */
  code: string;
  expiresAt: string;
}

/**
 * Why an order ended in a refund (or is being refunded): the HIS refused the payment, could not
 * settle it in time, or the payment arrived for an order already closed (found by reconciliation).
 */
export type PaymentFailure = 'hisRefused' | 'settleTimeout' | 'paidAfterClose';

export interface PaymentOrderView {
  orderId: string;
  cardId: string;
  /** The card's holder, masked unless it is the caller's own card. */
  patientName: string;
  cardNo: string;
  status: PaymentOrderStatus;
  mode: PaymentMode;
  split: PaymentSplit;
  /** How 医保 priced an insurance order (null for 自费 and 代扣). */
  insurance: InsuranceQuoteView | null;
  items: FeeItemView[];
  createdAt: string;
  /** The order closes unpaid at this instant. */
  expiresAt: string;
  paidAt: string | null;
  settledAt: string | null;
  failure: PaymentFailure | null;
  refunds: RefundView[];
  receipt: ReceiptView | null;
  pickup: PickupCodeView | null;
}

export interface PaymentListUnpaidRequest {
  action: 'listUnpaid';
  cardId: string;
}
export interface PaymentListUnpaidResponse {
  cardId: string;
  items: FeeItemView[];
  /** Orders of this card still waiting for payment (their items are not offered again). */
  openOrders: PaymentOrderView[];
}

export interface PaymentCreateOrderRequest {
  action: 'createOrder';
  cardId: string;
  /** 1–20 distinct HIS item ids from `listUnpaid`. */
  itemIds: string[];
  /**
   * Pay with 医保: the `authCode` the 医保 mini program returned (referrerInfo.extraData). The
   * answer's order carries the split (统筹, 个人账户, 自付) to show before paying, and
   * `medInsPayParams`. Without it everything is paid by WeChat Pay; an open 医保 order of the same
   * items is then given up (the patient declined 医保) and a 自费 one made.
   */
  insuranceAuthCode?: string;
}
export interface PaymentCreateOrderResponse {
  order: PaymentOrderView;
  /** For `wx.requestPayment` (自费); null otherwise, or when the order is no longer payable. */
  payParams: RequestPaymentParams | null;
  /** For `wx.requestMedicalInsurancePay` (医保); null otherwise, or when no longer payable. */
  medInsPayParams: MedInsPayParamsView | null;
}

/** A request naming one of the caller's orders and nothing more. */
interface PaymentOrderIdRequest<A extends string> {
  action: A;
  orderId: string;
}

/** Ask again for the pay parameters of an unpaid order (the patient tapped 去支付 later). */
export type PaymentPayRequest = PaymentOrderIdRequest<'pay'>;
export type PaymentPayResponse = PaymentCreateOrderResponse;

/**
 * After `wx.requestPayment` returned (success proves nothing): the server asks WeChat Pay when no
 * notification has arrived yet, and answers the order as it is now.
 */
export type PaymentConfirmRequest = PaymentOrderIdRequest<'confirm'>;
export type PaymentConfirmResponse = PaymentOrderView;

/** Give up an unpaid order: it is closed at WeChat Pay too, and its items are offered again. */
export type PaymentCancelRequest = PaymentOrderIdRequest<'cancel'>;
export type PaymentCancelResponse = PaymentOrderView;

export type PaymentGetRequest = PaymentOrderIdRequest<'get'>;
export type PaymentGetResponse = PaymentOrderView;

export interface PaymentListOrdersRequest {
  action: 'listOrders';
  /** Only this card's orders; default all the caller's cards. */
  cardId?: string;
}
export interface PaymentListOrdersResponse {
  /** Newest first, the last 6 months, closed orders left out. */
  orders: PaymentOrderView[];
  truncated: boolean;
}

export interface PaymentTemplatesRequest {
  action: 'templates';
}
/** Subscription templates to ask consent for on the 去支付 tap (at most 3). */
export interface PaymentTemplatesResponse {
  /** 缴费成功通知 */
  paymentSuccess: string;
  /** 退款通知 */
  refund: string;
  consent: string[];
}

/** A test of the 自助检验 catalog: the price from the HIS, the rules and notes from the hospital. */
export interface LabTestView {
  code: string;
  /** `血常规` */
  name: string;
  /** `血液检查`, `尿液检查`, … */
  category: string;
  priceFen: number;
  /** `静脉血`, `晨尿` */
  specimen: string;
  /** `需空腹8小时（可少量饮水）`; empty when none is needed. */
  preparation: string;
  /** When results are ready: `当天16:00后`. */
  turnaround: string;
  /** Whether the chosen card may order it, and why not. */
  eligible: boolean;
  ineligibleReason: string | null;
}

/** Where and when the samples are taken. */
export interface LabSiteView {
  location: string;
  hours: string;
  notes: string[];
}

export interface PaymentLabCatalogRequest {
  action: 'labCatalog';
  cardId: string;
}
export interface PaymentLabCatalogResponse {
  cardId: string;
  tests: LabTestView[];
  site: LabSiteView;
  /** Self-ordered test orders (orderLabTests calls) one card may place per day, and how many remain today. */
  perDayLimit: number;
  remainingToday: number;
}

export interface PaymentOrderLabTestsRequest {
  action: 'orderLabTests';
  cardId: string;
  /** 1–10 distinct catalog codes. */
  codes: string[];
  /** One per tap (client generated): the same key never orders twice. */
  idempotencyKey: string;
}
/** The tests become HIS charges and one order of them, ready to pay (as createOrder answers). */
export type PaymentOrderLabTestsResponse = PaymentCreateOrderResponse;

/** 代扣 contract state of a card: signed by the caller for that card's visit charges. */
export type ContractStatus = 'none' | 'signing' | 'active' | 'terminated';

export interface WithholdingContractView {
  cardId: string;
  status: ContractStatus;
  /** ISO instants; null until it happened. */
  signedAt: string | null;
  terminatedAt: string | null;
  /** WeChat's limits for this contract (代扣 never takes more without a password). */
  perDeductionLimitFen: number;
  perDayLimitFen: number;
  perDayCount: number;
  /** How the contract shows in WeChat Pay: `就诊卡尾号1234`. */
  displayAccount: string;
}

export interface PaymentContractRequest {
  action: 'contract';
  cardId: string;
}
export type PaymentContractResponse = WithholdingContractView;

/** Where `wx.navigateToMiniProgram` goes to sign (WeChat's contract mini program, signed extraData). */
export interface PaymentSignContractRequest {
  action: 'signContract';
  cardId: string;
}
export interface PaymentSignContractResponse {
  contract: WithholdingContractView;
  miniProgram: { appId: string; path: string; extraData: Record<string, string> };
}

export interface PaymentCancelContractRequest {
  action: 'cancelContract';
  cardId: string;
}
export type PaymentCancelContractResponse = WithholdingContractView;

export interface PaymentActions {
  listUnpaid: [PaymentListUnpaidRequest, PaymentListUnpaidResponse];
  createOrder: [PaymentCreateOrderRequest, PaymentCreateOrderResponse];
  pay: [PaymentPayRequest, PaymentPayResponse];
  confirm: [PaymentConfirmRequest, PaymentConfirmResponse];
  cancel: [PaymentCancelRequest, PaymentCancelResponse];
  get: [PaymentGetRequest, PaymentGetResponse];
  listOrders: [PaymentListOrdersRequest, PaymentListOrdersResponse];
  templates: [PaymentTemplatesRequest, PaymentTemplatesResponse];
  labCatalog: [PaymentLabCatalogRequest, PaymentLabCatalogResponse];
  orderLabTests: [PaymentOrderLabTestsRequest, PaymentOrderLabTestsResponse];
  contract: [PaymentContractRequest, PaymentContractResponse];
  signContract: [PaymentSignContractRequest, PaymentSignContractResponse];
  cancelContract: [PaymentCancelContractRequest, PaymentCancelContractResponse];
}
