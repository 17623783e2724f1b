/**
 * `book`: one idempotent booking attempt (`booking_requests/br_<HMAC(openid, key)>`: the same key
 * always gets the same answer). A time point this instance knows is full is refused with one write
 * (the stored answer). Otherwise the first round trip reads the card, the stored request and the
 * session and reserves the seat count (remaining > 0 → −1); the count goes back unless the request
 * is a valid, new one; then the seat flow (place.ts). The answer is stored with the request.
 */
import type { BookingView } from '../../../typings/booking';
import { AppError, notFound } from '../../core/errors';
import type { RequestDoc } from '../../adapters/clouddb/booking-requests';
import { timepointId } from '../../adapters/clouddb/booking-ids';
import {
  BOOKING_MESSAGES,
  keyAnswerOf,
  toBookingView,
  type BookingCard,
  type SessionRecord,
} from '../../domain/booking';
import type { BookingContext } from './context';
import type { Caller } from './deps';
import { fullError, type Placement } from './place';
import { requestDoc, resultOf, settledResult, type Requests } from './requests';
import type { SeatHold } from './seat-hold';

export interface BookInput {
  cardId: string;
  sessionId: string;
  time: string;
  idempotencyKey: string;
}

/** The idempotency record of one `book` call: claimed at most once, answered once. */
class KeyedRequest {
  claimed = false;
  patientKey: string | null = null;

  constructor(
    private readonly ctx: BookingContext,
    readonly openid: string,
    readonly requestId: string,
    readonly bookingId: string,
    private readonly nowMs: number,
  ) {}

  doc(answer?: AppError): RequestDoc {
    return requestDoc(this, this.nowMs, answer);
  }

  async claim(): Promise<boolean> {
    this.claimed = await this.ctx.store.requests.claim(this.doc());
    return this.claimed;
  }

  finish(result: Parameters<typeof resultOf>[0]): Promise<void> {
    return this.ctx.store.requests.finish(this.requestId, resultOf(result), this.nowMs);
  }

  /** Stores a refusal as the key's answer; false when the key was taken meanwhile (that answer stands). */
  async storeRefusal(error: AppError): Promise<boolean> {
    if (this.claimed) {
      await this.finish({ ok: false, error });
      return true;
    }
    return this.ctx.store.requests.claim(this.doc(error));
  }
}

export class BookFlow {
  constructor(
    private readonly ctx: BookingContext,
    private readonly placement: Placement,
    private readonly requests: Requests,
  ) {}

  async book(caller: Caller, input: BookInput): Promise<BookingView> {
    const nowMs = this.ctx.nowMs(caller.now);
    const { keys, pool } = this.ctx;
    const req = new KeyedRequest(
      this.ctx,
      caller.openid,
      keys.requestId(caller.openid, input.idempotencyKey),
      keys.bookingId(caller.openid, input.idempotencyKey),
      nowMs,
    );
    const tpId = timepointId(input.sessionId, input.time);
    if (pool.isKnownFull(tpId, nowMs)) return this.refuseKnownFull(req, input.cardId, nowMs);
    const { card, known, session, hold } = await this.firstRoundTrip(req, input, nowMs);
    if (!card || known || !session) await hold?.giveBack();
    if (!card) throw notFound(BOOKING_MESSAGES.cardNotFound);
    req.patientKey = keys.patientKey(card.hisPatientId);
    // A replay never keeps a seat count: answered from the stored request.
    if (known) return this.requests.answer(caller.openid, req.requestId, nowMs, known);
    return this.place(req, input, card, session, hold, nowMs);
  }

  /**
   * A time point this instance just found full: the refusal is stored as the key's answer (the key
   * taken means an earlier answer, returned instead). A card id issued to the caller (its owner tag
   * checks out, keyed-ids.ts) is not read: the refusal books nothing, stores nothing of the card and
   * tells nothing the schedule does not — also for a card unbound meanwhile. Any other id is read
   * with the write, in one round trip, and a card the caller does not own answers "not found".
   */
  private async refuseKnownFull(req: KeyedRequest, cardId: string, nowMs: number): Promise<BookingView> {
    const refusal = fullError('known full');
    const { keys, store } = this.ctx;
    const [owned, stored] = await Promise.all([
      keys.cardIssuedTo(req.openid, cardId) || store.cards.findOwned(req.openid, cardId).then((card) => card !== null),
      store.requests.claim(req.doc(refusal)),
    ]);
    if (!owned) {
      const missing = notFound(BOOKING_MESSAGES.cardNotFound);
      if (stored) await req.finish({ ok: false, error: missing });
      throw missing;
    }
    if (!stored) return this.requests.answer(req.openid, req.requestId, nowMs);
    throw refusal;
  }

