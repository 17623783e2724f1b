/** The merchant's withholding (委托代扣, v2 papay) configuration, as the papay client uses it. */
export interface PapayConfig {
  /** https://api.mch.weixin.qq.com in production; the pay sandbox locally (v2 paths on the same host). */
  baseUrl: string;
  mchid: string;
  appid: string;
  /** The APIv2 key (32 characters): MD5 `sign` of every v2 call and notification. Never the APIv3 key. */
  apiV2Key: string;
  /** The withholding template (委托代扣模板) the contracts are signed on. */
  planId: string;
  /** The `/payNotify` URL: contract and deduction notifications arrive there as v2 XML. */
  notifyUrl: string;
  /** Per attempt; default 5000. */
  timeoutMs: number;
  /** Extra attempts after a transient failure (every papay call is idempotent); default 1. */
  retries: number;
}
