import { startHisSandbox, type HisSandbox, type HisSandboxOptions } from '../../../devstack/his';
import { createHisBookingClient } from '../../../server/adapters/his/booking-client';
import { createHisPatientClient } from '../../../server/adapters/his/patient-client';
import { signRequest } from '../../../server/adapters/his/signature';
import type { HisClientConfig, HisClientDeps } from '../../../server/adapters/his/transport';
import { silentLogger, type Logger } from '../../../server/core/log';
import { HisError } from '../../../server/ports/his-error';

export const APP_ID = 'test-app';
export const APP_SECRET = 'test-secret-0123456789';

export function startTestSandbox(opts: Partial<HisSandboxOptions> = {}): Promise<HisSandbox> {
  return startHisSandbox({ port: 0, dbFile: ':memory:', appId: APP_ID, appSecret: APP_SECRET, ...opts });
}

type TestClientDeps = { log?: Logger; fetch?: typeof fetch; now?: () => number };

/** A client's settings against a sandbox (no back-off sleeps, silent unless a logger is given). */
function against(
  his: HisSandbox,
  config: Partial<HisClientConfig>,
  deps: TestClientDeps,
): [HisClientConfig, HisClientDeps] {
  return [
    { baseUrl: his.url, appId: APP_ID, appSecret: APP_SECRET, timeoutMs: 2000, retries: 2, ...config },
    { sleep: async () => {}, log: deps.log ?? silentLogger, fetch: deps.fetch, now: deps.now },
  ];
}

/** A patient client against a sandbox. */
export const patientClientFor = (his: HisSandbox, config: Partial<HisClientConfig> = {}, deps: TestClientDeps = {}) =>
  createHisPatientClient(...against(his, config, deps));

export interface RawOptions {
  appId?: string;
  appSecret?: string;
  timestampMs?: number;
  nonce?: string;
  /** Override headers after signing (e.g. to tamper with the signature). */
  headers?: Record<string, string>;
}

/** A hand-signed gateway call, for protocol-level tests. */
export async function rawCall(
  his: HisSandbox,
  method: string,
  body: unknown,
  opts: RawOptions = {},
): Promise<{ status: number; json: { code: string; data?: unknown; message?: string } }> {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = signRequest({
    appId: opts.appId ?? APP_ID,
    appSecret: opts.appSecret ?? APP_SECRET,
    rawBody,
    timestampMs: opts.timestampMs,
    nonce: opts.nonce,
  });
  const res = await fetch(`${his.url}/api/v1/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers, ...opts.headers },
    body: rawBody,
  });
  return { status: res.status, json: (await res.json()) as { code: string; data?: unknown; message?: string } };
}

// Test-only: sandbox JSON is navigated freely in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function getJson(his: HisSandbox, path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${his.url}${path}`);
  return { status: res.status, json: await res.json() };
}

/** A booking client against a sandbox; `now` is shared with the sandbox clock when it is faked. */
export const bookingClientFor = (his: HisSandbox, config: Partial<HisClientConfig> = {}, deps: TestClientDeps = {}) =>
  createHisBookingClient(...against(his, config, deps));

/** A settable clock for sandbox and clients. */
export function fakeClock(iso: string): {
  now: () => Date;
  ms: () => number;
  set(iso: string): void;
  add(ms: number): void;
} {
  let t = Date.parse(iso);
  return {
    now: () => new Date(t),
    ms: () => t,
    set: (x) => {
      t = Date.parse(x);
    },
    add: (ms) => {
      t += ms;
    },
  };
}

// Test-only: sandbox JSON is navigated freely in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function postJson(his: HisSandbox, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${his.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** The HisError a call rejects with (fails the test when it resolves or rejects otherwise). */
export async function rejection(p: Promise<unknown>): Promise<HisError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(HisError);
    return err as HisError;
  }
  throw new Error('expected a HisError');
}
