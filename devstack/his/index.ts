/**
 * HIS sandbox: a local stand-in for the hospital's HIS gateway that speaks the real protocol
 * (docs/his-gateway.md) over real HTTP, backed by SQLite with deterministic seed data.
 *
 *   const his = await startHisSandbox({ port: 0, dbFile: ':memory:', appId, appSecret });
 *   // ... point the HIS client at his.url ...
 *   await his.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HIS_API_PREFIX, HIS_MAX_BODY_BYTES, HIS_METHOD_RE } from '../../server/adapters/his/protocol';
import { NonceCache, verifyRequest } from '../../server/adapters/his/signature';
import { ensureWindow, type ScheduleConfig } from './booking-store';
import { openSandboxDb } from './db';
import { checkEventsUrl, checkTimeScale, DEFAULT_EVENT_TIME_SCALE, HisEventDelivery } from './event-delivery';
import type { FeeRuntime } from './fee-store';
import { GroupCommit } from './group-commit';
import { SANDBOX_ERROR_STATUS, SandboxError, type SandboxErrorCode } from './errors';
import { METHODS } from './methods';
import { createPrng } from './prng';
import { DEFAULT_RELEASE_TIME } from './schedule';
import { renderReceiptPage } from './receipt-page';
import { DEFAULT_SEED } from './seed';
import { handleSandboxRoute, type FaultState } from './sandbox-routes';

export interface HisSandboxOptions {
  /** 0 = ephemeral. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** SQLite file, or ':memory:'. */
  dbFile: string;
  appId: string;
  appSecret: string;
  /** PRNG seed for the seed data (and fault decisions); default 20261127. */
  seed?: number;
  /** Wipe and reseed. */
  reset?: boolean;
  /**
   * The sandbox's clock: authentication (timestamp window) and every business rule (release,
   * session start, arrival window, queue) use it. Default: the system clock.
   */
  clock?: () => Date;
  /** `HH:mm` Asia/Shanghai at which seeded sessions are released, 7 days ahead; default `07:00`. */
  releaseTime?: string;
  /**
   * Base URL of the e-receipt pages in settlements' `viewUrl` (`{receiptBaseUrl}/receipts/{billNo}`),
   * for a sandbox reached through another address. Default: the sandbox's own `url`.
   */
  receiptBaseUrl?: string;
  /** E-receipts are issued this many ms after their settlement (receipt null until then); default 0. */
  receiptDelayMs?: number;
  /**
   * Where the HIS delivers its events (the cloud's HTTP access route, `{devstack}/http/hisEvents`),
   * loopback only. Without one, events wait (pending) until `setEventsUrl`.
   */
  eventsUrl?: string;
  /** Divides the events' retry schedule (1 s … 1 h); default 100. The 5 s answer timeout is not scaled. */
  eventTimeScale?: number;
}

export interface HisFaults {
  /** Share of matching calls (0..1) answered with UNAVAILABLE / HTTP 503. Decided by a seeded PRNG. */
  failRate?: number;
  /** Delay before each matching call is processed, in ms. */
  delayMs?: number;
  /** Method names the faults apply to; empty or absent = all methods. */
  methods?: string[];
  /**
   * Extension (sandbox-only): the next N matching calls fail with UNAVAILABLE, whatever failRate
   * says — a fully deterministic way to script "fail, then succeed".
   */
  failNext?: number;
  /**
   * Extension (sandbox-only): a call selected to fail (by `failNext` or `failRate`) is first
   * processed — a booking.confirm books the seat — and then answered UNAVAILABLE (HTTP 503), as if
   * the answer had been lost on the way back. The caller's retry with the same requestId then gets
   * the original result; without a retry the outcome is unknown to the caller.
   */
  applyThenFail?: boolean;
  /**
   * Extension (sandbox-only): delay after processing a matching call and before answering, in ms.
   * Unlike `delayMs` (before processing: a caller that gave up meanwhile finds nothing applied),
   * the call is applied at once and only its answer is late — beyond a client timeout this is the
   * "applied, but the caller timed out" case.
   */
  responseDelayMs?: number;
}

export interface HisSandbox {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  close(): Promise<void>;
  /** Replaces the current faults; `setFaults({})` clears them. */
  setFaults(f: HisFaults): void;
  /**
   * Sets where events are delivered (loopback http(s) only; throws otherwise); pending events go
   * there at once. `null` pauses delivery (events wait, pending).
   */
  setEventsUrl(url: string | null): void;
}

