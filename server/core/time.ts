import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Business time zone: every business rule is evaluated here, whatever the server's TZ. */
export const BUSINESS_TZ = 'Asia/Shanghai';

/**
 * Asia/Shanghai has been a fixed UTC+08:00 without daylight saving time since 1991-09-15 (the
 * last PRC DST period ended then; tzdata has no later transition). For instants from
 * `FIXED_OFFSET_SINCE_MS` on, business wall-clock time is therefore exact integer arithmetic on
 * epoch ms — no tz database lookup (dayjs-tz formats through Intl, ≈ 10 % of the booking CPU).
 * Earlier instants fall back to dayjs-tz. Guarded by test/unit/core/time.test.ts, which compares
 * both over 1990–2040.
 */
export const BUSINESS_UTC_OFFSET_MS = 8 * 3_600_000;
/** 1992-01-01T00:00:00+08:00: from here on the offset is fixed (a safe margin after 1991-09-15). */
export const FIXED_OFFSET_SINCE_MS = Date.UTC(1991, 11, 31, 16, 0, 0);

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** The business date (YYYY-MM-DD in Asia/Shanghai) of an instant. */
export function businessDate(at: Date): string {
  const ms = at.getTime();
  if (ms >= FIXED_OFFSET_SINCE_MS && ms < 253_402_300_800_000 - BUSINESS_UTC_OFFSET_MS) {
    return new Date(ms + BUSINESS_UTC_OFFSET_MS).toISOString().slice(0, 10);
  }
  return dayjs(at).tz(BUSINESS_TZ).format('YYYY-MM-DD');
}

/** A dayjs in the business time zone. */
export function inBusinessTz(at: Date | string | number): dayjs.Dayjs {
  return dayjs(at).tz(BUSINESS_TZ);
}

export { dayjs };
