/** The merchant's WeChat Pay API v3 configuration, as the client uses it. */
import type { KeyObject } from 'node:crypto';
import type { WechatpayKeys } from './crypto';

export interface WechatPayConfig {
  /** https://api.mch.weixin.qq.com in production; the pay sandbox locally. */
  baseUrl: string;
  mchid: string;
  /** The mini program's appid the orders are placed for. */
  appid: string;
  /** Serial of the merchant API certificate (the `serial_no` of every request). */
  merchantSerialNo: string;
  merchantPrivateKey: KeyObject;
  /** Keys WeChat Pay signs with, by serial: `PUB_KEY_ID_…` and/or platform certificate serials. */
  wechatpayKeys: WechatpayKeys;
  /** Sent as `Wechatpay-Serial` so answers come signed with the public key; null: platform certificates only. */
  wechatpayPublicKeyId: string | null;
  /** 32-byte APIv3 key (notification decryption). */
  apiV3Key: string;
  /** https URL of the HTTP access route `/payNotify` (no query). */
  notifyUrl: string;
  /** Per attempt; default 5000. */
  timeoutMs: number;
  /** Extra attempts of a call after a transient failure (all our calls are idempotent); default 1. */
  retries: number;
}
