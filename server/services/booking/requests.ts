/**
 * Idempotency records (`booking_requests`): what a key answers when it comes again — the stored
 * answer, or, for a request stuck `pending` (a crash, or an unknown HIS outcome whose void failed),
 * its settlement; and the `reconcile` timer, which settles those on its own.
 */
import type { BookingView } from '../../../typings/booking';
import { aborted, AppError, notFound, unavailable } from '../../core/errors';
import type { RequestDoc, RequestResult } from '../../adapters/clouddb/booking-requests';
import { BOOKING_MESSAGES, keyAnswerOf, toBookingView, type BookingRecord } from '../../domain/booking';
import type { BookingContext } from './context';
import type { Confirmation } from './confirm';

/** An answer as the idempotency record stores it (replayed with the same code, message and reason). */
export const resultOf = (o: { ok: true; bookingId: string } | { ok: false; error: AppError }): RequestResult =>
  o.ok
    ? { ok: true, bookingId: o.bookingId }
    : { ok: false, code: o.error.code, message: o.error.message, reason: o.error.reason };

export const processing = (detail?: string): AppError =>
  aborted(BOOKING_MESSAGES.processing, { reason: 'processing', detail });

/** "Not booked, try again": the stored answer of a request whose booking failed or never was. */
export const hisBusyResult = (): RequestResult =>
  resultOf({ ok: false, error: unavailable(BOOKING_MESSAGES.hisBusy, { reason: 'hisUnavailable' }) });

/** The stored answer of a key whose booking settled (keyAnswerOf: not `pending`). */
export const settledResult = (b: BookingRecord | null, bookingId: string): RequestResult =>
  keyAnswerOf(b) === 'booked' ? { ok: true, bookingId } : hisBusyResult();

/** A new idempotency record: `pending` until answered, or `done` with a refusal straight away. */
export function requestDoc(
  r: { requestId: string; openid: string; bookingId: string; patientKey: string | null },
  nowMs: number,
  answer?: AppError,
): RequestDoc {
  return {
    _id: r.requestId,
    _openid: r.openid,
    status: answer ? 'done' : 'pending',
    bookingId: r.bookingId,
    patientKey: r.patientKey,
    result: answer ? resultOf({ ok: false, error: answer }) : null,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
  };
}

export class Requests {
  constructor(
    private readonly ctx: BookingContext,
    private readonly confirmation: Confirmation,
  ) {}

  /** The same idempotency key again: the stored answer, or resume a stale pending one. */
  async answer(openid: string, requestId: string, nowMs: number, known?: RequestDoc): Promise<BookingView> {
    const { store, rules } = this.ctx;
    let req = known ?? (await store.requests.get(requestId));
    if (!req || req._openid !== openid) throw processing('request vanished');
    if (req.status === 'pending') {
      if (nowMs - req.updatedAtMs < rules.pendingResumeAfterMs) throw processing();
      await this.resolveStale(req, nowMs);
      req = await store.requests.get(requestId);
      if (!req || req.status !== 'done' || !req.result) {
        throw unavailable(BOOKING_MESSAGES.hisPending, { reason: 'pending', detail: 'still pending' });
      }
    }
    const result = req.result;
    if (!result) throw processing();
    if (!result.ok) {
      const { code, message, reason } = result;
      throw new AppError(code as AppError['code'], message, { reason, detail: 'idempotent replay' });
    }
    const b = await store.bookings.get(result.bookingId);
    if (!b) throw notFound(BOOKING_MESSAGES.bookingNotFound);
    return toBookingView(b, rules, nowMs);
  }

  /** A request stuck in `pending`: its booking settled (or reconciled), and the answer stored. */
  private async resolveStale(req: RequestDoc, nowMs: number): Promise<void> {
    const b = await this.ctx.store.bookings.get(req.bookingId);
    if (keyAnswerOf(b) === 'pending') {
      await this.reconcileBooking(b!, nowMs);
      return;
    }
    if (!b && req.patientKey) {
      // Died before the booking was written: make sure no rule claim is left behind.
      await this.ctx.holds.ofRuleClaim({ _id: req.bookingId, patientKey: req.patientKey }, nowMs).giveBack();
    }
    await this.ctx.store.requests.finish(req._id, settledResult(b, req.bookingId), nowMs);
  }

  /** Stale `pending` bookings are voided in the HIS and given back; stuck requests settled. */
  async reconcile(nowMs: number): Promise<{ voided: number; stillPending: number; requests: number }> {
    const { store, rules } = this.ctx;
    const out = { voided: 0, stillPending: 0, requests: 0 };
    for (const b of await store.bookings.pendingOlderThan(nowMs - rules.pendingResumeAfterMs)) {
      const r = await this.reconcileBooking(b, nowMs);
      if (r === 'voided') out.voided++;
      else if (r === 'stillPending') out.stillPending++;
    }
    for (const req of await store.requests.stalePending(nowMs - 2 * rules.pendingResumeAfterMs)) {
      const b = await store.bookings.get(req.bookingId);
      if (b && b.status === 'pending') continue;
      await this.resolveStale(req, nowMs);
      out.requests++;
    }
    return out;
  }

  /** One stale `pending` booking: void it in the HIS, give back, settle its request. */
  private async reconcileBooking(b: BookingRecord, nowMs: number): Promise<'voided' | 'stillPending' | 'settled'> {
    if (b.status !== 'pending') return 'settled';
    if (!(await this.confirmation.voidInHis(b))) return 'stillPending';
    await this.ctx.holds.ofPendingBooking(b, nowMs).giveBack();
    await this.ctx.store.requests.finish(b.requestId, hisBusyResult(), nowMs);
    return 'voided';
  }
}
