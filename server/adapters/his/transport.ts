/**
 * The HIS gateway transport shared by the cloud side's HIS clients (patient-client.ts: patients;
 * booking-client.ts: schedules and bookings): a concurrency gate, signing, per-attempt timeout,
 * bounded retries for idempotent calls, envelope and zod validation of `data`, failures mapped to
 * HisError, one log line per call (method, outcome, code, attempts, duration — never a body).
 */
import { z } from 'zod';
import { Gate } from '../../core/gate';
import { logger as defaultLogger, type Logger } from '../../core/log';
import { HisError } from '../../ports/his-error';
import { HIS_API_PREFIX, HIS_RETRYABLE_CODES } from './protocol';
import { nodeHttpFetch, type HisFetch } from './node-http';
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
  /** Default: node:http with keep-alive (node-http.ts); tests inject the global fetch or fakes. */
  fetch?: HisFetch;
  sleep?: (ms: number) => Promise<void>;
  log?: Logger;
  /** Clock for request timestamps (unix ms); default Date.now. Tests share a fake clock with the sandbox. */
  now?: () => number;
  /** At most this many attempts in flight at once (default HIS_CONCURRENCY). */
  concurrency?: number;
}

export const DEFAULT_HIS_TIMEOUT_MS = 3000;
export const DEFAULT_HIS_RETRIES = 2;

/**
 * At most this many HIS requests of one client (one per function instance) on the wire; the rest
 * wait in FIFO order, and their per-attempt timeout starts only when they are sent (a retry's
 * back-off holds no place). In a release burst every concurrent booker reaches the HIS at once:
 * unbounded, each opens its own connection, the calls crowd each other out and the slowest run into
 * the HIS timeout and are retried.
 */
export const HIS_CONCURRENCY = 48;

const envelopeSchema = z.object({
  code: z.string().min(1),
  message: z.string().optional(),
  data: z.unknown().optional(),
});

/** Client-side codes (kind 'unavailable') besides the gateway's own UNAVAILABLE / INTERNAL. */
export type HisTransportCode = 'TIMEOUT' | 'NETWORK' | 'BAD_RESPONSE';

/** One attempt's outcome: data, or a HisError plus whether trying again could help. */
type Attempt<T> = { ok: true; data: T } | { ok: false; error: HisError; retryable: boolean };

export interface CallOptions {
  /**
   * Reads, and mutations carrying a requestId (the gateway deduplicates them): retried on transient
   * failures. Never set it for a mutation without a requestId.
   */
  idempotent: boolean;
}

export interface HisTransport {
  /** Calls a gateway method; resolves with its validated `data` or rejects with HisError. */
  call<T>(method: string, body: unknown, schema: z.ZodType<T>, opts: CallOptions): Promise<T>;
}

export function createHisTransport(config: HisClientConfig, deps: HisClientDeps = {}): HisTransport {
  const doFetch = deps.fetch ?? nodeHttpFetch;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = deps.log ?? defaultLogger;
  const now = deps.now ?? Date.now;
  const base = config.baseUrl.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs > 0 ? config.timeoutMs : DEFAULT_HIS_TIMEOUT_MS;
  const retries = Math.max(0, Math.floor(config.retries));
  const gate = new Gate(deps.concurrency ?? HIS_CONCURRENCY);

  async function attempt<T>(method: string, rawBody: string, schema: z.ZodType<T>): Promise<Attempt<T>> {
    // A fresh timestamp and nonce per attempt: the gateway refuses a nonce it has seen.
    const headers = signRequest({ appId: config.appId, appSecret: config.appSecret, rawBody, timestampMs: now() });
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
  async function call<T>(method: string, body: unknown, schema: z.ZodType<T>, opts: CallOptions): Promise<T> {
    const { idempotent } = opts;
    const started = Date.now();
    const rawBody = JSON.stringify(body);
    const maxAttempts = idempotent ? 1 + retries : 1;
    let attempts = 0;
    let last: HisError | undefined;
    for (;;) {
      attempts += 1;
      const r = await gate.run(() => attempt(method, rawBody, schema));
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

  return { call };
}

/** A read's "the HIS has no such record" (rejected NOT_FOUND) as null; other failures as they are. */
export async function orNullIfNotFound<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof HisError && err.kind === 'rejected' && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

/** 100 ms, 200 ms, 400 ms ... (capped at 1 s), each with ±50 % jitter. */
function backoffMs(attempt: number): number {
  const base = Math.min(1000, 100 * 2 ** (attempt - 1));
  return Math.round(base * (0.5 + Math.random()));
}

/**
 * A request body of exactly these fields of `input`, in this order: what the protocol names, and
 * nothing else the caller's object may carry.
 */
export function bodyOf<T extends object, K extends keyof T>(input: T, fields: readonly K[]): Pick<T, K> {
  const body = {} as Pick<T, K>;
  for (const f of fields) body[f] = input[f];
  return body;
}
