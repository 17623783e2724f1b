/**
 * Identifiers shaped like WeChat Pay's, so a client that stores or validates them (column widths,
 * patterns) meets the real forms: `wx` + time + 20 characters prepay ids, 28-digit transaction
 * ids, 29-digit refund ids, 40-hex certificate serials, `PUB_KEY_ID_` + digits.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { compactTime } from './time';

export function digits(n: number): string {
  let out = '';
  while (out.length < n) out += String(randomInt(0, 10));
  return out;
}

function lowerAlnum(n: number): string {
  const alphabet = '0123456789abcdef';
  return Array.from(randomBytes(n), (b) => alphabet[b % 16]).join('');
}

/** `wx201410272009395522657a690389285100`: wx, 14 time digits, 20 characters (36 in all). */
export function newPrepayId(nowMs: number): string {
  return `wx${compactTime(nowMs)}${lowerAlnum(20)}`;
}

/** `4200002000202601021234567890`: 28 digits, the date in the middle as WeChat's ids have it. */
export function newTransactionId(nowMs: number): string {
  return `42000${digits(5)}${compactTime(nowMs).slice(0, 8)}${digits(10)}`;
}

/** `50300000012026010212345678901`: 29 digits. */
export function newRefundId(nowMs: number): string {
  return `503${digits(7)}${compactTime(nowMs).slice(0, 8)}${digits(11)}`;
}

/** `1217752501202601021234567890`-like: 28 digits, as the mix_trade_no of WeChat's examples. */
export function newMixTradeNo(nowMs: number): string {
  return `12${digits(4)}${compactTime(nowMs).slice(0, 8)}${digits(14)}`;
}

/** A Request-ID header value (WeChat's are long upper-case hex strings). */
export function newRequestId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/**
 * 40 upper-case hex digits. The first digit stays below 8 so the DER INTEGER of a certificate
 * needs no sign byte and X509Certificate reports exactly these 40 digits.
 */
export function newCertSerial(): string {
  return `${randomInt(1, 8)}${randomBytes(20).toString('hex').toUpperCase().slice(1)}`;
}

export function newPublicKeyId(mchid: string): string {
  return `PUB_KEY_ID_01${mchid}${digits(22)}`;
}
