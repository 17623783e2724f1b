/**
 * Delivers the withholding notifications as WeChat Pay's v2 does: the signed XML POSTed to the
 * notify_url (`Content-Type: text/xml`), acknowledged only by HTTP 200 with the v2 success XML
 * `<xml><return_code><![CDATA[SUCCESS]]></return_code>…</xml>` — any other answer (a 2xx with an
 * empty body, `return_code` FAIL, no answer within 5 s) is retried:
 *
 * - signing / termination (contract) notifications: 0/10/10/10/30/30/30/300… s (the reference's v2
 *   schedule; the sandbox gives up after ten 300 s waits, 17 attempts over about 52 minutes);
 * - deduction results (v2 payment notifications): 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h,
 *   the payment-notification schedule.
 *
 * Waits are divided by `timeScale`; the 5 s answer timeout is not. The v3 delivery faults
 * (tamperRate, duplicateRate) do not apply to these notifications. Due times are in the store, so
 * a restart resumes them. Log lines name the notification and its contract_id / out_trade_no —
 * never the openid.
 */
import { randomUUID } from 'node:crypto';
import type { ClientRequest } from 'node:http';
import { postOnce, undeliverable, WECHAT_RETRY_SCHEDULE_MS, type DeliveryResult } from './notifier';
import { parseV2Xml } from './papay-xml';
import type { PapayNoticeKind, PapayNoticeRow, PapayStore } from './papay-store';
import type { Clock } from './time';

const S = 1000;
/** After a failed delivery of a contract notification, the waits before the next ones. */
export const PAPAY_CONTRACT_RETRY_SCHEDULE_MS: readonly number[] = [
  10 * S,
  10 * S,
  10 * S,
  30 * S,
  30 * S,
  30 * S,
  ...Array.from({ length: 10 }, () => 300 * S),
];

export function papayRetryScheduleFor(kind: PapayNoticeKind): readonly number[] {
  return kind === 'contract' ? PAPAY_CONTRACT_RETRY_SCHEDULE_MS : WECHAT_RETRY_SCHEDULE_MS;
}

/** The v2 success answer a receiver must give. */
export const V2_SUCCESS_ANSWER =
  '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';

export interface PapayNotifierDeps {
  store: PapayStore;
  clock: Clock;
  timeScale: number;
  quiet: boolean;
}

/** Whether an answer acknowledges the notification: HTTP 200 and `return_code` SUCCESS in flat XML. */
export function acknowledges(r: DeliveryResult): boolean {
  if (r.status !== 200 || r.answer === undefined) return false;
  try {
    return parseV2Xml(r.answer).return_code === 'SUCCESS';
  } catch {
    return false;
  }
}

export class PapayNotifier {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<ClientRequest>();
  private closed = false;

  constructor(private readonly deps: PapayNotifierDeps) {}

  /** Stores a new notification; its first delivery runs on a timer, after the caller's transaction. */
  queue(n: Pick<PapayNoticeRow, 'kind' | 'ref' | 'event' | 'url' | 'body' | 'created_at'>): string {
    const id = randomUUID();
    this.deps.store.insertNotice({ id, ...n });
    this.schedule(id, 0);
    return id;
  }

  resume(): void {
    for (const n of this.deps.store.pendingNotices()) this.schedule(n.id, Math.max(0, (n.next_at ?? 0) - Date.now()));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
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
    const n = this.deps.store.notice(id);
    if (!n || n.state !== 'pending' || this.closed) return;
    const attempt = n.attempts + 1;
    const result = await this.deliver(n, attempt);
    if (this.closed) return;
    const { store } = this.deps;
    if (acknowledges(result)) return store.updateNotice(id, { state: 'delivered', attempts: attempt, next_at: null });
    if (result.error?.startsWith('undeliverable')) {
      return store.updateNotice(id, { state: 'undeliverable', attempts: attempt, next_at: null });
    }
    const wait = papayRetryScheduleFor(n.kind)[attempt - 1];
    if (wait === undefined) return store.updateNotice(id, { state: 'failed', attempts: attempt, next_at: null });
    const delay = Math.max(1, Math.round(wait / this.deps.timeScale));
    store.updateNotice(id, { state: 'pending', attempts: attempt, next_at: Date.now() + delay });
    this.schedule(id, delay);
  }

  private async deliver(n: PapayNoticeRow, attempt: number): Promise<DeliveryResult> {
    const why = undeliverable(n.url);
    const result = why
      ? { status: null, ms: 0, error: `undeliverable: ${why}` }
      : await postOnce(new URL(n.url), n.body, {}, this.inFlight, {
          contentType: 'text/xml; charset=utf-8',
          answerChars: 2000,
        });
    if (this.closed) return result;
    const ack = acknowledges(result);
    this.deps.store.insertDelivery({
      notification_id: n.id,
      ref: n.ref,
      attempt,
      at: this.deps.clock().getTime(),
      status: result.status,
      ms: result.ms,
      acknowledged: ack ? 1 : 0,
      error: result.error ?? null,
      answer: result.answer?.slice(0, 200) ?? null,
    });
    if (!this.deps.quiet) {
      const outcome = result.status === null ? result.error : `HTTP ${result.status}${ack ? ' SUCCESS' : ''}`;
      console.log(`pay sandbox: papay ${n.event} ${n.ref} → ${n.url} (#${attempt}): ${outcome}, ${result.ms} ms`);
    }
    return result;
  }
}
