/** View models of 预约结果, 预约记录 and 预约详情: bookings, waitlist entries and the queue. */
import type { BookingStatus, BookingView, WaitlistStatus, WaitlistView } from '../../../typings/booking';
import { arrivalText, doctorLine, formatDateTime, formatFee, kindText, periodText, weekdayOf } from './booking-format';

type TagType = 'primary' | 'success' | 'danger' | 'warning' | 'default';

const BOOKING_STATUS: Record<BookingStatus, { text: string; type: TagType }> = {
  booked: { text: '已预约', type: 'primary' },
  cancelled: { text: '已取消', type: 'default' },
  checkedIn: { text: '已签到', type: 'success' },
  completed: { text: '已就诊', type: 'success' },
  missed: { text: '已过号', type: 'danger' },
};

const STOPPED_STATUS: { text: string; type: TagType } = { text: '医生停诊', type: 'warning' };

const WAITLIST_STATUS: Record<WaitlistStatus, { text: string; type: TagType }> = {
  waiting: { text: '候补中', type: 'warning' },
  fulfilled: { text: '候补成功', type: 'success' },
  expired: { text: '已过期', type: 'default' },
  left: { text: '已退出', type: 'default' },
};

export interface BookingItem {
  bookingId: string;
  status: BookingStatus;
  statusText: string;
  statusType: TagType;
  patientName: string;
  deptName: string;
  doctorLine: string;
  kindText: string;
  isExpert: boolean;
  /** `2024-05-06 周一 上午` */
  when: string;
  /** `09:00（16号）` */
  display: string;
  location: string;
  fee: string;
  fromWaitlist: boolean;
}

const CANCEL_NOTICE: Partial<Record<NonNullable<BookingView['cancelReason']>, string>> = {
  stopped: '因医生停诊，本次预约已由医院取消，给您带来不便敬请谅解。可重新预约其他时段或医生。',
  window: '本次预约已在医院窗口取消。如非本人办理，请咨询门诊服务台。',
};

export function toBookingItem(b: BookingView): BookingItem {
  // 停诊: the hospital cancelled it, which the patient must not mistake for their own cancellation.
  const status = b.status === 'cancelled' && b.cancelReason === 'stopped' ? STOPPED_STATUS : BOOKING_STATUS[b.status];
  return {
    bookingId: b.bookingId,
    status: b.status,
    statusText: status.text,
    statusType: status.type,
    patientName: b.patientName,
    deptName: b.deptName,
    doctorLine: doctorLine(b.kind, b.doctorName, b.doctorTitle),
    kindText: kindText(b.kind),
    isExpert: b.kind === 'expert',
    when: `${b.date} ${weekdayOf(b.date)} ${periodText(b.period)}`,
    display: b.display,
    location: b.location,
    fee: formatFee(b.feeFen),
    fromWaitlist: b.source === 'waitlist',
  };
}

export interface BookingDetail extends BookingItem {
  cardId: string;
  arrival: string;
  cancellableUntil: string;
  canCancel: boolean;
  canCheckIn: boolean;
  queueNo: number | null;
  createdAt: string;
  cancelledAt: string;
  /** Why the hospital's side cancelled it (医生停诊, or at the window); empty when the patient did in the app. */
  cancelNotice: string;
  checkedInAt: string;
}

export function toBookingDetail(b: BookingView): BookingDetail {
  return {
    ...toBookingItem(b),
    cardId: b.cardId,
    arrival: arrivalText(b.arrival),
    cancellableUntil: formatDateTime(b.cancellableUntil),
    canCancel: b.canCancel,
    canCheckIn: b.canCheckIn,
    queueNo: b.queueNo,
    createdAt: formatDateTime(b.createdAt),
    cancelledAt: formatDateTime(b.cancelledAt),
    cancelNotice: b.status === 'cancelled' && b.cancelReason ? (CANCEL_NOTICE[b.cancelReason] ?? '') : '',
    checkedInAt: formatDateTime(b.checkedInAt),
  };
}

/** Newest visit first (date, then time point), ties by creation. */
export function sortBookings(bookings: readonly BookingView[]): BookingView[] {
  return bookings
    .slice()
    .sort(
      (a, b) => b.date.localeCompare(a.date) || b.time.localeCompare(a.time) || b.createdAt.localeCompare(a.createdAt),
    );
}

export interface WaitlistItem {
  waitlistId: string;
  status: WaitlistStatus;
  statusText: string;
  statusType: TagType;
  patientName: string;
  deptName: string;
  doctorName: string;
  when: string;
  /** `排队第2位` while waiting */
  positionText: string;
  bookingId: string | null;
  closesAt: string;
  canLeave: boolean;
}

export function toWaitlistItem(w: WaitlistView): WaitlistItem {
  const status = WAITLIST_STATUS[w.status];
  return {
    waitlistId: w.waitlistId,
    status: w.status,
    statusText: status.text,
    statusType: status.type,
    patientName: w.patientName,
    deptName: w.deptName,
    doctorName: w.doctorName ?? '专科号',
    when: `${w.date} ${weekdayOf(w.date)} ${periodText(w.period)}`,
    positionText: w.status === 'waiting' && w.position !== null ? `排队第${w.position}位` : '',
    bookingId: w.bookingId,
    closesAt: formatDateTime(w.closesAt),
    canLeave: w.status === 'waiting',
  };
}

export function sortWaitlist(items: readonly WaitlistView[]): WaitlistView[] {
  return items.slice().sort((a, b) => b.date.localeCompare(a.date) || b.createdAt.localeCompare(a.createdAt));
}

/** `当前叫号 12，您前面还有 3 人` */
export function queueText(nowServing: number | null, ahead: number): string {
  if (nowServing === null) return `尚未开始叫号，您前面还有 ${ahead} 人`;
  if (ahead <= 0) return `当前叫号 ${nowServing}，请留意叫号，准备就诊`;
  return `当前叫号 ${nowServing}，您前面还有 ${ahead} 人`;
}
