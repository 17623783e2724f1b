/**
 * The visit: 签到 (`checkIn`, in the arrival window, in the HIS first) and the queue (`queue`);
 * the evening before, one 就诊提醒 per booking (`remindTomorrow`); after the time point, the visit
 * settled against the HIS (`markNoShows`): 过号 only when the HIS never saw the patient either.
 */
import type { BookingQueueResponse, BookingView } from '../../../typings/booking';
import { failedPrecondition, refusalError, unavailable } from '../../core/errors';
import { businessDate } from '../../core/time';
import { HisError } from '../../ports/his-error';
import type { HisBooking } from '../../ports/his-booking';
import {
  addDays,
  BOOKING_MESSAGES,
  decideCheckIn,
  peopleAhead,
  settleEndedVisit,
  toBookingView,
  type BookingRecord,
  type VisitOutcome,
} from '../../domain/booking';
import { callHis } from '../his-errors';
import type { Cancellation } from './cancel';
import type { BookingContext } from './context';
import type { Caller } from './deps';
import { ownedBooking } from './records';

/** How long after its time point a checked-in visit is asked about (→ completed) by markNoShows. */
export const COMPLETION_WATCH_MS = 24 * 3_600_000;

type Settled = Record<VisitOutcome | 'unknown', number>;

export class Visits {
  constructor(
    private readonly ctx: BookingContext,
    private readonly cancellation: Cancellation,
  ) {}

  async checkIn(caller: Caller, bookingId: string): Promise<BookingView> {
    const { store, rules, his } = this.ctx;
    const nowMs = this.ctx.nowMs(caller.now);
    const b = await ownedBooking(store, caller.openid, bookingId);
    if (b.status === 'checkedIn') return toBookingView(b, rules, nowMs);
    const d = decideCheckIn(b, rules, nowMs);
    if (!d.ok) throw refusalError(d.refusal);
    if (!b.hisBookingId) {
      throw unavailable(BOOKING_MESSAGES.hisBusy, { reason: 'hisUnavailable', detail: 'booking without hisBookingId' });
    }
    const hisBookingId = b.hisBookingId;
    const checked = await callHis('checkIn', () => his.checkIn({ requestId: `checkin-${b._id}`, hisBookingId }));
    const at = new Date(nowMs).toISOString();
    const patch = { status: 'checkedIn' as const, queueNo: checked.queueNo, checkedInAt: at, updatedAtMs: nowMs };
    await store.bookings.transition(b._id, 'booked', patch);
    return toBookingView({ ...b, ...patch }, rules, nowMs);
  }

  async queue(caller: Caller, bookingId: string): Promise<BookingQueueResponse> {
    const b = await ownedBooking(this.ctx.store, caller.openid, bookingId);
    if (b.status !== 'checkedIn' || b.queueNo === null) {
      throw failedPrecondition(BOOKING_MESSAGES.notCheckedIn, { reason: 'notCheckedIn' });
    }
    const q = await callHis('queueStatus', () => this.ctx.his.queueStatus(b.sessionId));
    return {
      bookingId: b._id,
      queueNo: b.queueNo,
      nowServing: q.nowServing,
      ahead: peopleAhead(b.queueNo, q.nowServing),
    };
  }

  /** The day before the visit: one reminder per booking, never twice (flag + deterministic outbox id). */
  async remindTomorrow(nowMs: number): Promise<{ reminded: number; cancelledInHis: number }> {
    const { store, messages } = this.ctx;
    const tomorrow = addDays(businessDate(new Date(nowMs)), 1);
    let reminded = 0;
    let cancelledInHis = 0;
    for (const b of await store.bookings.toRemind(tomorrow)) {
      // Cancelled at the hospital's window meanwhile: mirrored (seat to the waitlist), no reminder.
      if (await this.cancellation.cancelledInHis(b, nowMs)) {
        cancelledInHis++;
        continue;
      }
      if (!(await store.bookings.markReminded(b._id))) continue;
      await messages.send(b, 'visitReminder', nowMs);
      reminded++;
    }
    return { reminded, cancelledInHis };
  }

  /**
   * Settles the visits whose time point has ended, against the HIS (settleEndedVisit): a patient
   * may have checked in at the kiosk or the window, been seen, or cancelled at the window, none of
   * which the cloud saw. A booking the HIS cannot tell about now (unavailable) is left for the next
   * run: nobody is punished on an unknown. A checked-in visit is asked about for a day.
   */
  async markNoShows(nowMs: number): Promise<Settled> {
    const out: Settled = { missed: 0, checkedIn: 0, completed: 0, cancelled: 0, unknown: 0 };
    const { bookings } = this.ctx.store;
    const ended = {
      booked: () => bookings.endedBetween('booked', { byMs: nowMs }, 500),
      checkedIn: () => bookings.endedBetween('checkedIn', { byMs: nowMs, afterMs: nowMs - COMPLETION_WATCH_MS }, 500),
    };
    for (const from of ['booked', 'checkedIn'] as const) {
      for (const b of await ended[from]()) {
        const his = await this.askHis(b);
        if (his === 'unknown') out.unknown++;
        else {
          const outcome = await this.settle(b, his, nowMs);
          if (outcome) out[outcome]++;
        }
      }
    }
    return out;
  }

  /** The HIS's booking (null: none, or the booking has no HIS id), or `unknown` when it cannot answer. */
  private async askHis(b: BookingRecord): Promise<HisBooking | null | 'unknown'> {
    if (!b.hisBookingId) return null;
    try {
      return await this.ctx.his.getBooking(b.hisBookingId);
    } catch (err) {
      this.ctx.log.warn('booking settle: his unavailable', { code: err instanceof HisError ? err.code : 'error' });
      return 'unknown';
    }
  }

  /** One ended visit moved on as the HIS says; a cancellation releases the rule claim, a no-show becomes a strike. */
  private async settle(b: BookingRecord, his: HisBooking | null, nowMs: number): Promise<VisitOutcome | null> {
    const settled = settleEndedVisit(b, his, nowMs);
    if (!settled || !(await this.ctx.store.bookings.transition(b._id, b.status, settled.patch))) return null;
    // The seat is not given back in either case: the visit is over (a no-show's seat the HIS used).
    if (settled.outcome === 'cancelled') await this.ctx.holds.ofRuleClaim(b, nowMs).giveBack();
    if (settled.outcome === 'missed') await this.ctx.patients.recordNoShow(b, nowMs);
    return settled.outcome;
  }
}
