/**
 * The HIS sandbox's schedule and booking store: lazy generation of seeded days, session and booking
 * reads, row mapping to the protocol's types (server/ports/his-booking.ts).
 */
import type { HisBooking, HisBookingStatus, HisSession } from '../../server/ports/his-booking';
import { businessDate } from '../../server/core/time';
import type { SandboxDb } from './db';
import { addDays, generateDaySessions, type ScheduleDoctor, type SessionSpec } from './schedule';

export interface ScheduleConfig {
  seed: number;
  /** `HH:mm` Asia/Shanghai; seeded sessions are released at this time 7 days before their date. */
  releaseTime: string;
}

/** Seeded days are kept for today − 1 … today + 7 (relative to the sandbox clock). */
export const WINDOW_DAYS_BEFORE = 1;
export const WINDOW_DAYS_AFTER = 7;
/** queue.status: from the session start, one checked-in patient every this many minutes. */
export const QUEUE_MINUTES_PER_PATIENT = 5;

export interface SessionRow {
  session_id: string;
  date: string;
  period: 'AM' | 'PM';
  kind: 'specialist' | 'expert';
  dept_code: string;
  doctor_id: string | null;
  fee_fen: number;
  location: string;
  release_at: string;
  starts_at: string;
  ends_at: string;
  status: 'open' | 'stopped';
  origin: 'seed' | 'staged';
  queue_manual: number;
  queue_now_serving: number | null;
}

export interface TimePointRow {
  session_id: string;
  idx: number;
  time: string;
  end_time: string;
  starts_at: string;
  ends_at: string;
  seat_from: number;
  seat_count: number;
}

export interface BookingRow {
  seq: number;
  his_booking_id: string;
  source: 'gateway' | 'window';
  app_id: string | null;
  confirm_request_id: string | null;
  session_id: string;
  time: string;
  seat_no: number;
  patient_id: string | null;
  status: 'booked' | 'cancelled' | 'checkedIn' | 'completed';
  queue_no: number | null;
  created_at: string;
  cancelled_at: string | null;
  checked_in_at: string | null;
}

