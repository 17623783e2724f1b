/**
 * The seat flow shared by `book`, waitlist fulfilment and the reconcile timer:
 *
 *   reserve a count (remaining > 0 → −1; a full time point is refused right here — `book` sends
 *   it with its first reads) → claim the idempotency record (`book`), read the patient's rule
 *   state and claim a concrete seat (holder null → bookingId), together → patient rules (CAS on
 *   booking_patients; a refusal gives seat and count back) → bookings/{id} as internal
 *   `pending` → HIS confirm →
 *   `booked`; on refusal everything is given back; on an unknown outcome the HIS booking is voided
 *   (cancelBooking by confirmRequestId) and only then given back; if even the void fails the
 *   booking stays `pending` (seat held) for the reconcile timer. Nothing here answers "booked"
 *   before the HIS confirmed.
 */
import { AppError, failedPrecondition, notFound, refusalError, unavailable } from '../../core/errors';
import type { Logger } from '../../core/log';
import { businessDate } from '../../core/time';
import type { BookingRules } from '../../config/booking-rules';
import { BookingStore, timepointId, type RequestResult } from '../../adapters/clouddb/booking-store';
import type { BookingCard } from '../../adapters/clouddb/booking-cards';
import { HisError } from '../../ports/his-error';
import type { HisBookingPort } from '../../ports/his-booking';
import {
  BOOKING_MESSAGES,
  businessInstantMs,
  decideBook,
  decideSessionOpen,
  releaseEntry,
  type BookingRecord,
  type PatientRuleState,
  type Refusal,
  type SessionRecord,
} from '../../domain/booking';
import { outcomeUnknown } from '../his-errors';

export interface PlaceInput {
  openid: string;
  card: BookingCard;
  patientKey: string;
  session: SessionRecord;
  time: string;
  requestId: string;
  bookingId: string;
  source: 'direct' | 'waitlist';
  waitlistId: string | null;
  /** A seat handed over directly (waitlist): moved from `holder` to the new booking. */
  preheld?: { seatNo: number; holder: string } | undefined;
  /**
   * Claims the idempotency record (`book`), called once the seat count is reserved, together with
   * the patient's rule state read and the seat claim; false (the key is taken) → seat and count are
   * given back and the outcome is `duplicate`. Without it the caller claimed the request
   * beforehand. Refusals before the claim changed nothing.
   */
  claim?: (() => Promise<boolean>) | undefined;
  /**
   * The result of a count reservation the caller already sent (`reserveCount`, with its first
   * reads); place then reserves nothing itself, gives a reserved count back when the time point
   * or session refuses, and treats false as "full". Not with `preheld`.
   */
  countReserved?: boolean | undefined;
}

export type PlaceOutcome =
  | { ok: true; booking: BookingRecord }
  /** `pending`: the HIS outcome is unknown and the void failed; the reconcile timer resolves it. */
  | { ok: false; error: AppError; pending: boolean; stage: 'rules' | 'seat' | 'his'; duplicate?: true };

/** An answer as the idempotency record stores it (replayed with the same code, message and reason). */
export const resultOf = (o: { ok: true; bookingId: string } | { ok: false; error: AppError }): RequestResult =>
  o.ok
    ? { ok: true, bookingId: o.bookingId }
    : { ok: false, code: o.error.code, message: o.error.message, reason: o.error.reason };

const full = (detail?: string): AppError => failedPrecondition(BOOKING_MESSAGES.full, { reason: 'full', detail });

export class BookingEngine {
  constructor(
    readonly store: BookingStore,
    private readonly his: HisBookingPort,
    private readonly rules: BookingRules,
    private readonly log: Logger,
    private readonly random: () => number,
  ) {}

