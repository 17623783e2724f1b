/**
 * Pure booking rules (no I/O): every "may this happen now?" question of 预约挂号 is answered here,
 * from stored state, the rules (server/config/booking-rules.ts) and the instant of the call.
 */
import type { BookingRules } from '../../config/booking-rules';
import type { ActiveEntry, BookingRecord, Decision, PatientRuleState, Refusal, SessionRecord } from './types';
import { addDays, businessInstantMs, chineseDate, clockMinus, daysBetween } from './time';

export const BOOKING_MESSAGES = {
  sessionNotFound: '该号源不存在或已停诊',
  timeNotFound: '该时段不存在',
  notReleased: (releaseTime: string) => `号源尚未开放，每日${releaseTime}放号`,
  started: '该时段已停止预约',
  stopped: '该医生已停诊',
  full: '该时段已约满，可加入候补',
  duplicateDeptDay: '您已预约该科室当日的号',
  tooMany: (n: number) => `每位就诊人最多可同时预约${n}个号`,
  blocked: (days: number, limit: number, until: string) =>
    `近${days}天内爽约${limit}次，${chineseDate(until)}前暂停预约`,
  cancelTooLate: (minutes: number) => `就诊前${formatMinutes(minutes)}内不可取消预约`,
  notCancellable: '该预约当前状态不可取消',
  checkInWindow: (from: string, to: string) => `请于${from}至${to}之间签到`,
  notCheckInnable: '该预约当前状态不可签到',
  notCheckedIn: '请先签到取号',
  hisBusy: '医院系统繁忙，预约未成功，请稍后重试',
  hisRejected: '医院系统未能受理该预约，请稍后重试',
  hisPending: '医院系统繁忙，预约结果确认中，请稍后在“我的预约”中查看',
  processing: '正在处理，请稍候',
  waitlistClosed: '候补已截止',
  waitlistNotFull: '该号源尚有余号，请直接预约',
  waitlistDuplicate: '您已在该号源的候补队列中',
  waitlistNotWaiting: '该候补已结束',
  bookingNotFound: '预约记录不存在',
  waitlistNotFound: '候补记录不存在',
  cardNotFound: '就诊人不存在',
} as const;

function formatMinutes(m: number): string {
  return m % 60 === 0 ? `${m / 60}小时` : `${m}分钟`;
}

const refuse = (
  reason: Refusal['reason'],
  code: Refusal['code'],
  message: string,
): { ok: false; refusal: Refusal } => ({
  ok: false,
  refusal: { reason, code, message },
});

/** The instant a session date is released: (date − windowDays) at releaseTime, Asia/Shanghai. */
export function releaseAtFor(date: string, rules: Pick<BookingRules, 'windowDays' | 'releaseTime'>): number {
  return businessInstantMs(addDays(date, -rules.windowDays), rules.releaseTime);
}

/** The bookable dates: today … today + windowDays. */
export function bookingWindow(today: string, rules: Pick<BookingRules, 'windowDays'>): string[] {
  return Array.from({ length: rules.windowDays + 1 }, (_, i) => addDays(today, i));
}

export type ClosedReason = 'notReleased' | 'started' | 'full' | null;

/** Why a session (or a time point with `remaining`) cannot be booked at `nowMs`; null when it can. */
export function closedReason(
  session: Pick<SessionRecord, 'releaseAtMs' | 'startsAtMs'>,
  remaining: number,
  nowMs: number,
): ClosedReason {
  if (nowMs < session.releaseAtMs) return 'notReleased';
  if (nowMs >= session.startsAtMs) return 'started';
  if (remaining <= 0) return 'full';
  return null;
}

/** May a seat of this session be requested now (before the seat counter is touched)? */
export function decideSessionOpen(
  session: Pick<SessionRecord, 'releaseAtMs' | 'startsAtMs' | 'status'>,
  rules: Pick<BookingRules, 'releaseTime'>,
  nowMs: number,
): Decision {
  if (session.status === 'stopped') return refuse('closed', 'FAILED_PRECONDITION', BOOKING_MESSAGES.stopped);
  if (nowMs < session.releaseAtMs) {
    return refuse('notReleased', 'FAILED_PRECONDITION', BOOKING_MESSAGES.notReleased(rules.releaseTime));
  }
  if (nowMs >= session.startsAtMs) return refuse('closed', 'FAILED_PRECONDITION', BOOKING_MESSAGES.started);
  return { ok: true, value: undefined };
}

/** Entries still active at `nowMs` (time point not yet over). */
export function liveEntries(active: readonly ActiveEntry[], nowMs: number): ActiveEntry[] {
  return active.filter((a) => a.endMs > nowMs);
}

/**
 * The date until which (exclusive) the patient is blocked by no-shows, or null: whenever
 * `noShowLimit` no-shows fall within `noShowWindowDays` days (the first and the last less than
 * `noShowWindowDays` days apart), bookings are blocked for `noShowBlockDays` days from the last one.
 */
export function blockedUntil(
  noShows: readonly string[],
  rules: Pick<BookingRules, 'noShowLimit' | 'noShowWindowDays' | 'noShowBlockDays'>,
): string | null {
  const sorted = [...noShows].sort();
  const k = rules.noShowLimit;
  if (k <= 0 || sorted.length < k) return null;
  let until: string | null = null;
  for (let i = k - 1; i < sorted.length; i++) {
    const first = sorted[i - k + 1]!;
    const last = sorted[i]!;
    if (daysBetween(first, last) < rules.noShowWindowDays) {
      const end = addDays(last, rules.noShowBlockDays);
      if (until === null || end > until) until = end;
    }
  }
  return until;
}

