/**
 * The records the booking flows write, built from what they know (pure): a booking attempt's
 * `pending` booking, a waitlist entry, the patch of a cancellation, and what an idempotency key
 * answers once its booking settled.
 */
import type { BookingRules } from '../../config/booking-rules';
import type { CancelReason } from '../../../typings/booking';
import type { BookCandidate } from './decide';
import { waitlistClosesAtMs } from './decide';
import { businessInstantMs } from './time';
import type { BookingCard, BookingRecord, SessionRecord, TimePointFacts, WaitlistRecord } from './types';

/** One attempt to book a seat: the caller's (or a waiting patient's) card, a session's time point, the ids. */
export interface BookingAttempt {
  openid: string;
  card: BookingCard;
  patientKey: string;
  session: SessionRecord;
  time: string;
  requestId: string;
  bookingId: string;
  source: 'direct' | 'waitlist';
  waitlistId: string | null;
}

/** The attempt as the patient rules see it (its time point's end bounds how long it counts). */
export function bookCandidate(a: BookingAttempt, tp: TimePointFacts): BookCandidate {
  const endMs = businessInstantMs(a.session.date, tp.endTime);
  return { bookingId: a.bookingId, deptCode: a.session.deptCode, date: a.session.date, endMs };
}

/** A waitlist join as the patient rules see it: the whole session, until its last time point ends. */
export function waitlistCandidate(session: SessionRecord): BookCandidate {
  const lastEnd = session.timePoints[session.timePoints.length - 1]?.endTime ?? '23:59';
  const endMs = businessInstantMs(session.date, lastEnd);
  return { bookingId: '(waitlist)', deptCode: session.deptCode, date: session.date, endMs };
}

/** Whose booking or waitlist entry it is, as both store it (the name as the card shows it). */
const patientOf = (card: BookingCard, patientKey: string) => ({
  cardId: card.cardId,
  hisPatientId: card.hisPatientId,
  patientKey,
  patientName: card.displayName,
});

/** The booking an attempt writes once it holds a seat: internal `pending` until the HIS confirms. */
export function pendingBooking(a: BookingAttempt, tp: TimePointFacts, seatNo: number, nowMs: number): BookingRecord {
  const s = a.session;
  return {
    _id: a.bookingId,
    _openid: a.openid,
    status: 'pending',
    ...patientOf(a.card, a.patientKey),
    sessionId: s.sessionId,
    kind: s.kind,
    deptCode: s.deptCode,
    deptName: s.deptName,
    doctorName: s.doctorName,
    doctorTitle: s.doctorTitle,
    date: s.date,
    period: s.period,
    time: a.time,
    endTime: tp.endTime,
    seatNo,
    location: s.location,
    feeFen: s.feeFen,
    startMs: businessInstantMs(s.date, a.time),
    endMs: businessInstantMs(s.date, tp.endTime),
    hisBookingId: null,
    requestId: a.requestId,
    confirmRequestId: a.bookingId,
    queueNo: null,
    source: a.source,
    waitlistId: a.waitlistId,
    reminded: false,
    createdAt: new Date(nowMs).toISOString(),
    createdAtMs: nowMs,
    cancelledAt: null,
    checkedInAt: null,
    updatedAtMs: nowMs,
  };
}

/** A new (or renewed) waitlist entry of the card's patient for the session, at the back of the queue. */
export function waitlistEntry(
  e: { waitlistId: string; openid: string; card: BookingCard; patientKey: string; session: SessionRecord },
  rules: BookingRules,
  nowMs: number,
): WaitlistRecord {
  const s = e.session;
  return {
    _id: e.waitlistId,
    _openid: e.openid,
    status: 'waiting',
    ...patientOf(e.card, e.patientKey),
    sessionId: s.sessionId,
    date: s.date,
    period: s.period,
    deptCode: s.deptCode,
    deptName: s.deptName,
    doctorName: s.doctorName,
    closesAtMs: waitlistClosesAtMs(s, rules),
    bookingId: null,
    round: 1,
    createdAt: new Date(nowMs).toISOString(),
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
  };
}

/** The patch of a booking cancelled at `nowMs`: by the patient, by 停诊, or at the hospital's window. */
export function cancelledPatch(
  reason: CancelReason,
  nowMs: number,
): { status: 'cancelled'; cancelledAt: string; cancelReason: CancelReason; updatedAtMs: number } {
  return { status: 'cancelled', cancelledAt: new Date(nowMs).toISOString(), cancelReason: reason, updatedAtMs: nowMs };
}

/**
 * What an idempotency key answers for its booking: `pending` while the HIS has not said (the
 * reconcile timer settles it), `booked` for a booking that got that far (whatever it became since),
 * `notBooked` when none was written or it failed.
 */
export function keyAnswerOf(b: Pick<BookingRecord, 'status'> | null): 'pending' | 'booked' | 'notBooked' {
  if (b?.status === 'pending') return 'pending';
  return b && b.status !== 'failed' ? 'booked' : 'notBooked';
}
