/**
 * Display text shared by the 门诊服务 view models: money, periods, kinds, business dates.
 * Money arrives as integer fen; dates are business dates in Asia/Shanghai.
 */
import type { Period, SlotKind } from '../../../typings/booking';

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Integer fen → `¥15.00` (integer arithmetic, no floats). */
export function formatFee(fen: number): string {
  const value = Math.max(0, Math.round(fen));
  return `¥${Math.floor(value / 100)}.${pad2(value % 100)}`;
}

export function periodText(period: Period): string {
  return period === 'AM' ? '上午' : '下午';
}

export function kindText(kind: SlotKind): string {
  return kind === 'expert' ? '专家号' : '专科号';
}

/** `YYYY-MM-DD` → its weekday `周一` (calendar arithmetic, independent of the device zone). */
export function weekdayOf(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return '';
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
  return WEEKDAYS[day] ?? '';
}

/** `2024-05-06` → `05-06` */
export function monthDay(date: string): string {
  return date.length >= 10 ? date.slice(5, 10) : date;
}

/** ISO instant → `YYYY-MM-DD HH:mm` in Asia/Shanghai; '' when unparsable. */
export function formatDateTime(iso: string | null): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`
  );
}

/** `请于08:30至09:00到院签到/取号` */
export function arrivalText(arrival: { from: string; to: string }): string {
  return `请于${arrival.from}至${arrival.to}到院签到/取号`;
}

/** `专家号 · 张三 主任医师` or `专科号` */
export function doctorLine(kind: SlotKind, doctorName: string | null, doctorTitle: string | null): string {
  if (kind === 'expert' && doctorName) return [doctorName, doctorTitle].filter(Boolean).join(' ');
  return '专科号（普通门诊）';
}
