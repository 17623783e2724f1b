/** 预约挂号: typed calls to the `booking` cloud function. */
import type {
  BookingBookRequest,
  BookingDepartmentsResponse,
  BookingDoctorsResponse,
  BookingListResponse,
  BookingQueueResponse,
  BookingRange,
  BookingRulesResponse,
  BookingScheduleRequest,
  BookingScheduleResponse,
  BookingView,
  SessionView,
  WaitlistView,
} from '../../../typings/booking';
import { callCloud } from '../../services/cloud';

export type BookInput = Omit<BookingBookRequest, 'action'>;
export type ScheduleQuery = Omit<BookingScheduleRequest, 'action'>;

export function listDepartments(q?: string): Promise<BookingDepartmentsResponse> {
  return callCloud('booking', 'departments', q ? { q } : {});
}

export function listDoctors(deptCode: string): Promise<BookingDoctorsResponse> {
  return callCloud('booking', 'doctors', { deptCode });
}

export function getSchedule(query: ScheduleQuery): Promise<BookingScheduleResponse> {
  const payload: ScheduleQuery = { deptCode: query.deptCode };
  if (query.doctorId) payload.doctorId = query.doctorId;
  if (query.kind) payload.kind = query.kind;
  return callCloud('booking', 'schedule', payload);
}

/** One session as `schedule` shows it (NOT_FOUND when unknown or stopped). */
export function getSession(sessionId: string): Promise<SessionView> {
  return callCloud('booking', 'session', { sessionId });
}

/**
 * The booking rules and subscription template ids of this deployment, asked once per app session:
 * they change only with a deploy, and every booking page shows some of them. A failed load is
 * not kept, so the next page (or 重新加载) asks again.
 */
let rules: Promise<BookingRulesResponse> | null = null;

export function getRules(): Promise<BookingRulesResponse> {
  if (!rules) {
    const loading = callCloud('booking', 'rules', {});
    rules = loading;
    loading.catch(() => {
      if (rules === loading) rules = null;
    });
  }
  return rules;
}

export function book(input: BookInput): Promise<BookingView> {
  return callCloud('booking', 'book', input);
}

export function cancelBooking(bookingId: string): Promise<BookingView> {
  return callCloud('booking', 'cancel', { bookingId });
}

export function listBookings(range: BookingRange, cardId?: string): Promise<BookingListResponse> {
  return callCloud('booking', 'list', cardId ? { range, cardId } : { range });
}

export function getBooking(bookingId: string): Promise<BookingView> {
  return callCloud('booking', 'get', { bookingId });
}

export function checkIn(bookingId: string): Promise<BookingView> {
  return callCloud('booking', 'checkIn', { bookingId });
}

export function getQueue(bookingId: string): Promise<BookingQueueResponse> {
  return callCloud('booking', 'queue', { bookingId });
}

export function joinWaitlist(cardId: string, sessionId: string): Promise<WaitlistView> {
  return callCloud('booking', 'joinWaitlist', { cardId, sessionId });
}

export function leaveWaitlist(waitlistId: string): Promise<WaitlistView> {
  return callCloud('booking', 'leaveWaitlist', { waitlistId });
}
