/**
 * Rendering of booking subscription messages within WeChat's value rules (enforced by the
 * emulator's openapi.subscribeMessage.send): `thing` ≤ 20 characters, `time` as
 * `2026年06月16日 09:00`, `character_string` ≤ 32 printable ASCII. Pure.
 */
import type { BookingRules } from '../../config/booking-rules';
import { arrivalWindow } from './decide';
import type { BookingRecord } from './types';
import { chineseDate } from './time';

export const THING_MAX = 20;
export const CHARACTER_STRING_MAX = 32;

/** Cuts to `max` characters (code points), ending with `…` when cut. Never empty. */
export function fitThing(value: string, max = THING_MAX): string {
  const clean = value.replace(/\p{Cc}/gu, ' ').trim();
  const chars = Array.from(clean);
  if (chars.length === 0) return '-';
  if (chars.length <= max) return clean;
  return `${chars.slice(0, max - 1).join('')}…`;
}

export function fitCharacterString(value: string): string {
  const ascii = value.replace(/[^\x21-\x7e]/g, '');
  return (ascii || '-').slice(0, CHARACTER_STRING_MAX);
}

/** `2026年06月16日 09:00` */
export function visitTime(b: Pick<BookingRecord, 'date' | 'time'>): string {
  return `${chineseDate(b.date)} ${b.time}`;
}

/** The first candidate that fits a `thing` value. */
function firstFit(candidates: string[]): string {
  for (const c of candidates) if (Array.from(c).length <= THING_MAX) return c;
  return fitThing(candidates[candidates.length - 1] ?? '');
}

/** `16号 请于08:30至09:00到院签到/取号`, shortened to fit. */
export function arrivalTip(b: Pick<BookingRecord, 'date' | 'time' | 'seatNo'>, rules: BookingRules): string {
  const w = arrivalWindow(b.date, b.time, rules);
  return firstFit([
    `${b.seatNo}号，请于${w.from}至${w.to}到院签到/取号`,
    `${b.seatNo}号，请于${w.from}至${w.to}到院签到`,
    `${b.seatNo}号 请于${w.from}至${w.to}签到`,
    `请于${w.from}至${w.to}到院签到/取号`,
  ]);
}

const doctorLabel = (b: Pick<BookingRecord, 'doctorName' | 'doctorTitle'>): string =>
  b.doctorName ? (b.doctorTitle ? `${b.doctorName} ${b.doctorTitle}` : b.doctorName) : '专科门诊';

export type MessageData = Record<string, { value: string }>;

const data = (entries: Record<string, string>): MessageData =>
  Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, { value: v }]));

/** tmpl-booking-confirmed: 就诊人 / 就诊科室 / 医生 / 就诊时间 / 就诊地点 / 温馨提示. */
export function renderBookingConfirmed(b: BookingRecord, rules: BookingRules): MessageData {
  return data({
    thing1: fitThing(b.patientName),
    thing2: fitThing(b.deptName),
    thing3: fitThing(doctorLabel(b)),
    time4: visitTime(b),
    thing5: fitThing(b.location),
    thing6: arrivalTip(b, rules),
  });
}

/** Why a booking was cancelled, for the patient (a `thing`, ≤ 20 characters). */
export const CANCEL_REASON_TEXT = {
  patient: '您已取消本次预约',
  stopped: '医生停诊，预约已取消',
  window: '已在医院窗口取消本次预约',
} as const;

/** tmpl-booking-cancelled: 就诊人 / 就诊科室 / 原就诊时间 / 取消原因. */
export function renderBookingCancelled(b: BookingRecord, reason: keyof typeof CANCEL_REASON_TEXT): MessageData {
  return data({
    thing1: fitThing(b.patientName),
    thing2: fitThing(b.deptName),
    time3: visitTime(b),
    thing4: CANCEL_REASON_TEXT[reason],
  });
}

/** tmpl-waitlist-success: 就诊人 / 就诊科室 / 医生 / 就诊时间 / 温馨提示. */
export function renderWaitlistSuccess(b: BookingRecord, rules: BookingRules): MessageData {
  return data({
    thing1: fitThing(b.patientName),
    thing2: fitThing(b.deptName),
    thing3: fitThing(doctorLabel(b)),
    time4: visitTime(b),
    thing5: arrivalTip(b, rules),
  });
}

/** tmpl-visit-reminder: 就诊人 / 就诊科室 / 就诊时间 / 就诊序号 / 温馨提示. */
export function renderVisitReminder(b: BookingRecord, rules: BookingRules): MessageData {
  const w = arrivalWindow(b.date, b.time, rules);
  return data({
    thing1: fitThing(b.patientName),
    thing2: fitThing(b.deptName),
    time3: visitTime(b),
    character_string4: fitCharacterString(String(b.seatNo)),
    thing5: firstFit([`明日就诊，请于${w.from}至${w.to}到院签到`, `请于${w.from}至${w.to}签到`]),
  });
}

/** The mini program page a message opens: 预约详情, in the booking subpackage (miniprogram/app.json). */
export const bookingPage = (bookingId: string): string => `packageBooking/pages/detail/index?id=${bookingId}`;
