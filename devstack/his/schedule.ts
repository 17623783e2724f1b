/**
 * Deterministic schedule (号源) generation for the HIS sandbox. Pure: the sessions of a date depend
 * only on the seed, the date, the departments and doctors, and the release time — never on the
 * clock — so a day generated lazily weeks after seeding is the same day an earlier seeding would
 * have produced. All times are Asia/Shanghai, whatever the process TZ.
 *
 * - 专科号 (kind 'specialist', no doctor): every department, each morning (AM, 08:00–11:30, 8 time
 *   points) and afternoon (PM, 13:30–16:30, 7 time points) on weekdays, mornings only on weekends.
 * - 专家号 (kind 'expert', one named doctor): each expert has 2–4 half-day sessions per ISO week,
 *   chosen among Mon–Fri AM/PM and Sat AM; about 1 in 20 of them is 停诊 (status 'stopped').
 * - Seats per time point: 专科号 6, 专家号 3; seat numbers run across the session (1-6, 7-12, …).
 * - Fees (fen): 专科号 1000–2000 by department; 主任医师 5000, 副主任医师 3000.
 * - releaseAt: (date − 7 days) at the release time (default 07:00) Asia/Shanghai.
 */
import type { Period, SlotKind } from '../../typings/booking';
import { BUSINESS_TZ, dayjs, inBusinessTz } from '../../server/core/time';
import { createPrng } from './prng';
import type { HisSession } from '../../server/ports/his-booking';

export const DEFAULT_RELEASE_TIME = '07:00';
export const TIME_POINT_MINUTES = 30;
export const SEATS_PER_TIME_POINT: Readonly<Record<SlotKind, number>> = { specialist: 6, expert: 3 };
export const PERIOD_TIMES: Readonly<Record<Period, readonly string[]>> = {
  AM: ['08:00', '08:30', '09:00', '09:30', '10:00', '10:30', '11:00', '11:30'],
  PM: ['13:30', '14:00', '14:30', '15:00', '15:30', '16:00', '16:30'],
};
export const RELEASE_DAYS_AHEAD = 7;
export const EXPERT_FEE_FEN: Readonly<Record<string, number>> = { 主任医师: 5000, 副主任医师: 3000 };
/** Share of seeded 专家号 sessions that are 停诊. */
export const EXPERT_STOP_PERCENT = 5;

export interface TimePointSpec {
  time: string;
  endTime: string;
  /** ISO instants. */
  startsAt: string;
  endsAt: string;
  seatFrom: number;
  seatCount: number;
}

/** A session as the sandbox stores it: the protocol's HisSession with seat ranges instead of seat lists. */
export interface SessionSpec extends Omit<HisSession, 'timePoints'> {
  origin: 'seed' | 'staged';
  timePoints: TimePointSpec[];
}

export interface ScheduleDepartment {
  code: string;
  location: string;
}

export interface ScheduleDoctor {
  doctorId: string;
  title: string;
  level: SlotKind;
  deptCode: string;
}

/** 32-bit FNV-1a, for seeding per-entity PRNGs from strings. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The instant of `HH:mm` on a business date, Asia/Shanghai. */
export function shanghaiInstant(date: string, time: string): Date {
  const key = `${date} ${time}`;
  let ms = instantCache.get(key);
  if (ms === undefined) {
    ms = dayjs.tz(key, BUSINESS_TZ).valueOf();
    if (instantCache.size > 10_000) instantCache.clear();
    instantCache.set(key, ms);
  }
  return new Date(ms);
}
const instantCache = new Map<string, number>();

/** Calendar arithmetic on `YYYY-MM-DD` (time zone independent). */
export function addDays(date: string, days: number): string {
  return dayjs.utc(date).add(days, 'day').format('YYYY-MM-DD');
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return dayjs.utc(date).day();
}

/** Whole days from `from` to `to` (`to − from`). */
export function daysBetween(from: string, to: string): number {
  return dayjs.utc(to).diff(dayjs.utc(from), 'day');
}

/** True for a real calendar date in `YYYY-MM-DD` form. */
export function isValidDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && dayjs.utc(date).format('YYYY-MM-DD') === date;
}

export function releaseAtFor(date: string, releaseTime: string): string {
  return shanghaiInstant(addDays(date, -RELEASE_DAYS_AHEAD), releaseTime).toISOString();
}

export function compactDate(date: string): string {
  return date.replaceAll('-', '');
}

/** 专科号 fee of a department: 1000–2000 fen in steps of 100, fixed per seed and department. */
export function specialistFeeFen(seed: number, deptCode: string): number {
  return 1000 + 100 * (hash32(`${seed}|fee|${deptCode}`) % 11);
}

export function expertFeeFen(title: string): number {
  return EXPERT_FEE_FEN[title] ?? EXPERT_FEE_FEN['副主任医师']!;
}

/** `门诊楼3楼A区 12诊室`: 专科号 rooms 1–10 per department, experts rooms 11–20 per doctor. */
export function roomLocation(seed: number, dept: ScheduleDepartment, doctorId: string | null): string {
  const room = doctorId
    ? 11 + (hash32(`${seed}|room|${doctorId}`) % 10)
    : 1 + (hash32(`${seed}|room|${dept.code}`) % 10);
  return `${dept.location} ${room}诊室`;
}

