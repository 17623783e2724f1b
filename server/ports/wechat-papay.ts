/**
 * What withholding (委托代扣) needs from WeChat Pay's v2 papay API: the signed extraData of the
 * contract-signing mini program, the contract calls, deductions and the XML notifications.
 * Adapter: server/core/wechatpay/papay-client.ts; protocol: ../shared/reference/wechat-pay.md
 * ("Withholding"). Failures are `WechatPayError` (server/core/wechatpay/errors.ts): kind
 * 'unavailable' (network, timeout, SYSTEMERROR, an answer whose sign does not verify) or
 * 'rejected' with WeChat's err_code (CONTRACT_NOT_EXIST, RULELIMIT, ORDERPAID, …).
 */

export interface PapaySigningRequest {
  /** ≤ 32 letters or digits, the merchant's id of the contract. */
  contractCode: string;
  /** int64 without a leading 0, unique per merchant. */
  requestSerial: string;
  /** How the contract shows in WeChat Pay (no emoji). */
  displayAccount: string;
}

/** A contract as WeChat Pay knows it (querycontract, or a notification). Instants in epoch ms. */
export interface PapayContract {
  contractId: string;
  contractCode: string;
  planId: string;
  openid: string;
  requestSerial: string | null;
  inForce: boolean;
  signedAtMs: number | null;
  expiresAtMs: number | null;
  terminatedAtMs: number | null;
  /** 1 expired, 2 the user, 3 the merchant's API, 4 the merchant platform, 5 account closed. */
  terminationMode: number | null;
}

export type PapayTradeState = 'ACCEPT' | 'SUCCESS' | 'PAY_FAIL' | 'REFUND' | 'NOTPAY' | 'CLOSED' | string;

/** A deduction's state (paporderquery, or its result notification). */
export interface PapayDeduction {
  outTradeNo: string;
  transactionId: string | null;
  contractId: string | null;
  tradeState: PapayTradeState;
  totalFen: number;
  cashFen: number | null;
  /** Epoch ms of time_end (paid), else null. */
  paidAtMs: number | null;
  /** Why it failed (NOTENOUGH, …), when it did. */
  errCode: string | null;
}

export interface PapayDeductionInput {
  contractId: string;
  outTradeNo: string;
  totalFen: number;
  /** ≤ 128 bytes, shown to the payer. */
  body: string;
  attach?: string;
}

/** A verified notification: a contract change, or a deduction's result. */
export type PapayNotification =
  | { kind: 'contract'; changeType: 'ADD' | 'DELETE'; contract: PapayContract; operateAtMs: number | null }
  | { kind: 'deduction'; deduction: PapayDeduction };

export interface WechatPapayPort {
  readonly appid: string;
  readonly mchid: string;
  readonly planId: string;
  /** The extraData of `wx.navigateToMiniProgram` to the signing mini program, signed. */
  signingExtraData(req: PapaySigningRequest, nowMs: number): Record<string, string>;
  /** By contract_code (plan_id of the config); null when WeChat has no such contract. */
  queryContract(contractCode: string): Promise<PapayContract | null>;
  /** Ends a contract in force; false when WeChat says it does not exist or has ended already. */
  deleteContract(contractId: string, remark: string): Promise<boolean>;
  /** Accepted (the result comes by notification); the same outTradeNo deducts once. */
  applyDeduction(input: PapayDeductionInput): Promise<void>;
  /** null when WeChat has no deduction with this out_trade_no. */
  queryDeduction(outTradeNo: string): Promise<PapayDeduction | null>;
  /** Verifies (sign, mch_id, appid, plan_id) a v2 XML body; throws NotificationRejected. */
  parseNotification(rawBody: string): PapayNotification;
}
