/**
 * The cloud side's HIS client: implements HisPort over the HIS gateway protocol
 * (docs/his-gateway.md) — JSON over HTTPS, HMAC-signed, per-call timeout, bounded retries for
 * idempotent calls, failures mapped to HisError. Logs one line per call with method, outcome,
 * attempts and duration only — never a body, a name, an ID number or a phone.
 */
import { z } from 'zod';
import { logger as defaultLogger, type Logger } from '../../core/log';
import { HisError, type HisCreatePatientInput, type HisPatient, type HisPort } from '../../ports/his';
import { HIS_API_PREFIX, HIS_RETRYABLE_CODES } from './protocol';
import { signRequest } from './signature';

export interface HisClientConfig {
  /** e.g. https://his-gateway.example-hospital.cn (no trailing slash needed). */
  baseUrl: string;
  appId: string;
  appSecret: string;
  /** Per attempt; default 3000. */
  timeoutMs: number;
  /** Extra attempts for idempotent calls after a transient failure; default 2. */
  retries: number;
}

export interface HisClientDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  log?: Logger;
}

export const DEFAULT_HIS_TIMEOUT_MS = 3000;
export const DEFAULT_HIS_RETRIES = 2;

/** Reads HIS_BASE_URL, HIS_APP_ID, HIS_APP_SECRET, HIS_TIMEOUT_MS, HIS_RETRIES. */
export function hisConfigFromEnv(env: NodeJS.ProcessEnv = process.env): HisClientConfig {
  const required = (name: string): string => {
    const v = env[name]?.trim();
    if (!v) throw new Error(`HIS client: environment variable ${name} is not set`);
    return v;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
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

const patientSchema = z.object({
  patientId: z.string().min(1),
  cardNo: z.string().min(1),
  name: z.string().min(1),
  idNumber: z.string().regex(/^\d{17}[\dX]$/),
  phone: z.string(),
  gender: z.enum(['M', 'F']),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  socialSecurityNo: z.string().nullable(),
  createdAt: z.string(),
}) satisfies z.ZodType<HisPatient>;

const envelopeSchema = z.object({
  code: z.string().min(1),
  message: z.string().optional(),
  data: z.unknown().optional(),
});

const maybePatientData = z.object({ patient: patientSchema.nullable() });
const patientData = z.object({ patient: patientSchema });

/** Client-side codes (kind 'unavailable') besides the gateway's own UNAVAILABLE / INTERNAL. */
export type HisTransportCode = 'TIMEOUT' | 'NETWORK' | 'BAD_RESPONSE';

/** One attempt's outcome: data, or a HisError plus whether trying again could help. */
type Attempt<T> = { ok: true; data: T } | { ok: false; error: HisError; retryable: boolean };

export function createHisClient(config: HisClientConfig, deps: HisClientDeps = {}): HisPort {
  const doFetch = deps.fetch ?? globalThis.fetch;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = deps.log ?? defaultLogger;
  const base = config.baseUrl.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs > 0 ? config.timeoutMs : DEFAULT_HIS_TIMEOUT_MS;
  const retries = Math.max(0, Math.floor(config.retries));

  async function attempt<T>(method: string, rawBody: string, schema: z.ZodType<T>): Promise<Attempt<T>> {
    // A fresh timestamp and nonce per attempt: the gateway refuses a nonce it has seen.
    const headers = signRequest({ appId: config.appId, appSecret: config.appSecret, rawBody });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: number;
    let text: string;
    try {
      const res = await doFetch(`${base}${HIS_API_PREFIX}${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
        body: rawBody,
        signal: controller.signal,
      });
      status = res.status;
      text = await res.text();
    } catch {
      const code: HisTransportCode = controller.signal.aborted ? 'TIMEOUT' : 'NETWORK';
      return {
        ok: false,
        error: new HisError('unavailable', code, `HIS ${method}: ${code.toLowerCase()}`),
        retryable: true,
      };
    } finally {
      clearTimeout(timer);
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const env = envelopeSchema.safeParse(json);
    if (!env.success) {
      // A proxy's HTML 502 page is transient; garbage with any other status is not worth repeating.
      if (status >= 500) {
        return {
          ok: false,
          error: new HisError('unavailable', 'UNAVAILABLE', `HIS ${method}: HTTP ${status}`),
          retryable: true,
        };
      }
      return {
        ok: false,
        error: new HisError('unavailable', 'BAD_RESPONSE', `HIS ${method}: malformed response`),
        retryable: false,
      };
    }
    const { code } = env.data;
    if (code === 'OK' && status === 200) {
      const data = schema.safeParse(env.data.data);
      if (!data.success) {
        return {
          ok: false,
          error: new HisError('unavailable', 'BAD_RESPONSE', `HIS ${method}: unexpected data shape`),
          retryable: false,
        };
      }
      return { ok: true, data: data.data };
    }
    if (HIS_RETRYABLE_CODES.has(code) || status >= 500) {
      const c = code === 'OK' ? 'UNAVAILABLE' : code;
      return {
        ok: false,
        error: new HisError('unavailable', c, `HIS ${method}: ${c} (HTTP ${status})`),
        retryable: true,
      };
    }
    // Business or client rejection: never retried. The HIS message is for developers, never for patients.
    return { ok: false, error: new HisError('rejected', code, `HIS ${method}: ${code}`), retryable: false };
  }

  /**
   * Calls a gateway method. `idempotent` calls (reads, and creates carrying a requestId) are retried
   * on transient failures: at most `retries` extra attempts with a small jittered backoff.
   */
  async function call<T>(method: string, body: unknown, schema: z.ZodType<T>, idempotent: boolean): Promise<T> {
    const started = Date.now();
    const rawBody = JSON.stringify(body);
    const maxAttempts = idempotent ? 1 + retries : 1;
    let attempts = 0;
    let last: HisError | undefined;
    for (;;) {
      attempts += 1;
      const r = await attempt(method, rawBody, schema);
      if (r.ok) {
        log.info('his.call', { method, ok: true, attempts, ms: Date.now() - started });
        return r.data;
      }
      last = r.error;
      if (!r.retryable || attempts >= maxAttempts) break;
      await sleep(backoffMs(attempts));
    }
    const level = last.kind === 'unavailable' ? 'warn' : 'info';
    log[level]('his.call', { method, ok: false, kind: last.kind, code: last.code, attempts, ms: Date.now() - started });
    throw last;
  }

  return {
    async findPatientByIdNumber(idNumber: string): Promise<HisPatient | null> {
      const data = await call('patient.findByIdNumber', { idNumber }, maybePatientData, true);
      return data.patient;
    },

    async getPatient(patientId: string): Promise<HisPatient | null> {
      try {
        const data = await call('patient.get', { patientId }, patientData, true);
        return data.patient;
      } catch (err) {
        if (err instanceof HisError && err.kind === 'rejected' && err.code === 'NOT_FOUND') return null;
        throw err;
      }
    },

    async createPatient(input: HisCreatePatientInput): Promise<HisPatient> {
      const body = {
        requestId: input.requestId,
        name: input.name,
        idNumber: input.idNumber,
        phone: input.phone,
        gender: input.gender,
        birthDate: input.birthDate,
        socialSecurityNo: input.socialSecurityNo,
      };
      // Retrying a create is safe because it always carries a requestId: the HIS deduplicates by
      // requestId and answers a repeat with the original patient (never a second record). So a
      // timeout whose request did reach the HIS is resolved by the retry.
      const data = await call('patient.create', body, patientData, Boolean(input.requestId));
      return data.patient;
    },
  };
}

/** 100 ms, 200 ms, 400 ms ... (capped at 1 s), each with ±50 % jitter. */
function backoffMs(attempt: number): number {
  const base = Math.min(1000, 100 * 2 ** (attempt - 1));
  return Math.round(base * (0.5 + Math.random()));
}
