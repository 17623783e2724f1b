/**
 * Schedules and bookings domain (docs/his-gateway.md, "Schedules and bookings"): `dept.list`,
 * `doctor.list`, `schedule.query`, `booking.confirm`, `booking.cancel`, `booking.get`,
 * `booking.checkIn`, `queue.status`. Every handler is synchronous and runs its reads and writes in
 * one SQLite transaction, so concurrent requests are serialised and a seat can never be sold twice
 * (the partial UNIQUE index on active (session, seat) bookings backs that up).
 */
import { z } from 'zod';
import type { HisBooking, HisDepartment, HisDoctor } from '../../../server/ports/his-booking';
import {
  DATE_RE,
  HIS_ARRIVAL_WINDOW_BEFORE_MIN,
  HIS_SCHEDULE_MAX_DAYS,
  PATIENT_ID_RE,
  REQUEST_ID_RE,
  TIME_RE,
} from '../../../server/adapters/his/protocol';
import {
  bookingRowByConfirm,
  bookingRowById,
  effectiveStatus,
  ensureScheduleDays,
  ensureWindow,
  loadSessions,
  nextHisBookingId,
  queueStatus,
  sessionRow,
  timePointRow,
  toHisBooking,
  WINDOW_DAYS_AFTER,
  type SessionRow,
} from '../booking-store';
import { patientById } from '../db';
import { SandboxError } from '../errors';
import { addDays, daysBetween, isValidDate } from '../schedule';
import { businessDate } from '../../../server/core/time';
import { onceAtomically, priorResult, recordResult } from './idempotency';
import { parse } from './parse';
import type { MethodContext, MethodHandler } from './types';

const requestId = z.string().regex(REQUEST_ID_RE, 'requestId must be 8-128 characters [A-Za-z0-9_.:-]');
const date = z.string().regex(DATE_RE, 'must be YYYY-MM-DD').refine(isValidDate, 'not a calendar date');
const code = z.string().min(1).max(32);
const sessionId = z.string().min(1).max(64);
const hisBookingId = z.string().min(1).max(64);

const deptListSchema = z.strictObject({});
const doctorListSchema = z.strictObject({ deptCode: code.optional() });
const scheduleSchema = z.strictObject({
  fromDate: date,
  toDate: date,
  deptCode: code.optional(),
  doctorId: code.optional(),
});
const confirmSchema = z.strictObject({
  requestId,
  sessionId,
  time: z.string().regex(TIME_RE, 'time must be HH:mm'),
  seatNo: z.number().int().min(1).max(100_000),
  patientId: z.string().regex(PATIENT_ID_RE, 'patientId must be P + 10 digits'),
});
const cancelSchema = z.strictObject({ requestId, confirmRequestId: requestId });
const getSchema = z.strictObject({ hisBookingId });
const checkInSchema = z.strictObject({ requestId, hisBookingId });
const queueSchema = z.strictObject({ sessionId });

const deptList: MethodHandler = (body, ctx) => {
  parse(deptListSchema, body);
  const departments = ctx.db
    .prepare('SELECT code, name, location, intro, sort FROM departments ORDER BY sort')
    .all() as HisDepartment[];
  return { departments };
};

const doctorList: MethodHandler = (body, ctx) => {
  const { deptCode } = parse(doctorListSchema, body);
  const doctors = ctx.db
    .prepare(
      `SELECT doc.doctor_id AS doctorId, doc.name, doc.gender, doc.title, doc.level, doc.dept_code AS deptCode,
              doc.specialty, doc.intro
       FROM doctors doc JOIN departments d ON d.code = doc.dept_code
       WHERE (? IS NULL OR doc.dept_code = ?) ORDER BY d.sort, doc.doctor_id`,
    )
    .all(deptCode ?? null, deptCode ?? null) as HisDoctor[];
  return { doctors };
};

const scheduleQuery: MethodHandler = (body, ctx) => {
  const q = parse(scheduleSchema, body);
  const span = daysBetween(q.fromDate, q.toDate);
  if (span < 0) throw new SandboxError('INVALID_REQUEST', 'toDate: must not be before fromDate');
  if (span + 1 > HIS_SCHEDULE_MAX_DAYS) {
    throw new SandboxError('INVALID_REQUEST', `toDate: at most ${HIS_SCHEDULE_MAX_DAYS} days per query`);
  }
  ensureWindow(ctx.db, ctx.schedule, ctx.now(), { fromDate: q.fromDate, toDate: q.toDate });
  return { sessions: loadSessions(ctx.db, q) };
};

