/**
 * WeChat Pay API v3 signatures and notification decryption, on node:crypto only (short on
 * purpose, so it can be audited line by line). Facts: ../shared/reference/wechat-pay.md.
 *
 * - Requests: SHA256withRSA over `METHOD\nPATH?QUERY\ntimestamp\nnonce\nbody\n` with the merchant
 *   key → `Authorization: WECHATPAY2-SHA256-RSA2048 …`.
 * - Answers and notifications: SHA256withRSA over `timestamp\nnonce\nRAW_BODY\n` with the key the
 *   `Wechatpay-Serial` header names (the WeChat Pay public key `PUB_KEY_ID_…` or a platform
 *   certificate); always the raw bytes as received, never a re-serialisation.
 * - `resource`: AEAD_AES_256_GCM with the APIv3 key; the last 16 bytes of the ciphertext are the tag.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

export const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';
/** Answers and notifications further than this from our clock are refused (WeChat's own window). */
export const MAX_CLOCK_SKEW_SEC = 300;
/** Prefix of the signature of WeChat's probe notifications: they must fail verification. */
export const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/';

export type KeyInput = string | KeyObject;

export function privateKeyOf(key: KeyInput): KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key;
}

/** A PEM public key or a PEM certificate (a platform certificate) → its public key. */
export function publicKeyOf(key: KeyInput): KeyObject {
  return typeof key === 'string' ? createPublicKey(key) : key;
}

/** 32 characters of [0-9A-Z]: nonces for requests, answers and `wx.requestPayment`. */
export function newNonce(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return Array.from(randomBytes(32), (b) => alphabet[b % 36]).join('');
}

export function signSha256Rsa(privateKey: KeyInput, message: string): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKeyOf(privateKey), 'base64');
}

export function verifySha256Rsa(publicKey: KeyInput, message: string, signature: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKeyOf(publicKey), signature, 'base64');
  } catch {
    return false;
  }
}

/** The message a request signature covers. `pathWithQuery` has no host; `body` is '' for GET. */
export function requestMessage(
  method: string,
  pathWithQuery: string,
  timestamp: string,
  nonce: string,
  body: string,
): string {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** The message an answer's or a notification's signature covers. */
export function responseMessage(timestamp: string, nonce: string, rawBody: string): string {
  return `${timestamp}\n${nonce}\n${rawBody}\n`;
}

export interface AuthorizationParts {
  mchid: string;
  nonce_str: string;
  signature: string;
  timestamp: string;
  serial_no: string;
}

export interface SignRequestInput {
  mchid: string;
  /** The merchant certificate's serial (not the WeChat Pay key's). */
  serialNo: string;
  privateKey: KeyInput;
  method: string;
  pathWithQuery: string;
  body: string;
  timestamp?: string;
  nonce?: string;
}

export function authorizationHeader(input: SignRequestInput): string {
  const timestamp = input.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? newNonce();
  const signature = signSha256Rsa(
    input.privateKey,
    requestMessage(input.method, input.pathWithQuery, timestamp, nonce, input.body),
  );
  return (
    `${AUTH_SCHEMA} mchid="${input.mchid}",nonce_str="${nonce}",signature="${signature}",` +
    `timestamp="${timestamp}",serial_no="${input.serialNo}"`
  );
}

/** Parses an Authorization header (pairs in any order); null when it is not a v3 signature. */
export function parseAuthorization(header: string | undefined): AuthorizationParts | null {
  if (!header?.startsWith(`${AUTH_SCHEMA} `)) return null;
  const parts: Record<string, string> = {};
  for (const m of header.slice(AUTH_SCHEMA.length + 1).matchAll(/(\w+)="([^"]*)"/g)) parts[m[1]!] = m[2]!;
  const { mchid, nonce_str, signature, timestamp, serial_no } = parts;
  if (!mchid || !nonce_str || !signature || !timestamp || !serial_no) return null;
  return { mchid, nonce_str, signature, timestamp, serial_no };
}

/** The keys WeChat Pay may sign with, by serial: `PUB_KEY_ID_…` and/or platform certificate serials. */
export type WechatpayKeys = ReadonlyMap<string, KeyObject>;

export interface SignedHeaders {
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
  serial: string | undefined;
}

/** Reads the four `Wechatpay-*` headers from a header map of any case. */
export function signedHeadersOf(headers: Readonly<Record<string, string | string[] | undefined>>): SignedHeaders {
  const get = (name: string): string | undefined => {
    for (const [k, v] of Object.entries(headers)) {
      if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
    }
    return undefined;
  };
  return {
    timestamp: get('wechatpay-timestamp'),
    nonce: get('wechatpay-nonce'),
    signature: get('wechatpay-signature'),
    serial: get('wechatpay-serial'),
  };
}

export type VerifyFailure = 'missingHeaders' | 'signTest' | 'unknownSerial' | 'staleTimestamp' | 'badSignature';

/**
 * Verifies an answer or a notification over its raw body. `nowSec` is our clock (unix seconds).
 * The probe signatures (`WECHATPAY/SIGNTEST/…`) fail by design.
 */
export function verifySigned(
  h: SignedHeaders,
  rawBody: string,
  keys: WechatpayKeys,
  nowSec: number,
): { ok: true } | { ok: false; why: VerifyFailure } {
  if (!h.timestamp || !h.nonce || !h.signature || !h.serial) return { ok: false, why: 'missingHeaders' };
  if (h.signature.startsWith(SIGNTEST_PREFIX)) return { ok: false, why: 'signTest' };
  const key = keys.get(h.serial);
  if (!key) return { ok: false, why: 'unknownSerial' };
  const ts = Number(h.timestamp);
  if (!/^\d{1,12}$/.test(h.timestamp) || Math.abs(nowSec - ts) > MAX_CLOCK_SKEW_SEC) {
    return { ok: false, why: 'staleTimestamp' };
  }
  const ok = verifySha256Rsa(key, responseMessage(h.timestamp, h.nonce, rawBody), h.signature);
  return ok ? { ok: true } : { ok: false, why: 'badSignature' };
}

/** The `resource` of a notification. */
export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  associated_data?: string;
  nonce: string;
  original_type?: string;
}

