/**
 * Contract of the `booking` cloud function (预约挂号). Request payloads are validated by
 * server/actions/booking/schemas.ts; the compiler holds the two together (server/core/contract.ts:
 * each schema's payload type equals the request here, each handler's result the response).
 *
 * Vocabulary
 * - session (出诊单元): one department clinic (专科号) or one named expert (专家号) on one date
 *   and half-day period; it has time points (`09:00`, `09:30`, …) each with numbered seats.
 * - A booking holds one seat: shown as `09:00（16号）`.
 * - Dates are business dates `YYYY-MM-DD` in Asia/Shanghai; instants are ISO strings.
 */

/** 专科号 (department clinic) or 专家号 (a named expert). */
export type SlotKind = 'specialist' | 'expert';
/** 上午 / 下午 */
export type Period = 'AM' | 'PM';
export type BookingStatus = 'booked' | 'cancelled' | 'checkedIn' | 'completed' | 'missed';
export type BookingRange = '1w' | '1m' | '3m';
export type WaitlistStatus = 'waiting' | 'fulfilled' | 'left' | 'expired';

/**
 * Who cancelled a booking: the patient (in the app), the hospital because the doctor stopped the
 * session (停诊), or the hospital's window (at the patient's request there; learnt from the HIS).
 */
export type CancelReason = 'patient' | 'stopped' | 'window';

/**
 * Why `booking` refused (ErrorBody.reason), with the code it comes with:
 * - `full` (FAILED_PRECONDITION): the time point has no seat left — the waitlist may be open;
 * - `notReleased` (FAILED_PRECONDITION): before the release time (`rules.releaseTime`);
 * - `closed` (FAILED_PRECONDITION): the session has started, or the doctor stopped it (停诊);
 * - `noShowBlocked` (FAILED_PRECONDITION): `noShowLimit` no-shows within `noShowWindowDays`;
 * - `perDeptDay` (ALREADY_EXISTS): the patient already has a booking in that department that day;
 * - `maxActive` (RESOURCE_EXHAUSTED): the patient has `maxActivePerPatient` active bookings;
 * - `tooLateToCancel` / `notCancellable` (FAILED_PRECONDITION): cancel after the deadline / in a
 *   state that allows none;
 * - `notCheckInnable` / `outsideArrivalWindow` (FAILED_PRECONDITION): check-in in a state that
 *   allows none / outside the arrival window; `notCheckedIn` (FAILED_PRECONDITION): queue before it;
 * - `waitlistClosed` / `waitlistNotFull` (FAILED_PRECONDITION), `waitlistDuplicate`
 *   (ALREADY_EXISTS), `waitlistNotWaiting` (FAILED_PRECONDITION): the waitlist;
 * - `processing` (ABORTED): the same idempotency key is being answered — ask again shortly;
 * - `pending` (UNAVAILABLE): the HIS did not say whether it booked (确认中): see 预约记录, never
 *   book again with a new key;
 * - `hisUnavailable` (UNAVAILABLE): the HIS is busy or unreachable, nothing was booked — the same
 *   key may be tried again; `hisRefused` (FAILED_PRECONDITION): the HIS refused;
 * - `contention` (ABORTED): too many changes to the patient's bookings at once — try again.
 * NOT_FOUND, INVALID_ARGUMENT (with `field`), UNAUTHENTICATED and INTERNAL carry no reason.
 */
export const BOOKING_REFUSAL_REASONS = [
  'full',
  'notReleased',
  'closed',
  'noShowBlocked',
  'perDeptDay',
  'maxActive',
  'tooLateToCancel',
  'notCancellable',
  'notCheckInnable',
  'outsideArrivalWindow',
  'notCheckedIn',
  'waitlistClosed',
  'waitlistNotFull',
  'waitlistDuplicate',
  'waitlistNotWaiting',
  'processing',
  'pending',
  'hisUnavailable',
  'hisRefused',
  'contention',
] as const;
export type BookingRefusalReason = (typeof BOOKING_REFUSAL_REASONS)[number];

export interface DepartmentView {
  code: string;
  name: string;
  location: string;
  intro: string;
  doctorCount: number;
}

export interface DoctorView {
  doctorId: string;
  name: string;
  /** 主任医师 / 副主任医师 / 主治医师 */
  title: string;
  /** expert: books 专家号 under their name; specialist: sees 专科号 patients. */
  level: SlotKind;
  gender: 'M' | 'F';
  deptCode: string;
  deptName: string;
  specialty: string;
  intro: string;
}

