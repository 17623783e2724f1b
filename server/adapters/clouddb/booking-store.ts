/**
 * Storage of the booking feature, against the `Database` port only. Every hot-path operation is
 * by primary key (`doc(id)` or `where({ _id, ... })`), so conditional updates are atomic and cheap.
 *
 * Collections (ids)
 * - `booking_sessions/{sessionId}`          session facts + names, `waiting` counter (SessionRecord)
 * - `booking_timepoints/{sessionId}_{HHmm}` seat counter `remaining` (TimePointRecord)
 * - `booking_seats/{sessionId}_{seatNo}`    one per seat, `holder` null | bookingId | 'his' (SeatRecord)
 * - `booking_patients/bp_<hmac>`            per HIS patient rule state, CAS on `version`
 * - `booking_requests/br_<hmac>`            idempotency record per (openid, idempotencyKey)
 * - `bookings/bk_<hmac>`                    the bookings (BookingRecord); bookingId derives from the request
 * - `booking_waitlist/wl_<hmac>`            per (HIS patient, session) waitlist entry (WaitlistRecord)
 * - `booking_sync/{scope}`                  lazy-sync throttle (`lockedUntilMs`)
 */
import type { Database, DocData } from '../../ports/cloud-sdk';
import { isDuplicateKey } from './errors';
import type {
  BookingRecord,
  PatientRuleState,
  SeatRecord,
  SessionRecord,
  TimePointRecord,
  WaitlistRecord,
} from '../../domain/booking/types';

export const BOOKING_COLLECTIONS = {
  sessions: 'booking_sessions',
  timepoints: 'booking_timepoints',
  seats: 'booking_seats',
  patients: 'booking_patients',
  requests: 'booking_requests',
  bookings: 'bookings',
  waitlist: 'booking_waitlist',
  sync: 'booking_sync',
} as const;

const C = BOOKING_COLLECTIONS;

export const timepointId = (sessionId: string, time: string): string => `${sessionId}_${time.replace(':', '')}`;
export const seatId = (sessionId: string, seatNo: number): string => `${sessionId}_${seatNo}`;

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

/** readPatient's version of a patient without a `booking_patients` document yet. */
const ABSENT_VERSION = -1;

interface PatientDoc extends PatientRuleState {
  _id: string;
  version: number;
  updatedAtMs: number;
}

function stripId<T extends { _id?: unknown }>(doc: T): DocData {
  const { _id: _ignored, ...rest } = doc;
  return rest as DocData;
}

export class BookingStore {
  constructor(readonly db: Database) {}

  private get _() {
    return this.db.command;
  }

  /**
   * One document by id, or null. A by-id query rather than `doc(id).get()`: a missing document is
   * an empty answer instead of a thrown "does not exist" error (the idempotency record and the
   * patient rule state are usually missing on the hot path).
   */
  async get<T>(collection: string, id: string): Promise<(T & { _id: string }) | null> {
    const res = await this.db.collection<T>(collection).where({ _id: id }).limit(1).get();
    return (res.data[0] as (T & { _id: string }) | undefined) ?? null;
  }

  /** `add` with a deterministic `_id`; false when it already exists. */
  async addIfAbsent(collection: string, id: string, data: DocData): Promise<boolean> {
    try {
      await this.db.collection(collection).add({ data: { ...data, _id: id } });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      if (await this.get(collection, id)) return false;
      throw err;
    }
  }

  /** Conditional update by primary key; returns whether it applied. */
  async updateWhere(collection: string, cond: DocData & { _id: string }, data: DocData): Promise<boolean> {
    const res = await this.db.collection(collection).where(cond).update({ data });
    return res.stats.updated > 0;
  }

  async getMany<T>(collection: string, ids: string[]): Promise<(T & { _id: string })[]> {
    const out: (T & { _id: string })[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      const res = await this.db
        .collection<T>(collection)
        .where({ _id: this._.in(chunk) })
        .limit(chunk.length)
        .get();
      out.push(...res.data);
    }
    return out;
  }

  // ---- sessions / mirror -------------------------------------------------------------------------

  getSession(sessionId: string): Promise<SessionRecord | null> {
    return this.get<SessionRecord>(C.sessions, sessionId);
  }

  async listSessions(q: { deptCode: string; fromDate: string; toDate: string }): Promise<SessionRecord[]> {
    const res = await this.db
      .collection<SessionRecord>(C.sessions)
      .where({ deptCode: q.deptCode, date: this._.gte(q.fromDate).and(this._.lte(q.toDate)) })
      .orderBy('startsAtMs', 'asc')
      .limit(1000)
      .get();
    return res.data;
  }

  /** Writes the HIS facts of a session, keeping the `waiting` counter. */
  async upsertSession(s: Omit<SessionRecord, 'waiting'>): Promise<void> {
    const { _id, ...facts } = s;
    const updated = await this.updateWhere(C.sessions, { _id }, { ...facts, timePoints: this._.set(facts.timePoints) });
    if (!updated && !(await this.addIfAbsent(C.sessions, _id, { ...facts, waiting: 0 }))) {
      await this.updateWhere(C.sessions, { _id }, { ...facts, timePoints: this._.set(facts.timePoints) });
    }
  }