/**
 * A session by id. Seeded ids name their date (`S20261127-…`): an id of a not-yet-generated day
 * within the window is generated on the spot, so a caller never depends on having queried first.
 */
function findSession(ctx: MethodContext, id: string): SessionRow | undefined {
  const found = sessionRow(ctx.db, id);
  if (found) return found;
  const m = /^S(\d{4})(\d{2})(\d{2})-/.exec(id);
  if (!m) return undefined;
  const d = `${m[1]}-${m[2]}-${m[3]}`;
  const now = ctx.now();
  if (!isValidDate(d) || d > addDays(businessDate(now), WINDOW_DAYS_AFTER)) return undefined;
  ensureScheduleDays(ctx.db, ctx.schedule, [d], now);
  return sessionRow(ctx.db, id);
}

const confirm: MethodHandler = (body, ctx) => {
  const input = parse(confirmSchema, body);
  const now = ctx.now();
  const { db } = ctx;
  const key = { appId: ctx.appId, requestId: input.requestId, method: 'booking.confirm', body: input, now };
  return db.transaction((): { booking: HisBooking } => {
    // Same requestId and body: the same booking, in its current state (it may have been cancelled since).
    const prior = priorResult<{ hisBookingId: string }>(db, key);
    if (prior) {
      const row = bookingRowById(db, prior.hisBookingId);
      if (!row) throw new SandboxError('INTERNAL', 'recorded booking is missing');
      return { booking: toHisBooking(db, row, now) };
    }
    const voided = db
      .prepare('SELECT 1 FROM booking_tombstones WHERE app_id = ? AND confirm_request_id = ?')
      .get(ctx.appId, input.requestId);
    if (voided) throw new SandboxError('CANCELLED', 'this requestId was cancelled before it booked anything');

    const session = findSession(ctx, input.sessionId);
    if (!session) throw new SandboxError('NOT_FOUND', 'no session with this sessionId');
    const tp = timePointRow(db, session.session_id, input.time);
    if (!tp) throw new SandboxError('NOT_FOUND', 'no such time point in this session');
    if (input.seatNo < tp.seat_from || input.seatNo >= tp.seat_from + tp.seat_count) {
      throw new SandboxError('INVALID_REQUEST', 'seatNo: not a seat of this time point');
    }
    if (!patientById(db, input.patientId)) throw new SandboxError('NOT_FOUND', 'no patient with this patientId');
    if (session.status === 'stopped') throw new SandboxError('SESSION_CLOSED', 'session is stopped (停诊)');
    if (now.getTime() < Date.parse(session.release_at)) {
      throw new SandboxError('NOT_RELEASED', 'session is not released yet');
    }
    if (now.getTime() >= Date.parse(session.starts_at)) {
      throw new SandboxError('SESSION_CLOSED', 'session has started');
    }
    const dup = db
      .prepare("SELECT 1 FROM bookings WHERE session_id = ? AND patient_id = ? AND status <> 'cancelled'")
      .get(session.session_id, input.patientId);
    if (dup) throw new SandboxError('DUPLICATE_BOOKING', 'patient already holds a booking in this session');
    const taken = db
      .prepare("SELECT 1 FROM bookings WHERE session_id = ? AND seat_no = ? AND status <> 'cancelled'")
      .get(session.session_id, input.seatNo);
    if (taken) throw new SandboxError('SEAT_TAKEN', 'seat is already taken');

    const { seq, hisBookingId: id } = nextHisBookingId(db);
    db.prepare(
      `INSERT INTO bookings (seq, his_booking_id, source, app_id, confirm_request_id, session_id, time, seat_no,
         patient_id, status, created_at)
       VALUES (?, ?, 'gateway', ?, ?, ?, ?, ?, ?, 'booked', ?)`,
    ).run(
      seq,
      id,
      ctx.appId,
      input.requestId,
      session.session_id,
      input.time,
      input.seatNo,
      input.patientId,
      now.toISOString(),
    );
    recordResult(db, key, { hisBookingId: id });
    return { booking: toHisBooking(db, bookingRowById(db, id)!, now) };
  })();
};