  /**
   * One round trip for the card, the stored request (replay?), the session and the seat count
   * reserved. A failed read gives the count back; the hold holds the count when it was reserved.
   */
  private async firstRoundTrip(
    req: KeyedRequest,
    input: BookInput,
    nowMs: number,
  ): Promise<{
    card: BookingCard | null;
    known: RequestDoc | null;
    session: SessionRecord | null;
    hold: SeatHold | null;
  }> {
    const { store, pool, holds } = this.ctx;
    const [cardRead, knownRead, sessionRead, reservedRead] = await Promise.allSettled([
      store.cards.findOwned(req.openid, input.cardId),
      store.requests.get(req.requestId),
      store.sessions.get(input.sessionId),
      pool.reserveCount(timepointId(input.sessionId, input.time)),
    ]);
    const target = { bookingId: req.bookingId, sessionId: input.sessionId, time: input.time };
    const hold =
      reservedRead.status === 'fulfilled' && reservedRead.value ? holds.withReservedCount(target, nowMs) : null;
    const reads = [cardRead, knownRead, sessionRead] as const;
    const failed = reads.find((r) => r.status === 'rejected');
    if (failed) {
      await hold?.giveBack();
      throw failed.reason;
    }
    if (reservedRead.status === 'rejected') throw reservedRead.reason;
    const value = <T>(r: PromiseSettledResult<T>): T => (r as PromiseFulfilledResult<T>).value;
    return { card: value(cardRead), known: value(knownRead), session: value(sessionRead), hold };
  }

  /**
   * The seat flow for a valid, new request. It claims the request (`pending`) once the count is
   * reserved, with the seat claim and the rule read; a refusal before that kept nothing and is
   * stored as the answer in one write — or, when the key was taken meanwhile, that answer is returned.
   */
  private async place(
    req: KeyedRequest,
    input: BookInput,
    card: BookingCard,
    session: SessionRecord | null,
    hold: SeatHold | null,
    nowMs: number,
  ): Promise<BookingView> {
    const refuse = async (error: AppError): Promise<BookingView> => {
      if (await req.storeRefusal(error)) throw error;
      return this.requests.answer(req.openid, req.requestId, nowMs);
    };
    try {
      if (!session) return await refuse(notFound(BOOKING_MESSAGES.sessionNotFound));
      const attempt = {
        openid: req.openid,
        card,
        patientKey: req.patientKey!,
        session,
        time: input.time,
        requestId: req.requestId,
        bookingId: req.bookingId,
        source: 'direct' as const,
        waitlistId: null,
      };
      const outcome = await this.placement.direct(attempt, hold, () => req.claim(), nowMs);
      if (!outcome.ok) {
        if (outcome.duplicate) return await this.requests.answer(req.openid, req.requestId, nowMs);
        if (outcome.pending) throw outcome.error;
        return await refuse(outcome.error);
      }
      // Independent writes, together (the message never throws: its outbox retries).
      await Promise.all([
        req.finish({ ok: true, bookingId: req.bookingId }),
        this.ctx.messages.send(outcome.booking, 'bookingConfirmed', nowMs),
      ]);
      return toBookingView(outcome.booking, this.ctx.rules, nowMs);
    } catch (err) {
      if (req.claimed && !(err instanceof AppError)) await this.settleAfterFault(req, nowMs);
      throw err;
    }
  }

  /**
   * A fault after the request was claimed: its stored answer follows the booking — booked (e.g.
   * the final write failed) answers the booking, none or failed answers "busy"; a pending one is
   * left to reconcile.
   */
  private async settleAfterFault(req: KeyedRequest, nowMs: number): Promise<void> {
    const b = await this.ctx.store.bookings.get(req.bookingId).catch(() => null);
    if (keyAnswerOf(b) === 'pending') return;
    await this.ctx.store.requests.finish(req.requestId, settledResult(b, req.bookingId), nowMs).catch(() => undefined);
  }
}
