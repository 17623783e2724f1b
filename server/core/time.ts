import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Business time zone: every business rule is evaluated here, whatever the server's TZ. */
export const BUSINESS_TZ = 'Asia/Shanghai';

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** The business date (YYYY-MM-DD in Asia/Shanghai) of an instant. */
export function businessDate(at: Date): string {
  return dayjs(at).tz(BUSINESS_TZ).format('YYYY-MM-DD');
}

/** A dayjs in the business time zone. */
export function inBusinessTz(at: Date | string | number): dayjs.Dayjs {
  return dayjs(at).tz(BUSINESS_TZ);
}

export { dayjs };