const GCM_TAG_BYTES = 16;

export function apiV3KeyBytes(apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new Error('the APIv3 key must be 32 bytes');
  return key;
}

/** Decrypts a notification resource; throws when the tag (ciphertext, nonce or AAD) is wrong. */
export function decryptResource(resource: EncryptedResource, apiV3Key: string): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') throw new Error(`unsupported algorithm ${resource.algorithm}`);
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length <= GCM_TAG_BYTES) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', apiV3KeyBytes(apiV3Key), Buffer.from(resource.nonce, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - GCM_TAG_BYTES));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - GCM_TAG_BYTES)), decipher.final()]).toString(
    'utf8',
  );
}

/** Encrypts a resource as WeChat Pay does (the pay sandbox, and tests). */
export function encryptResource(
  plaintext: string,
  apiV3Key: string,
  associatedData: string,
  originalType: string,
): EncryptedResource {
  const nonce = newNonce().slice(0, 12);
  const cipher = createCipheriv('aes-256-gcm', apiV3KeyBytes(apiV3Key), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    original_type: originalType,
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: body.toString('base64'),
    associated_data: associatedData,
    nonce,
  };
}

/** The message `paySign` covers: appId is line 1 though `wx.requestPayment` is not given it. */
export function paySignMessage(appId: string, timeStamp: string, nonceStr: string, pkg: string): string {
  return `${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`;
}

/** `paySign` of `wx.requestPayment` / `wx.requestMedicalInsurancePay`: appId is line 1. */
export function paySign(privateKey: KeyInput, appId: string, timeStamp: string, nonceStr: string, pkg: string): string {
  return signSha256Rsa(privateKey, paySignMessage(appId, timeStamp, nonceStr, pkg));
}

/** RSA-OAEP (SHA-1, as WeChat Pay specifies) of a sensitive field with the WeChat Pay public key. */
export function encryptSensitive(publicKey: KeyInput, plaintext: string): string {
  return publicEncrypt(
    { key: publicKeyOf(publicKey), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from(plaintext, 'utf8'),
  ).toString('base64');
}
