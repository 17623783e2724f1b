/**
 * The identity primitives of 医保 orders: the ID digest WeChat Pay wants (lower-case hex MD5 of
 * the ID number with its letters upper-cased: `44030019000101123x` → `09eb26e839ff3a2e3980352ae45ef09e`),
 * and WeChat Pay's side of the sensitive-field encryption — RSA-OAEP (SHA-1) decryption with the
 * private half of the key the request's `Wechatpay-Serial` names (server/core/wechatpay/crypto.ts
 * `encryptSensitive` is the merchant's side).
 */
import { constants, createHash, privateDecrypt, type KeyObject } from 'node:crypto';

export function idDigestOf(idNumber: string): string {
  return createHash('md5').update(idNumber.toUpperCase(), 'utf8').digest('hex');
}

/** The plaintext of an encrypted field, or null when it does not decrypt with `key`. */
export function decryptSensitive(key: KeyObject, ciphertext: string): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(ciphertext)) return null;
  try {
    return privateDecrypt(
      { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(ciphertext, 'base64'),
    ).toString('utf8');
  } catch {
    return null;
  }
}
