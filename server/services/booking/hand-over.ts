/**
 * A freed seat — a cancelled booking's, or one the HIS gave back — goes directly to the first
 * waiting patient of its session who still passes the rules: the same seat flow as `book`
 * (place.ts), under a system idempotency key per waitlist entry and round, so a hand-over that
 * runs twice books once. What nobody takes, the seat hold gives back to the pool (seat-hold.ts).
 */
import { waitlistClosesAtMs, type BookingAttempt, type SessionRecord, type WaitlistRecord } from '../../domain/booking';
import type { BookingContext } from './context';
import type { Placement } from './place';
import { requestDoc, resultOf } from './requests';
import type { FreedSeat } from './seat-hold';

/** How many waiting patients one freed seat is offered to, at most (cards gone, rules refusing). */
const OFFERS_PER_SEAT = 20;

export class HandOver {
  constructor(
    private readonly ctx: BookingContext,
    private readonly placement: Placement,
  ) {}

  /**
   * Offers `freed` to the session's waiting patients, first come first served. `freed.holder` is
   * set to null once the seat no longer waits with its old holder: booked for a patient, or given
   * back to the pool by an attempt that reached the HIS. Never throws (the seat stays with its holder).
   */
  async offer(freed: FreedSeat, nowMs: number): Promise<void> {
    const { store, rules, log } = this.ctx;
    try {
      const session = await store.sessions.get(freed.sessionId);
      if (!session || (session.waiting ?? 0) <= 0 || nowMs >= waitlistClosesAtMs(session, rules)) return;
      for (const w of await store.waitlist.waitingFor(session.sessionId, OFFERS_PER_SEAT)) {
        if (await this.offerTo(w, session, freed, nowMs)) return;
      }
    } catch (err) {
      log.error('waitlist hand-over failed', { err: err instanceof Error ? err.name : 'error' });
    }
  }

  /** One waiting patient's attempt; true when they got a booking (the entry is fulfilled, they are told). */
  private async offerTo(w: WaitlistRecord, session: SessionRecord, freed: FreedSeat, nowMs: number): Promise<boolean> {
    const { store, keys, messages } = this.ctx;
    const card = await store.cards.findOwned(w._openid, w.cardId);
    if (!card) return false;
    const key = `waitlist:${w._id}:${w.round}`;
    const requestId = keys.requestId('system', key);
    const bookingId = keys.bookingId('system', key);
    const request = { requestId, openid: w._openid, bookingId, patientKey: w.patientKey };
    if (!(await store.requests.claim(requestDoc(request, nowMs)))) return false;
    const attempt: BookingAttempt = {
      openid: w._openid,
      card,
      patientKey: w.patientKey,
      session,
      time: freed.time,
      requestId,
      bookingId,
      source: 'waitlist',
      waitlistId: w._id,
    };
    const outcome = await this.placement.fromWaitlist(attempt, freed, nowMs);
    if (!outcome.ok) {
      if (!outcome.pending) await store.requests.finish(requestId, resultOf(outcome), nowMs);
      // An attempt that reached the HIS gave the seat back to the pool (or holds it, pending).
      if (outcome.stage === 'his') freed.holder = null;
      return false;
    }
    await store.requests.finish(requestId, resultOf({ ok: true, bookingId }), nowMs);
    freed.holder = null;
    const fulfilled = { status: 'fulfilled' as const, bookingId, updatedAtMs: nowMs };
    if (await store.waitlist.transition(w._id, 'waiting', fulfilled))
      await store.sessions.incWaiting(session.sessionId, -1);
    await messages.send(outcome.booking, 'waitlistSuccess', nowMs);
    return true;
  }
}
