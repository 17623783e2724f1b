/**
 * Sandbox-only schedule and booking endpoints (not part of the HIS gateway protocol; unsigned,
 * local only): staging sessions for tests and benchmarks, reading sessions and bookings to verify
 * invariants, marking seats used at the window, 停诊, and driving the queue.
 * See docs/his-gateway.md, "Sandbox-only endpoints".
 */
import { z } from 'zod';
import { HIS_ERROR_STATUS, type HisErrorCode } from '../../server/adapters/his/protocol';
import { businessDate, inBusinessTz } from '../../server/core/time';
import {
  ensureWindow,
  insertSession,
  loadSessions,
  nextHisBookingId,
  queueStatus,
  sessionRow,
  type BookingRow,
} from './booking-store';
import {
  addDays,
  buildTimePoints,
  compactDate,
  expertFeeFen,
  isValidDate,
  roomLocation,
  SEATS_PER_TIME_POINT,
  shanghaiInstant,
  specialistFeeFen,
  TIME_POINT_MINUTES,
  type SessionSpec,
} from './schedule';
import { firstIssue } from './methods/parse';
import { fail, ok, parseJsonObject, type RouteAnswer } from './sandbox-http';
import type { SandboxRouteContext } from './sandbox-routes';

/** Staged sessions default to at most this many time points (more seats per time point instead). */
export const STAGE_DEFAULT_MAX_TIME_POINTS = 8;
/** Default gap between "now" and a staged session's first time point. */
export const STAGE_DEFAULT_LEAD_HOURS = 3;

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO instant');

const stageSchema = z.strictObject({
  date: z.string().refine(isValidDate, 'must be YYYY-MM-DD').optional(),
  deptCode: z.string().min(1),
  doctorId: z.string().min(1).nullable().optional(),
  kind: z.enum(['specialist', 'expert']),
  period: z.enum(['AM', 'PM']).optional(),
  seats: z.number().int().min(1).max(10_000),
  seatsPerTimePoint: z.number().int().min(1).max(10_000).optional(),
  timePointMinutes: z.number().int().min(5).max(240).optional(),
  feeFen: z.number().int().min(0).max(1_000_000).optional(),
  releaseAt: iso.optional(),
  startsAt: iso.optional(),
  status: z.enum(['open', 'stopped']).optional(),
});

const markUsedSchema = z.strictObject({
  sessionId: z.string().min(1),
  seatNos: z.array(z.number().int().min(1)).min(1).max(10_000).optional(),
  count: z.number().int().min(1).max(10_000).optional(),
});
const windowCancelSchema = z.strictObject({
  sessionId: z.string().min(1),
  seatNos: z.array(z.number().int().min(1)).min(1).max(1000),
});
const stopSchema = z.strictObject({ sessionId: z.string().min(1), stopped: z.boolean().optional() });
const advanceSchema = z.strictObject({ sessionId: z.string().min(1), to: z.number().int().min(0).nullable() });

