/**
 * Storage of the booking feature, against the `Database` port only: one store per collection,
 * each with named operations. Every hot-path operation is by primary key (`doc(id)` or
 * `where({ _id, ... })`), so conditional updates are atomic and cheap.
 *
 * Collections (ids)
 * - `booking_sessions/{sessionId}`          session facts + names, `waiting` counter (SessionRecord)
 * - `booking_timepoints/{sessionId}_{HHmm}` seat counter `remaining` (TimePointRecord) — ./booking-seats.ts
 * - `booking_seats/{sessionId}_{seatNo}`    one per seat, `holder` null | bookingId | 'his' — ./booking-seats.ts
 * - `booking_patients/bp_<hmac>`            per HIS patient rule state, CAS on `version` — ./booking-patients.ts
 * - `booking_requests/br_<hmac>`            idempotency record per (openid, idempotencyKey) — ./booking-requests.ts
 * - `bookings/bk_<hmac>`                    the bookings; bookingId derives from the request — ./booking-records.ts
 * - `booking_waitlist/wl_<hmac>`            per (HIS patient, session) waitlist entry — ./booking-waitlist.ts
 * - `booking_sync/{scope}`                  lazy-sync throttle (`lockedUntilMs`)
 * - `patient_cards` (the patient function's), read only — ./booking-cards.ts
 */
import type { Database } from '../../ports/cloud-sdk';
import type { SessionRecord } from '../../domain/booking/types';
import { BookingCardReader } from './booking-cards';
import { BOOKING_COLLECTIONS as C } from './booking-ids';
import { BookingRecordStore } from './booking-records';
import { PatientStore } from './booking-patients';
import { RequestStore } from './booking-requests';
import { SeatStore } from './booking-seats';
import { WaitlistStore } from './booking-waitlist';
import { DocOps } from './doc-ops';

/** The sessions of the mirror, and the throttle of the lazy per-department sync. */
export class SessionStore {
  constructor(private readonly ops: DocOps) {}

  get(sessionId: string): Promise<SessionRecord | null> {
    return this.ops.get<SessionRecord>(C.sessions, sessionId);
  }

  async list(q: { deptCode: string; fromDate: string; toDate: string }): Promise<SessionRecord[]> {
    const _ = this.ops._;
    const where = { deptCode: q.deptCode, date: _.gte(q.fromDate).and(_.lte(q.toDate)) };
    return this.ops.find<SessionRecord>(C.sessions, where, { orderBy: ['startsAtMs', 'asc'], limit: 1000 });
  }

  /** Writes the HIS facts of a session, keeping the `waiting` counter. */
  async upsert(s: Omit<SessionRecord, 'waiting'>): Promise<void> {
    const { _id, ...facts } = s;
    const data = () => ({ ...facts, timePoints: this.ops._.set(facts.timePoints) });
    const updated = await this.ops.updateWhere(C.sessions, { _id }, data());
    if (!updated && !(await this.ops.addIfAbsent(C.sessions, _id, { ...facts, waiting: 0 }))) {
      await this.ops.updateWhere(C.sessions, { _id }, data());
    }
  }

  async incWaiting(sessionId: string, by: number): Promise<void> {
    await this.ops.updateWhere(C.sessions, { _id: sessionId }, { waiting: this.ops._.inc(by) });
  }

  /** True when this caller may sync `scope` now (at most once per `intervalMs` across instances). */
  async acquireSync(scope: string, nowMs: number, intervalMs: number): Promise<boolean> {
    const id = `sync_${scope}`;
    if (await this.ops.addIfAbsent(C.sync, id, { lockedUntilMs: nowMs + intervalMs })) return true;
    return this.ops.updateWhere(
      C.sync,
      { _id: id, lockedUntilMs: this.ops._.lte(nowMs) },
      { lockedUntilMs: nowMs + intervalMs },
    );
  }
}

/** The booking feature's stores over one database. */
export class BookingStore {
  readonly sessions: SessionStore;
  readonly seats: SeatStore;
  readonly patients: PatientStore;
  readonly requests: RequestStore;
  readonly bookings: BookingRecordStore;
  readonly waitlist: WaitlistStore;
  readonly cards: BookingCardReader;

  constructor(db: Database) {
    const ops = new DocOps(db);
    this.sessions = new SessionStore(ops);
    this.seats = new SeatStore(ops);
    this.patients = new PatientStore(ops);
    this.requests = new RequestStore(ops);
    this.bookings = new BookingRecordStore(ops);
    this.waitlist = new WaitlistStore(ops);
    this.cards = new BookingCardReader(db);
  }
}
