/**
 * SeatHold: what one booking holds, and the one way to give it back. A booking attempt reserves a
 * seat count, claims a seat document, claims a place under the patient rules and writes a `pending`
 * booking — each step recorded here as it succeeds. Every refusal, failure or cancellation then
 * calls `giveBack()`, which returns exactly what is held, once:
 *
 * - a `pending` booking → `failed` (first, so nobody confirms it any more);
 * - a seat → the pool with its count (a failed attempt), or first to the waiting patients (a
 *   booking that ended early, or a seat the HIS gave back: see hand-over.ts);
 * - a count reserved without a seat yet → back to the counter;
 * - the rule claim → released.
 *
 * `keep()` ends a hold without giving anything back: the booking is booked, or someone else (the
 * reconcile timer) settles it now.
 */
import type { Logger } from '../../core/log';
import { timepointId } from '../../adapters/clouddb/booking-ids';
import type { PatientRead } from '../../adapters/clouddb/booking-patients';
import type { BookingRecordStore } from '../../adapters/clouddb/booking-records';
import type { SeatStore } from '../../adapters/clouddb/booking-seats';
import type { BookCandidate, BookingRecord, Refusal } from '../../domain/booking';
import type { PatientRules } from './patient-rules';
import type { SeatPool } from './seat-pool';

/** Which booking a hold is for, and the time point of its seat. */
export interface HoldTarget {
  bookingId: string;
  sessionId: string;
  time: string;
}

/** A seat being handed over: `holder` holds it until it moves (then null: nothing left to hand over). */
export interface FreedSeat {
  sessionId: string;
  time: string;
  seatNo: number;
  holder: string | null;
}

export interface HoldDeps {
  pool: SeatPool;
  seats: SeatStore;
  bookings: BookingRecordStore;
  patients: PatientRules;
  log: Logger;
  /** Hands a freed seat to the first waiting patient who passes the rules (hand-over.ts). */
  offer(freed: FreedSeat, nowMs: number): Promise<void>;
}

interface Held {
  /** A count reserved (remaining − 1) that no seat document holds yet. */
  count?: boolean;
  /** The seat document held by `holder`; its count goes with it. */
  seat?: { seatNo: number; holder: string } | null;
  /** The patient whose rule state has an entry for this booking. */
  rulesOf?: string | null;
  /** bookings/{bookingId} written as `pending`. */
  pending?: boolean;
}

interface HoldOptions {
  /** Where a given-back seat goes first. */
  seatTo: 'pool' | 'waitlist';
  /**
   * Taken over from a stored booking (the reconcile timer): its `pending` → `failed` must win, or
   * the flow that wrote it confirmed it meanwhile and nothing is given back. The flow's own hold
   * gives back either way: only a reconcile can have failed its booking, and it gave back the same.
   */
  adopted: boolean;
}

export class SeatHold {
  private count: boolean;
  private seat: { seatNo: number; holder: string } | null;
  private rulesOf: string | null;
  private pending: boolean;
  /** The seat claim in flight: given back only once it settled. */
  private claiming: Promise<boolean> | null = null;

  constructor(
    private readonly deps: HoldDeps,
    readonly target: HoldTarget,
    private readonly nowMs: number,
    held: Held,
    private readonly opts: HoldOptions,
  ) {
    this.count = held.count ?? false;
    this.seat = held.seat ?? null;
    this.rulesOf = held.rulesOf ?? null;
    this.pending = held.pending ?? false;
  }

  get seatNo(): number | null {
    return this.seat?.seatNo ?? null;
  }

  private get tpId(): string {
    return timepointId(this.target.sessionId, this.target.time);
  }

  /** remaining > 0 → −1 for this booking; a refusal is remembered (known full). */
  async reserve(): Promise<boolean> {
    this.count = await this.deps.pool.reserve(this.tpId, this.nowMs);
    return this.count;
  }

  /** A concrete seat for the reserved count; none (or a failure) gives the count back. */
  claimSeat(): Promise<boolean> {
    const claim = this.claimFree();
    claim.catch(() => undefined); // its caller may await it after another step; the failure still reaches it
    this.claiming = claim;
    return claim;
  }

  private async claimFree(): Promise<boolean> {
    const { sessionId, time, bookingId } = this.target;
    let seatNo: number | null;
    try {
      seatNo = await this.deps.pool.claimFree(sessionId, time, bookingId);
    } catch (err) {
      await this.returnCount();
      throw err;
    }
    if (seatNo === null) {
      // The counter said a seat was free but none is (a seat the HIS took was counted late).
      await this.returnCount();
      this.deps.log.warn('booking seat counter ahead of seats', { sessionId, time });
      return false;
    }
    this.count = false;
    this.seat = { seatNo, holder: bookingId };
    return true;
  }

  /** Takes the seat `holder` held (a waitlist hand-over); false when it moved elsewhere first. */
  async takeFrom(seatNo: number, holder: string): Promise<boolean> {
    const { sessionId, bookingId } = this.target;
    if (!(await this.deps.seats.move(sessionId, seatNo, holder, bookingId))) return false;
    this.seat = { seatNo, holder: bookingId };
    return true;
  }

  /** The HIS gave the held seat away (window, kiosk): marked so, it is the HIS's now, count included. */
  async seatTakenInHis(): Promise<void> {
    if (!this.seat) return;
    const { seatNo, holder } = this.seat;
    this.seat = null;
    await this.deps.seats.move(this.target.sessionId, seatNo, holder, 'his');
  }

