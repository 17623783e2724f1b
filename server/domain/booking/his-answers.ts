/**
 * What the HIS's answers mean for a booking here (pure): a refused confirm or cancel as the
 * patient is told it, and an ended visit settled by the HIS's word.
 */
import type { BookingRules } from '../../config/booking-rules';
import type { HisBooking } from '../../ports/his-booking';
import { BOOKING_MESSAGES } from './decide';
import { cancelledPatch } from './records';
import type { BookingRecord, Refusal } from './types';

const refused = (reason: Refusal['reason'], message: string): Refusal => ({
  reason,
  code: 'FAILED_PRECONDITION',
  message,
});

/** A confirm the HIS refused with `code`, as the patient's refusal. */
export function confirmRefusal(code: string, rules: Pick<BookingRules, 'releaseTime'>): Refusal {
  switch (code) {
    case 'NOT_RELEASED':
      return refused('notReleased', BOOKING_MESSAGES.notReleased(rules.releaseTime));
    case 'SESSION_CLOSED':
      return refused('closed', BOOKING_MESSAGES.started);
    case 'SEAT_TAKEN':
      return refused('full', BOOKING_MESSAGES.full);
    case 'NOT_FOUND':
      return refused('hisRefused', BOOKING_MESSAGES.sessionNotFound);
    default:
      return refused('hisRefused', BOOKING_MESSAGES.hisRejected);
  }
}

/** A cancel the HIS refused with `code`: its own deadline passed (before ours); null for any other code. */
export function cancelRefusal(code: string, rules: Pick<BookingRules, 'cancelBeforeMinutes'>): Refusal | null {
  if (code !== 'TOO_LATE') return null;
  return refused('tooLateToCancel', BOOKING_MESSAGES.cancelTooLate(rules.cancelBeforeMinutes));
}

export type VisitOutcome = 'missed' | 'checkedIn' | 'completed' | 'cancelled';

/**
 * An ended visit settled by the HIS's word (`his`: its booking; null when it has none or none was
 * asked, i.e. it never saw the patient). From `booked`: checked in at the kiosk or window, or seen
 * → the same here (no strike); cancelled at the window → `cancelled`; otherwise → `missed` (过号,
 * counted for the no-show rule). From `checkedIn`: seen → `completed`. Null: nothing changes yet.
 */
export function settleEndedVisit(
  b: Pick<BookingRecord, 'status' | 'queueNo' | 'checkedInAt'>,
  his: Pick<HisBooking, 'status' | 'queueNo'> | null,
  nowMs: number,
): { outcome: VisitOutcome; patch: Partial<BookingRecord> } | null {
  const hisStatus = his?.status ?? 'missed';
  if (b.status === 'checkedIn') {
    return hisStatus === 'completed'
      ? { outcome: 'completed', patch: { status: 'completed', updatedAtMs: nowMs } }
      : null;
  }
  if (b.status !== 'booked') return null;
  if (hisStatus === 'checkedIn' || hisStatus === 'completed') {
    const checkedInAt = b.checkedInAt ?? new Date(nowMs).toISOString();
    const patch = { status: hisStatus, queueNo: his?.queueNo ?? b.queueNo, checkedInAt, updatedAtMs: nowMs };
    return { outcome: hisStatus, patch };
  }
  if (hisStatus === 'cancelled') return { outcome: 'cancelled', patch: cancelledPatch('window', nowMs) };
  return { outcome: 'missed', patch: { status: 'missed', updatedAtMs: nowMs } };
}
