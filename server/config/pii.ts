/**
 * Key for the keyed hashes (HMAC-SHA256) the cloud DB keeps instead of PII: the ID-number hash used
 * for duplicate checks, the deterministic link ids and the HIS idempotency keys.
 *
 * Production: set the cloud function environment variable `PII_HASH_KEY` (≥ 32 random characters)
 * and never change it afterwards: hashes already stored would stop matching and a retried 建档
 * would get a new idempotency key. The default below is for local work and tests only.
 */
export const DEV_PII_HASH_KEY = 'dev-only-pii-hash-key--do-not-use-in-production';

export function piiHashKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const key = env.PII_HASH_KEY?.trim();
  return key ? key : DEV_PII_HASH_KEY;
}