export interface TimePointView {
  /** `09:00` */
  time: string;
  /** `09:30` — end of the time point (start of the next). */
  endTime: string;
  seatsTotal: number;
  seatsRemaining: number;
  /** The arrival / check-in window: from 30 min before the time point until it starts. */
  arrival: { from: string; to: string };
  /** False when full, closed (session started) or not yet released. */
  bookable: boolean;
}

export interface SessionView {
  sessionId: string;
  date: string;
  period: Period;
  kind: SlotKind;
  deptCode: string;
  deptName: string;
  doctorId: string | null;
  doctorName: string | null;
  doctorTitle: string | null;
  feeFen: number;
  location: string;
  /** ISO instant the session starts (first time point). */
  startsAt: string;
  /** ISO instant the session's date is released for booking (date − 7 days at the release time). */
  releaseAt: string;
  released: boolean;
  seatsTotal: number;
  seatsRemaining: number;
  /** Why it cannot be booked now, if it cannot. */
  closedReason: 'notReleased' | 'started' | 'full' | null;
  timePoints: TimePointView[];
  waitlist: { open: boolean; waiting: number };
}

export interface BookingView {
  bookingId: string;
  status: BookingStatus;
  cardId: string;
  /** Masked as in PatientCardView (whole only on the caller's 本人 card). */
  patientName: string;
  kind: SlotKind;
  deptCode: string;
  deptName: string;
  doctorName: string | null;
  doctorTitle: string | null;
  date: string;
  period: Period;
  time: string;
  seatNo: number;
  /** `09:00（16号）` */
  display: string;
  location: string;
  feeFen: number;
  arrival: { from: string; to: string };
  /** ISO: time point − 2 h. */
  cancellableUntil: string;
  canCancel: boolean;
  canCheckIn: boolean;
  /** Queue number after check-in. */
  queueNo: number | null;
  /** 'waitlist' when the seat came from the waitlist. */
  source: 'direct' | 'waitlist';
  createdAt: string;
  cancelledAt: string | null;
  /** Set when cancelled. */
  cancelReason: CancelReason | null;
  checkedInAt: string | null;
}

export interface WaitlistView {
  waitlistId: string;
  status: WaitlistStatus;
  cardId: string;
  patientName: string;
  sessionId: string;
  date: string;
  period: Period;
  deptName: string;
  doctorName: string | null;
  /** 1-based position among those waiting; null unless waiting. */
  position: number | null;
  /** Set when fulfilled. */
  bookingId: string | null;
  /** ISO: the waitlist closes 2 h before the session. */
  closesAt: string;
  createdAt: string;
}

export interface BookingDepartmentsRequest {
  action: 'departments';
  /** Optional search over name and intro. */
  q?: string;
}
export interface BookingDepartmentsResponse {
  departments: DepartmentView[];
}

export interface BookingDoctorsRequest {
  action: 'doctors';
  deptCode: string;
}
export interface BookingDoctorsResponse {
  department: DepartmentView;
  doctors: DoctorView[];
}

export interface BookingScheduleRequest {
  action: 'schedule';
  deptCode: string;
  /** Only this expert's sessions. */
  doctorId?: string;
  kind?: SlotKind;
}
export interface BookingScheduleResponse {
  /** The bookable window: today … today+7. */
  dates: string[];
  /** `07:00` */
  releaseTime: string;
  sessions: SessionView[];
}

export interface BookingSessionRequest {
  action: 'session';
  sessionId: string;
}
/** One session as `schedule` shows it (NOT_FOUND when unknown or stopped). */
export type BookingSessionResponse = SessionView;

export interface BookingRulesRequest {
  action: 'rules';
}
/**
 * The booking rules a patient is told about, as this deployment has them (server/config/
 * booking-rules.ts holds them, with their defaults, next to the server-only settings).
 */
