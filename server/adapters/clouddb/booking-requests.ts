/**
 * The idempotency records (`booking_requests/br_<hmac>`), one per (openid, idempotencyKey): claimed
 * `pending` by the first call of a key, then `done` with the answer every later call returns.
 */
import { BOOKING_COLLECTIONS as C } from './booking-ids';
import { stripId, type DocOps } from './doc-ops';

/** Stored result of one idempotent request. */
export type RequestResult =
  { ok: true; bookingId: string } | { ok: false; code: string; message: string; reason?: string };

export interface RequestDoc {
  _id: string;
  _openid: string;
  status: 'pending' | 'done';
  bookingId: string;
  /** booking_patients id, so a request that died mid-way can release its rule claim. */
  patientKey: string | null;
  result: RequestResult | null;
  createdAtMs: number;
  updatedAtMs: number;
}

export class RequestStore {
  constructor(private readonly ops: DocOps) {}

  /** False when the key is taken (an earlier call's record exists). */
  claim(doc: RequestDoc): Promise<boolean> {
    return this.ops.addIfAbsent(C.requests, doc._id, stripId(doc));
  }

  get(id: string): Promise<RequestDoc | null> {
    return this.ops.get<RequestDoc>(C.requests, id);
  }

  async finish(id: string, result: RequestResult, nowMs: number): Promise<void> {
    const _ = this.ops._;
    await this.ops.updateWhere(C.requests, { _id: id }, { status: 'done', result: _.set(result), updatedAtMs: nowMs });
  }

  async stalePending(olderThanMs: number, limit = 100): Promise<RequestDoc[]> {
    const where = { status: 'pending', updatedAtMs: this.ops._.lt(olderThanMs) };
    return this.ops.find<RequestDoc>(C.requests, where, { limit });
  }
}