const cancel: MethodHandler = (body, ctx) => {
  const input = parse(cancelSchema, body);
  const now = ctx.now();
  const { db } = ctx;
  return onceAtomically(ctx, 'booking.cancel', input, now, (): { booking: HisBooking | null } => {
    const row = bookingRowByConfirm(db, ctx.appId, input.confirmRequestId);
    if (!row) {
      // The confirm never booked (yet): void it, so a late-arriving confirm cannot book any more.
      db.prepare(
        `INSERT OR IGNORE INTO booking_tombstones (app_id, confirm_request_id, cancel_request_id, created_at)
             VALUES (?, ?, ?, ?)`,
      ).run(ctx.appId, input.confirmRequestId, input.requestId, now.toISOString());
      return { booking: null };
    }
    if (row.status === 'cancelled') return { booking: toHisBooking(db, row, now) };
    if (row.status !== 'booked') throw new SandboxError('INVALID_STATE', `booking is ${row.status}`);
    const tp = timePointRow(db, row.session_id, row.time);
    if (!tp || now.getTime() >= Date.parse(tp.starts_at)) {
      throw new SandboxError('TOO_LATE', 'the time point has started');
    }
    db.prepare("UPDATE bookings SET status = 'cancelled', cancelled_at = ? WHERE seq = ?").run(
      now.toISOString(),
      row.seq,
    );
    return { booking: toHisBooking(db, bookingRowById(db, row.his_booking_id)!, now) };
  });
};

const get: MethodHandler = (body, ctx) => {
  const input = parse(getSchema, body);
  const row = bookingRowById(ctx.db, input.hisBookingId);
  if (!row) throw new SandboxError('NOT_FOUND', 'no booking with this hisBookingId');
  return { booking: toHisBooking(ctx.db, row, ctx.now()) };
};

const checkIn: MethodHandler = (body, ctx) => {
  const input = parse(checkInSchema, body);
  const now = ctx.now();
  const { db } = ctx;
  return onceAtomically(ctx, 'booking.checkIn', input, now, (): { booking: HisBooking } => {
    const row = bookingRowById(db, input.hisBookingId);
    if (!row) throw new SandboxError('NOT_FOUND', 'no booking with this hisBookingId');
    if (row.status === 'checkedIn') return { booking: toHisBooking(db, row, now) };
    if (row.status !== 'booked') throw new SandboxError('INVALID_STATE', `booking is ${row.status}`);
    const session = sessionRow(db, row.session_id)!;
    if (session.status === 'stopped') throw new SandboxError('SESSION_CLOSED', 'session is stopped (停诊)');
    const tp = timePointRow(db, row.session_id, row.time)!;
    const opens = Date.parse(tp.starts_at) - HIS_ARRIVAL_WINDOW_BEFORE_MIN * 60_000;
    if (now.getTime() < opens || now.getTime() >= Date.parse(tp.ends_at)) {
      throw new SandboxError('NOT_IN_WINDOW', 'outside the arrival window');
    }
    if (effectiveStatus(db, row, now) !== 'booked') throw new SandboxError('INVALID_STATE', 'booking is missed');
    const { q } = db
      .prepare('SELECT COALESCE(MAX(queue_no), 0) + 1 AS q FROM bookings WHERE session_id = ?')
      .get(row.session_id) as { q: number };
    db.prepare("UPDATE bookings SET status = 'checkedIn', queue_no = ?, checked_in_at = ? WHERE seq = ?").run(
      q,
      now.toISOString(),
      row.seq,
    );
    return { booking: toHisBooking(db, bookingRowById(db, row.his_booking_id)!, now) };
  });
};

const queue: MethodHandler = (body, ctx) => {
  const input = parse(queueSchema, body);
  const session = sessionRow(ctx.db, input.sessionId);
  if (!session) throw new SandboxError('NOT_FOUND', 'no session with this sessionId');
  return queueStatus(ctx.db, session, ctx.now());
};

export const bookingMethods: Record<string, MethodHandler> = {
  'dept.list': deptList,
  'doctor.list': doctorList,
  'schedule.query': scheduleQuery,
  'booking.confirm': confirm,
  'booking.cancel': cancel,
  'booking.get': get,
  'booking.checkIn': checkIn,
  'queue.status': queue,
};