  async incWaiting(sessionId: string, by: number): Promise<void> {
    await this.updateWhere(C.sessions, { _id: sessionId }, { waiting: this._.inc(by) });
  }

  getTimepoint(sessionId: string, time: string): Promise<TimePointRecord | null> {
    return this.get<TimePointRecord>(C.timepoints, timepointId(sessionId, time));
  }

  getTimepoints(ids: string[]): Promise<TimePointRecord[]> {
    return this.getMany<TimePointRecord>(C.timepoints, ids);
  }

  /** The atomic seat reservation: remaining > 0 → remaining − 1. */
  reserve(tpId: string): Promise<boolean> {
    return this.updateWhere(C.timepoints, { _id: tpId, remaining: this._.gt(0) }, { remaining: this._.inc(-1) });
  }

  async unreserve(tpId: string): Promise<void> {
    await this.updateWhere(C.timepoints, { _id: tpId }, { remaining: this._.inc(1) });
  }

  /** Counts a seat the HIS took (walk-in) out of the mirror; never below zero. */
  async takeFromMirror(tpId: string): Promise<void> {
    await this.updateWhere(C.timepoints, { _id: tpId, remaining: this._.gt(0) }, { remaining: this._.inc(-1) });
  }

  /** Records (or clears) a counter/seat difference seen by a sync. */
  async setCountCheck(tpId: string, check: { diff: number; atMs: number } | null): Promise<void> {
    await this.updateWhere(C.timepoints, { _id: tpId }, { countCheck: check === null ? null : this._.set(check) });
  }

  /** remaining: `from` → `to` only if still `from` (a booker changing it meanwhile wins); clears the check. */
  correctRemaining(tpId: string, from: number, to: number): Promise<boolean> {
    return this.updateWhere(C.timepoints, { _id: tpId, remaining: from }, { remaining: to, countCheck: null });
  }

  /** Takes a free seat for `holder`. */
  claimSeat(sessionId: string, seatNo: number, holder: string): Promise<boolean> {
    return this.updateWhere(C.seats, { _id: seatId(sessionId, seatNo), holder: null }, { holder });
  }

  /** Moves a seat from one holder to another (free → booking, booking → 'his', booking → booking). */
  moveSeat(sessionId: string, seatNo: number, from: string | null, to: string | null): Promise<boolean> {
    return this.updateWhere(C.seats, { _id: seatId(sessionId, seatNo), holder: from }, { holder: to });
  }

  /** The free seats (holder null) among `seatNos`, one read. */
  async freeSeats(sessionId: string, seatNos: readonly number[]): Promise<number[]> {
    if (seatNos.length === 0) return [];
    const out: number[] = [];
    for (let i = 0; i < seatNos.length; i += 100) {
      const chunk = seatNos.slice(i, i + 100);
      const res = await this.db
        .collection<SeatRecord>(C.seats)
        .where({ _id: this._.in(chunk.map((n) => seatId(sessionId, n))), holder: null })
        .field({ seatNo: true })
        .limit(chunk.length)
        .get();
      for (const s of res.data) if (typeof s.seatNo === 'number') out.push(s.seatNo);
    }
    return out;
  }

  getSeats(sessionId: string, seatNos: number[]): Promise<SeatRecord[]> {
    return this.getMany<SeatRecord>(
      C.seats,
      seatNos.map((n) => seatId(sessionId, n)),
    );
  }

  // ---- per-patient rule state --------------------------------------------------------------------

  /** The rule state and its version; an absent document is the empty state at version −1 (see casPatient). */
  async readPatient(patientKey: string): Promise<{ state: PatientRuleState; version: number }> {
    const doc = await this.get<PatientDoc>(C.patients, patientKey);
    if (!doc) return { state: { active: [], noShows: [] }, version: ABSENT_VERSION };
    return {
      state: {
        active: Array.isArray(doc.active) ? doc.active : [],
        noShows: Array.isArray(doc.noShows) ? doc.noShows : [],
      },
      version: typeof doc.version === 'number' ? doc.version : 0,
    };
  }

  /** Compare-and-set on `version`; at version −1 (absent) it creates the document (one creator wins). */
  casPatient(patientKey: string, version: number, next: PatientRuleState, nowMs: number): Promise<boolean> {
    if (version === ABSENT_VERSION) {
      return this.addIfAbsent(C.patients, patientKey, {
        active: next.active,
        noShows: next.noShows,
        activeCount: next.active.length,
        version: 1,
        updatedAtMs: nowMs,
      });
    }
    return this.updateWhere(
      C.patients,
      { _id: patientKey, version },
      {
        active: this._.set(next.active),
        noShows: this._.set(next.noShows),
        activeCount: next.active.length,
        version: this._.inc(1),
        updatedAtMs: nowMs,
      },
    );
  }

  // ---- requests ----------------------------------------------------------------------------------

  claimRequest(doc: RequestDoc): Promise<boolean> {
    return this.addIfAbsent(C.requests, doc._id, stripId(doc));
  }