  /** A place under the patient's rules: null, or the refusal (nothing claimed). */
  async claimRules(
    patientKey: string,
    candidate: BookCandidate,
    firstRead?: Promise<PatientRead>,
  ): Promise<Refusal | null> {
    const refusal = await this.deps.patients.claim(patientKey, candidate, this.nowMs, firstRead);
    if (refusal === null) this.rulesOf = patientKey;
    return refusal;
  }

  /** The booking as internal `pending`; an id already used is an error (that booking is not ours). */
  async writePending(booking: BookingRecord): Promise<void> {
    if (!(await this.deps.bookings.add(booking))) throw new Error('booking id already used');
    this.pending = true;
  }

  /** Nothing is given back: booked, or the reconcile timer owns it now. */
  keep(): void {
    this.count = false;
    this.seat = null;
    this.rulesOf = null;
    this.pending = false;
  }

  /** Runs `step`; when it throws, everything held is given back before the error goes on. */
  async orGiveBack<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      await this.giveBack();
      throw err;
    }
  }

  /** Gives back what is held (once; later calls find nothing). True when the seat moved on. */
  async giveBack(): Promise<boolean> {
    await this.claiming?.catch(() => undefined);
    if (this.pending) {
      this.pending = false;
      const failed = await this.deps.bookings.transition(this.target.bookingId, 'pending', {
        status: 'failed',
        updatedAtMs: this.nowMs,
      });
      if (!failed && this.opts.adopted) {
        this.keep();
        return false;
      }
    }
    if (this.opts.seatTo === 'waitlist') {
      // The booking's claim ends first, so the seat is offered under the rules as they are now.
      await this.releaseRules();
      return this.seatToWaitlist();
    }
    const moved = await this.seatToPool();
    await this.releaseRules();
    return moved;
  }

  private async seatToPool(): Promise<boolean> {
    if (this.seat) {
      const { seatNo, holder } = this.seat;
      this.seat = null;
      return this.deps.pool.freeSeat(this.target.sessionId, this.target.time, seatNo, holder);
    }
    await this.returnCount();
    return false;
  }

  private async seatToWaitlist(): Promise<boolean> {
    if (!this.seat) return false;
    const { sessionId, time } = this.target;
    const freed: FreedSeat = { sessionId, time, ...this.seat };
    this.seat = null;
    await this.deps.offer(freed, this.nowMs);
    return freed.holder === null || this.deps.pool.freeSeat(sessionId, time, freed.seatNo, freed.holder);
  }

  private async returnCount(): Promise<void> {
    if (!this.count) return;
    this.count = false;
    await this.deps.pool.giveCount(this.tpId);
  }

  private async releaseRules(): Promise<void> {
    if (this.rulesOf === null) return;
    const patientKey = this.rulesOf;
    this.rulesOf = null;
    await this.deps.patients.release(patientKey, this.target.bookingId, this.nowMs);
  }
}

type Seat = Pick<BookingRecord, 'sessionId' | 'time' | 'seatNo'>;
const attempt: HoldOptions = { seatTo: 'pool', adopted: false };

/** The holds of this instance's flows, by what they start with. */
export class SeatHolds {
  constructor(private readonly deps: HoldDeps) {}

  /** A booking attempt, holding nothing yet (the waitlist's: the rules come first). */
  forAttempt(target: HoldTarget, nowMs: number): SeatHold {
    return new SeatHold(this.deps, target, nowMs, {}, attempt);
  }

  /** A booking attempt whose count `book` reserved with its first reads. */
  withReservedCount(target: HoldTarget, nowMs: number): SeatHold {
    return new SeatHold(this.deps, target, nowMs, { count: true }, attempt);
  }

  /** A `pending` booking left for the reconcile timer: seat, rule claim and the booking itself. */
  ofPendingBooking(b: BookingRecord, nowMs: number): SeatHold {
    const held = { seat: { seatNo: b.seatNo, holder: b._id }, rulesOf: b.patientKey, pending: true };
    return new SeatHold(this.deps, targetOf(b), nowMs, held, { seatTo: 'pool', adopted: true });
  }

  /** A booking just cancelled before its visit: its rule claim, and its seat for the waiting patients. */
  ofCancelledBooking(b: BookingRecord, nowMs: number): SeatHold {
    const held = { seat: { seatNo: b.seatNo, holder: b._id }, rulesOf: b.patientKey };
    return new SeatHold(this.deps, targetOf(b), nowMs, held, { seatTo: 'waitlist', adopted: true });
  }

  /**
   * Only a booking's rule claim: its seat stays where it is (停诊, or the visit is over), or none
   * was taken (a request that died before its booking was written: no seat or time point to name).
   */
  ofRuleClaim(b: Pick<BookingRecord, '_id' | 'patientKey'> & Partial<Seat>, nowMs: number): SeatHold {
    const target = { bookingId: b._id, sessionId: b.sessionId ?? '', time: b.time ?? '' };
    return new SeatHold(this.deps, target, nowMs, { rulesOf: b.patientKey }, attempt);
  }

  /** A seat still held by `holder` that is free in the HIS: `his` (given back at the window) or an ended booking. */
  ofFreedSeat(seat: Seat, holder: string, nowMs: number): SeatHold {
    const target = { bookingId: holder, sessionId: seat.sessionId, time: seat.time };
    return new SeatHold(
      this.deps,
      target,
      nowMs,
      { seat: { seatNo: seat.seatNo, holder } },
      {
        seatTo: 'waitlist',
        adopted: true,
      },
    );
  }
}

const targetOf = (b: BookingRecord): HoldTarget => ({ bookingId: b._id, sessionId: b.sessionId, time: b.time });