export interface BookCandidate {
  bookingId: string;
  deptCode: string;
  date: string;
  endMs: number;
}

/**
 * Patient rules at booking (and waitlist join) time: no-show block, one per department per day,
 * max active. Returns the next state (entry added, expired entries dropped).
 */
export function decideBook(
  state: PatientRuleState,
  candidate: BookCandidate,
  rules: BookingRules,
  nowMs: number,
  today: string,
): Decision<PatientRuleState> {
  const until = blockedUntil(state.noShows, rules);
  if (until !== null && today < until) {
    return refuse(
      'noShowBlocked',
      'FAILED_PRECONDITION',
      BOOKING_MESSAGES.blocked(rules.noShowWindowDays, rules.noShowLimit, until),
    );
  }
  const live = liveEntries(state.active, nowMs).filter((a) => a.bookingId !== candidate.bookingId);
  if (rules.onePerDeptPerDay && live.some((a) => a.deptCode === candidate.deptCode && a.date === candidate.date)) {
    return refuse('perDeptDay', 'ALREADY_EXISTS', BOOKING_MESSAGES.duplicateDeptDay);
  }
  if (live.length >= rules.maxActivePerPatient) {
    return refuse('maxActive', 'RESOURCE_EXHAUSTED', BOOKING_MESSAGES.tooMany(rules.maxActivePerPatient));
  }
  const entry: ActiveEntry = {
    bookingId: candidate.bookingId,
    deptCode: candidate.deptCode,
    date: candidate.date,
    endMs: candidate.endMs,
  };
  return { ok: true, value: { ...state, active: [...live, entry] } };
}

/** Removes a booking from the active list (cancel, failure, no-show). */
export function releaseEntry(state: PatientRuleState, bookingId: string): PatientRuleState {
  return { ...state, active: state.active.filter((a) => a.bookingId !== bookingId) };
}

/** Records a no-show on `date` (idempotent per booking via the caller's status transition). */
export function recordNoShow(state: PatientRuleState, bookingId: string, date: string): PatientRuleState {
  return { active: state.active.filter((a) => a.bookingId !== bookingId), noShows: [...state.noShows, date].sort() };
}

/** ISO instant until which a booking can be cancelled (time point − cancelBeforeMinutes). */
export function cancellableUntilMs(b: Pick<BookingRecord, 'startMs'>, rules: BookingRules): number {
  return b.startMs - rules.cancelBeforeMinutes * 60_000;
}

export function decideCancel(
  b: Pick<BookingRecord, 'status' | 'startMs'>,
  rules: BookingRules,
  nowMs: number,
): Decision {
  if (b.status !== 'booked') return refuse('notCancellable', 'FAILED_PRECONDITION', BOOKING_MESSAGES.notCancellable);
  if (nowMs > cancellableUntilMs(b, rules)) {
    return refuse('tooLateToCancel', 'FAILED_PRECONDITION', BOOKING_MESSAGES.cancelTooLate(rules.cancelBeforeMinutes));
  }
  return { ok: true, value: undefined };
}

/** Arrival window `HH:mm`: [time − arrivalBeforeMinutes, time). */
export function arrivalWindow(date: string, time: string, rules: BookingRules): { from: string; to: string } {
  return { from: clockMinus(date, time, rules.arrivalBeforeMinutes), to: time };
}

export function decideCheckIn(
  b: Pick<BookingRecord, 'status' | 'startMs' | 'date' | 'time'>,
  rules: BookingRules,
  nowMs: number,
): Decision {
  if (b.status !== 'booked') return refuse('notCheckInnable', 'FAILED_PRECONDITION', BOOKING_MESSAGES.notCheckInnable);
  const from = b.startMs - rules.arrivalBeforeMinutes * 60_000;
  if (nowMs < from || nowMs >= b.startMs) {
    const w = arrivalWindow(b.date, b.time, rules);
    return refuse('outsideArrivalWindow', 'FAILED_PRECONDITION', BOOKING_MESSAGES.checkInWindow(w.from, w.to));
  }
  return { ok: true, value: undefined };
}

/** The instant a session's waitlist closes. */
export function waitlistClosesAtMs(session: Pick<SessionRecord, 'startsAtMs'>, rules: BookingRules): number {
  return session.startsAtMs - rules.waitlistClosesBeforeMinutes * 60_000;
}

/** May a patient join this session's waitlist now (the patient rules are checked separately)? */
export function decideJoinWaitlist(
  session: Pick<SessionRecord, 'releaseAtMs' | 'startsAtMs' | 'status'>,
  remaining: number,
  rules: BookingRules,
  nowMs: number,
): Decision {
  const open = decideSessionOpen(session, rules, nowMs);
  if (!open.ok) return open;
  if (nowMs >= waitlistClosesAtMs(session, rules))
    return refuse('waitlistClosed', 'FAILED_PRECONDITION', BOOKING_MESSAGES.waitlistClosed);
  if (remaining > 0) return refuse('waitlistNotFull', 'FAILED_PRECONDITION', BOOKING_MESSAGES.waitlistNotFull);
  return { ok: true, value: undefined };
}

/** Queue: people ahead of `queueNo` given the number being seen now. */
export function peopleAhead(queueNo: number, nowServing: number | null): number {
  if (nowServing === null) return Math.max(0, queueNo - 1);
  return Math.max(0, queueNo - nowServing - 1);
}
