/**
 * What the booking pages say about the rules, made from the `rules` answer of this deployment
 * (server/config/booking-rules.ts), so a changed rule needs no new mini program release and the
 * pages never promise what the server no longer enforces. `null`: not loaded (yet), and the
 * pages then leave the rule out rather than guess it.
 */
import type { PublicBookingRules } from '../../../typings/booking';

/** `2 小时`, `90 分钟` */
export function durationText(minutes: number): string {
  return minutes > 0 && minutes % 60 === 0 ? `${minutes / 60} 小时` : `${minutes} 分钟`;
}

/** 确认预约's 预约须知. */
export function ruleLines(r: PublicBookingRules): string[] {
  const perDept = r.onePerDeptPerDay ? '同一就诊人同一天同一科室只能预约 1 个号；' : '';
  return [
    `${perDept}同一就诊人未就诊的预约最多 ${r.maxActivePerPatient} 个。`,
    `就诊前 ${durationText(r.cancelBeforeMinutes)}以前可在“预约记录”中取消预约，之后不可取消。`,
    `${r.noShowWindowDays} 天内爽约（未取消也未就诊）累计 ${r.noShowLimit} 次，将暂停预约挂号资格 ${r.noShowBlockDays} 天。`,
    `请在预约时间点前 ${durationText(r.arrivalBeforeMinutes)}内到院签到/取号，过时未签到视为过号。`,
  ];
}

/** `每日07:00放出第7日号源`; '' until the rules are loaded. */
export function releaseNote(r: Pick<PublicBookingRules, 'releaseTime' | 'windowDays'> | null): string {
  return r ? `每日${r.releaseTime}放出第${r.windowDays}日号源` : '';
}

/** `近7日` (the bookable window); `近期` until the rules are loaded. */
export function windowText(r: Pick<PublicBookingRules, 'windowDays'> | null): string {
  return r ? `近${r.windowDays}日` : '近期';
}

/** 门诊服务's 预约挂号 entry: `…，最多可预约7天内号源`. */
export function bookEntryLabel(r: Pick<PublicBookingRules, 'windowDays'> | null): string {
  const base = '选择科室、医生和就诊时间';
  return r ? `${base}，最多可预约${r.windowDays}天内号源` : base;
}

/**
 * Under 取消预约: this booking's own deadline (`cancellableUntil`, `YYYY-MM-DD HH:mm`), which the
 * server computed, and the no-show rule once the rules are loaded.
 */
export function cancelHint(
  cancellableUntil: string,
  r: Pick<PublicBookingRules, 'noShowLimit' | 'noShowWindowDays'> | null,
): string {
  const deadline = cancellableUntil ? `${cancellableUntil} 后不可取消` : '';
  const noShow = r ? `${r.noShowWindowDays}天内爽约${r.noShowLimit}次将暂停预约` : '';
  return [deadline, noShow].filter(Boolean).join('；');
}
