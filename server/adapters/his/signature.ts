/**
 * HIS gateway request signing (docs/his-gateway.md, "Authentication"). Shared by the cloud side's
 * client (signs) and the devstack HIS sandbox (verifies), so both follow one definition.
 *
 *   X-HIS-Signature = hex(HMAC-SHA256(appSecret, appId + "\n" + timestamp + "\n" + nonce + "\n" + rawBody))
 *
 * Kept deliberately small so it can be audited at a glance.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Header names (Node lower-cases incoming header names). */
export const HIS_HEADER = {
  appId: 'x-his-appid',
  timestamp: 'x-his-timestamp',
  nonce: 'x-his-nonce',
  signature: 'x-his-signature',
} as const;

/** Accepted clock skew between caller and gateway, either direction. */
export const HIS_TIMESTAMP_WINDOW_MS = 300_000;

const NONCE_RE = /^[A-Za-z0-9_-]{16,64}$/;
const TIMESTAMP_RE = /^\d{1,16}$/;
const SIGNATURE_RE = /^[0-9a-f]{64}$/;

/** The exact bytes that are signed. */
export function stringToSign(appId: string, timestamp: string, nonce: string, rawBody: string | Buffer): Buffer {
  const head = Buffer.from(`${appId}\n${timestamp}\n${nonce}\n`, 'utf8');
  return Buffer.concat([head, typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody]);
}

/** Lower-case hex HMAC-SHA256 signature. */
export function computeSignature(
  appSecret: string,
  appId: string,
  timestamp: string,
  nonce: string,
  rawBody: string | Buffer,
): string {
  return createHmac('sha256', appSecret)
    .update(stringToSign(appId, timestamp, nonce, rawBody))
    .digest('hex');
}

/** A fresh nonce: 32 hex characters from the CSPRNG. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

export interface SignInput {
  appId: string;
  appSecret: string;
  rawBody: string;
  /** Unix ms; defaults to Date.now(). */
  timestampMs?: number;
  /** Defaults to a fresh random nonce. */
  nonce?: string;
}

/** The four authentication headers for one request. */
export function signRequest(input: SignInput): Record<string, string> {
  const timestamp = String(input.timestampMs ?? Date.now());
  const nonce = input.nonce ?? newNonce();
  return {
    'X-HIS-AppId': input.appId,
    'X-HIS-Timestamp': timestamp,
    'X-HIS-Nonce': nonce,
    'X-HIS-Signature': computeSignature(input.appSecret, input.appId, timestamp, nonce, input.rawBody),
  };
}

/** Constant-time comparison of a presented signature with the expected one. */
export function signatureMatches(expectedHex: string, presented: string): boolean {
  if (!SIGNATURE_RE.test(presented)) return false;
  const a = Buffer.from(expectedHex, 'hex');
  const b = Buffer.from(presented, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Nonces seen within the timestamp window. An entry is kept until its request's timestamp leaves the
 * window (timestamp + window); after that the timestamp check alone refuses a replay.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;

  constructor(private readonly windowMs: number = HIS_TIMESTAMP_WINDOW_MS) {}

  /** Records the nonce; false when it was already seen (a replay). */
  remember(appId: string, nonce: string, timestampMs: number, nowMs: number): boolean {
    this.sweep(nowMs);
    const key = `${appId}\n${nonce}`;
    const expires = this.seen.get(key);
    if (expires !== undefined && expires >= nowMs) return false;
    this.seen.set(key, Math.max(timestampMs, nowMs) + this.windowMs);
    return true;
  }

  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweep < 10_000) return;
    this.lastSweep = nowMs;
    for (const [key, expires] of this.seen) if (expires < nowMs) this.seen.delete(key);
  }
}

export type VerifyFailure = 'SIGNATURE_INVALID' | 'TIMESTAMP_EXPIRED' | 'REPLAYED';

export interface VerifyInput {
  /** Incoming headers as Node gives them (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer | string;
  nowMs: number;
  /** The secret of a known app id, undefined for unknown ones. */
  secretFor(appId: string): string | undefined;
  nonces: NonceCache;
  windowMs?: number;
}

/**
 * Verifies one request, in this order: headers present and well-formed, app id known and signature
 * valid (SIGNATURE_INVALID), timestamp within the window (TIMESTAMP_EXPIRED), nonce unseen (REPLAYED).
 * The nonce is only recorded once the signature and timestamp are good, so forged requests cannot
 * fill the cache or burn a legitimate caller's nonce.
 */
export function verifyRequest(input: VerifyInput): { ok: true; appId: string } | { ok: false; code: VerifyFailure } {
  const header = (name: string): string | undefined => {
    const v = input.headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const appId = header(HIS_HEADER.appId);
  const timestamp = header(HIS_HEADER.timestamp);
  const nonce = header(HIS_HEADER.nonce);
  const signature = header(HIS_HEADER.signature);
  if (!appId || !timestamp || !nonce || !signature) return { ok: false, code: 'SIGNATURE_INVALID' };
  if (!TIMESTAMP_RE.test(timestamp) || !NONCE_RE.test(nonce)) return { ok: false, code: 'SIGNATURE_INVALID' };
  const secret = input.secretFor(appId);
  if (secret === undefined) return { ok: false, code: 'SIGNATURE_INVALID' };
  const expected = computeSignature(secret, appId, timestamp, nonce, input.rawBody);
  if (!signatureMatches(expected, signature)) return { ok: false, code: 'SIGNATURE_INVALID' };
  const window = input.windowMs ?? HIS_TIMESTAMP_WINDOW_MS;
  const ts = Number(timestamp);
  if (Math.abs(input.nowMs - ts) > window) return { ok: false, code: 'TIMESTAMP_EXPIRED' };
  if (!input.nonces.remember(appId, nonce, ts, input.nowMs)) return { ok: false, code: 'REPLAYED' };
  return { ok: true, appId };
}
