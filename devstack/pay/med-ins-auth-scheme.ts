/**
 * How a hospital server authenticates to the 医保 authorisation gateway (Tencent's, reached after
 * the mini program's jump to the 医保 mini program; no published spec, so the sandbox defines one
 * in the style of the HIS gateway, docs/his-gateway.md "Authentication"):
 *
 *   X-MedIns-AppId      the hospital's app id at the gateway
 *   X-MedIns-Timestamp  unix time in milliseconds
 *   X-MedIns-Nonce      16–64 characters of [A-Za-z0-9_-], new for every request
 *   X-MedIns-Signature  hex(HMAC-SHA256(appSecret, appId + "\n" + timestamp + "\n" + nonce + "\n" + rawBody))
 *
 * Checked in this order: headers well-formed, app id known, signature right (constant time) —
 * else 401 SIGNATURE_INVALID; |now − timestamp| ≤ 300 s — else 401 TIMESTAMP_EXPIRED; the nonce
 * unseen within the window — else 401 REPLAYED (recorded only once the first two passed).
 *
 * The credentials live in `<stateDir>/pay/medins.json` (next to merchant.json), made on first start.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeSignature, NonceCache } from '../../server/adapters/his/signature';

/** The 医保 mini program the hospital's mini program jumps to for 授权 (its result: an authCode). */
export const MED_INS_MINI_PROGRAM_APPID = 'wxe183cd55df4b4369';
export const MED_INS_PAY_AUTH_PATH = '/med-ins-auth/v1/pay-auth';
export const MED_INS_TIMESTAMP_WINDOW_MS = 300_000;

/** Node's (lower-case) names of the four headers. */
export const MED_INS_HEADER = {
  appId: 'x-medins-appid',
  timestamp: 'x-medins-timestamp',
  nonce: 'x-medins-nonce',
  signature: 'x-medins-signature',
} as const;

export interface MedInsAuthFile {
  appId: string;
  appSecret: string;
  /** The gateway's base URL (the pay sandbox's): POST `${baseUrl}/med-ins-auth/v1/pay-auth`. */
  baseUrl: string;
  miniProgramAppId: string;
}

const FILE = 'medins.json';
const NONCE_RE = /^[A-Za-z0-9_-]{16,64}$/;
const TIMESTAMP_RE = /^\d{1,16}$/;
const SIGNATURE_RE = /^[0-9a-f]{64}$/;

/** The HIS gateway's formula (hex HMAC-SHA256 over `appId\ntimestamp\nnonce\nrawBody`), another key. */
export const medInsSignature = computeSignature;

/** The four headers of one request (what a hospital server, or a test, sends). */
export function signMedInsRequest(input: {
  appId: string;
  appSecret: string;
  rawBody: string;
  timestampMs?: number;
  nonce?: string;
}): Record<string, string> {
  const timestamp = String(input.timestampMs ?? Date.now());
  const nonce = input.nonce ?? randomBytes(16).toString('hex');
  return {
    'X-MedIns-AppId': input.appId,
    'X-MedIns-Timestamp': timestamp,
    'X-MedIns-Nonce': nonce,
    'X-MedIns-Signature': medInsSignature(input.appSecret, input.appId, timestamp, nonce, input.rawBody),
  };
}

/** Nonces seen within the window (the HIS gateway's cache, keyed by app id and nonce). */
export { NonceCache };

export type MedInsAuthFailure = 'SIGNATURE_INVALID' | 'TIMESTAMP_EXPIRED' | 'REPLAYED';

/** Verifies one request against the gateway's credentials; null when it is good. */
export function verifyMedInsRequest(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  rawBody: string,
  auth: MedInsAuthFile,
  nowMs: number,
  nonces: NonceCache,
): MedInsAuthFailure | null {
  const get = (name: string): string | undefined => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const appId = get(MED_INS_HEADER.appId);
  const timestamp = get(MED_INS_HEADER.timestamp);
  const nonce = get(MED_INS_HEADER.nonce);
  const signature = get(MED_INS_HEADER.signature);
  if (!appId || !timestamp || !nonce || !signature) return 'SIGNATURE_INVALID';
  if (!TIMESTAMP_RE.test(timestamp) || !NONCE_RE.test(nonce) || !SIGNATURE_RE.test(signature)) {
    return 'SIGNATURE_INVALID';
  }
  if (appId !== auth.appId) return 'SIGNATURE_INVALID';
  const expected = Buffer.from(medInsSignature(auth.appSecret, appId, timestamp, nonce, rawBody), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return 'SIGNATURE_INVALID';
  const ts = Number(timestamp);
  if (Math.abs(nowMs - ts) > MED_INS_TIMESTAMP_WINDOW_MS) return 'TIMESTAMP_EXPIRED';
  if (!nonces.remember(appId, nonce, ts, nowMs)) return 'REPLAYED';
  return null;
}

function fresh(baseUrl: string): MedInsAuthFile {
  return {
    appId: `medins-${randomBytes(4).toString('hex')}`,
    appSecret: randomBytes(32).toString('base64url'),
    baseUrl,
    miniProgramAppId: MED_INS_MINI_PROGRAM_APPID,
  };
}

/** The gateway credentials of `dir` (made when missing, baseUrl written back); in memory without dir. */
export function loadMedInsAuth(opts: { dir?: string; baseUrl: string }): MedInsAuthFile {
  if (!opts.dir) return fresh(opts.baseUrl);
  const file = join(opts.dir, FILE);
  let auth: MedInsAuthFile;
  if (existsSync(file)) {
    let stored: Partial<MedInsAuthFile>;
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<MedInsAuthFile>;
    } catch (err) {
      throw new Error(
        `pay sandbox: ${file} is unreadable (${err instanceof Error ? err.message : err}); delete it to get new credentials`,
      );
    }
    if (typeof stored.appId !== 'string' || typeof stored.appSecret !== 'string') {
      throw new Error(`pay sandbox: ${file} has no appId/appSecret; delete it to get new credentials`);
    }
    auth = { ...fresh(opts.baseUrl), appId: stored.appId, appSecret: stored.appSecret };
  } else {
    auth = fresh(opts.baseUrl);
    mkdirSync(opts.dir, { recursive: true });
  }
  writeFileSync(file, `${JSON.stringify(auth, null, 2)}\n`, { mode: 0o600 });
  return auth;
}
