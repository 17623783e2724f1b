/**
 * Subscription messages through an outbox: render (by the producer) → enqueue (deterministic id,
 * at most once) → send → record the result. Transient failures are retried by the `sendMessages`
 * timer with back-off; 43101 (no consent) is recorded as `noConsent` and never retried; data and
 * template errors (47003, 40037, 40003) are `failed` at once. Sending never throws to the caller:
 * a booking never fails because a message could not be sent.
 */
import type { CloudApiError, OpenApi } from '../../ports/cloud-sdk';
import type { Logger } from '../../core/log';
import { OutboxStore, type OutboxDoc } from '../../adapters/clouddb/messages-outbox';
import type { Database } from '../../ports/cloud-sdk';

export const ERR_NO_CONSENT = 43101;
/** Errors that will not change by retrying. */
const PERMANENT = new Set([40003, 40037, 47003, 47001, 43101]);

export interface OutboxMessage {
  id: string;
  kind: string;
  touser: string;
  templateId: string;
  page: string | null;
  data: Record<string, { value: string }>;
}

export interface OutboxOptions {
  maxAttempts: number;
  retryBaseMs: number;
  /** How long a sender's claim lasts before another sender may retake the message. */
  leaseMs?: number;
}

export interface SendSummary {
  sent: number;
  noConsent: number;
  failed: number;
  retry: number;
}

export class MessageOutbox {
  private readonly store: OutboxStore;

  constructor(
    db: Database,
    private readonly openapi: Pick<OpenApi, 'subscribeMessage'>,
    private readonly opts: OutboxOptions,
    private readonly log: Logger,
  ) {
    this.store = new OutboxStore(db);
  }

  /**
   * Enqueues (at most once per id) and tries to send right away. Never throws. The first enqueue
   * stores the message already claimed by this sender (`sending` with a lease), so sending it
   * costs no claim and no re-read; a crashed sender's message is retaken by `sendMessages` once
   * the lease ran out, exactly as after a claim.
   */
  async enqueueAndSend(msg: OutboxMessage, nowMs: number): Promise<void> {
    try {
      const doc = this.newDoc(msg, nowMs);
      const leaseMs = this.opts.leaseMs ?? 60_000;
      if (await this.store.add({ ...doc, status: 'sending', claimedUntilMs: nowMs + leaseMs })) {
        await this.deliver(doc, nowMs);
      } else {
        await this.sendOne(msg.id, nowMs);
      }
    } catch (err) {
      this.log.warn('outbox enqueue/send failed', { kind: msg.kind, id: msg.id, err: errName(err) });
    }
  }

  private newDoc(msg: OutboxMessage, nowMs: number): OutboxDoc {
    return {
      _id: msg.id,
      kind: msg.kind,
      touser: msg.touser,
      templateId: msg.templateId,
      page: msg.page,
      data: msg.data,
      status: 'pending',
      attempts: 0,
      nextAttemptAtMs: nowMs,
      claimedUntilMs: null,
      lastErrCode: null,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    };
  }

  async enqueue(msg: OutboxMessage, nowMs: number): Promise<boolean> {
    return this.store.add(this.newDoc(msg, nowMs));
  }

  /** Sends one due message if this caller wins its claim. Returns the outcome (or null: not claimed). */
  async sendOne(id: string, nowMs: number): Promise<keyof SendSummary | null> {
    if (!(await this.store.claim(id, nowMs, this.opts.leaseMs ?? 60_000))) return null;
    const doc = await this.store.get(id);
    if (!doc) return null;
    return this.deliver(doc, nowMs);
  }

  /** Sends a message this caller holds the claim of, and records the outcome. */
  private async deliver(doc: OutboxDoc, nowMs: number): Promise<keyof SendSummary> {
    const id = doc._id;
    const attempts = (doc.attempts ?? 0) + 1;
    try {
      await this.openapi.subscribeMessage.send({
        touser: doc.touser,
        templateId: doc.templateId,
        ...(doc.page ? { page: doc.page } : {}),
        data: doc.data,
        miniprogramState: 'formal',
        lang: 'zh_CN',
      });
      await this.store.finish(id, {
        status: 'sent',
        attempts,
        lastErrCode: 0,
        claimedUntilMs: null,
        updatedAtMs: nowMs,
      });
      return 'sent';
    } catch (err) {
      const code = errCodeOf(err);
      if (code === ERR_NO_CONSENT) {
        await this.store.finish(id, {
          status: 'noConsent',
          attempts,
          lastErrCode: code,
          claimedUntilMs: null,
          updatedAtMs: nowMs,
        });
        this.log.info('outbox no consent', { kind: doc.kind, id });
        return 'noConsent';
      }
      if ((code !== null && PERMANENT.has(code)) || attempts >= this.opts.maxAttempts) {
        await this.store.finish(id, {
          status: 'failed',
          attempts,
          lastErrCode: code,
          claimedUntilMs: null,
          updatedAtMs: nowMs,
        });
        this.log.error('outbox failed', { kind: doc.kind, id, errCode: code, attempts });
        return 'failed';
      }
      const backoff = this.opts.retryBaseMs * 2 ** (attempts - 1);
      await this.store.finish(id, {
        status: 'pending',
        attempts,
        lastErrCode: code,
        claimedUntilMs: null,
        nextAttemptAtMs: nowMs + backoff,
        updatedAtMs: nowMs,
      });
      this.log.warn('outbox retry later', { kind: doc.kind, id, errCode: code, attempts });
      return 'retry';
    }
  }

  /** The `sendMessages` timer: every due message once. */
  async sendDue(nowMs: number): Promise<SendSummary> {
    const summary: SendSummary = { sent: 0, noConsent: 0, failed: 0, retry: 0 };
    for (const doc of await this.store.due(nowMs)) {
      const outcome = await this.sendOne(doc._id, nowMs).catch(() => null);
      if (outcome) summary[outcome]++;
    }
    return summary;
  }
}

function errCodeOf(err: unknown): number | null {
  const c = (err as Partial<CloudApiError> | null)?.errCode;
  return typeof c === 'number' ? c : null;
}

function errName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