  /** Applies `change` to the patient's rule state with compare-and-set (retried on contention). */
  async changePatient<T, F = Refusal>(
    patientKey: string,
    change: (s: PatientRuleState) => { ok: true; next: PatientRuleState; value: T } | { ok: false; refusal: F },
    nowMs: number,
    /** The state already being read (first attempt only; the compare-and-set catches a stale one). */
    firstRead?: ReturnType<BookingStore['readPatient']>,
  ): Promise<{ ok: true; value: T } | { ok: false; refusal: F }> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const { state, version } = await (attempt === 0 && firstRead ? firstRead : this.store.readPatient(patientKey));
      const d = change(state);
      if (!d.ok) return d;
      if (await this.store.casPatient(patientKey, version, d.next, nowMs)) return { ok: true, value: d.value };
      await new Promise((r) => setTimeout(r, Math.floor(this.random() * 5 * (attempt + 1))));
    }
    throw new AppError('ABORTED', '操作过于频繁，请稍后再试', {
      reason: 'contention',
      detail: 'booking_patients cas contention',
    });
  }

  async undoPatient(patientKey: string, bookingId: string, nowMs: number): Promise<void> {
    await this.changePatient(
      patientKey,
      (s) =>
        s.active.some((a) => a.bookingId === bookingId)
          ? { ok: true, next: releaseEntry(s, bookingId), value: undefined }
          : { ok: false, refusal: 'nothing to release' },
      nowMs,
    );
  }

  /**
   * Time points this instance found full (a refused reserve) and when: for `rules.fullMemoMs` a
   * `book` of them is answered "full" without reading the session or trying the counter again —
   * in a release burst most calls ask for a time point that sold out a moment ago. Forgotten as
   * soon as this instance gives a count back; another instance's cancellation is seen when the
   * memo expires (the waitlist gets such seats first anyway).
   */
  private readonly knownFull = new Map<string, number>();

  isKnownFull(tpId: string, nowMs: number): boolean {
    const since = this.knownFull.get(tpId);
    if (since === undefined) return false;
    if (nowMs >= since && nowMs - since < this.rules.fullMemoMs) return true;
    this.knownFull.delete(tpId);
    return false;
  }

  /**
   * The atomic count reservation (remaining > 0 → −1), nothing else: `book` sends it together with
   * its first reads and hands the result to `place` (`countReserved`), which gives the count back
   * when the request turns out invalid and remembers a refusal of a valid one (isKnownFull).
   */
  reserveCount(tpId: string): Promise<boolean> {
    return this.store.reserve(tpId);
  }

  private noteFull(tpId: string, nowMs: number): void {
    if (this.rules.fullMemoMs <= 0) return;
    if (this.knownFull.size >= 5000) this.knownFull.clear();
    this.knownFull.set(tpId, nowMs);
  }

  /** The atomic count reservation; a refusal is remembered (isKnownFull). */
  private async reserve(tpId: string, nowMs: number): Promise<boolean> {
    if (await this.store.reserve(tpId)) return true;
    this.noteFull(tpId, nowMs);
    return false;
  }

  /** Gives a reserved count back (and forgets that the time point was full). */
  async giveCount(tpId: string): Promise<void> {
    this.knownFull.delete(tpId);
    await this.store.unreserve(tpId);
  }

  /** Gives a held seat back to the pool (only if this booking still holds it). */
  async freeSeat(sessionId: string, time: string, seatNo: number, holder: string): Promise<boolean> {
    if (await this.store.moveSeat(sessionId, seatNo, holder, null)) {
      await this.giveCount(timepointId(sessionId, time));
      this.freeHint.get(timepointId(sessionId, time))?.push(seatNo);
      return true;
    }
    return false;
  }

  /**
   * Seat numbers per time point (`booking_timepoints.seatNos`, HIS facts that change only with a
   * schedule sync). Only a hint for which seat documents to look at: every take is still a
   * conditional update, and a miss re-reads the time point.
   */
  private readonly seatNosCache = new Map<string, number[]>();

  private async seatNosOf(sessionId: string, time: string, fresh: boolean): Promise<number[]> {
    const tpId = timepointId(sessionId, time);
    const cached = fresh ? undefined : this.seatNosCache.get(tpId);
    if (cached) return cached;
    const tp = await this.store.getTimepoint(sessionId, time);
    const seatNos = tp?.seatNos ?? [];
    if (this.seatNosCache.size >= 5000) this.seatNosCache.clear();
    this.seatNosCache.set(tpId, seatNos);
    return seatNos;
  }

  /**
   * Seats of a time point this instance believes free, in random order: filled by one read of the
   * free seats, then handed out one per claimer (`pop`, synchronous, so concurrent claimers of this
   * instance try different seats) and topped up with the seats this instance gives back. Only a
   * hint — another instance or the HIS may have taken a seat meanwhile, so every take is still a
   * conditional update, and an empty hint means "read again", never "full".
   */
  private readonly freeHint = new Map<string, number[]>();
  /** One free-seat read per time point at a time (the claimers of a burst share it). */
  private readonly hintReads = new Map<string, Promise<number[]>>();

  private refillHint(sessionId: string, time: string, fresh: boolean): Promise<number[]> {
    const tpId = timepointId(sessionId, time);
    const inFlight = this.hintReads.get(tpId);
    if (inFlight) return inFlight;
    const read = (async () => {
      try {
        const free = await this.store.freeSeats(sessionId, await this.seatNosOf(sessionId, time, fresh));
        for (let n = free.length; n > 1; n--) {
          const i = Math.floor(this.random() * n);
          [free[i], free[n - 1]] = [free[n - 1]!, free[i]!];
        }
        if (this.freeHint.size >= 5000) this.freeHint.clear();
        this.freeHint.set(tpId, free);
        return free;
      } finally {
        this.hintReads.delete(tpId);
      }
    })();
    this.hintReads.set(tpId, read);
    return read;
  }

  /**
   * Claims a concrete free seat of a time point whose count this caller already reserved (so one
   * is free unless the HIS took it): conditional takes of the hinted free seats (a lost race tries
   * the next one), re-reading the free seats when the hint runs dry; null when none is free (the
   * counter was ahead of the seats).
   */
  private async claimReservedSeat(sessionId: string, time: string, bookingId: string): Promise<number | null> {
    const tpId = timepointId(sessionId, time);
    for (let pass = 0; pass < 4; pass++) {
      let hint = this.freeHint.get(tpId);
      if (!hint || hint.length === 0) {
        await this.refillHint(sessionId, time, pass >= 2);
        hint = this.freeHint.get(tpId);
      }
      for (let seatNo = hint?.pop(); seatNo !== undefined; seatNo = hint?.pop()) {
        if (await this.store.claimSeat(sessionId, seatNo, bookingId)) return seatNo;
      }
    }
    return null;
  }

  /** Reserve a count, then claim a concrete free seat; null when full. */
  private async takeSeat(sessionId: string, time: string, bookingId: string, nowMs: number): Promise<number | null> {
    const tpId = timepointId(sessionId, time);
    if (!(await this.reserve(tpId, nowMs))) return null;
    return this.claimAfterReserve(sessionId, time, bookingId);
  }

  /** The concrete seat for a reserved count; the count is given back when there is none (or on error). */
  private async claimAfterReserve(sessionId: string, time: string, bookingId: string): Promise<number | null> {
    const tpId = timepointId(sessionId, time);
    let seatNo: number | null;
    try {
      seatNo = await this.claimReservedSeat(sessionId, time, bookingId);
    } catch (err) {
      await this.giveCount(tpId);
      throw err;
    }
    if (seatNo !== null) return seatNo;
    // The counter said a seat was free but none is (a seat the HIS took was counted late): give back.
    await this.giveCount(tpId);
    this.log.warn('booking seat counter ahead of seats', { sessionId, time });
    return null;
  }

  async place(input: PlaceInput, nowMs: number): Promise<PlaceOutcome> {
    const { session, time, bookingId } = input;
    const tpId = timepointId(session.sessionId, time);
    const tp = session.timePoints.find((t) => t.time === time);
    const open = decideSessionOpen(session, this.rules, nowMs);
    // A count the caller reserved for an unknown time point or a closed session goes back.
    if (!tp) {
      if (input.countReserved) await this.giveCount(tpId);
      return { ok: false, error: notFound(BOOKING_MESSAGES.timeNotFound), pending: false, stage: 'rules' };
    }
    if (!open.ok) {
      if (input.countReserved) await this.giveCount(tpId);
      return { ok: false, error: refusalError(open.refusal), pending: false, stage: 'rules' };
    }

    const startMs = businessInstantMs(session.date, time);
    const endMs = businessInstantMs(session.date, tp.endTime);
    const today = businessDate(new Date(nowMs));

    // Fail fast on a full time point: the count is reserved (remaining > 0 → −1) before the rules,
    // so the common "full" refusal costs one conditional update (sent with book's first reads). A
    // waitlist hand-over (`preheld`) already owns a concrete seat and takes the rules first.
    const reserved = !input.preheld;
    if (reserved) {
      const ok = input.countReserved ?? (await this.reserve(tpId, nowMs));
      if (!ok) {
        if (input.countReserved === false) this.noteFull(tpId, nowMs);
        return { ok: false, error: full(), pending: false, stage: 'seat' };
      }
    }
    // One round trip for three things: the patient's rule state is read, the request claimed and
    // (with a reserved count) a concrete seat claimed — the seat before the rules, given back if
    // they refuse. claimAfterReserve gives the count back itself when no seat is left or it fails.
    const patientRead = this.store.readPatient(input.patientKey);
    patientRead.catch(() => undefined); // not awaited on an early return; a failure throws where it is used
    const seatClaim: Promise<number | null> | null = reserved
      ? this.claimAfterReserve(session.sessionId, time, bookingId)
      : null;
    seatClaim?.catch(() => undefined); // awaited below on every path
    const releaseSeat = async (): Promise<void> => {
      const seatNo = await seatClaim!.catch(() => null);
      if (seatNo !== null) await this.freeSeat(session.sessionId, time, seatNo, bookingId);
    };
    if (input.claim) {
      let claimed = false;
      try {
        claimed = await input.claim();
      } finally {
        if (!claimed && seatClaim) await releaseSeat();
      }
      if (!claimed) {
        const error = new AppError('ABORTED', BOOKING_MESSAGES.processing, {
          reason: 'processing',
          detail: 'request key taken',
        });
        return { ok: false, error, pending: false, stage: 'rules', duplicate: true };
      }
    }

    let seatNo: number | null = null;
    if (seatClaim) {
      try {
        seatNo = await seatClaim;
      } catch (err) {
        await patientRead.catch(() => undefined);
        throw err;
      }
      if (seatNo === null) return { ok: false, error: full(), pending: false, stage: 'seat' };
    }

    let claim: { ok: true; value: undefined } | { ok: false; refusal: Refusal };
    try {
      claim = await this.changePatient(
        input.patientKey,
        (s) => {
          const d = decideBook(
            s,
            { bookingId, deptCode: session.deptCode, date: session.date, endMs },
            this.rules,
            nowMs,
            today,
          );
          return d.ok ? { ok: true, next: d.value, value: undefined } : d;
        },
        nowMs,
        patientRead,
      );
    } catch (err) {
      if (seatNo !== null) await this.freeSeat(session.sessionId, time, seatNo, bookingId);
      throw err;
    }
    if (!claim.ok) {
      if (seatNo !== null) await this.freeSeat(session.sessionId, time, seatNo, bookingId);
      return { ok: false, error: refusalError(claim.refusal), pending: false, stage: 'rules' };
    }

    if (!reserved) {
      try {
        if (
          input.preheld &&
          (await this.store.moveSeat(session.sessionId, input.preheld.seatNo, input.preheld.holder, bookingId))
        ) {
          seatNo = input.preheld.seatNo;
        } else {
          seatNo = await this.takeSeat(session.sessionId, time, bookingId, nowMs);
        }
      } catch (err) {
        await this.undoPatient(input.patientKey, bookingId, nowMs);
        throw err;
      }
      if (seatNo === null) {
        await this.undoPatient(input.patientKey, bookingId, nowMs);
        return { ok: false, error: full(), pending: false, stage: 'seat' };
      }
    }
    if (seatNo === null) throw new Error('unreachable: no seat');

    const now = new Date(nowMs);
    const booking: BookingRecord = {
      _id: bookingId,
      _openid: input.openid,
      status: 'pending',
      cardId: input.card.cardId,
      hisPatientId: input.card.hisPatientId,
      patientKey: input.patientKey,
      patientName: input.card.displayName,
      sessionId: session.sessionId,
      kind: session.kind,
      deptCode: session.deptCode,
      deptName: session.deptName,
      doctorName: session.doctorName,
      doctorTitle: session.doctorTitle,
      date: session.date,
      period: session.period,
      time,
      endTime: tp.endTime,
      seatNo,
      location: session.location,
      feeFen: session.feeFen,
      startMs,
      endMs,
      hisBookingId: null,
      requestId: input.requestId,
      confirmRequestId: bookingId,
      queueNo: null,
      source: input.source,
      waitlistId: input.waitlistId,
      reminded: false,
      createdAt: now.toISOString(),
      createdAtMs: nowMs,
      cancelledAt: null,
      checkedInAt: null,
      updatedAtMs: nowMs,
    };
    try {
      if (!(await this.store.addBooking(booking))) throw new Error('booking id already used');
    } catch (err) {
      await this.freeSeat(session.sessionId, time, seatNo, bookingId);
      await this.undoPatient(input.patientKey, bookingId, nowMs);
      throw err;
    }
    return this.confirm(booking, nowMs, true);
  }

  /** HIS confirm of a `pending` booking that holds its seat. */
  private async confirm(booking: BookingRecord, nowMs: number, mayRetrySeat: boolean): Promise<PlaceOutcome> {
    try {
      const his = await this.his.confirmBooking({
        requestId: booking.confirmRequestId,
        sessionId: booking.sessionId,
        time: booking.time,
        seatNo: booking.seatNo,
        patientId: booking.hisPatientId,
      });
      const done = await this.store.transitionBooking(booking._id, 'pending', {
        status: 'booked',
        hisBookingId: his.hisBookingId,
        queueNo: his.queueNo ?? null,
        updatedAtMs: nowMs,
      });
      if (!done) {
        // The reconcile timer voided it meanwhile (we were slower than its threshold).
        return {
          ok: false,
          error: unavailable(BOOKING_MESSAGES.hisBusy, { reason: 'hisUnavailable', detail: 'confirmed after void' }),
          pending: false,
          stage: 'his',
        };
      }
      return {
        ok: true,
        booking: { ...booking, status: 'booked', hisBookingId: his.hisBookingId, queueNo: his.queueNo ?? null },
      };
    } catch (err) {
      if (outcomeUnknown(err)) return this.voidUnknown(booking, nowMs, err);
      const code = (err as HisError).code;
      if (code === 'SEAT_TAKEN' && mayRetrySeat) {
        // The HIS gave this seat away (window / kiosk): mark it so, and try one other seat.
        await this.store.moveSeat(booking.sessionId, booking.seatNo, booking._id, 'his');
        const seatNo = await this.takeSeat(booking.sessionId, booking.time, booking._id, nowMs);
        if (seatNo !== null) {
          const retry = { ...booking, seatNo, confirmRequestId: `${booking._id}-r1`, updatedAtMs: nowMs };
          await this.store.updateWhere(
            'bookings',
            { _id: booking._id, status: 'pending' },
            {
              seatNo,
              confirmRequestId: retry.confirmRequestId,
              updatedAtMs: nowMs,
            },
          );
          return this.confirm(retry, nowMs, false);
        }
        await this.giveBack(booking, nowMs, false);
        return {
          ok: false,
          error: full('his SEAT_TAKEN'),
          pending: false,
          stage: 'his',
        };
      }
      if (code === 'SEAT_TAKEN') await this.store.moveSeat(booking.sessionId, booking.seatNo, booking._id, 'his');
      await this.giveBack(booking, nowMs, code !== 'SEAT_TAKEN');
      const [reason, message]: [Refusal['reason'], string] =
        code === 'NOT_RELEASED'
          ? ['notReleased', BOOKING_MESSAGES.notReleased(this.rules.releaseTime)]
          : code === 'SESSION_CLOSED'
            ? ['closed', BOOKING_MESSAGES.started]
            : code === 'SEAT_TAKEN'
              ? ['full', BOOKING_MESSAGES.full]
              : code === 'NOT_FOUND'
                ? ['hisRefused', BOOKING_MESSAGES.sessionNotFound]
                : ['hisRefused', '医院系统未能受理该预约，请稍后重试'];
      this.log.info('booking refused by his', { code });
      return {
        ok: false,
        error: failedPrecondition(message, { reason, detail: `his confirm rejected ${code}` }),
        pending: false,
        stage: 'his',
      };
    }
  }

  /** Outcome unknown: void it in the HIS, then give back; else leave `pending` for reconcile. */
  private async voidUnknown(booking: BookingRecord, nowMs: number, cause: unknown): Promise<PlaceOutcome> {
    const detail = `his confirm unknown ${cause instanceof HisError ? cause.code : 'error'}`;
    if (await this.voidInHis(booking)) {
      await this.finalizeFailed(booking, nowMs);
      const error = unavailable(BOOKING_MESSAGES.hisBusy, { reason: 'hisUnavailable', detail });
      return { ok: false, error, pending: false, stage: 'his' };
    }
    this.log.warn('booking left pending for reconcile', { bookingId: booking._id });
    return {
      ok: false,
      error: unavailable(BOOKING_MESSAGES.hisPending, { reason: 'pending', detail: `${detail}; void failed` }),
      pending: true,
      stage: 'his',
    };
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

  /** pending → failed (one winner), then seat and rule claim back. */
  async finalizeFailed(booking: BookingRecord, nowMs: number): Promise<boolean> {
    if (!(await this.store.transitionBooking(booking._id, 'pending', { status: 'failed', updatedAtMs: nowMs })))
      return false;
    await this.freeSeat(booking.sessionId, booking.time, booking.seatNo, booking._id);
    await this.undoPatient(booking.patientKey, booking._id, nowMs);
    return true;
  }

  private async giveBack(booking: BookingRecord, nowMs: number, freeSeat: boolean): Promise<void> {
    await this.store.transitionBooking(booking._id, 'pending', { status: 'failed', updatedAtMs: nowMs });
    if (freeSeat) await this.freeSeat(booking.sessionId, booking.time, booking.seatNo, booking._id);
    await this.undoPatient(booking.patientKey, booking._id, nowMs);
  }

  /** Reconcile one stale `pending` booking: void it in the HIS, give back, settle its request. */
  async reconcile(booking: BookingRecord, nowMs: number): Promise<'voided' | 'stillPending' | 'settled'> {
    if (booking.status !== 'pending') return 'settled';
    if (!(await this.voidInHis(booking))) return 'stillPending';
    await this.finalizeFailed(booking, nowMs);
    await this.store.finishRequest(
      booking.requestId,
      resultOf({ ok: false, error: unavailable(BOOKING_MESSAGES.hisBusy, { reason: 'hisUnavailable' }) }),
      nowMs,
    );
    return 'voided';
  }
}
