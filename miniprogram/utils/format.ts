/**
 * Display formatting. Business time is Asia/Shanghai (UTC+8, no daylight saving) whatever the
 * device's time zone, so dates are computed from the UTC instant shifted by +8h.
 */
import type { Gender } from '../../typings/patient';

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYY-MM-DD` of an instant in Asia/Shanghai. */
export function shanghaiDate(epochMs: number): string {
  const d = new Date(epochMs + SHANGHAI_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** Today's business date (Asia/Shanghai), `YYYY-MM-DD`. */
export function shanghaiToday(now: number = Date.now()): string {
  return shanghaiDate(now);
}

/** ISO instant → `YYYY-MM-DD` in Asia/Shanghai; '' when unparsable. */
export function formatDate(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : shanghaiDate(ms);
}

/** ISO instant → `YYYY-MM-DD HH:mm` in Asia/Shanghai; '' when absent or unparsable. */
export function formatDateTime(iso: string | null): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return `${shanghaiDate(ms)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

export function genderText(gender: Gender): string {
  return gender === 'M' ? '男' : '女';
}

export function ageText(age: number): string {
  return age >= 0 ? `${age}岁` : '';
}
