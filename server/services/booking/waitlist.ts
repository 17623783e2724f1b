/**
 * 候补 (waitlist): a patient joins a full session (one entry per HIS patient and session, the
 * patient rules checked as for a booking), leaves it, or it expires (`expireWaitlist`, 2 h before
 * the session; 停诊 closes it at once). The session's `waiting` counter follows every change. A
 * freed seat reaches the first waiting patient through hand-over.ts.
 */
import type { WaitlistView } from '../../../typings/booking';
import { AppError, failedPrecondition, notFound, refusalError } from '../../core/errors';
import { businessDate } from '../../core/time';
import { timepointId } from '../../adapters/clouddb/booking-ids';
import {
  BOOKING_MESSAGES,
  decideBook,
  decideJoinWaitlist,
  toWaitlistView,
  waitlistCandidate,
  waitlistEntry,
  type BookingCard,
  type SessionRecord,
  type WaitlistRecord,
} from '../../domain/booking';
import type { BookingContext } from './context';
import type { Caller } from './deps';
import { processing } from './requests';

const waitlistDuplicate = (): AppError =>
  new AppError('ALREADY_EXISTS', BOOKING_MESSAGES.waitlistDuplicate, { reason: 'waitlistDuplicate' });

export class WaitlistFlow {
  constructor(private readonly ctx: BookingContext) {}

  async join(caller: Caller, cardId: string, sessionId: string): Promise<WaitlistView> {
    const nowMs = this.ctx.nowMs(caller.now);
    const { card, session } = await this.mayJoin(caller.openid, cardId, sessionId, nowMs);
    const record = waitlistEntry(
      {
        waitlistId: this.ctx.keys.waitlistId(card.hisPatientId, sessionId),
        openid: caller.openid,
        card,
        patientKey: this.ctx.keys.patientKey(card.hisPatientId),
        session,
      },
      this.ctx.rules,
      nowMs,
    );
    if (!(await this.ctx.store.waitlist.add(record))) record.round = await this.rejoin(record);
    await this.ctx.store.sessions.incWaiting(sessionId, 1);
    return toWaitlistView(record, await this.position(record));
  }

  /** The caller's card, an open and full session, and the patient rules as for a booking. */
  private async mayJoin(
    openid: string,
    cardId: string,
    sessionId: string,
    nowMs: number,
  ): Promise<{ card: BookingCard; session: SessionRecord }> {
    const { store, rules, keys } = this.ctx;
    const card = await store.cards.findOwned(openid, cardId);
    if (!card) throw notFound(BOOKING_MESSAGES.cardNotFound);
    const session = await store.sessions.get(sessionId);
    if (!session || session.status === 'stopped') throw notFound(BOOKING_MESSAGES.sessionNotFound);
    const tps = await store.seats.getTimepoints(session.timePoints.map((t) => timepointId(sessionId, t.time)));
    const remaining = tps.reduce((n, t) => n + Math.max(0, t.remaining), 0);
    const open = decideJoinWaitlist(session, remaining, rules, nowMs);
    if (!open.ok) throw refusalError(open.refusal);
    const { state } = await store.patients.read(keys.patientKey(card.hisPatientId));
    const today = businessDate(new Date(nowMs));
    const allowed = decideBook(state, waitlistCandidate(session), rules, nowMs, today);
    if (!allowed.ok) throw refusalError(allowed.refusal);
    return { card, session };
  }

  /** Re-join after leaving, expiry or fulfilment: to the back of the queue, a new round. Its round. */
  private async rejoin(record: WaitlistRecord): Promise<number> {
    const existing = await this.ctx.store.waitlist.get(record._id);
    if (!existing) throw processing();
    if (existing.status === 'waiting') throw waitlistDuplicate();
    const round = (existing.round ?? 1) + 1;
    if (!(await this.ctx.store.waitlist.transition(record._id, existing.status, { ...record, round }))) {
      throw waitlistDuplicate();
    }
    return round;
  }

  async leave(caller: Caller, waitlistId: string): Promise<WaitlistView> {
    const nowMs = this.ctx.nowMs(caller.now);
    const { store } = this.ctx;
    const w = await store.waitlist.get(waitlistId);
    if (!w || w._openid !== caller.openid) throw notFound(BOOKING_MESSAGES.waitlistNotFound);
    const notWaiting = () => failedPrecondition(BOOKING_MESSAGES.waitlistNotWaiting, { reason: 'waitlistNotWaiting' });
    if (w.status !== 'waiting') throw notWaiting();
    if (!(await store.waitlist.transition(waitlistId, 'waiting', { status: 'left', updatedAtMs: nowMs }))) {
      throw notWaiting();
    }
    await store.sessions.incWaiting(w.sessionId, -1);
    return toWaitlistView({ ...w, status: 'left', updatedAtMs: nowMs }, null);
  }

  /** The caller's entries created since `sinceMs` (of one card, if given), with their places. */
  async listOwned(openid: string, sinceMs: number, cardId?: string): Promise<WaitlistView[]> {
    const entries = (await this.ctx.store.waitlist.listOwned(openid, sinceMs)).filter(
      (w) => cardId === undefined || w.cardId === cardId,
    );
    const views: WaitlistView[] = [];
    for (const w of entries) views.push(toWaitlistView(w, await this.position(w)));
    return views;
  }

  /** The `expireWaitlist` timer: entries of sessions closing within the cut-off expire. */
  async expire(nowMs: number): Promise<{ expired: number }> {
    let expired = 0;
    for (const w of await this.ctx.store.waitlist.closingBefore(nowMs)) if (await this.expireOne(w, nowMs)) expired++;
    return { expired };
  }

  /** 停诊: every entry still waiting for the session expires. */
  async closeSession(sessionId: string, nowMs: number): Promise<void> {
    for (const w of await this.ctx.store.waitlist.waitingFor(sessionId, 1000)) await this.expireOne(w, nowMs);
  }

  private async expireOne(w: WaitlistRecord, nowMs: number): Promise<boolean> {
    const { store } = this.ctx;
    if (!(await store.waitlist.transition(w._id, 'waiting', { status: 'expired', updatedAtMs: nowMs }))) return false;
    await store.sessions.incWaiting(w.sessionId, -1);
    return true;
  }

  /** Place in the queue (1 = next), null when not waiting. */
  private async position(w: WaitlistRecord): Promise<number | null> {
    if (w.status !== 'waiting') return null;
    const waiting = await this.ctx.store.waitlist.waitingFor(w.sessionId, 1000);
    const i = waiting.findIndex((x) => x._id === w._id);
    return i < 0 ? null : i + 1;
  }
}