export function insertSession(db: SandboxDb, s: SessionSpec): void {
  const first = s.timePoints[0]!;
  const last = s.timePoints[s.timePoints.length - 1]!;
  db.prepare(
    `INSERT INTO sessions (session_id, date, period, kind, dept_code, doctor_id, fee_fen, location, release_at,
       starts_at, ends_at, status, origin)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    s.sessionId,
    s.date,
    s.period,
    s.kind,
    s.deptCode,
    s.doctorId,
    s.feeFen,
    s.location,
    s.releaseAt,
    first.startsAt,
    last.endsAt,
    s.status,
    s.origin,
  );
  const tp = db.prepare(
    `INSERT INTO time_points (session_id, idx, time, end_time, starts_at, ends_at, seat_from, seat_count)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  s.timePoints.forEach((t, i) =>
    tp.run(s.sessionId, i, t.time, t.endTime, t.startsAt, t.endsAt, t.seatFrom, t.seatCount),
  );
}

/** Generates the seeded sessions of every listed date not generated yet. Returns how many dates were added. */
export function ensureScheduleDays(db: SandboxDb, cfg: ScheduleConfig, dates: readonly string[], now: Date): number {
  const known = db.prepare('SELECT 1 FROM schedule_days WHERE date = ?');
  const missing = dates.filter((d) => !known.get(d));
  if (missing.length === 0) return 0;
  const departments = db.prepare('SELECT code, location FROM departments ORDER BY sort').all() as {
    code: string;
    location: string;
  }[];
  const doctors = db
    .prepare('SELECT doctor_id AS doctorId, title, level, dept_code AS deptCode FROM doctors ORDER BY doctor_id')
    .all() as ScheduleDoctor[];
  db.transaction(() => {
    for (const date of missing) {
      if (known.get(date)) continue;
      for (const s of generateDaySessions(cfg.seed, date, departments, doctors, cfg.releaseTime)) {
        insertSession(db, s);
      }
      db.prepare('INSERT INTO schedule_days (date, generated_at) VALUES (?, ?)').run(date, now.toISOString());
    }
  })();
  return missing.length;
}

/** Dates from `from` to `to`, both included. */
export function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Makes sure today − 1 … today + 7 (and any requested dates up to today + 7) are generated. */
export function ensureWindow(
  db: SandboxDb,
  cfg: ScheduleConfig,
  now: Date,
  requested?: { fromDate: string; toDate: string },
): void {
  const today = businessDate(now);
  const last = addDays(today, WINDOW_DAYS_AFTER);
  const dates = dateRange(addDays(today, -WINDOW_DAYS_BEFORE), last);
  if (requested) {
    const to = requested.toDate < last ? requested.toDate : last;
    for (const d of dateRange(requested.fromDate, to)) if (!dates.includes(d)) dates.push(d);
  }
  ensureScheduleDays(db, cfg, dates, now);
}

export function sessionRow(db: SandboxDb, sessionId: string): SessionRow | undefined {
  return db.prepare('SELECT * FROM sessions WHERE session_id = ?').get(sessionId) as SessionRow | undefined;
}

export function timePointRow(db: SandboxDb, sessionId: string, time: string): TimePointRow | undefined {
  return db.prepare('SELECT * FROM time_points WHERE session_id = ? AND time = ?').get(sessionId, time) as
    TimePointRow | undefined;
}

export interface SessionFilter {
  fromDate?: string;
  toDate?: string;
  deptCode?: string;
  doctorId?: string;
  sessionIds?: string[];
}

/** Sessions with their time points and taken seats, ordered by date, period, kind, department, doctor. */
export function loadSessions(db: SandboxDb, f: SessionFilter): HisSession[] {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    where.push(sql);
    args.push(value);
  };
  if (f.fromDate !== undefined) add('s.date >= ?', f.fromDate);
  if (f.toDate !== undefined) add('s.date <= ?', f.toDate);
  if (f.deptCode !== undefined) add('s.dept_code = ?', f.deptCode);
  if (f.doctorId !== undefined) add('s.doctor_id = ?', f.doctorId);
  if (f.sessionIds !== undefined) {
    if (f.sessionIds.length === 0) return [];
    where.push(`s.session_id IN (${f.sessionIds.map(() => '?').join(',')})`);
    args.push(...f.sessionIds);
  }
  const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const rows = db
    .prepare(
      `SELECT s.* FROM sessions s ${cond}
       ORDER BY s.date, s.period, s.kind DESC, s.dept_code, s.doctor_id, s.starts_at, s.session_id`,
    )
    .all(...args) as SessionRow[];
  if (rows.length === 0) return [];
  const tps = db
    .prepare(
      `SELECT tp.* FROM time_points tp JOIN sessions s ON s.session_id = tp.session_id ${cond} ORDER BY tp.session_id, tp.idx`,
    )
    .all(...args) as TimePointRow[];
  const taken = db
    .prepare(
      `SELECT b.session_id, b.seat_no FROM bookings b JOIN sessions s ON s.session_id = b.session_id
       ${cond ? `${cond} AND` : 'WHERE'} b.status <> 'cancelled' ORDER BY b.seat_no`,
    )
    .all(...args) as { session_id: string; seat_no: number }[];
  const tpBySession = new Map<string, TimePointRow[]>();
  for (const t of tps) {
    const list = tpBySession.get(t.session_id) ?? [];
    list.push(t);
    tpBySession.set(t.session_id, list);
  }
  const takenBySession = new Map<string, number[]>();
  for (const t of taken) {
    const list = takenBySession.get(t.session_id) ?? [];
    list.push(t.seat_no);
    takenBySession.set(t.session_id, list);
  }
  return rows.map((r) => toHisSession(r, tpBySession.get(r.session_id) ?? [], takenBySession.get(r.session_id) ?? []));
}

