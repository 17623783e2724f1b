/**
 * Kiosk credentials (KIOSK_KEYS: a JSON object of kiosk id → HMAC secret), one per kiosk so one can
 * be revoked alone; and the kiosk API's limits. Secrets only from the environment.
 */
import type { FunctionEnv } from './env-vars';

export interface KioskLimits {
  /** Wrong codes one kiosk may try within `windowMs` before it is locked for `lockMs`. */
  perKiosk: { max: number; windowMs: number; lockMs: number };
  /** Failed tries of one code value (wrong, expired or already redeemed) before it is locked. */
  perCode: { max: number; windowMs: number; lockMs: number };
}

export const DEFAULT_KIOSK_LIMITS: Readonly<KioskLimits> = Object.freeze({
  perKiosk: { max: 10, windowMs: 10 * 60_000, lockMs: 15 * 60_000 },
  perCode: { max: 5, windowMs: 60 * 60_000, lockMs: 60 * 60_000 },
});

const KIOSK_ID = /^[A-Za-z0-9_-]{1,32}$/;

export function kioskKeysFromEnv(env: FunctionEnv = process.env): ReadonlyMap<string, string> {
  const raw = env.KIOSK_KEYS?.trim();
  if (!raw) throw new Error('KIOSK_KEYS is not set: configure the kiosks in the function environment');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('KIOSK_KEYS must be a JSON object of kiosk id → secret');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('KIOSK_KEYS must be a JSON object of kiosk id → secret');
  }
  const keys = new Map<string, string>();
  for (const [id, secret] of Object.entries(parsed as Record<string, unknown>)) {
    if (!KIOSK_ID.test(id)) throw new Error('KIOSK_KEYS: a kiosk id must be 1–32 of [A-Za-z0-9_-]');
    if (typeof secret !== 'string' || secret.length < 32) {
      throw new Error(`KIOSK_KEYS: the secret of kiosk ${id} must be at least 32 characters`);
    }
    keys.set(id, secret);
  }
  return keys;
}
