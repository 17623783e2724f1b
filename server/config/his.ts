/**
 * The HIS gateway connection of every function that calls the HIS (patient, booking), from the
 * function environment: HIS_BASE_URL, HIS_APP_ID, HIS_APP_SECRET (required), HIS_TIMEOUT_MS,
 * HIS_RETRIES (optional). Read at cold start; a missing or malformed value refuses to start.
 */
import { DEFAULT_HIS_RETRIES, DEFAULT_HIS_TIMEOUT_MS, type HisClientConfig } from '../adapters/his/transport';
import type { EnvVarName, FunctionEnv } from './env-vars';

export function hisConfigFromEnv(env: FunctionEnv = process.env): HisClientConfig {
  const required = (name: EnvVarName): string => {
    const v = env[name]?.trim();
    if (!v) throw new Error(`HIS client: environment variable ${name} is not set`);
    return v;
  };
  const int = (name: EnvVarName, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`HIS client: environment variable ${name} must be an integer in [${min}, ${max}]`);
    }
    return n;
  };
  const baseUrl = required('HIS_BASE_URL');
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) {
    throw new Error('HIS client: environment variable HIS_BASE_URL must be an http(s) URL');
  }
  return {
    baseUrl,
    appId: required('HIS_APP_ID'),
    appSecret: required('HIS_APP_SECRET'),
    timeoutMs: int('HIS_TIMEOUT_MS', DEFAULT_HIS_TIMEOUT_MS, 1, 120_000),
    retries: int('HIS_RETRIES', DEFAULT_HIS_RETRIES, 0, 10),
  };
}
