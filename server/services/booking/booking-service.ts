/**
 * 预约挂号, assembled: one context per function instance (the seat memory is per instance) and
 * the flows over it, one file each — schedule.ts (what the pages read), book.ts + place.ts +
 * confirm.ts (a booking), requests.ts (idempotency, reconcile), cancel.ts + hand-over.ts,
 * waitlist.ts, records.ts, visits.ts (check-in, reminders, no-shows), schedule-sync.ts. What a
 * booking holds is given back through seat-hold.ts only.
 */
import type { Clock } from '../../core/time';
import type { BookingRules } from '../../config/booking-rules';
import type { BookingTemplates } from '../../config/templates';
import { BookFlow } from './book';
import { Cancellation } from './cancel';
import { Confirmation } from './confirm';
import { createBookingContext } from './context';
import type { BookingServiceDeps } from './deps';
import { HandOver } from './hand-over';
import type { BookingMessages } from './messages';
import { MirrorSync } from './mirror-sync';
import { Placement } from './place';
import { Records } from './records';
import { Requests } from './requests';
import { Schedule } from './schedule';
import { ScheduleSync } from './schedule-sync';
import { Visits } from './visits';
import { WaitlistFlow } from './waitlist';

export type { BookingServiceDeps, Caller } from './deps';

export class BookingService {
  readonly rules: BookingRules;
  readonly templates: BookingTemplates;
  readonly nowMs: (clock: Clock) => number;
  readonly schedule: Schedule;
  readonly booking: BookFlow;
  readonly requests: Requests;
  readonly cancellation: Cancellation;
  readonly waitlist: WaitlistFlow;
  readonly records: Records;
  readonly visits: Visits;
  readonly sync: ScheduleSync;
  readonly messages: BookingMessages;

  constructor(deps: BookingServiceDeps) {
    // A seat given back goes to the waitlist first; the hand-over books through the seat flow.
    const ctx = createBookingContext(deps, (freed, nowMs) => handOver.offer(freed, nowMs));
    const confirmation = new Confirmation(ctx.store.bookings, ctx.his, ctx.rules, ctx.log);
    const placement = new Placement(ctx.rules, ctx.pool, ctx.patients, ctx.holds, confirmation);
    const handOver = new HandOver(ctx, placement);
    const mirror = new MirrorSync(ctx.store, ctx.his, ctx.rules, ctx.log);
    this.rules = ctx.rules;
    this.templates = ctx.templates;
    this.nowMs = ctx.nowMs;
    this.messages = ctx.messages;
    this.schedule = new Schedule(ctx.store, ctx.his, ctx.rules, mirror);
    this.requests = new Requests(ctx, confirmation);
    this.booking = new BookFlow(ctx, placement, this.requests);
    this.cancellation = new Cancellation(ctx);
    this.waitlist = new WaitlistFlow(ctx);
    this.records = new Records(ctx, this.waitlist);
    this.visits = new Visits(ctx, this.cancellation);
    this.sync = new ScheduleSync(ctx, mirror, this.cancellation, this.waitlist);
  }
}
