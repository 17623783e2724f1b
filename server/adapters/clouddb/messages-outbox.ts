/**
 * Storage of the subscription-message outbox (collection `message_outbox`). One document per
 * message with a deterministic `_id` chosen by the producer (e.g. `msg_confirm_<bookingId>`), so a
 * message is enqueued at most once however often its producer runs.
 */
import type { Database } from '../../ports/cloud-sdk';
import { DocOps } from './doc-ops';

export const MESSAGE_OUTBOX = 'message_outbox';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'noConsent' | 'failed';

export interface OutboxDoc {
  _id: string;
  /** e.g. 'bookingConfirmed' */
  kind: string;
  touser: string;
  templateId: string;
  page: string | null;
  data: Record<string, { value: string }>;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAtMs: number;
  /** Set while status is 'sending' (a crashed sender's claim is retaken after it). */
  claimedUntilMs: number | null;
  lastErrCode: number | null;
  createdAtMs: number;
  updatedAtMs: number;
}

export class OutboxStore {
  private readonly base: DocOps;

  constructor(private readonly db: Database) {
    this.base = new DocOps(db);
  }

  add(doc: OutboxDoc): Promise<boolean> {
    const { _id, ...rest } = doc;
    return this.base.addIfAbsent(MESSAGE_OUTBOX, _id, { ...rest, data: rest.data });
  }

  get(id: string): Promise<OutboxDoc | null> {
    return this.base.get<OutboxDoc>(MESSAGE_OUTBOX, id);
  }

  /** Claims a due message for sending (one sender wins). */
  async claim(id: string, nowMs: number, leaseMs: number): Promise<boolean> {
    const _ = this.db.command;
    const res = await this.db
      .collection(MESSAGE_OUTBOX)
      .where(
        _.or([
          { _id: id, status: 'pending', nextAttemptAtMs: _.lte(nowMs) },
          { _id: id, status: 'sending', claimedUntilMs: _.lte(nowMs) },
        ]),
      )
      .update({ data: { status: 'sending', claimedUntilMs: nowMs + leaseMs, updatedAtMs: nowMs } });
    return res.stats.updated > 0;
  }

  async finish(id: string, patch: Partial<OutboxDoc>): Promise<void> {
    const { _id: _ignored, ...rest } = patch;
    await this.base.updateWhere(MESSAGE_OUTBOX, { _id: id, status: 'sending' }, rest);
  }

  async due(nowMs: number, limit = 100): Promise<OutboxDoc[]> {
    const _ = this.db.command;
    const where = _.or([
      { status: 'pending', nextAttemptAtMs: _.lte(nowMs) },
      { status: 'sending', claimedUntilMs: _.lte(nowMs) },
    ]);
    return this.base.find<OutboxDoc>(MESSAGE_OUTBOX, where, { limit });
  }
}
