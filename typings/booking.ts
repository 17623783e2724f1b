/**
 * Contract of the `booking` cloud function (预约挂号). Request payloads are validated by
 * server/functions/booking/schemas.ts, which must stay in step with these types.
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

export interface BookingBookRequest {
  action: 'book';
  cardId: string;
  sessionId: string;
  time: string;
  /** One per tap (client generated); the same key always yields the same answer. */
  idempotencyKey: string;
}
export type BookingBookResponse = BookingView;

export interface BookingCancelRequest {
  action: 'cancel';
  bookingId: string;
}
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

export interface BookingGetRequest {
  action: 'get';
  bookingId: string;
}
export type BookingGetResponse = BookingView;

export interface BookingCheckInRequest {
  action: 'checkIn';
  bookingId: string;
}
export type BookingCheckInResponse = BookingView;

export interface BookingQueueRequest {
  action: 'queue';
  bookingId: string;
}
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
  book: [BookingBookRequest, BookingBookResponse];
  cancel: [BookingCancelRequest, BookingCancelResponse];
  list: [BookingListRequest, BookingListResponse];
  get: [BookingGetRequest, BookingGetResponse];
  checkIn: [BookingCheckInRequest, BookingCheckInResponse];
  queue: [BookingQueueRequest, BookingQueueResponse];
  joinWaitlist: [BookingJoinWaitlistRequest, BookingJoinWaitlistResponse];
  leaveWaitlist: [BookingLeaveWaitlistRequest, BookingLeaveWaitlistResponse];
}
