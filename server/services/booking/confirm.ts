/**
 * The HIS confirm of a `pending` booking that holds its seat (`requestId` = the booking's confirm
 * requestId, so a retried confirm never books twice) → `booked`. A refusal gives everything back;
 * a seat the HIS gave away (SEAT_TAKEN) is marked `his` and one other seat is tried; an unknown
 * outcome (timeout) is voided in the HIS before giving back, and when even the void fails the
 * booking stays `pending`, seat held, for the reconcile timer. Nothing here answers "booked"
 * before the HIS confirmed.
 */
import { AppError, refusalError, unavailable } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { BookingRules } from '../../config/booking-rules';
import type { BookingRecordStore } from '../../adapters/clouddb/booking-records';
import { HisError } from '../../ports/his-error';
import type { HisBookingPort } from '../../ports/his-booking';
import { BOOKING_MESSAGES, confirmRefusal, type BookingRecord } from '../../domain/booking';
import { outcomeUnknown } from '../his-errors';
import { fullError, type PlaceOutcome } from './place';
import type { SeatHold } from './seat-hold';

const hisBusy = (detail: string): AppError =>
  unavailable(BOOKING_MESSAGES.hisBusy, { reason: 'hisUnavailable', detail });
const failedAtHis = (error: AppError, pending = false): PlaceOutcome => ({ ok: false, error, pending, stage: 'his' });

export class Confirmation {
  constructor(
    private readonly bookings: BookingRecordStore,
    private readonly his: HisBookingPort,
    private readonly rules: BookingRules,
    private readonly log: Logger,
  ) {}

  async confirm(booking: BookingRecord, hold: SeatHold, nowMs: number, mayRetrySeat = true): Promise<PlaceOutcome> {
    try {
      const his = await this.his.confirmBooking({
        requestId: booking.confirmRequestId,
        sessionId: booking.sessionId,
        time: booking.time,
        seatNo: booking.seatNo,
        patientId: booking.hisPatientId,
      });
      const queueNo = his.queueNo ?? null;
      const booked = { status: 'booked' as const, hisBookingId: his.hisBookingId, queueNo };
      const done = await this.bookings.transition(booking._id, 'pending', { ...booked, updatedAtMs: nowMs });
      // Booked — or not done: the reconcile timer voided it meanwhile (we were slower than its
      // threshold) and gave everything back itself.
      hold.keep();
      if (!done) return failedAtHis(hisBusy('confirmed after void'));
      return { ok: true, booking: { ...booking, ...booked } };
    } catch (err) {
      if (outcomeUnknown(err)) return this.voidUnknown(booking, hold, err);
      const code = (err as HisError).code;
      if (code === 'SEAT_TAKEN') return this.seatTaken(booking, hold, nowMs, mayRetrySeat);
      return this.refused(code, hold);
    }
  }

  /** The HIS gave this seat away (window / kiosk): marked so, and (once) another seat is tried. */
  private async seatTaken(
    booking: BookingRecord,
    hold: SeatHold,
    nowMs: number,
    mayRetry: boolean,
  ): Promise<PlaceOutcome> {
    await hold.seatTakenInHis();
    if (!mayRetry) return this.refused('SEAT_TAKEN', hold);
    if ((await hold.reserve()) && (await hold.claimSeat())) {
      const seatNo = hold.seatNo!;
      const retry = { ...booking, seatNo, confirmRequestId: `${booking._id}-r1`, updatedAtMs: nowMs };
      await this.bookings.moveToSeat(booking._id, seatNo, retry.confirmRequestId, nowMs);
      return this.confirm(retry, hold, nowMs, false);
    }
    await hold.giveBack();
    return failedAtHis(fullError('his SEAT_TAKEN'));
  }

  private async refused(code: string, hold: SeatHold): Promise<PlaceOutcome> {
    await hold.giveBack();
    const r = confirmRefusal(code, this.rules);
    this.log.info('booking refused by his', { code });
    return failedAtHis(refusalError(r, `his confirm rejected ${code}`));
  }

  /** Outcome unknown: void it in the HIS, then give back; else leave it `pending` for reconcile. */
  private async voidUnknown(booking: BookingRecord, hold: SeatHold, cause: unknown): Promise<PlaceOutcome> {
    const detail = `his confirm unknown ${cause instanceof HisError ? cause.code : 'error'}`;
    if (await this.voidInHis(booking)) {
      await hold.giveBack();
      return failedAtHis(hisBusy(detail));
    }
    hold.keep();
    this.log.warn('booking left pending for reconcile', { bookingId: booking._id });
    const error = unavailable(BOOKING_MESSAGES.hisPending, { reason: 'pending', detail: `${detail}; void failed` });
    return failedAtHis(error, true);
  }

  /** cancelBooking by confirmRequestId: true when the HIS has (now) no booking for it. */
  async voidInHis(booking: Pick<BookingRecord, 'confirmRequestId'>): Promise<boolean> {
    try {
      await this.his.cancelBooking({
        requestId: `void-${booking.confirmRequestId}`,
        confirmRequestId: booking.confirmRequestId,
      });
      return true;
    } catch (err) {
      this.log.warn('booking void failed', { code: err instanceof HisError ? err.code : 'error' });
      return false;
    }
  }
}