  getRequest(id: string): Promise<RequestDoc | null> {
    return this.get<RequestDoc>(C.requests, id);
  }

  async finishRequest(id: string, result: RequestResult, nowMs: number): Promise<void> {
    await this.updateWhere(C.requests, { _id: id }, { status: 'done', result: this._.set(result), updatedAtMs: nowMs });
  }

  async touchRequest(id: string, nowMs: number): Promise<boolean> {
    return this.updateWhere(C.requests, { _id: id, status: 'pending' }, { updatedAtMs: nowMs });
  }

  async stalePendingRequests(olderThanMs: number, limit = 100): Promise<RequestDoc[]> {
    const res = await this.db
      .collection<RequestDoc>(C.requests)
      .where({ status: 'pending', updatedAtMs: this._.lt(olderThanMs) })
      .limit(limit)
      .get();
    return res.data;
  }

  // ---- bookings ----------------------------------------------------------------------------------

  getBooking(id: string): Promise<BookingRecord | null> {
    return this.get<BookingRecord>(C.bookings, id);
  }

  async addBooking(b: BookingRecord): Promise<boolean> {
    return this.addIfAbsent(C.bookings, b._id, stripId(b));
  }

  /** Status transition `from` → patch (with `status`), atomic. */
  transitionBooking(id: string, from: BookingRecord['status'], patch: Partial<BookingRecord>): Promise<boolean> {
    return this.updateWhere(C.bookings, { _id: id, status: from }, stripId(patch as BookingRecord));
  }

  /**
   * The caller's bookings (of one card, if given) created since `sinceMs` or for a visit on or
   * after `sinceDate`, newest first, at most `limit`; only the statuses a patient sees (internal
   * `pending`/`failed` attempts never take a place in the limit).
   */
  async listOwnedBookings(q: {
    openid: string;
    sinceMs: number;
    sinceDate: string;
    cardId?: string | undefined;
    limit: number;
  }): Promise<BookingRecord[]> {
    const _ = this._;
    const owner = {
      _openid: q.openid,
      status: _.in(['booked', 'checkedIn', 'completed', 'cancelled', 'missed']),
      ...(q.cardId === undefined ? {} : { cardId: q.cardId }),
    };
    const res = await this.db
      .collection<BookingRecord>(C.bookings)
      .where(
        _.or([
          { ...owner, createdAtMs: _.gte(q.sinceMs) },
          { ...owner, date: _.gte(q.sinceDate) },
        ]),
      )
      .orderBy('createdAtMs', 'desc')
      .limit(q.limit)
      .get();
    return res.data;
  }

  async bookingsByStatus(status: BookingRecord['status'], cond: DocData, limit = 200): Promise<BookingRecord[]> {
    const res = await this.db
      .collection<BookingRecord>(C.bookings)
      .where({ status, ...cond })
      .limit(limit)
      .get();
    return res.data;
  }

  // ---- waitlist ----------------------------------------------------------------------------------

  getWaitlist(id: string): Promise<WaitlistRecord | null> {
    return this.get<WaitlistRecord>(C.waitlist, id);
  }

  async addWaitlist(w: WaitlistRecord): Promise<boolean> {
    return this.addIfAbsent(C.waitlist, w._id, stripId(w));
  }

  transitionWaitlist(id: string, from: WaitlistRecord['status'], patch: Partial<WaitlistRecord>): Promise<boolean> {
    return this.updateWhere(C.waitlist, { _id: id, status: from }, stripId(patch as WaitlistRecord));
  }

  async waitingFor(sessionId: string, limit = 100): Promise<WaitlistRecord[]> {
    const res = await this.db
      .collection<WaitlistRecord>(C.waitlist)
      .where({ sessionId, status: 'waiting' })
      .orderBy('createdAtMs', 'asc')
      .limit(limit)
      .get();
    return res.data;
  }

  async listOwnedWaitlist(openid: string, sinceMs: number): Promise<WaitlistRecord[]> {
    const res = await this.db
      .collection<WaitlistRecord>(C.waitlist)
      .where({ _openid: openid, createdAtMs: this._.gte(sinceMs) })
      .orderBy('createdAtMs', 'desc')
      .limit(100)
      .get();
    return res.data;
  }

  async waitlistClosingBefore(nowMs: number, limit = 200): Promise<WaitlistRecord[]> {
    const res = await this.db
      .collection<WaitlistRecord>(C.waitlist)
      .where({ status: 'waiting', closesAtMs: this._.lte(nowMs) })
      .limit(limit)
      .get();
    return res.data;
  }

  // ---- lazy sync throttle ------------------------------------------------------------------------

  /** True when this caller may sync `scope` now (at most once per `intervalMs` across instances). */
  async acquireSync(scope: string, nowMs: number, intervalMs: number): Promise<boolean> {
    const id = `sync_${scope}`;
    if (await this.addIfAbsent(C.sync, id, { lockedUntilMs: nowMs + intervalMs })) return true;
    return this.updateWhere(
      C.sync,
      { _id: id, lockedUntilMs: this._.lte(nowMs) },
      { lockedUntilMs: nowMs + intervalMs },
    );
  }
}
