/**
 * Delivers notifications as WeChat Pay does: a signed POST to the notify_url, anything but 2xx
 * (or no answer within 5 s) retried on WeChat's schedule (MEDICAL_INSURANCE.SUCCESS: for about
 * 30 s only), every attempt logged per order (per mixed order for 医保 ones). The
 * schedule is divided by `timeScale` so a day of retries fits in a test or a console session; the
 * 5 s answer timeout is not scaled, since it is what the receiver must meet. Timers live in memory
 * with their due time in the store, so a restart resumes them and `close()` clears them all.
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Faults } from './faults';
import type { WechatpaySigner } from './signer';
import type { DeliveryKind, NotificationRow, PayStore } from './store';
import type { Clock } from './time';
import { isLoopbackUrl } from './validate';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
/** After a failed delivery, the waits before the next ones (15 retries, about 24 h). */
export const WECHAT_RETRY_SCHEDULE_MS = [
  15 * S,
  15 * S,
  30 * S,
  3 * M,
  10 * M,
  20 * M,
  30 * M,
  30 * M,
  30 * M,
  H,
  3 * H,
  3 * H,
  3 * H,
  6 * H,
  6 * H,
];
/**
 * MEDICAL_INSURANCE.SUCCESS is retried with a short exponential back-off that gives up after about
 * 30 s (wechatpay-skills: "30 秒后不再重试"), so a merchant must poll orders left in MIX_PAY_CREATED.
 */
export const MED_INS_RETRY_SCHEDULE_MS = [2 * S, 4 * S, 8 * S, 16 * S];

/** The waits after failed deliveries of a notification of this type. */
export function retryScheduleFor(eventType: string): readonly number[] {
  return eventType === 'MEDICAL_INSURANCE.SUCCESS' ? MED_INS_RETRY_SCHEDULE_MS : WECHAT_RETRY_SCHEDULE_MS;
}

/** WeChat waits this long for an answer (real time, never scaled). */
export const ANSWER_TIMEOUT_MS = 5000;

export interface DeliveryResult {
  status: number | null;
  ms: number;
  error?: string;
  answer?: string;
  tampered?: string;
}

export interface NotifierDeps {
  store: PayStore;
  signer: WechatpaySigner;
  faults: Faults;
  clock: Clock;
  timeScale: number;
  quiet: boolean;
}

const ok = (status: number | null): boolean => status !== null && status >= 200 && status < 300;

/**
 * Alters a signed body so its signature no longer verifies. Alternates between a change that keeps
 * the JSON's meaning (catches verifying `JSON.stringify(parsed)` instead of the raw bytes) and one
 * that changes a clear-text field (catches skipping the signature because decryption succeeded).
 */
