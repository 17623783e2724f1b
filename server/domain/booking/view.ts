/**
 * Views the mini program gets (typings/booking.ts) from stored records. Pure.
 */
import type {
  BookingRulesResponse,
  BookingTemplateIds,
  BookingView,
  SessionView,
  TimePointView,
  WaitlistView,
} from '../../../typings/booking';
import type { BookingRules } from '../../config/booking-rules';
import { arrivalWindow, cancellableUntilMs, closedReason, decideCheckIn, waitlistClosesAtMs } from './decide';
import type { BookingRecord, SessionRecord, TimePointRecord, WaitlistRecord } from './types';

export function seatDisplay(time: string, seatNo: number): string {
  return `${time}（${seatNo}号）`;
}

export function toBookingView(b: BookingRecord, rules: BookingRules, nowMs: number): BookingView {
  // Internal states never reach a patient as such: pending is "not (yet) booked".
  const status = b.status === 'pending' || b.status === 'failed' ? 'cancelled' : b.status;
  const until = cancellableUntilMs(b, rules);
  return {
    bookingId: b._id,
    status,
    cardId: b.cardId,
    patientName: b.patientName,
    kind: b.kind,
    deptCode: b.deptCode,
    deptName: b.deptName,
    doctorName: b.doctorName,
    doctorTitle: b.doctorTitle,
    date: b.date,
    period: b.period,
    time: b.time,
    seatNo: b.seatNo,
    display: seatDisplay(b.time, b.seatNo),
    location: b.location,
    feeFen: b.feeFen,
    arrival: arrivalWindow(b.date, b.time, rules),
    cancellableUntil: new Date(until).toISOString(),
    canCancel: b.status === 'booked' && nowMs <= until,
    canCheckIn: decideCheckIn(b, rules, nowMs).ok,
    queueNo: b.queueNo,
    source: b.source,
    createdAt: b.createdAt,
    cancelledAt: b.cancelledAt,
    cancelReason: status === 'cancelled' ? (b.cancelReason ?? 'patient') : null,
    checkedInAt: b.checkedInAt,
  };
}

export function toWaitlistView(w: WaitlistRecord, position: number | null): WaitlistView {
  return {
    waitlistId: w._id,
    status: w.status,
    cardId: w.cardId,
    patientName: w.patientName,
    sessionId: w.sessionId,
    date: w.date,
    period: w.period,
    deptName: w.deptName,
    doctorName: w.doctorName,
    position: w.status === 'waiting' ? position : null,
    bookingId: w.bookingId,
    closesAt: new Date(w.closesAtMs).toISOString(),
    createdAt: w.createdAt,
  };
}

export function toSessionView(
  s: SessionRecord,
  timepoints: ReadonlyMap<string, TimePointRecord>,
  rules: BookingRules,
  nowMs: number,
): SessionView {
  const tps: TimePointView[] = s.timePoints.map((tp) => {
    const rec = timepoints.get(tp.time);
    const remaining = Math.max(0, rec?.remaining ?? 0);
    return {
      time: tp.time,
      endTime: tp.endTime,
      seatsTotal: rec?.capacity ?? tp.capacity,
      seatsRemaining: remaining,
      arrival: arrivalWindow(s.date, tp.time, rules),
      // Booking closes at the session's start (not per time point): the HIS takes the same view.
      bookable: rec !== undefined && closedReason(s, remaining, nowMs) === null,
    };
  });
  const seatsTotal = tps.reduce((n, t) => n + t.seatsTotal, 0);
  const seatsRemaining = tps.reduce((n, t) => n + t.seatsRemaining, 0);
  const reason = closedReason(s, seatsRemaining, nowMs);
  const waitlistOpen = reason === 'full' && nowMs < waitlistClosesAtMs(s, rules);
  return {
    sessionId: s.sessionId,
    date: s.date,
    period: s.period,
    kind: s.kind,
    deptCode: s.deptCode,
    deptName: s.deptName,
    doctorId: s.doctorId,
    doctorName: s.doctorName,
    doctorTitle: s.doctorTitle,
    feeFen: s.feeFen,
    location: s.location,
    startsAt: s.startsAt,
    releaseAt: s.releaseAt,
    released: nowMs >= s.releaseAtMs,
    seatsTotal,
    seatsRemaining,
    closedReason: reason,
    timePoints: tps,
    waitlist: { open: waitlistOpen, waiting: Math.max(0, s.waiting ?? 0) },
  };
}

/**
 * The rules and template ids the pages show or need (`rules` action). Consent is asked for the
 * messages that may follow the tap: after a booking its confirmation, the reminder and a
 * cancellation; after joining the waitlist its success, the reminder and a cancellation.
 */
export function toRulesView(rules: BookingRules, templates: BookingTemplateIds): BookingRulesResponse {
  const t = templates;
  return {
    windowDays: rules.windowDays,
    releaseTime: rules.releaseTime,
    onePerDeptPerDay: rules.onePerDeptPerDay,
    maxActivePerPatient: rules.maxActivePerPatient,
    noShowLimit: rules.noShowLimit,
    noShowWindowDays: rules.noShowWindowDays,
    noShowBlockDays: rules.noShowBlockDays,
    cancelBeforeMinutes: rules.cancelBeforeMinutes,
    arrivalBeforeMinutes: rules.arrivalBeforeMinutes,
    waitlistClosesBeforeMinutes: rules.waitlistClosesBeforeMinutes,
    listLimit: rules.listLimit,
    templates: { ...t },
    consent: {
      book: [t.bookingConfirmed, t.visitReminder, t.bookingCancelled],
      waitlist: [t.waitlistSuccess, t.visitReminder, t.bookingCancelled],
    },
  };
}
