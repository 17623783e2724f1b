/**
 * View models of 号源选择 and 医生主页: the date strip of the bookable window, sessions and their
 * time points as chips (`09:00（余3）`).
 */
import type { SessionView, SlotKind, TimePointView } from '../../../typings/booking';
import { doctorLine, formatDateTime, formatFee, kindText, monthDay, periodText, weekdayOf } from './booking-format';

export type DayState = 'available' | 'full' | 'notReleased' | 'closed' | 'none';

const DAY_STATE_TEXT: Record<DayState, string> = {
  available: '有号',
  full: '约满',
  notReleased: '未放号',
  closed: '已停约',
  none: '无号',
};

export interface DateItem {
  date: string;
  monthDay: string;
  /** `今天` / `明天` / `周三` */
  weekday: string;
  state: DayState;
  stateText: string;
}

function isBookableSession(s: SessionView): boolean {
  return s.closedReason === null && s.released && s.seatsRemaining > 0;
}

export function dayState(sessions: readonly SessionView[]): DayState {
  if (sessions.length === 0) return 'none';
  if (sessions.some(isBookableSession)) return 'available';
  if (sessions.some((s) => s.closedReason === 'notReleased' || !s.released)) return 'notReleased';
  if (sessions.some((s) => s.closedReason === 'full' || s.seatsRemaining === 0)) return 'full';
  return 'closed';
}

/** The date strip: every date of the bookable window (as the server sends it), with its state. */
export function toDateItems(dates: readonly string[], sessions: readonly SessionView[]): DateItem[] {
  return dates.map((date, i) => {
    const state = dayState(sessions.filter((s) => s.date === date));
    return {
      date,
      monthDay: monthDay(date),
      weekday: i === 0 ? '今天' : i === 1 ? '明天' : weekdayOf(date),
      state,
      stateText: DAY_STATE_TEXT[state],
    };
  });
}

/** The date to show first: the requested one if in the window, else the first with seats, else today. */
export function initialDate(items: readonly DateItem[], wanted: string): string {
  if (wanted && items.some((d) => d.date === wanted)) return wanted;
  return (items.find((d) => d.state === 'available') ?? items[0])?.date ?? '';
}

export interface TimeChip {
  time: string;
  /** `09:00（余3）` / `09:00（满）` */
  label: string;
  disabled: boolean;
}

export function toTimeChip(tp: TimePointView, released: boolean): TimeChip {
  const label = !released
    ? `${tp.time}（未放号）`
    : tp.seatsRemaining > 0
      ? `${tp.time}（余${tp.seatsRemaining}）`
      : `${tp.time}（满）`;
  return { time: tp.time, label, disabled: !tp.bookable };
}

export interface SessionItem {
  sessionId: string;
  date: string;
  period: string;
  kind: SlotKind;
  kindText: string;
  deptCode: string;
  deptName: string;
  doctorId: string | null;
  /** `张三 主任医师` or `专科号（普通门诊）` */
  doctorLine: string;
  fee: string;
  location: string;
  remaining: number;
  /** `余12` / `约满` / `07:00放号` / `已停诊` */
  statusText: string;
  statusType: 'primary' | 'danger' | 'default' | 'warning';
  full: boolean;
  waitlistOpen: boolean;
  waiting: number;
  chips: TimeChip[];
}

function sessionStatus(s: SessionView, releaseText: string): Pick<SessionItem, 'statusText' | 'statusType'> {
  if (s.closedReason === 'notReleased' || !s.released) return { statusText: releaseText, statusType: 'default' };
  if (s.closedReason === 'started') return { statusText: '已停约', statusType: 'default' };
  if (s.closedReason === 'full' || s.seatsRemaining <= 0) return { statusText: '约满', statusType: 'danger' };
  return { statusText: `余${s.seatsRemaining}`, statusType: 'primary' };
}

/** `05-13 07:00放号`, or `未放号` when the instant is unknown. */
function releaseText(releaseAt: string): string {
  const at = formatDateTime(releaseAt);
  return at ? `${at.slice(5)}放号` : '未放号';
}

export function toSessionItem(s: SessionView): SessionItem {
  const full = s.released && (s.closedReason === 'full' || (s.closedReason === null && s.seatsRemaining <= 0));
  return {
    sessionId: s.sessionId,
    date: s.date,
    period: periodText(s.period),
    kind: s.kind,
    kindText: kindText(s.kind),
    deptCode: s.deptCode,
    deptName: s.deptName,
    doctorId: s.doctorId,
    doctorLine: doctorLine(s.kind, s.doctorName, s.doctorTitle),
    fee: formatFee(s.feeFen),
    location: s.location,
    remaining: s.seatsRemaining,
    ...sessionStatus(s, releaseText(s.releaseAt)),
    full,
    waitlistOpen: full && s.waitlist.open,
    waiting: s.waitlist.waiting,
    chips: s.timePoints.map((tp) => toTimeChip(tp, s.released)),
  };
}

/** Sessions of one date, morning first, then by doctor. */
export function sessionsOn(sessions: readonly SessionView[], date: string): SessionItem[] {
  return sessions
    .filter((s) => s.date === date)
    .slice()
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || (a.doctorName ?? '').localeCompare(b.doctorName ?? ''))
    .map(toSessionItem);
}