function toHisSession(r: SessionRow, tps: TimePointRow[], taken: number[]): HisSession {
  return {
    sessionId: r.session_id,
    date: r.date,
    period: r.period,
    kind: r.kind,
    deptCode: r.dept_code,
    doctorId: r.doctor_id,
    feeFen: r.fee_fen,
    location: r.location,
    releaseAt: r.release_at,
    status: r.status,
    timePoints: tps.map((t) => {
      const seatNos = Array.from({ length: t.seat_count }, (_, i) => t.seat_from + i);
      const last = t.seat_from + t.seat_count - 1;
      return {
        time: t.time,
        endTime: t.end_time,
        seatNos,
        takenSeatNos: taken.filter((n) => n >= t.seat_from && n <= last),
      };
    }),
  };
}

export function bookingRowById(db: SandboxDb, hisBookingId: string): BookingRow | undefined {
  return db.prepare("SELECT * FROM bookings WHERE his_booking_id = ? AND source = 'gateway'").get(hisBookingId) as
    BookingRow | undefined;
}

export function bookingRowByConfirm(db: SandboxDb, appId: string, confirmRequestId: string): BookingRow | undefined {
  return db
    .prepare("SELECT * FROM bookings WHERE app_id = ? AND confirm_request_id = ? AND source = 'gateway'")
    .get(appId, confirmRequestId) as BookingRow | undefined;
}

/**
 * A booked (not checked-in) booking whose time point has ended reads as 'missed'; a checked-in one
 * whose queue number has been called and passed (the doctor has moved on) reads as 'completed'.
 */
export function effectiveStatus(db: SandboxDb, r: BookingRow, now: Date): HisBookingStatus {
  if (r.status === 'checkedIn' && r.queue_no !== null) {
    const s = sessionRow(db, r.session_id);
    const serving = s ? queueStatus(db, s, now).nowServing : null;
    return serving !== null && r.queue_no < serving ? 'completed' : 'checkedIn';
  }
  if (r.status !== 'booked') return r.status;
  const tp = timePointRow(db, r.session_id, r.time);
  return tp && now.getTime() >= Date.parse(tp.ends_at) ? 'missed' : 'booked';
}

export function toHisBooking(db: SandboxDb, r: BookingRow, now: Date): HisBooking {
  return {
    hisBookingId: r.his_booking_id,
    confirmRequestId: r.confirm_request_id ?? '',
    sessionId: r.session_id,
    time: r.time,
    seatNo: r.seat_no,
    patientId: r.patient_id ?? '',
    status: effectiveStatus(db, r, now),
    queueNo: r.queue_no,
    createdAt: r.created_at,
  };
}

/** `B` + 12 digits from the row sequence. */
export function nextHisBookingId(db: SandboxDb): { seq: number; hisBookingId: string } {
  const { n } = db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM bookings').get() as { n: number };
  return { seq: n, hisBookingId: `B${String(100_000_000_000 + n)}` };
}

export function queueStatus(db: SandboxDb, s: SessionRow, now: Date): { nowServing: number | null; checkedIn: number } {
  const { n: checkedIn } = db
    .prepare(
      "SELECT COUNT(*) AS n FROM bookings WHERE session_id = ? AND queue_no IS NOT NULL AND status <> 'cancelled'",
    )
    .get(s.session_id) as { n: number };
  if (s.queue_manual) return { nowServing: s.queue_now_serving, checkedIn };
  const elapsed = now.getTime() - Date.parse(s.starts_at);
  if (checkedIn === 0 || elapsed < 0) return { nowServing: null, checkedIn };
  const called = 1 + Math.floor(elapsed / (QUEUE_MINUTES_PER_PATIENT * 60_000));
  return { nowServing: Math.min(checkedIn, called), checkedIn };
}

export function scheduleCounts(db: SandboxDb): Record<string, number> {
  const n = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  return {
    days: n('SELECT COUNT(*) AS n FROM schedule_days'),
    sessions: n('SELECT COUNT(*) AS n FROM sessions'),
    stagedSessions: n("SELECT COUNT(*) AS n FROM sessions WHERE origin = 'staged'"),
    timePoints: n('SELECT COUNT(*) AS n FROM time_points'),
    bookings: n("SELECT COUNT(*) AS n FROM bookings WHERE source = 'gateway'"),
    activeBookings: n("SELECT COUNT(*) AS n FROM bookings WHERE status <> 'cancelled'"),
    tombstones: n('SELECT COUNT(*) AS n FROM booking_tombstones'),
  };
}