export const DEVSTACK_HIS_APP_ID = 'devstack-app';
/** Dev-only secret shared by the devstack's functions and its HIS sandbox. Never used outside local work. */
export const DEVSTACK_HIS_APP_SECRET = 'devstack-his-secret-not-for-production-0001';

export { DEFAULT_SEED } from './seed';
export { DEFAULT_EVENT_TIME_SCALE, HIS_EVENT_RETRY_SCHEDULE_MS } from './event-delivery';
export { DEFAULT_RELEASE_TIME } from './schedule';

function sendJson(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...extraHeaders,
  });
  res.end(text);
}

function sendError(res: ServerResponse, code: SandboxErrorCode, message: string, status?: number): void {
  sendJson(res, status ?? SANDBOX_ERROR_STATUS[code], { code, message });
}

/** Reads the body; `tooLarge` when it exceeds the limit (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
      // Stop draining absurd uploads altogether.
      if (size > limit * 16) req.destroy();
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}

export async function startHisSandbox(opts: HisSandboxOptions): Promise<HisSandbox> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const clock = opts.clock ?? (() => new Date());
  const releaseTime = opts.releaseTime ?? DEFAULT_RELEASE_TIME;
  if (!/^(?:[01]\d|2[0-3]):[0-5]\d$/.test(releaseTime)) throw new Error('HIS sandbox: releaseTime must be HH:mm');
  const schedule: ScheduleConfig = { seed, releaseTime };
  const eventTimeScale = checkTimeScale(opts.eventTimeScale ?? DEFAULT_EVENT_TIME_SCALE);
  if (opts.eventsUrl !== undefined) checkEventsUrl(opts.eventsUrl);
  const db = openSandboxDb({ dbFile: opts.dbFile, seed, reset: opts.reset ?? false, now: clock() });
  // Seed the schedule window (today − 1 … today + 7); schedule.query keeps it current later.
  ensureWindow(db, schedule, clock());
  // Every request's database work joins the turn's group transaction; answers wait for its commit.
  const group = new GroupCommit(db);
  const nonces = new NonceCache();
  const faultRnd = createPrng((seed ^ 0x5eed) >>> 0);
  // baseUrl is known once listening (below).
  const fees: FeeRuntime = {
    baseUrl: opts.receiptBaseUrl ?? '',
    receiptDelayMs: Math.max(0, Math.floor(opts.receiptDelayMs ?? 0)),
    rnd: createPrng((seed ^ 0xfee) >>> 0),
  };
  const faults: FaultState = {
    failRate: 0,
    delayMs: 0,
    methods: [],
    failNext: 0,
    applyThenFail: false,
    responseDelayMs: 0,
  };
  // Delivers nothing until a URL is set (below, once listening, or setEventsUrl).
  const events = new HisEventDelivery({
    db,
    appId: opts.appId,
    appSecret: opts.appSecret,
    clock,
    timeScale: eventTimeScale,
  });
  const pendingDelays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closed = false;

  const setFaults = (f: HisFaults): void => {
    faults.failRate = Math.min(1, Math.max(0, Number(f.failRate ?? 0) || 0));
    faults.delayMs = Math.max(0, Math.floor(Number(f.delayMs ?? 0) || 0));
    faults.methods = Array.isArray(f.methods) ? f.methods.filter((m) => typeof m === 'string') : [];
    faults.failNext = Math.max(0, Math.floor(Number(f.failNext ?? 0) || 0));
    faults.applyThenFail = f.applyThenFail === true;
    faults.responseDelayMs = Math.max(0, Math.floor(Number(f.responseDelayMs ?? 0) || 0));
  };

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          pendingDelays.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      pendingDelays.add(entry);
    });

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      await readBody(req, HIS_MAX_BODY_BYTES);
      return sendError(res, 'INVALID_REQUEST', 'use POST', 405);
    }
    const { body: raw, tooLarge } = await readBody(req, HIS_MAX_BODY_BYTES);
    if (tooLarge) return sendError(res, 'INVALID_REQUEST', `body exceeds ${HIS_MAX_BODY_BYTES} bytes`, 413);

    const auth = verifyRequest({
      headers: req.headers,
      rawBody: raw,
      nowMs: clock().getTime(),
      secretFor: (appId) => (appId === opts.appId ? opts.appSecret : undefined),
      nonces,
    });
    if (!auth.ok) return sendError(res, auth.code, authMessage[auth.code]);

    const handler =
      HIS_METHOD_RE.test(method) && Object.prototype.hasOwnProperty.call(METHODS, method) ? METHODS[method] : undefined;
    if (!handler) return sendError(res, 'METHOD_NOT_FOUND', 'unknown method');

    const matching = faults.methods.length === 0 || faults.methods.includes(method);
    let fail = false;
    if (matching) {
      if (faults.delayMs > 0) await delay(faults.delayMs);
      if (closed || res.destroyed) return;
      if (faults.failNext > 0) {
        faults.failNext -= 1;
        fail = true;
      } else if (faults.failRate > 0) {
        fail = faultRnd.next() < faults.failRate;
      }
      if (fail && !faults.applyThenFail) {
        return sendError(res, 'UNAVAILABLE', 'injected fault: HIS temporarily unavailable');
      }
    }
    const responseDelayMs = matching ? faults.responseDelayMs : 0;

    let body: unknown;
    try {
      body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
    } catch {
      return sendError(res, 'INVALID_REQUEST', 'body is not valid JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendError(res, 'INVALID_REQUEST', 'body must be a JSON object');
    }
    let data: unknown;
    let error: SandboxError | undefined;
    group.join();
    try {
      data = handler(body as Record<string, unknown>, { db, appId: auth.appId, now: clock, schedule, fees });
    } catch (err) {
      if (!(err instanceof SandboxError)) throw err;
      error = err;
    }
    await group.committed();
    if (responseDelayMs > 0) await delay(responseDelayMs);
    if (closed || res.destroyed) return;
    // applyThenFail: the call was processed, its answer is "lost".
    if (fail) return sendError(res, 'UNAVAILABLE', 'injected fault: answer lost after processing');
    if (error) return sendError(res, error.code, error.message);
    sendJson(res, 200, { code: 'OK', data });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const run = async (): Promise<void> => {
      if (url.pathname.startsWith(HIS_API_PREFIX)) {
        return handleApi(req, res, url.pathname.slice(HIS_API_PREFIX.length));
      }
      if (url.pathname.startsWith('/sandbox/')) {
        const body = req.method === 'POST' ? await readBody(req, HIS_MAX_BODY_BYTES) : undefined;
        if (body?.tooLarge) return sendError(res, 'INVALID_REQUEST', 'body too large', 413);
        group.join();
        const answer = await handleSandboxRoute(
          { db, appId: opts.appId, faults, setFaults, seed, now: clock, schedule, fees, events },
          req.method ?? 'GET',
          url,
          body?.body,
        );
        await group.committed();
        return sendJson(res, answer.status, answer.body, answer.headers);
      }
      if (url.pathname.startsWith('/receipts/') && req.method === 'GET') {
        const page = renderReceiptPage(db, url.pathname.slice('/receipts/'.length), clock());
        res.writeHead(page.status, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': Buffer.byteLength(page.html),
          'Cache-Control': 'no-store',
        });
        return void res.end(page.html);
      }
      await readBody(req, HIS_MAX_BODY_BYTES);
      sendError(res, 'METHOD_NOT_FOUND', 'no such endpoint');
    };
    run().catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (err instanceof SandboxError) sendError(res, err.code, err.message);
      else sendError(res, 'INTERNAL', 'internal error');
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const ownUrl = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  fees.baseUrl ||= ownUrl;
  // Resumes the deliveries a previous run left pending (and those that waited for a URL).
  if (opts.eventsUrl !== undefined) events.setUrl(opts.eventsUrl);

  return {
    url: ownUrl,
    port,
    setFaults,
    setEventsUrl: (url) => {
      if (!closed) events.setUrl(url);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      events.close();
      for (const p of pendingDelays) {
        clearTimeout(p.timer);
        p.resolve();
      }
      pendingDelays.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      group.commit();
      db.close();
    },
  };
}

const authMessage = {
  SIGNATURE_INVALID: 'unknown app id, missing headers or bad signature',
  TIMESTAMP_EXPIRED: 'timestamp outside the accepted window',
  REPLAYED: 'nonce already used',
} as const;
