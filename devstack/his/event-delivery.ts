/**
 * Delivers the HIS sandbox's events to the cloud (docs/his-gateway.md, "Events (HIS → cloud)"): a
 * POST of the event's stored JSON to the events URL, signed with the four X-HIS-* headers exactly
 * as gateway requests are (signRequest, the gateway's app id and secret; each delivery a new
 * timestamp and nonce). Anything but 2xx, or no answer within 5 s, is retried on the HIS's
 * schedule (1 s … 1 h, then the event is `failed`), divided by `timeScale` so the schedule fits in
 * a devstack session or a test; the 5 s answer timeout is not scaled. Due times are stored, so a
 * restart resumes pending deliveries; while no URL is set nothing is sent (events wait, pending).
 * Only loopback URLs are accepted, so nothing signed with the dev-only secret leaves the machine.
 * `close()` clears every timer and aborts deliveries on the wire.
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
// node:timers directly: jest fake timers patch the globals (as group-commit.ts).
import { clearTimeout, setTimeout } from 'node:timers';
import { signRequest } from '../../server/adapters/his/signature';
import type { SandboxDb } from './db';
import {
  eventRow,
  insertChargesReady,
  insertDelivery,
  pendingEvents,
  updateEvent,
  type ChargesReadyInsurance,
  type DeliveryKind,
  type EventRow,
} from './event-store';
import type { FeeItemRow } from './fee-store';

const S = 1000;
const M = 60 * S;
/** After a failed delivery, the waits before the next ones (10 retries, then the event fails). */
export const HIS_EVENT_RETRY_SCHEDULE_MS: readonly number[] = [
  S,
  2 * S,
  5 * S,
  10 * S,
  30 * S,
  M,
  5 * M,
  10 * M,
  30 * M,
  60 * M,
];
/** How long the HIS waits for the cloud's answer (real time, never scaled). */
export const HIS_EVENT_ANSWER_TIMEOUT_MS = 5000;
/** The schedule's divisor by default (the whole schedule in about 64 s instead of 1 h 47 min). */
export const DEFAULT_EVENT_TIME_SCALE = 100;

export interface EventDeliveryResult {
  /** HTTP status, null when there was no answer (connection error, timeout). */
  status: number | null;
  ms: number;
  error?: string;
}

export interface EventDeliveryDeps {
  db: SandboxDb;
  /** The gateway's app id and secret of the cloud client the events go to. */
  appId: string;
  appSecret: string;
  /** The sandbox clock: occurredAt, the signature's timestamp and the log's instants. */
  clock: () => Date;
  timeScale: number;
}

const is2xx = (status: number | null): boolean => status !== null && status >= 200 && status < 300;

/** Refuses anything but an http(s) URL on the loopback interface. */
export function checkEventsUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`HIS sandbox: events URL is not a URL: ${raw}`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (!/^https?:$/.test(url.protocol) || !loopback) {
    throw new Error('HIS sandbox: the events URL must be http(s) on 127.0.0.1 / localhost');
  }
  return url.toString();
}

export function checkTimeScale(scale: number): number {
  if (!Number.isFinite(scale) || scale <= 0) throw new Error('HIS sandbox: eventTimeScale must be a number > 0');
  return scale;
}

export class HisEventDelivery {
  private url: string | null = null;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Events whose scheduled delivery is on the wire (not scheduled again meanwhile). */
  private readonly busy = new Set<string>();
  private readonly inFlight = new Set<ClientRequest>();
  private closed = false;

  constructor(private readonly deps: EventDeliveryDeps) {}

  get eventsUrl(): string | null {
    return this.url;
  }

  get timeScale(): number {
    return this.deps.timeScale;
  }

  /** Sets (or with null, pauses) the destination; pending events are then delivered to it. */
  setUrl(url: string | null): void {
    this.url = url === null ? null : checkEventsUrl(url);
    if (this.url !== null) this.resume();
  }

  /**
   * Stores a `charges.ready` event for the items (in the caller's transaction) and delivers it as
   * soon as the write is committed and a URL is set, naming the 医保 order the items were
   * pre-settled in at the 医生站 (`insurance`), if any. Returns the event id.
   */
  emitChargesReady(items: FeeItemRow[], insurance: ChargesReadyInsurance | null = null): string {
    const event = insertChargesReady(this.deps.db, items, this.deps.clock(), insurance);
    if (this.url !== null) this.schedule(event.eventId, 0);
    return event.eventId;
  }

  /** `times` extra deliveries of the event, all at once; a 2xx marks a not yet delivered one delivered. */
  redeliver(row: EventRow, times: number): Promise<EventDeliveryResult[]> {
    return Promise.all(Array.from({ length: times }, (_, i) => this.deliver(row, 'manual', i + 1)));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
  }

