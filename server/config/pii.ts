/**
 * Key for the keyed hashes (HMAC-SHA256) the cloud DB keeps instead of PII: the ID-number hash used
 * for duplicate checks, the deterministic link ids and the HIS idempotency keys.
 *
 * Production: set the cloud function environment variable `PII_HASH_KEY` (≥ 32 random characters)
 * and never change it afterwards: hashes already stored would stop matching and a retried 建档
 * would get a new idempotency key. A function without it refuses to start handling calls (no
 * silent fallback); the devstack sets DEV_PII_HASH_KEY, which is for local work and tests only.
 */
import type { FunctionEnv } from './env-vars';

export const DEV_PII_HASH_KEY = 'dev-only-pii-hash-key--do-not-use-in-production';

export function piiHashKeyFromEnv(env: FunctionEnv = process.env): string {
  const key = env.PII_HASH_KEY?.trim();
  if (!key)
    throw new Error('PII_HASH_KEY is not set: configure it in the function environment (see server/config/pii.ts)');
  if (key.length < 32) throw new Error('PII_HASH_KEY must be at least 32 characters');
  return key;
}
