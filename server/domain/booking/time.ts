/**
 * Business-time helpers of booking (Asia/Shanghai whatever the process TZ).
 */
import { BUSINESS_TZ, dayjs } from '../../core/time';

/** Epoch ms of `date` (`YYYY-MM-DD`) at `time` (`HH:mm`) in Asia/Shanghai. */
export function businessInstantMs(date: string, time: string): number {
  return dayjs.tz(`${date} ${time}`, BUSINESS_TZ).valueOf();
}

/** `HH:mm` in Asia/Shanghai of an epoch ms. */
export function clockOf(ms: number): string {
  return dayjs(ms).tz(BUSINESS_TZ).format('HH:mm');
}

/** `YYYY-MM-DD` + n days (calendar arithmetic, no TZ involved). */
export function addDays(date: string, n: number): string {
  return dayjs.utc(date).add(n, 'day').format('YYYY-MM-DD');
}

/** Whole calendar days from `a` to `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  return dayjs.utc(b).diff(dayjs.utc(a), 'day');
}

/** `2027年02月25日` */
export function chineseDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${y}年${m}月${d}日`;
}

/** Minutes before a time point, as `HH:mm`. */
export function clockMinus(date: string, time: string, minutes: number): string {
  return clockOf(businessInstantMs(date, time) - minutes * 60_000);
}