export interface PublicBookingRules {
  /** Days after today that can be booked: the window is today … today + windowDays. */
  windowDays: number;
  /** A date is released `windowDays` days before at this time of day (`HH:mm`, Asia/Shanghai). */
  releaseTime: string;
  /** One active booking per HIS patient per department per date. */
  onePerDeptPerDay: boolean;
  /** At most this many active future bookings per HIS patient. */
  maxActivePerPatient: number;
  /** This many no-shows (过号/爽约) within `noShowWindowDays` days … */
  noShowLimit: number;
  noShowWindowDays: number;
  /** … block new bookings for this many days from the no-show that reached the limit. */
  noShowBlockDays: number;
  /** Cancellation is allowed until the time point minus this many minutes (inclusive). */
  cancelBeforeMinutes: number;
  /** Arrival / check-in window: from this many minutes before the time point until it starts. */
  arrivalBeforeMinutes: number;
  /** The waitlist of a session closes (entries expire) this many minutes before the session starts. */
  waitlistClosesBeforeMinutes: number;
  /** 预约记录: at most this many bookings per answer (newest first; the answer says when cut). */
  listLimit: number;
}

/** What the pages show of the rules, and need for consent: never copies of them. */
export interface BookingRulesResponse extends PublicBookingRules {
  /** Subscription message template ids (wx.requestSubscribeMessage), as the server sends them. */
  templates: BookingTemplateIds;
  /** What to ask consent for (at most 3 ids, WeChat's limit): on the 确认预约 tap, and on 加入候补. */
  consent: { book: string[]; waitlist: string[] };
}

/** The subscription messages of booking, by kind → template id. */
export interface BookingTemplateIds {
  /** 预约成功通知 */
  bookingConfirmed: string;
  /** 就诊提醒 */
  visitReminder: string;
  /** 候补成功通知 */
  waitlistSuccess: string;
  /** 预约取消通知: the patient cancelled, or the hospital did (医生停诊, the window). */
  bookingCancelled: string;
}

export interface BookingBookRequest {
  action: 'book';
  cardId: string;
  sessionId: string;
  time: string;
  /** One per tap (client generated); the same key always yields the same answer. */
  idempotencyKey: string;
}
export type BookingBookResponse = BookingView;

/** A request naming one of the caller's bookings and nothing more (cancel, get, checkIn, queue). */
interface BookingIdRequest<A extends string> {
  action: A;
  bookingId: string;
}

export type BookingCancelRequest = BookingIdRequest<'cancel'>;
export type BookingCancelResponse = BookingView;

export interface BookingListRequest {
  action: 'list';
  range: BookingRange;
  cardId?: string;
}
export interface BookingListResponse {
  bookings: BookingView[];
  waitlist: WaitlistView[];
  /** True when more bookings of the range exist than the answer holds (the newest are shown). */
  truncated: boolean;
}

export type BookingGetRequest = BookingIdRequest<'get'>;
export type BookingGetResponse = BookingView;

export type BookingCheckInRequest = BookingIdRequest<'checkIn'>;
export type BookingCheckInResponse = BookingView;

export type BookingQueueRequest = BookingIdRequest<'queue'>;
export interface BookingQueueResponse {
  bookingId: string;
  queueNo: number;
  /** Queue number now being seen; null before the session starts calling. */
  nowServing: number | null;
  ahead: number;
}

export interface BookingJoinWaitlistRequest {
  action: 'joinWaitlist';
  cardId: string;
  sessionId: string;
}
export type BookingJoinWaitlistResponse = WaitlistView;

export interface BookingLeaveWaitlistRequest {
  action: 'leaveWaitlist';
  waitlistId: string;
}
export type BookingLeaveWaitlistResponse = WaitlistView;

export interface BookingActions {
  departments: [BookingDepartmentsRequest, BookingDepartmentsResponse];
  doctors: [BookingDoctorsRequest, BookingDoctorsResponse];
  schedule: [BookingScheduleRequest, BookingScheduleResponse];
  session: [BookingSessionRequest, BookingSessionResponse];
  rules: [BookingRulesRequest, BookingRulesResponse];
  book: [BookingBookRequest, BookingBookResponse];
  cancel: [BookingCancelRequest, BookingCancelResponse];
  list: [BookingListRequest, BookingListResponse];
  get: [BookingGetRequest, BookingGetResponse];
  checkIn: [BookingCheckInRequest, BookingCheckInResponse];
  queue: [BookingQueueRequest, BookingQueueResponse];
  joinWaitlist: [BookingJoinWaitlistRequest, BookingJoinWaitlistResponse];
  leaveWaitlist: [BookingLeaveWaitlistRequest, BookingLeaveWaitlistResponse];
}