  /** Schedules every pending event not already scheduled or on the wire, at its stored due time. */
  private resume(): void {
    const now = Date.now();
    for (const r of pendingEvents(this.deps.db)) {
      if (this.timers.has(r.event_id) || this.busy.has(r.event_id)) continue;
      this.schedule(r.event_id, r.next_at === null ? 0 : Math.max(0, r.next_at - now));
    }
  }

  private schedule(eventId: string, delayMs: number): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(eventId));
    const timer = setTimeout(() => {
      this.timers.delete(eventId);
      void this.attempt(eventId);
    }, delayMs);
    this.timers.set(eventId, timer);
  }

  private async attempt(eventId: string): Promise<void> {
    const { db } = this.deps;
    const row = eventRow(db, eventId);
    // Without a URL the event waits (still due); setUrl resumes it.
    if (this.closed || this.url === null || !row || row.state !== 'pending') return;
    const attempt = row.attempts + 1;
    this.busy.add(eventId);
    let result: EventDeliveryResult;
    try {
      result = await this.deliver(row, 'scheduled', attempt);
    } finally {
      this.busy.delete(eventId);
    }
    if (this.closed) return;
    // A redelivery may have been answered 2xx meanwhile.
    if (eventRow(db, eventId)?.state !== 'pending') return;
    if (is2xx(result.status)) {
      updateEvent(db, eventId, {
        state: 'delivered',
        attempts: attempt,
        next_at: null,
        delivered_at: this.deps.clock().toISOString(),
      });
      return;
    }
    const wait = HIS_EVENT_RETRY_SCHEDULE_MS[attempt - 1];
    if (wait === undefined) {
      updateEvent(db, eventId, { state: 'failed', attempts: attempt, next_at: null });
      return;
    }
    const delay = Math.max(1, Math.round(wait / this.deps.timeScale));
    updateEvent(db, eventId, { attempts: attempt, next_at: Date.now() + delay });
    this.schedule(eventId, delay);
  }

  /** One signed POST of the event's stored body, logged; updates the event's last status. */
  private async deliver(row: EventRow, kind: DeliveryKind, attempt: number): Promise<EventDeliveryResult> {
    const target = this.url;
    if (target === null) return { status: null, ms: 0, error: 'no events URL set' };
    const headers = signRequest({
      appId: this.deps.appId,
      appSecret: this.deps.appSecret,
      rawBody: row.body,
      timestampMs: this.deps.clock().getTime(),
    });
    const result = await postEvent(new URL(target), row.body, headers, this.inFlight);
    if (this.closed) return result;
    const { db } = this.deps;
    db.transaction(() => {
      insertDelivery(db, {
        event_id: row.event_id,
        kind,
        attempt,
        at: this.deps.clock().toISOString(),
        url: target,
        status: result.status,
        ms: result.ms,
        error: result.error ?? null,
      });
      updateEvent(db, row.event_id, { last_status: result.status, last_error: result.error ?? null });
      const now = eventRow(db, row.event_id);
      if (kind === 'manual' && is2xx(result.status) && now && now.state !== 'delivered') {
        updateEvent(db, row.event_id, {
          state: 'delivered',
          next_at: null,
          delivered_at: this.deps.clock().toISOString(),
        });
      }
    })();
    if (kind === 'manual' && is2xx(result.status) && !this.busy.has(row.event_id)) {
      clearTimeout(this.timers.get(row.event_id));
      this.timers.delete(row.event_id);
    }
    return result;
  }
}

/** One POST with the 5 s answer timeout; `inFlight` holds the request until it ends (close() destroys it). */
function postEvent(
  url: URL,
  body: string,
  headers: Record<string, string>,
  inFlight: Set<ClientRequest>,
): Promise<EventDeliveryResult> {
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
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
        'User-Agent': 'his-sandbox-events/1',
      },
    });
    inFlight.add(req);
    const timeout = setTimeout(
      () => req.destroy(new Error(`no answer within ${HIS_EVENT_ANSWER_TIMEOUT_MS} ms`)),
      HIS_EVENT_ANSWER_TIMEOUT_MS,
    );
    let settled = false;
    const done = (r: Omit<EventDeliveryResult, 'ms'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      inFlight.delete(req);
      resolve({ ...r, ms: Date.now() - started });
    };
    req.on('response', (res) => {
      // The answer's body is not kept: only its status counts.
      res.resume();
      res.on('end', () => done({ status: res.statusCode ?? null }));
      res.on('error', (err) => done({ status: null, error: err.message }));
      res.on('close', () => done({ status: null, error: 'answer interrupted' }));
    });
    req.on('error', (err) => done({ status: null, error: err.message }));
    req.end(body);
  });
}
