/**
 * The seat flow up to the HIS, for `book` and for a waitlist hand-over. `book` reserved the count
 * with its first reads (a full time point is refused there); then the idempotency record is claimed,
 * the patient's rule state read and a concrete seat claimed, together → the patient rules (CAS on
 * booking_patients) → bookings/{id} as internal `pending` → confirm.ts. A waiting patient's attempt
 * takes the rules first, then the seat handed over (or any free one). Everything taken is recorded
 * in a SeatHold and given back through it on any refusal or failure.
 */
import { AppError, failedPrecondition, notFound, refusalError } from '../../core/errors';
import type { BookingRules } from '../../config/booking-rules';
import { timepointId } from '../../adapters/clouddb/booking-ids';
import type { PatientRules } from './patient-rules';
import {
  BOOKING_MESSAGES,
  bookCandidate,
  decideSessionOpen,
  pendingBooking,
  type BookingAttempt,
  type BookingRecord,
  type TimePointFacts,
} from '../../domain/booking';
import type { Confirmation } from './confirm';
import type { FreedSeat, SeatHold, SeatHolds } from './seat-hold';
import type { SeatPool } from './seat-pool';

export type PlaceOutcome =
  | { ok: true; booking: BookingRecord }
  /** `pending`: the HIS outcome is unknown and the void failed; the reconcile timer resolves it. */
  | { ok: false; error: AppError; pending: boolean; stage: 'rules' | 'seat' | 'his'; duplicate?: true };

export const fullError = (detail?: string): AppError =>
  failedPrecondition(BOOKING_MESSAGES.full, { reason: 'full', detail });

const refused = (error: AppError, stage: 'rules' | 'seat'): PlaceOutcome => ({
  ok: false,
  error,
  pending: false,
  stage,
});

export class Placement {
  constructor(
    private readonly rules: BookingRules,
    private readonly pool: SeatPool,
    private readonly patients: PatientRules,
    private readonly holds: SeatHolds,
    private readonly confirmation: Confirmation,
  ) {}

  /**
   * `book`'s attempt: `hold` holds the count reserved with the first reads (null: refused, i.e.
   * full); `claimRequest` claims the idempotency record (false: the key is taken → `duplicate`).
   */
  async direct(
    a: BookingAttempt,
    hold: SeatHold | null,
    claimRequest: () => Promise<boolean>,
    nowMs: number,
  ): Promise<PlaceOutcome> {
    const tp = this.bookable(a, nowMs);
    if (!tp.ok) {
      await hold?.giveBack();
      return tp.refusal;
    }
    if (!hold) {
      // Full, now that the request is known valid: remembered for the next calls (isKnownFull).
      this.pool.noteFull(timepointId(a.session.sessionId, a.time), nowMs);
      return refused(fullError(), 'seat');
    }
    return this.seatThenRules(a, tp.value, hold, claimRequest, nowMs);
  }

  /**
   * A waiting patient's attempt (its request claimed already). With a seat to hand over: the rules
   * first, then that seat (or any free one, when it moved meanwhile); without: as `book` does.
   */
  async fromWaitlist(a: BookingAttempt, freed: FreedSeat, nowMs: number): Promise<PlaceOutcome> {
    const tp = this.bookable(a, nowMs);
    if (!tp.ok) return tp.refusal;
    const hold = this.holds.forAttempt({ bookingId: a.bookingId, sessionId: a.session.sessionId, time: a.time }, nowMs);
    const holder = freed.holder;
    if (holder === null) {
      if (!(await hold.reserve())) return refused(fullError(), 'seat');
      return this.seatThenRules(a, tp.value, hold, null, nowMs);
    }
    const refusal = await hold.claimRules(a.patientKey, bookCandidate(a, tp.value));
    if (refusal) return refused(refusalError(refusal), 'rules');
    const seated = await hold.orGiveBack(
      async () => (await hold.takeFrom(freed.seatNo, holder)) || ((await hold.reserve()) && (await hold.claimSeat())),
    );
    if (!seated) {
      await hold.giveBack();
      return refused(fullError(), 'seat');
    }
    return this.writeAndConfirm(a, tp.value, hold, nowMs);
  }

  /**
   * For a reserved count: the rule state read, the seat claimed and (for `book`) the request
   * claimed, in one round trip — then the rules, which give the seat back when they refuse.
   */
  private async seatThenRules(
    a: BookingAttempt,
    tp: TimePointFacts,
    hold: SeatHold,
    claimRequest: (() => Promise<boolean>) | null,
    nowMs: number,
  ): Promise<PlaceOutcome> {
    const patientRead = this.patients.read(a.patientKey);
    patientRead.catch(() => undefined); // not awaited on an early return; a failure throws where it is used
    const seatClaim = hold.claimSeat();
    if (claimRequest && !(await this.claimOrGiveBack(hold, claimRequest))) {
      const error = new AppError('ABORTED', BOOKING_MESSAGES.processing, {
        reason: 'processing',
        detail: 'request key taken',
      });
      return { ok: false, error, pending: false, stage: 'rules', duplicate: true };
    }
    try {
      if (!(await seatClaim)) return refused(fullError(), 'seat');
    } catch (err) {
      await patientRead.catch(() => undefined);
      throw err;
    }
    const refusal = await hold.orGiveBack(() => hold.claimRules(a.patientKey, bookCandidate(a, tp), patientRead));
    if (refusal) {
      await hold.giveBack();
      return refused(refusalError(refusal), 'rules');
    }
    return this.writeAndConfirm(a, tp, hold, nowMs);
  }

  /** The time point of an open session, or why not (nothing is taken yet). */
  private bookable(
    a: BookingAttempt,
    nowMs: number,
  ): { ok: true; value: TimePointFacts } | { ok: false; refusal: PlaceOutcome } {
    const tp = a.session.timePoints.find((t) => t.time === a.time);
    if (!tp) return { ok: false, refusal: refused(notFound(BOOKING_MESSAGES.timeNotFound), 'rules') };
    const open = decideSessionOpen(a.session, this.rules, nowMs);
    if (!open.ok) return { ok: false, refusal: refused(refusalError(open.refusal), 'rules') };
    return { ok: true, value: tp };
  }

  /** The request claim; when it fails or throws, the seat claimed alongside goes back. */
  private async claimOrGiveBack(hold: SeatHold, claimRequest: () => Promise<boolean>): Promise<boolean> {
    let claimed = false;
    try {
      claimed = await claimRequest();
    } finally {
      if (!claimed) await hold.giveBack();
    }
    return claimed;
  }

  private async writeAndConfirm(
    a: BookingAttempt,
    tp: TimePointFacts,
    hold: SeatHold,
    nowMs: number,
  ): Promise<PlaceOutcome> {
    const booking = pendingBooking(a, tp, hold.seatNo!, nowMs);
    await hold.orGiveBack(() => hold.writePending(booking));
    return this.confirmation.confirm(booking, hold, nowMs);
  }
}
