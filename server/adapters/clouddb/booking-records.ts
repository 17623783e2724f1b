/**
 * The bookings (`bookings/bk_<hmac>`, BookingRecord): written `pending` by the seat flow, moved
 * on by status transitions (conditional on the status they leave, so one writer wins), and the
 * queries of the pages and the timers.
 */
import type { BookingRecord } from '../../domain/booking/types';
import { BOOKING_COLLECTIONS as C } from './booking-ids';
import { stripId, type DocOps } from './doc-ops';

type Status = BookingRecord['status'];

export class BookingRecordStore {
  constructor(private readonly ops: DocOps) {}

  get(id: string): Promise<BookingRecord | null> {
    return this.ops.get<BookingRecord>(C.bookings, id);
  }

  add(b: BookingRecord): Promise<boolean> {
    return this.ops.addIfAbsent(C.bookings, b._id, stripId(b));
  }

  /** Status transition `from` → patch (with `status`), atomic. */
  transition(id: string, from: Status, patch: Partial<BookingRecord>): Promise<boolean> {
    return this.ops.updateWhere(C.bookings, { _id: id, status: from }, stripId(patch as BookingRecord));
  }

  /** A `pending` booking's seat after the HIS gave its first one away (a new confirm requestId with it). */
  moveToSeat(id: string, seatNo: number, confirmRequestId: string, nowMs: number): Promise<boolean> {
    return this.ops.updateWhere(
      C.bookings,
      { _id: id, status: 'pending' },
      { seatNo, confirmRequestId, updatedAtMs: nowMs },
    );
  }

  /** Sets the reminder flag of a `booked` booking; false when it was set already (or it moved on). */
  markReminded(id: string): Promise<boolean> {
    return this.ops.updateWhere(C.bookings, { _id: id, status: 'booked', reminded: false }, { reminded: true });
  }

  /**
   * The caller's bookings (of one card, if given) created since `sinceMs` or for a visit on or
   * after `sinceDate`, newest first, at most `limit`; only the statuses a patient sees (internal
   * `pending`/`failed` attempts never take a place in the limit).
   */
  async listOwned(q: {
    openid: string;
    sinceMs: number;
    sinceDate: string;
    cardId?: string | undefined;
    limit: number;
  }): Promise<BookingRecord[]> {
    const _ = this.ops._;
    const owner = {
      _openid: q.openid,
      status: _.in(['booked', 'checkedIn', 'completed', 'cancelled', 'missed']),
      ...(q.cardId === undefined ? {} : { cardId: q.cardId }),
    };
    const where = _.or([
      { ...owner, createdAtMs: _.gte(q.sinceMs) },
      { ...owner, date: _.gte(q.sinceDate) },
    ]);
    return this.ops.find<BookingRecord>(C.bookings, where, { orderBy: ['createdAtMs', 'desc'], limit: q.limit });
  }

  /** `pending` bookings last changed before `cutoffMs` (the reconcile timer). */
  pendingOlderThan(cutoffMs: number, limit = 200): Promise<BookingRecord[]> {
    return this.byStatus('pending', { updatedAtMs: this.ops._.lt(cutoffMs) }, limit);
  }

  /** A session's bookings in `status` (停诊). */
  ofSession(status: Status, sessionId: string, limit = 200): Promise<BookingRecord[]> {
    return this.byStatus(status, { sessionId }, limit);
  }

  /** Bookings in `status` whose time point ended by `byMs` (and after `afterMs`, if given). */
  endedBetween(status: Status, q: { byMs: number; afterMs?: number }, limit = 200): Promise<BookingRecord[]> {
    const _ = this.ops._;
    const endMs = q.afterMs === undefined ? _.lte(q.byMs) : _.lte(q.byMs).and(_.gt(q.afterMs));
    return this.byStatus(status, { endMs }, limit);
  }

  /** `booked` bookings of `date` not reminded yet. */
  toRemind(date: string, limit = 1000): Promise<BookingRecord[]> {
    return this.byStatus('booked', { date, reminded: false }, limit);
  }

  private async byStatus(status: Status, cond: Record<string, unknown>, limit: number): Promise<BookingRecord[]> {
    return this.ops.find<BookingRecord>(C.bookings, { status, ...cond }, { limit });
  }
}
