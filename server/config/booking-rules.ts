/**
 * Business rules of 预约挂号 (booking), in ONE place. Every value can be overridden per deployment
 * (bookingActions({ rules })) without touching the decision code (server/domain/booking).
 * Times of day are Asia/Shanghai.
 */
import type { EnvVarName, FunctionEnv } from './env-vars';

export interface BookingRules {
  /** Days after today that can be booked: the window is today … today + windowDays. */
  windowDays: number;
  /** A date is released `windowDays` days before at this time of day (`HH:mm`). */
  releaseTime: string;
  /** One active booking per HIS patient per department per date. */
  onePerDeptPerDay: boolean;
  /** At most this many active future bookings per HIS patient. */
  maxActivePerPatient: number;
  /** This many no-shows (过号/爽约) within `noShowWindowDays` days … */
  noShowLimit: number;
  noShowWindowDays: number;
  /** … block new bookings for this many days from the no-show that reached the limit. */
  noShowBlockDays: number;
  /** Cancellation is allowed until the time point minus this many minutes (inclusive). */
  cancelBeforeMinutes: number;
  /** Arrival / check-in window: from this many minutes before the time point until it starts. */
  arrivalBeforeMinutes: number;
  /** The waitlist of a session closes (entries expire) this many minutes before the session starts. */
  waitlistClosesBeforeMinutes: number;
  /** A `pending` idempotency record older than this is resumed / resolved instead of answered ABORTED. */
  pendingResumeAfterMs: number;
  /** Lazy schedule sync from the `schedule` action: at most once per department per this many ms. */
  lazySyncIntervalMs: number;
  /**
   * A function instance that found a time point full answers "full" from memory for this long
   * (0: always ask the database). Bounds how late a seat freed by another instance is offered.
   */
  fullMemoMs: number;
  /** Outbox: attempts before a transiently failing message is given up. */
  messageMaxAttempts: number;
  /** Outbox: base back-off between attempts (doubles per attempt). */
  messageRetryBaseMs: number;
  /** 预约记录: at most this many bookings per answer (newest first; the answer says when cut). */
  listLimit: number;
}

export const DEFAULT_BOOKING_RULES: Readonly<BookingRules> = Object.freeze({
  windowDays: 7,
  releaseTime: '07:00',
  onePerDeptPerDay: true,
  maxActivePerPatient: 5,
  noShowLimit: 3,
  noShowWindowDays: 90,
  noShowBlockDays: 90,
  cancelBeforeMinutes: 120,
  arrivalBeforeMinutes: 30,
  waitlistClosesBeforeMinutes: 120,
  pendingResumeAfterMs: 30_000,
  lazySyncIntervalMs: 60_000,
  fullMemoMs: 1000,
  messageMaxAttempts: 5,
  messageRetryBaseMs: 60_000,
  listLimit: 200,
});

export function bookingRules(overrides?: Partial<BookingRules>): BookingRules {
  return { ...DEFAULT_BOOKING_RULES, ...(overrides ?? {}) };
}

/** Subscription message template ids (MP console → 订阅消息). Defaults match devstack/seed. */
export interface BookingTemplates {
  bookingConfirmed: string;
  visitReminder: string;
  waitlistSuccess: string;
  /** 预约取消通知: the patient cancelled, or the hospital did (医生停诊). */
  bookingCancelled: string;
}

export const DEFAULT_BOOKING_TEMPLATES: Readonly<BookingTemplates> = Object.freeze({
  bookingConfirmed: 'tmpl-booking-confirmed',
  visitReminder: 'tmpl-visit-reminder',
  waitlistSuccess: 'tmpl-waitlist-success',
  bookingCancelled: 'tmpl-booking-cancelled',
});

/** TMPL_BOOKING_CONFIRMED, TMPL_VISIT_REMINDER, TMPL_WAITLIST_SUCCESS, TMPL_BOOKING_CANCELLED (defaults: devstack seed ids). */
export function bookingTemplatesFromEnv(env: FunctionEnv = process.env): BookingTemplates {
  const pick = (name: EnvVarName, fallback: string): string => env[name]?.trim() || fallback;
  return {
    bookingConfirmed: pick('TMPL_BOOKING_CONFIRMED', DEFAULT_BOOKING_TEMPLATES.bookingConfirmed),
    visitReminder: pick('TMPL_VISIT_REMINDER', DEFAULT_BOOKING_TEMPLATES.visitReminder),
    waitlistSuccess: pick('TMPL_WAITLIST_SUCCESS', DEFAULT_BOOKING_TEMPLATES.waitlistSuccess),
    bookingCancelled: pick('TMPL_BOOKING_CANCELLED', DEFAULT_BOOKING_TEMPLATES.bookingCancelled),
  };
}
