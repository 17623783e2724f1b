/**
 * Both directions of the v3 signatures, on the primitives of server/core/wechatpay/crypto.ts (the
 * client's own, so the two cannot disagree on a message format): requests are checked against the
 * merchant public key; answers and notifications are signed with the WeChat Pay public key's
 * private half or the platform certificate's, as the merchant's mode says.
 */
import type { KeyObject } from 'node:crypto';
import {
  AUTH_SCHEMA,
  MAX_CLOCK_SKEW_SEC,
  newNonce,
  parseAuthorization,
  requestMessage,
  responseMessage,
  signSha256Rsa,
  verifySha256Rsa,
} from '../../server/core/wechatpay/crypto';
import { PayError } from './errors';
import type { Credentials } from './merchant';
import type { Clock } from './time';

/**
 * Which key signs answers and notifications: the WeChat Pay public key (`PUB_KEY_ID_…`, every
 * merchant since late 2024), the platform certificate (older merchants), or both in turn, as
 * during a merchant's switch from one to the other.
 */
export type SignWith = 'publicKey' | 'platformCert' | 'both';

export const SIGN_WITH_MODES: readonly SignWith[] = ['publicKey', 'platformCert', 'both'];

export class WechatpaySigner {
  private alternate = false;

  constructor(
    private readonly credentials: Credentials,
    private signWith: SignWith,
    private readonly clock: Clock,
  ) {}

  get mode(): SignWith {
    return this.signWith;
  }

  setMode(mode: SignWith): void {
    this.signWith = mode;
  }

  /** Whether `GET /v3/certificates` has anything to list. */
  hasPlatformCertificate(): boolean {
    return this.signWith !== 'publicKey';
  }

  /**
   * The key for one answer. A request's `Wechatpay-Serial` asks for a key by its id, which WeChat
   * honours when the merchant has it; otherwise the mode decides ('both' alternates).
   */
  private pick(requested?: string): { serial: string; key: KeyObject } {
    const m = this.credentials.merchant;
    const publicKey = { serial: m.wechatpayPublicKeyId, key: this.credentials.wechatpayPrivateKey };
    const platform = { serial: m.platformCertificateSerial, key: this.credentials.platformPrivateKey };
    if (requested === publicKey.serial && this.signWith !== 'platformCert') return publicKey;
    if (requested === platform.serial && this.signWith !== 'publicKey') return platform;
    if (this.signWith === 'publicKey') return publicKey;
    if (this.signWith === 'platformCert') return platform;
    this.alternate = !this.alternate;
    return this.alternate ? publicKey : platform;
  }

  /** The four `Wechatpay-*` headers over `body`, exactly the bytes that will be sent. */
  sign(body: string, requested?: string): Record<string, string> {
    const { serial, key } = this.pick(requested);
    const timestamp = String(Math.floor(this.clock().getTime() / 1000));
    const nonce = newNonce();
    return {
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signSha256Rsa(key, responseMessage(timestamp, nonce, body)),
      'Wechatpay-Serial': serial,
    };
  }

  /** A notification's headers: the answer headers plus the signature type WeChat sends along. */
  signNotification(body: string): Record<string, string> {
    return { ...this.sign(body), 'Wechatpay-Signature-Type': AUTH_SCHEMA };
  }
}

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received (the signature covers these bytes, not a normalised URL). */
  rawUrl: string;
  authorization: string | undefined;
  body: string;
}

const AUTH_FORMAT_MESSAGE = 'Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》';

/** Refuses a request whose Authorization is not the merchant's valid signature (401 SIGN_ERROR). */
export function verifyRequest(req: SignedRequest, credentials: Credentials, nowSec: number): void {
  const auth = parseAuthorization(req.authorization);
  if (!auth) throw new PayError('SIGN_ERROR', AUTH_FORMAT_MESSAGE);
  const m = credentials.merchant;
  if (auth.mchid !== m.mchid) throw new PayError('SIGN_ERROR', `商户号 ${auth.mchid} 不存在或与签名证书不匹配`);
  if (auth.serial_no !== m.merchantSerialNo) {
    throw new PayError('SIGN_ERROR', '商户证书序列号有误。请使用签名私钥匹配的证书序列号');
  }
  const ts = Number(auth.timestamp);
  if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(nowSec - ts) > MAX_CLOCK_SKEW_SEC) {
    throw new PayError('SIGN_ERROR', 'Http头Authorization中的timestamp与发起请求的时间不得超过5分钟');
  }
  const message = requestMessage(req.method, req.rawUrl, auth.timestamp, auth.nonce_str, req.body);
  if (!verifySha256Rsa(credentials.merchantPublicKey, message, auth.signature)) {
    throw new PayError('SIGN_ERROR', '错误的签名，验签失败');
  }
}
