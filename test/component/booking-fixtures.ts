/**
 * Fixtures of the booking page tests (booking-*.test.ts): the `booking` function's answers as
 * typings/booking.ts shapes them, including the `rules` answer, whose values the pages show
 * instead of copies of their own (tests change a value and find it on the page; the template ids
 * are not the devstack's, so consent can only use them if they came from `rules`).
 */
import type {
  BookingRulesResponse,
  BookingView,
  DepartmentView,
  DoctorView,
  SessionView,
  TimePointView,
  WaitlistView,
} from '../../typings/booking';
import { DEFAULT_BOOKING_RULES } from '../../server/config/booking-rules';
import { toRulesView } from '../../server/domain/booking';
import { card } from './helpers';
import type { PageComponent } from './helpers';
import { flush, ok, routes } from './wx-mock';
import type { Backend, BackendCall, BackendReply } from './wx-mock';

export const DATES = [
  '2024-05-06',
  '2024-05-07',
  '2024-05-08',
  '2024-05-09',
  '2024-05-10',
  '2024-05-11',
  '2024-05-12',
  '2024-05-13',
];

export function dept(overrides: Partial<DepartmentView> = {}): DepartmentView {
  return {
    code: 'XNK',
    name: '心血管内科',
    location: '门诊楼3楼A区',
    intro: '高血压、冠心病、心律失常的诊治',
    doctorCount: 12,
    ...overrides,
  };
}

export function doctor(overrides: Partial<DoctorView> = {}): DoctorView {
  return {
    doctorId: 'd1',
    name: '张建国',
    title: '主任医师',
    level: 'expert',
    gender: 'M',
    deptCode: 'XNK',
    deptName: '心血管内科',
    specialty: '冠心病介入治疗',
    intro: '从事心血管临床工作30年。',
    ...overrides,
  };
}

export function tp(time: string, remaining: number, overrides: Partial<TimePointView> = {}): TimePointView {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const end = `${String(h + (m === 30 ? 1 : 0)).padStart(2, '0')}:${m === 30 ? '00' : '30'}`;
  const from = `${String(h - (m === 0 ? 1 : 0)).padStart(2, '0')}:${m === 0 ? '30' : '00'}`;
  return {
    time,
    endTime: end,
    seatsTotal: 5,
    seatsRemaining: remaining,
    arrival: { from, to: time },
    bookable: remaining > 0,
    ...overrides,
  };
}

export function session(overrides: Partial<SessionView> = {}): SessionView {
  return {
    sessionId: 's-am',
    date: '2024-05-06',
    period: 'AM',
    kind: 'specialist',
    deptCode: 'XNK',
    deptName: '心血管内科',
    doctorId: null,
    doctorName: null,
    doctorTitle: null,
    feeFen: 1500,
    location: '门诊楼3楼A区',
    startsAt: '2024-05-06T00:00:00.000Z',
    releaseAt: '2024-04-28T23:00:00.000Z',
    released: true,
    seatsTotal: 10,
    seatsRemaining: 3,
    closedReason: null,
    timePoints: [tp('09:00', 3), tp('09:30', 0)],
    waitlist: { open: false, waiting: 0 },
    ...overrides,
  };
}

export const fullPm = session({
  sessionId: 's-pm',
  period: 'PM',
  startsAt: '2024-05-06T06:00:00.000Z',
  seatsRemaining: 0,
  closedReason: 'full',
  timePoints: [tp('14:00', 0), tp('14:30', 0)],
  waitlist: { open: true, waiting: 2 },
});

export const notReleased = session({
  sessionId: 's-later',
  date: '2024-05-13',
  startsAt: '2024-05-13T00:00:00.000Z',
  releaseAt: '2024-05-05T23:00:00.000Z',
  released: false,
  closedReason: 'notReleased',
  seatsRemaining: 10,
  timePoints: [tp('09:00', 5, { bookable: false })],
});

