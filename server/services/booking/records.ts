/**
 * 预约记录: the caller's bookings and waitlist entries (`list`) and one booking (`get`). Internal
 * `pending` / `failed` attempts are never shown; another user's booking answers like a missing one.
 */
import type { BookingListResponse, BookingRange, BookingView } from '../../../typings/booking';
import { notFound } from '../../core/errors';
import { businessDate } from '../../core/time';
import type { BookingStore } from '../../adapters/clouddb/booking-store';
import { addDays, BOOKING_MESSAGES, toBookingView, type BookingRecord } from '../../domain/booking';
import type { BookingContext } from './context';
import type { Caller } from './deps';
import type { WaitlistFlow } from './waitlist';

const RANGE_DAYS: Record<BookingRange, number> = { '1w': 7, '1m': 30, '3m': 90 };
const DAY_MS = 86_400_000;

/** The caller's booking as the pages may see it, else NOT_FOUND (same body for another user's). */
export async function ownedBooking(store: BookingStore, openid: string, bookingId: string): Promise<BookingRecord> {
  const b = await store.bookings.get(bookingId);
  if (!b || b._openid !== openid || b.status === 'pending' || b.status === 'failed') {
    throw notFound(BOOKING_MESSAGES.bookingNotFound);
  }
  return b;
}

export class Records {
  constructor(
    private readonly ctx: BookingContext,
    private readonly waitlist: WaitlistFlow,
  ) {}

  /**
   * Range semantics: a booking is listed when its visit date is within [today − range, ∞) OR it
   * was created within the last `range` (so every upcoming booking and every recent one show);
   * newest created first, cut at `listLimit` (`truncated` says so).
   */
  async list(caller: Caller, range: BookingRange, cardId?: string): Promise<BookingListResponse> {
    const { store, rules } = this.ctx;
    const nowMs = this.ctx.nowMs(caller.now);
    const days = RANGE_DAYS[range];
    const sinceMs = nowMs - days * DAY_MS;
    const sinceDate = addDays(businessDate(new Date(nowMs)), -days);
    const limit = rules.listLimit;
    // One more than shown: whether older ones exist.
    const rows = await store.bookings.listOwned({
      openid: caller.openid,
      sinceMs,
      sinceDate,
      cardId,
      limit: limit + 1,
    });
    const bookings = rows.slice(0, limit).map((b) => toBookingView(b, rules, nowMs)); // newest first (the query's order)
    const waitlist = await this.waitlist.listOwned(caller.openid, sinceMs, cardId);
    return { bookings, waitlist, truncated: rows.length > limit };
  }

  async get(caller: Caller, bookingId: string): Promise<BookingView> {
    const nowMs = this.ctx.nowMs(caller.now);
    return toBookingView(await ownedBooking(this.ctx.store, caller.openid, bookingId), this.ctx.rules, nowMs);
  }
}
