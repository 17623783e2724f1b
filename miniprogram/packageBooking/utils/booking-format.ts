/**
 * Display text shared by the 门诊服务 view models: money, periods, kinds, business dates.
 * Money arrives as integer fen; dates are business dates in Asia/Shanghai.
 */
import type { Period, SlotKind } from '../../../typings/booking';
import { formatYuan } from '../../utils/money';

export { formatDateTime } from '../../utils/format';

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** Integer fen → `¥15.00` (utils/money.ts; a fee is never negative). */
export function formatFee(fen: number): string {
  return formatYuan(Math.max(0, fen));
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

/** `请于08:30至09:00到院签到/取号` */
export function arrivalText(arrival: { from: string; to: string }): string {
  return `请于${arrival.from}至${arrival.to}到院签到/取号`;
}

/** `专家号 · 张三 主任医师` or `专科号` */
export function doctorLine(kind: SlotKind, doctorName: string | null, doctorTitle: string | null): string {
  if (kind === 'expert' && doctorName) return [doctorName, doctorTitle].filter(Boolean).join(' ');
  return '专科号（普通门诊）';
}