/**
 * Time points from `firstStart`, `minutes` apart, `seatsTotal` seats split into time points of up to
 * `seatsPerTimePoint` seats, numbered across the session from 1.
 */
export function buildTimePoints(
  firstStart: Date,
  seatsTotal: number,
  seatsPerTimePoint: number,
  minutes: number = TIME_POINT_MINUTES,
  /** `HH:mm` of `firstStart` in Asia/Shanghai when the caller knows it (saves a time-zone conversion). */
  firstLabel?: string,
): TimePointSpec[] {
  const out: TimePointSpec[] = [];
  // One time-zone conversion per session (Intl is slow); Asia/Shanghai has no DST, so the labels of
  // the following time points are plain minute arithmetic from the first.
  const [h, m] = (firstLabel ?? inBusinessTz(firstStart).format('HH:mm')).split(':').map(Number) as [number, number];
  const firstMinute = h * 60 + m;
  const label = (minuteOfDay: number): string => {
    const x = ((minuteOfDay % 1440) + 1440) % 1440;
    return `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
  };
  let seatFrom = 1;
  for (let i = 0; seatFrom <= seatsTotal; i++) {
    const startMs = firstStart.getTime() + i * minutes * 60_000;
    const seatCount = Math.min(seatsPerTimePoint, seatsTotal - seatFrom + 1);
    out.push({
      time: label(firstMinute + i * minutes),
      endTime: label(firstMinute + (i + 1) * minutes),
      startsAt: new Date(startMs).toISOString(),
      endsAt: new Date(startMs + minutes * 60_000).toISOString(),
      seatFrom,
      seatCount,
    });
    seatFrom += seatCount;
  }
  return out;
}

function periodTimePoints(date: string, period: Period, kind: SlotKind): TimePointSpec[] {
  const times = PERIOD_TIMES[period];
  const per = SEATS_PER_TIME_POINT[kind];
  return buildTimePoints(shanghaiInstant(date, times[0]!), times.length * per, per, TIME_POINT_MINUTES, times[0]);
}

/** The Monday of the ISO week of `date`. */
export function weekMonday(date: string): string {
  return addDays(date, -((weekday(date) + 6) % 7));
}

const EXPERT_SLOTS: readonly string[] = [
  '1-AM',
  '1-PM',
  '2-AM',
  '2-PM',
  '3-AM',
  '3-PM',
  '4-AM',
  '4-PM',
  '5-AM',
  '5-PM',
  '6-AM',
];

/** An expert's half-day slots (`<weekday>-<period>`) in the week of `date`: 2–4 of them. */
export function expertWeekSlots(seed: number, doctorId: string, date: string): Set<string> {
  const rnd = createPrng(hash32(`${seed}|expert|${doctorId}|${weekMonday(date)}`));
  const k = rnd.int(2, 4);
  const pool = [...EXPERT_SLOTS];
  const picked = new Set<string>();
  while (picked.size < k) picked.add(pool.splice(rnd.int(0, pool.length - 1), 1)[0]!);
  return picked;
}

export function specialistSessionId(date: string, deptCode: string, period: Period): string {
  return `S${compactDate(date)}-${deptCode}-${period}`;
}

export function expertSessionId(date: string, doctorId: string, period: Period): string {
  return `S${compactDate(date)}-${doctorId}-${period}`;
}

/** Every seeded session of one date. */
export function generateDaySessions(
  seed: number,
  date: string,
  departments: readonly ScheduleDepartment[],
  doctors: readonly ScheduleDoctor[],
  releaseTime: string = DEFAULT_RELEASE_TIME,
): SessionSpec[] {
  const dow = weekday(date);
  const weekend = dow === 0 || dow === 6;
  const releaseAt = releaseAtFor(date, releaseTime);
  const periods: Period[] = weekend ? ['AM'] : ['AM', 'PM'];
  const sessions: SessionSpec[] = [];
  const deptByCode = new Map(departments.map((d) => [d.code, d]));
  for (const period of periods) {
    for (const dept of departments) {
      sessions.push({
        sessionId: specialistSessionId(date, dept.code, period),
        date,
        period,
        kind: 'specialist',
        deptCode: dept.code,
        doctorId: null,
        feeFen: specialistFeeFen(seed, dept.code),
        location: roomLocation(seed, dept, null),
        releaseAt,
        status: 'open',
        origin: 'seed',
        timePoints: periodTimePoints(date, period, 'specialist'),
      });
    }
  }
  for (const doc of doctors) {
    if (doc.level !== 'expert') continue;
    const dept = deptByCode.get(doc.deptCode);
    if (!dept) continue;
    const slots = expertWeekSlots(seed, doc.doctorId, date);
    for (const period of ['AM', 'PM'] as const) {
      if (!slots.has(`${dow}-${period}`)) continue;
      const sessionId = expertSessionId(date, doc.doctorId, period);
      sessions.push({
        sessionId,
        date,
        period,
        kind: 'expert',
        deptCode: doc.deptCode,
        doctorId: doc.doctorId,
        feeFen: expertFeeFen(doc.title),
        location: roomLocation(seed, dept, doc.doctorId),
        releaseAt,
        status: hash32(`${seed}|stop|${sessionId}`) % 100 < EXPERT_STOP_PERCENT ? 'stopped' : 'open',
        origin: 'seed',
        timePoints: periodTimePoints(date, period, 'expert'),
      });
    }
  }
  return sessions;
}