class RouteError extends Error {
  constructor(
    readonly code: HisErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function parseBody<S extends z.ZodType>(schema: S, body: Buffer | undefined): z.infer<S> {
  const json = parseJsonObject(body);
  if (!json.ok) throw new RouteError('INVALID_REQUEST', 'body must be a JSON object');
  const r = schema.safeParse(json.value);
  if (!r.success) throw new RouteError('INVALID_REQUEST', firstIssue(r.error));
  return r.data;
}

/** The next :00 or :30 at or after `at`. */
function ceilHalfHour(at: Date): Date {
  const step = 30 * 60_000;
  return new Date(Math.ceil(at.getTime() / step) * step);
}

function stageSession(ctx: SandboxRouteContext, body: Buffer | undefined): RouteAnswer {
  const input = parseBody(stageSchema, body);
  const { db } = ctx;
  const now = ctx.now();
  const dept = db.prepare('SELECT code, location FROM departments WHERE code = ?').get(input.deptCode) as
    { code: string; location: string } | undefined;
  if (!dept) throw new RouteError('NOT_FOUND', 'deptCode: no such department');
  let doctor: { doctorId: string; title: string; level: string; deptCode: string } | undefined;
  if (input.kind === 'expert') {
    if (!input.doctorId) throw new RouteError('INVALID_REQUEST', 'doctorId: required for kind expert');
    doctor = db
      .prepare('SELECT doctor_id AS doctorId, title, level, dept_code AS deptCode FROM doctors WHERE doctor_id = ?')
      .get(input.doctorId) as typeof doctor;
    if (!doctor) throw new RouteError('NOT_FOUND', 'doctorId: no such doctor');
    if (doctor.deptCode !== dept.code) throw new RouteError('INVALID_REQUEST', 'doctorId: not of this department');
  } else if (input.doctorId) {
    throw new RouteError('INVALID_REQUEST', 'doctorId: only for kind expert');
  }

  const defaultPer = SEATS_PER_TIME_POINT[input.kind];
  const per = input.seatsPerTimePoint ?? Math.max(defaultPer, Math.ceil(input.seats / STAGE_DEFAULT_MAX_TIME_POINTS));
  const minutes = input.timePointMinutes ?? TIME_POINT_MINUTES;
  const count = Math.ceil(input.seats / per);
  const spanMs = count * minutes * 60_000;
  const fits = (start: Date): boolean => businessDate(new Date(start.getTime() + spanMs - 1)) === businessDate(start);

  let startsAt: Date;
  if (input.startsAt) {
    startsAt = new Date(input.startsAt);
  } else {
    // Default: the next half hour at least STAGE_DEFAULT_LEAD_HOURS from now, or 08:00 of a later date.
    const soon = ceilHalfHour(new Date(now.getTime() + STAGE_DEFAULT_LEAD_HOURS * 3_600_000));
    const soonDate = businessDate(soon);
    const wanted = input.date ?? soonDate;
    if (wanted === soonDate && fits(soon)) startsAt = soon;
    else if (wanted > soonDate) startsAt = shanghaiInstant(wanted, '08:00');
    else if (!input.date) startsAt = shanghaiInstant(addDays(soonDate, 1), '08:00');
    else throw new RouteError('INVALID_REQUEST', 'date: too late to stage a bookable session on this date');
  }
  const date = businessDate(startsAt);
  if (input.date && input.date !== date) throw new RouteError('INVALID_REQUEST', 'date: does not match startsAt');
  if (!fits(startsAt)) throw new RouteError('INVALID_REQUEST', 'seats: the time points would run past midnight');

  const period = input.period ?? (inBusinessTz(startsAt).hour() < 12 ? 'AM' : 'PM');
  const owner = doctor ? doctor.doctorId : dept.code;
  const { n } = db.prepare("SELECT COUNT(*) + 1 AS n FROM sessions WHERE origin = 'staged'").get() as { n: number };
  const spec: SessionSpec = {
    sessionId: `S${compactDate(date)}-${owner}-${period}-X${n}`,
    date,
    period,
    kind: input.kind,
    deptCode: dept.code,
    doctorId: doctor?.doctorId ?? null,
    feeFen: input.feeFen ?? (doctor ? expertFeeFen(doctor.title) : specialistFeeFen(ctx.seed, dept.code)),
    location: roomLocation(ctx.seed, dept, doctor?.doctorId ?? null),
    releaseAt: new Date(input.releaseAt ?? now.toISOString()).toISOString(),
    status: input.status ?? 'open',
    origin: 'staged',
    timePoints: buildTimePoints(startsAt, input.seats, per, minutes),
  };
  db.transaction(() => insertSession(db, spec))();
  const [session] = loadSessions(db, { sessionIds: [spec.sessionId] });
  return ok({ session, startsAt: spec.timePoints[0]!.startsAt });
}

function listSessions(ctx: SandboxRouteContext, url: URL): RouteAnswer {
  const now = ctx.now();
  ensureWindow(ctx.db, ctx.schedule, now);
  const sessionId = url.searchParams.get('sessionId') ?? undefined;
  const date = url.searchParams.get('date') ?? (sessionId ? undefined : businessDate(now));
  if (date !== undefined && !isValidDate(date)) throw new RouteError('INVALID_REQUEST', 'date: must be YYYY-MM-DD');
  const sessions = loadSessions(ctx.db, {
    fromDate: date,
    toDate: date,
    deptCode: url.searchParams.get('deptCode') ?? undefined,
    doctorId: url.searchParams.get('doctorId') ?? undefined,
    sessionIds: sessionId ? [sessionId] : undefined,
  });
  const extra = ctx.db.prepare('SELECT origin, starts_at AS startsAt FROM sessions WHERE session_id = ?');
  const items = sessions.map((s) => {
    const seatsTotal = s.timePoints.reduce((sum, t) => sum + t.seatNos.length, 0);
    const seatsTaken = s.timePoints.reduce((sum, t) => sum + t.takenSeatNos.length, 0);
    return { ...s, ...(extra.get(s.sessionId) as object), seatsTotal, seatsTaken };
  });
  return ok({ items });
}

function listBookings(ctx: SandboxRouteContext, url: URL): RouteAnswer {
  const sessionId = url.searchParams.get('sessionId');
  const limitRaw = Number(url.searchParams.get('limit') ?? 1000);
  const limit = Number.isFinite(limitRaw) ? Math.min(10_000, Math.max(1, Math.floor(limitRaw))) : 1000;
  const where = sessionId ? 'WHERE session_id = ?' : '';
  const args = sessionId ? [sessionId] : [];
  const rows = ctx.db
    .prepare(`SELECT * FROM bookings ${where} ORDER BY seq DESC LIMIT ?`)
    .all(...args, limit) as BookingRow[];
  const count = (cond: string): number =>
    (
      ctx.db.prepare(`SELECT COUNT(*) AS n FROM bookings ${where ? `${where} AND` : 'WHERE'} ${cond}`).get(...args) as {
        n: number;
      }
    ).n;
  // Invariant probes for benchmarks: both must always be 0.
  const doubleBookedSeats = (
    ctx.db
      .prepare(
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM bookings ${where ? `${where} AND` : 'WHERE'} status <> 'cancelled'
         GROUP BY session_id, seat_no HAVING COUNT(*) > 1)`,
      )
      .get(...args) as { n: number }
  ).n;
  const patientsWithTwoBookings = (
    ctx.db
      .prepare(
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM bookings ${where ? `${where} AND` : 'WHERE'} status <> 'cancelled'
         AND patient_id IS NOT NULL GROUP BY session_id, patient_id HAVING COUNT(*) > 1)`,
      )
      .get(...args) as { n: number }
  ).n;
  const now = ctx.now();
  return ok({
    counts: {
      total: count('1 = 1'),
      active: count("status <> 'cancelled'"),
      booked: count("status = 'booked' AND source = 'gateway'"),
      cancelled: count("status = 'cancelled'"),
      checkedIn: count("status = 'checkedIn'"),
      usedAtWindow: count("source = 'window'"),
    },
    invariants: { doubleBookedSeats, patientsWithTwoBookings },
    limit,
    items: rows.map((r) => ({
      hisBookingId: r.his_booking_id,
      source: r.source,
      confirmRequestId: r.confirm_request_id,
      sessionId: r.session_id,
      time: r.time,
      seatNo: r.seat_no,
      // Opaque EMPI ids of fictional patients (no name, ID number or phone here).
      patientId: r.patient_id,
      status: r.status === 'booked' && r.source === 'gateway' ? listedStatus(ctx, r, now) : r.status,
      queueNo: r.queue_no,
      createdAt: r.created_at,
      cancelledAt: r.cancelled_at,
      checkedInAt: r.checked_in_at,
    })),
  });
}

function listedStatus(ctx: SandboxRouteContext, r: BookingRow, now: Date): string {
  const tp = ctx.db
    .prepare('SELECT ends_at FROM time_points WHERE session_id = ? AND time = ?')
    .get(r.session_id, r.time) as { ends_at: string } | undefined;
  return tp && now.getTime() >= Date.parse(tp.ends_at) ? 'missed' : 'booked';
}

function markUsed(ctx: SandboxRouteContext, body: Buffer | undefined): RouteAnswer {
  const input = parseBody(markUsedSchema, body);
  const { db } = ctx;
  const now = ctx.now().toISOString();
  const used = db.transaction((): number[] => {
    if (!sessionRow(db, input.sessionId)) throw new RouteError('NOT_FOUND', 'sessionId: no such session');
    const tps = db
      .prepare('SELECT time, seat_from, seat_count FROM time_points WHERE session_id = ? ORDER BY idx')
      .all(input.sessionId) as { time: string; seat_from: number; seat_count: number }[];
    const timeOf = (seat: number): string | undefined =>
      tps.find((t) => seat >= t.seat_from && seat < t.seat_from + t.seat_count)?.time;
    const taken = new Set(
      (
        db
          .prepare("SELECT seat_no FROM bookings WHERE session_id = ? AND status <> 'cancelled'")
          .all(input.sessionId) as { seat_no: number }[]
      ).map((r) => r.seat_no),
    );
    let seats: number[];
    if (input.seatNos) {
      seats = input.seatNos;
      for (const s of seats) {
        if (!timeOf(s)) throw new RouteError('INVALID_REQUEST', `seatNos: ${s} is not a seat of this session`);
        if (taken.has(s)) throw new RouteError('SEAT_TAKEN', `seatNos: ${s} is taken`);
      }
    } else {
      const want = input.count ?? 1;
      seats = [];
      for (const t of tps) {
        for (let s = t.seat_from; s < t.seat_from + t.seat_count && seats.length < want; s++) {
          if (!taken.has(s)) seats.push(s);
        }
      }
    }
    const insert = db.prepare(
      `INSERT INTO bookings (seq, his_booking_id, source, session_id, time, seat_no, status, created_at)
       VALUES (?, ?, 'window', ?, ?, ?, 'completed', ?)`,
    );
    for (const s of seats) {
      const { seq, hisBookingId } = nextHisBookingId(db);
      insert.run(seq, hisBookingId, input.sessionId, timeOf(s)!, s, now);
    }
    return seats;
  })();
  return ok({ sessionId: input.sessionId, used });
}

/**
 * What a patient (or the registration clerk) does at the hospital's window: the active booking
 * on each seat — an app booking still `booked`, or a seat used at the window — is cancelled there,
 * and the seat is free again in the HIS. The cloud side learns it on its next schedule sync.
 */
function windowCancel(ctx: SandboxRouteContext, body: Buffer | undefined): RouteAnswer {
  const input = parseBody(windowCancelSchema, body);
  const { db } = ctx;
  const at = ctx.now().toISOString();
  const cancelled = db.transaction(() => {
    if (!sessionRow(db, input.sessionId)) throw new RouteError('NOT_FOUND', 'sessionId: no such session');
    const find = db.prepare(
      `SELECT seq, his_booking_id AS hisBookingId, source, seat_no AS seatNo FROM bookings
        WHERE session_id = ? AND seat_no = ?
          AND ((source = 'gateway' AND status = 'booked') OR (source = 'window' AND status = 'completed'))`,
    );
    const cancel = db.prepare("UPDATE bookings SET status = 'cancelled', cancelled_at = ? WHERE seq = ?");
    return input.seatNos.map((seatNo) => {
      const row = find.get(input.sessionId, seatNo) as
        { seq: number; hisBookingId: string; source: string; seatNo: number } | undefined;
      if (!row) throw new RouteError('NOT_FOUND', `seatNos: no booking to cancel on seat ${seatNo}`);
      cancel.run(at, row.seq);
      return { seatNo, hisBookingId: row.hisBookingId, source: row.source };
    });
  })();
  return ok({ sessionId: input.sessionId, cancelled });
}

/**
 * 停诊 (or reopening): as a hospital's HIS does, stopping a session also cancels its active
 * bookings (停诊退号 — the patients are told by whoever booked them: the cloud side, on its next
 * schedule sync). Reopening does not bring cancelled bookings back.
 */
function stopSession(ctx: SandboxRouteContext, body: Buffer | undefined): RouteAnswer {
  const input = parseBody(stopSchema, body);
  const status = input.stopped === false ? 'open' : 'stopped';
  const cancelled = ctx.db.transaction(() => {
    const r = ctx.db.prepare('UPDATE sessions SET status = ? WHERE session_id = ?').run(status, input.sessionId);
    if (r.changes === 0) throw new RouteError('NOT_FOUND', 'sessionId: no such session');
    if (status === 'open') return 0;
    return ctx.db
      .prepare(
        "UPDATE bookings SET status = 'cancelled', cancelled_at = ? WHERE session_id = ? AND status IN ('booked', 'checkedIn')",
      )
      .run(ctx.now().toISOString(), input.sessionId).changes;
  })();
  return ok({ session: loadSessions(ctx.db, { sessionIds: [input.sessionId] })[0], cancelledBookings: cancelled });
}

function advanceQueue(ctx: SandboxRouteContext, body: Buffer | undefined): RouteAnswer {
  const input = parseBody(advanceSchema, body);
  // `to: null` hands the queue back to the clock.
  const r = ctx.db
    .prepare('UPDATE sessions SET queue_manual = ?, queue_now_serving = ? WHERE session_id = ?')
    .run(input.to === null ? 0 : 1, input.to, input.sessionId);
  if (r.changes === 0) throw new RouteError('NOT_FOUND', 'sessionId: no such session');
  return ok({ queue: queueStatus(ctx.db, sessionRow(ctx.db, input.sessionId)!, ctx.now()) });
}

/** Answers the schedule/booking sandbox routes; undefined for any other path. */
export function handleBookingSandboxRoute(
  ctx: SandboxRouteContext,
  method: string,
  path: string,
  url: URL,
  body: Buffer | undefined,
): RouteAnswer | undefined {
  const routes: Record<string, () => RouteAnswer> = {
    'POST /sandbox/stage-session': () => stageSession(ctx, body),
    'GET /sandbox/sessions': () => listSessions(ctx, url),
    'POST /sandbox/sessions/stop': () => stopSession(ctx, body),
    'GET /sandbox/bookings': () => listBookings(ctx, url),
    'POST /sandbox/bookings/mark-used': () => markUsed(ctx, body),
    'POST /sandbox/bookings/window-cancel': () => windowCancel(ctx, body),
    'POST /sandbox/queue/advance': () => advanceQueue(ctx, body),
  };
  const route = routes[`${method} ${path}`];
  if (!route) return undefined;
  try {
    return route();
  } catch (err) {
    if (err instanceof RouteError) return fail(HIS_ERROR_STATUS[err.code], err.code, err.message);
    throw err;
  }
}
