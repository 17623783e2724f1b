/**
 * Times as WeChat Pay writes them: RFC 3339 with the +08:00 offset in answers and notifications,
 * `YYYY-MM-DD HH:mm:ss` in bills, business dates in Asia/Shanghai (dayjs with utc + timezone, as
 * the rest of the repository does), whatever the machine's TZ.
 */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

export const PAY_TZ = 'Asia/Shanghai';

export type Clock = () => Date;

/** `2026-01-02T10:34:56+08:00` — the form of success_time, create_time and time_expire. */
export function rfc3339(ms: number): string {
  return dayjs(ms).tz(PAY_TZ).format('YYYY-MM-DDTHH:mm:ssZ');
}

/** `2026-01-02 10:34:56` (Asia/Shanghai), the 交易时间 of a bill row. */
export function billTime(ms: number): string {
  return dayjs(ms).tz(PAY_TZ).format('YYYY-MM-DD HH:mm:ss');
}

/** The Asia/Shanghai date of an instant. */
export function shanghaiDate(ms: number): string {
  return dayjs(ms).tz(PAY_TZ).format('YYYY-MM-DD');
}

/** `YYYYMMDDHHmmss` (Asia/Shanghai): the time part WeChat puts into prepay and order ids. */
export function compactTime(ms: number): string {
  return dayjs(ms).tz(PAY_TZ).format('YYYYMMDDHHmmss');
}

/** Start of an Asia/Shanghai date `YYYY-MM-DD` as epoch ms; null when it is no real date. */
export function shanghaiDayStart(date: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const d = dayjs.tz(date, PAY_TZ);
  return d.isValid() && d.format('YYYY-MM-DD') === date ? d.valueOf() : null;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses `2018-06-08T10:34:56+08:00` (the form WeChat documents for time_expire) to epoch ms;
 * null for anything else, so a client sending `2018-06-08 10:34:56` or an ISO date alone is told.
 */
export function parseRfc3339(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls 2026-02-30 over to March: refuse dates that do not exist.
  const month = Number(m[2]);
  const day = Number(m[3]);
  const probe = new Date(Date.UTC(Number(m[1]), month - 1, day));
  return probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day ? ms : null;
}