function tamperBody(body: string, n: number): { body: string; how: string } {
  if (n % 2 === 0) return { body: body.replace(/^\{/, '{ '), how: 'whitespace' };
  return { body: body.replace(/"summary":"([^"]*)"/, '"summary":"$1（篡改）"'), how: 'summary' };
}

export class Notifier {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly extraTimers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<ClientRequest>();
  private tampered = 0;
  private closed = false;

  constructor(private readonly deps: NotifierDeps) {}

  /** A new notification: its first delivery right away. */
  enqueue(id: string): void {
    this.schedule(id, 0);
  }

  /** After a restart: pending notifications continue where their schedule was. */
  resume(): void {
    for (const n of this.deps.store.pendingNotifications())
      this.schedule(n.id, Math.max(0, (n.next_at ?? 0) - Date.now()));
  }

  /** `times` extra deliveries of the order's latest notification, all at once or one after another. */
  async redeliver(n: NotificationRow, times: number, sequential: boolean): Promise<DeliveryResult[]> {
    const one = (i: number): Promise<DeliveryResult> => this.deliver(n, 'manual', i + 1);
    if (!sequential) return Promise.all(Array.from({ length: times }, (_, i) => one(i)));
    const results: DeliveryResult[] = [];
    for (let i = 0; i < times && !this.closed; i++) results.push(await one(i));
    return results;
  }

  close(): void {
    this.closed = true;
    for (const t of [...this.timers.values(), ...this.extraTimers]) clearTimeout(t);
    this.timers.clear();
    this.extraTimers.clear();
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
  }

  private schedule(id: string, delayMs: number): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(id));
    const timer = setTimeout(() => {
      this.timers.delete(id);
      void this.attempt(id);
    }, delayMs);
    this.timers.set(id, timer);
  }

  private async attempt(id: string): Promise<void> {
    const n = this.deps.store.notification(id);
    if (!n || n.state !== 'pending' || this.closed) return;
    const attempt = n.attempts + 1;
    const result = await this.deliver(n, 'scheduled', attempt);
    if (this.closed) return;
    if (ok(result.status)) {
      this.deps.store.updateNotification(id, { state: 'delivered', attempts: attempt, next_at: null });
      if (this.deps.faults.duplicate()) this.sendDuplicate(n);
      return;
    }
    if (result.error?.startsWith('undeliverable')) {
      this.deps.store.updateNotification(id, { state: 'undeliverable', attempts: attempt, next_at: null });
      return;
    }
    const wait = retryScheduleFor(n.event_type)[attempt - 1];
    if (wait === undefined) {
      this.deps.store.updateNotification(id, { state: 'failed', attempts: attempt, next_at: null });
      return;
    }
    const delay = Math.max(1, Math.round(wait / this.deps.timeScale));
    this.deps.store.updateNotification(id, { state: 'pending', attempts: attempt, next_at: Date.now() + delay });
    this.schedule(id, delay);
  }

  /** WeChat's "the same notification twice even after a success answer". */
  private sendDuplicate(n: NotificationRow): void {
    const timer = setTimeout(() => {
      this.extraTimers.delete(timer);
      void this.deliver(n, 'duplicate', n.attempts + 1);
    }, this.deps.faults.duplicateDelayMs());
    this.extraTimers.add(timer);
  }

  private async deliver(n: NotificationRow, kind: DeliveryKind, attempt: number): Promise<DeliveryResult> {
    const headers = this.deps.signer.signNotification(n.body);
    let body = n.body;
    let tampered: string | undefined;
    if (this.deps.faults.tamper()) {
      const t = tamperBody(n.body, this.tampered++);
      body = t.body;
      tampered = t.how;
    }
    const result = await this.post(n.url, body, headers);
    if (tampered) result.tampered = tampered;
    if (this.closed) return result;
    this.deps.store.insertDelivery({
      notification_id: n.id,
      out_trade_no: n.out_trade_no,
      event_type: n.event_type,
      kind,
      attempt,
      at: this.deps.clock().getTime(),
      status: result.status,
      ms: result.ms,
      error: result.error ?? null,
      tampered: tampered ?? null,
      answer: result.answer ?? null,
    });
    this.log(n, kind, attempt, result);
    return result;
  }

  private log(n: NotificationRow, kind: DeliveryKind, attempt: number, r: DeliveryResult): void {
    if (this.deps.quiet) return;
    const outcome = r.status === null ? r.error : `HTTP ${r.status}`;
    console.log(
      `pay sandbox: ${n.event_type} ${n.out_trade_no} → ${n.url} (${kind} #${attempt}${r.tampered ? ', tampered' : ''}): ${outcome}, ${r.ms} ms`,
    );
  }

  private post(target: string, body: string, headers: Record<string, string>): Promise<DeliveryResult> {
    const why = undeliverable(target);
    if (why) return Promise.resolve({ status: null, ms: 0, error: `undeliverable: ${why}` });
    return postOnce(new URL(target), body, headers, this.inFlight);
  }
}

/** Why a notify_url is not posted to: only loopback receivers, so nothing leaves the machine. */
export function undeliverable(target: string): string | null {
  try {
    return isLoopbackUrl(new URL(target)) ? null : 'the sandbox only posts to 127.0.0.1/localhost';
  } catch {
    return 'not a URL';
  }
}

/** What the v2 (XML) notifications post differently (papay-notifier.ts); the defaults are v3's. */
export interface PostOptions {
  contentType?: string;
  /** How much of the answer is kept (default 200 characters). */
  answerChars?: number;
}

/** One POST with WeChat's 5 s answer timeout; `inFlight` holds the request until it ends (close() destroys it). */
export function postOnce(
  url: URL,
  body: string,
  headers: Record<string, string>,
  inFlight: Set<ClientRequest>,
  opts: PostOptions = {},
): Promise<DeliveryResult> {
  const started = Date.now();
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(url, {
      method: 'POST',
      agent: false,
      // A local https receiver has a self-signed certificate.
      rejectUnauthorized: false,
      headers: {
        ...headers,
        'Content-Type': opts.contentType ?? 'application/json',
        'Content-Length': String(Buffer.byteLength(body)),
        'User-Agent': 'Mozilla/4.0 (pay sandbox; WeChat Pay notification)',
      },
    });
    inFlight.add(req);
    const timeout = setTimeout(
      () => req.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)),
      ANSWER_TIMEOUT_MS,
    );
    let settled = false;
    const done = (r: Omit<DeliveryResult, 'ms'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      inFlight.delete(req);
      resolve({ ...r, ms: Date.now() - started });
    };
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({
          status: res.statusCode ?? null,
          answer: Buffer.concat(chunks)
            .toString('utf8')
            .slice(0, opts.answerChars ?? 200),
        }),
      );
      res.on('error', (err) => done({ status: null, error: err.message }));
    });
    req.on('error', (err) => done({ status: null, error: err.message }));
    req.end(body);
  });
}
