/**
 * The `booking` function's actions (预约挂号) and timer jobs. Routing, identity, validation and the
 * envelope are createMain's; timers are routed by createTimerAwareMain (server/core/timer-main.ts).
 * The action map is checked against typings/booking.ts at compile time (defineActions).
 */
import type { BookingActions } from '../../../typings/booking';
import { defineActions } from '../../core/contract';
import { action, userAction, type ActionMap } from '../../core/handler';
import type { Clock } from '../../core/time';
import type { TimerMap } from '../../core/timer-main';
import { toRulesView } from '../../domain/booking';
import { BookingService, type BookingServiceDeps } from '../../services/booking/booking-service';
import {
  bookingIdPayloadSchema,
  bookSchema,
  departmentsSchema,
  doctorsSchema,
  joinWaitlistSchema,
  leaveWaitlistSchema,
  listSchema,
  rulesSchema,
  scheduleSchema,
  sessionSchema,
} from './schemas';

export type BookingActionDeps = BookingServiceDeps;

export function bookingActions(deps: BookingActionDeps, service = new BookingService(deps)): ActionMap {
  return defineActions<BookingActions>()({
    departments: action({ schema: departmentsSchema, run: (i) => service.schedule.departments(i.q) }),
    doctors: action({ schema: doctorsSchema, run: (i) => service.schedule.doctors(i.deptCode) }),
    schedule: action({
      schema: scheduleSchema,
      run: (i, ctx) => service.schedule.schedule(i, service.nowMs(ctx.now)),
    }),
    session: action({
      schema: sessionSchema,
      run: (i, ctx) => service.schedule.session(i.sessionId, service.nowMs(ctx.now)),
    }),
    rules: action({ schema: rulesSchema, run: async () => toRulesView(service.rules, service.templates) }),
    book: userAction(bookSchema, (i, caller) => service.booking.book(caller, i)),
    cancel: userAction(bookingIdPayloadSchema, (i, caller) => service.cancellation.cancel(caller, i.bookingId)),
    list: userAction(listSchema, (i, caller) => service.records.list(caller, i.range, i.cardId)),
    get: userAction(bookingIdPayloadSchema, (i, caller) => service.records.get(caller, i.bookingId)),
    checkIn: userAction(bookingIdPayloadSchema, (i, caller) => service.visits.checkIn(caller, i.bookingId)),
    queue: userAction(bookingIdPayloadSchema, (i, caller) => service.visits.queue(caller, i.bookingId)),
    joinWaitlist: userAction(joinWaitlistSchema, (i, caller) => service.waitlist.join(caller, i.cardId, i.sessionId)),
    leaveWaitlist: userAction(leaveWaitlistSchema, (i, caller) => service.waitlist.leave(caller, i.waitlistId)),
  });
}

/** Timer trigger name → job (names as in cloudfunctions/booking/config.json). */
export function bookingTimers(deps: BookingActionDeps, service = new BookingService(deps)): TimerMap {
  const ms = (now: Clock): number => service.nowMs(now);
  return {
    syncSchedule: (now) => service.sync.run(ms(now)),
    syncScheduleAtRelease: (now) => service.sync.run(ms(now)),
    reconcile: (now) => service.requests.reconcile(ms(now)),
    markNoShows: (now) => service.visits.markNoShows(ms(now)),
    remindTomorrow: (now) => service.visits.remindTomorrow(ms(now)),
    sendMessages: (now) => service.messages.sendDue(ms(now)),
    expireWaitlist: (now) => service.waitlist.expire(ms(now)),
  };
}

/** Actions and timers over one service instance. */
export function bookingFunction(deps: BookingActionDeps): { actions: ActionMap; timers: TimerMap } {
  const service = new BookingService(deps);
  return { actions: bookingActions(deps, service), timers: bookingTimers(deps, service) };
}
