/**
 * Business rules of 预约挂号 (booking), in ONE place. Every value can be overridden per deployment
 * (bookingActions({ rules })) without touching the decision code (server/domain/booking).
 * Times of day are Asia/Shanghai. The values a patient sees reach the pages through the `rules`
 * action (server/actions/booking), never as copies. Template ids: ./templates.ts.
 */
import type { PublicBookingRules } from '../../typings/booking';

/** The rules patients are told about (typings/booking.ts, answered by `rules`) and the server's own settings. */
export interface BookingRules extends PublicBookingRules {
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
