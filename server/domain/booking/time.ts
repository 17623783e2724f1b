/**
 * Business-time helpers of booking (Asia/Shanghai whatever the process TZ).
 *
 * Hot-path arithmetic uses the fixed UTC+08:00 offset Asia/Shanghai has had since 1991 (see
 * server/core/time.ts); inputs outside that range, or not in the canonical shape, go through
 * dayjs-tz as before.
 */
import { BUSINESS_TZ, BUSINESS_UTC_OFFSET_MS, dayjs, FIXED_OFFSET_SINCE_MS } from '../../core/time';

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})$/;

/** Epoch ms of UTC midnight of a canonical `YYYY-MM-DD` (a real calendar date), else null. */
function utcMidnight(date: string): number | null {
  const m = DATE_RE.exec(date);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const ms = Date.UTC(y, mo - 1, d);
  // Rejects overflowing days (2027-02-30) and two-digit years Date.UTC would remap.
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms;
}

/** Epoch ms of `date` (`YYYY-MM-DD`) at `time` (`HH:mm`) in Asia/Shanghai. */
export function businessInstantMs(date: string, time: string): number {
  const day = utcMidnight(date);
  const t = TIME_RE.exec(time);
  if (day !== null && t) {
    const h = Number(t[1]);
    const mi = Number(t[2]);
    if (h < 24 && mi < 60) {
      const ms = day + (h * 60 + mi) * 60_000 - BUSINESS_UTC_OFFSET_MS;
      if (ms >= FIXED_OFFSET_SINCE_MS) return ms;
    }
  }
  return dayjs.tz(`${date} ${time}`, BUSINESS_TZ).valueOf();
}

/** `HH:mm` in Asia/Shanghai of an epoch ms. */
export function clockOf(ms: number): string {
  if (ms >= FIXED_OFFSET_SINCE_MS && ms < 253_402_300_800_000 - BUSINESS_UTC_OFFSET_MS) {
    return new Date(ms + BUSINESS_UTC_OFFSET_MS).toISOString().slice(11, 16);
  }
  return dayjs(ms).tz(BUSINESS_TZ).format('HH:mm');
}

/** `YYYY-MM-DD` + n days (calendar arithmetic, no TZ involved). */
export function addDays(date: string, n: number): string {
  const day = utcMidnight(date);
  if (day !== null && Number.isInteger(n)) {
    const out = new Date(day + n * DAY_MS);
    const y = out.getUTCFullYear();
    if (y >= 1000 && y <= 9999) return out.toISOString().slice(0, 10);
  }
  return dayjs.utc(date).add(n, 'day').format('YYYY-MM-DD');
}

/** Whole calendar days from `a` to `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  const da = utcMidnight(a);
  const db = utcMidnight(b);
  if (da !== null && db !== null) return Math.round((db - da) / DAY_MS);
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