export function scheduleReply(sessions: SessionView[] = [session(), fullPm, notReleased]): BackendReply {
  return ok({ dates: DATES, releaseTime: '07:00', sessions });
}

export function booking(overrides: Partial<BookingView> = {}): BookingView {
  return {
    bookingId: 'b1',
    status: 'booked',
    cardId: 'c1',
    patientName: '王小明',
    kind: 'specialist',
    deptCode: 'XNK',
    deptName: '心血管内科',
    doctorName: null,
    doctorTitle: null,
    date: '2024-05-06',
    period: 'AM',
    time: '09:00',
    seatNo: 16,
    display: '09:00（16号）',
    location: '门诊楼3楼A区',
    feeFen: 1500,
    arrival: { from: '08:30', to: '09:00' },
    cancellableUntil: '2024-05-05T23:00:00.000Z',
    canCancel: true,
    canCheckIn: false,
    queueNo: null,
    source: 'direct',
    createdAt: '2024-05-01T02:00:00.000Z',
    cancelledAt: null,
    cancelReason: null,
    checkedInAt: null,
    ...overrides,
  };
}

export function waitlistEntry(overrides: Partial<WaitlistView> = {}): WaitlistView {
  return {
    waitlistId: 'w1',
    status: 'waiting',
    cardId: 'c1',
    patientName: '王小明',
    sessionId: 's-pm',
    date: '2024-05-06',
    period: 'PM',
    deptName: '心血管内科',
    doctorName: null,
    position: 2,
    bookingId: null,
    closesAt: '2024-05-06T04:00:00.000Z',
    createdAt: '2024-05-01T03:00:00.000Z',
    ...overrides,
  };
}

export const twoCards = () => [
  card({ id: 'c1', name: '王小明', relation: '本人', isDefault: true, cardNo: 'HZ0001' }),
  card({ id: 'c2', name: '王*华', relation: '父母', isDefault: false, cardNo: 'HZ0002' }),
];

/** Taps a plain (non-Vant) view carrying a bindtap. */
export async function tapView(page: PageComponent, selector: string): Promise<void> {
  const node = page.querySelector(selector);
  if (!node) throw new Error(`no element ${selector}`);
  node.dispatchEvent('tap');
  await flush();
}

/** Types into van-search (its inner van-field input). */
export async function search(page: PageComponent, value: string): Promise<void> {
  const input = page
    .querySelector('#search')
    ?.querySelector('.van-search__field')
    ?.querySelectorAll('.van-field__control')
    .find((c) => c.toJSON().event['input']);
  if (!input) throw new Error('no search input');
  input.dispatchEvent('input', { detail: { value, cursor: value.length } });
  await flush();
}

/**
 * This file renders several pages that share Vant components. miniprogram-simulate re-runs a
 * component's JS on each `load` by deleting it from `require.cache`, which jest's module registry
 * ignores; resetting the registry lets each page's first load register its components again.

/** Template ids of the fixture deployment: not the devstack's, so the pages cannot have them. */
export const TEMPLATES = {
  bookingConfirmed: 'T-confirmed-fixture',
  visitReminder: 'T-reminder-fixture',
  waitlistSuccess: 'T-waitlist-fixture',
  bookingCancelled: 'T-cancelled-fixture',
} as const;

/** A `rules` answer: what the server answers with the shipped defaults (toRulesView), unless overridden. */
export function rules(overrides: Partial<BookingRulesResponse> = {}): BookingRulesResponse {
  return { ...toRulesView(DEFAULT_BOOKING_RULES, TEMPLATES), ...overrides };
}

type Route = BackendReply | ((call: BackendCall) => BackendReply | Promise<BackendReply>);

/** routes() with a `booking.rules` answer (the default rules unless the table has its own). */
export function withRules(table: Record<string, Route>): Backend {
  return routes({ 'booking.rules': ok(rules()), ...table });
}

/** The `action`s sent to `booking`, in order. */
export function bookingActions(events: Record<string, unknown>[]): unknown[] {
  return events.map((e) => e.action);
}
