/**
 * What the booking feature needs from the HIS (schedules, seats, bookings, check-in, queue).
 * Adapter: server/adapters/his/booking-client.ts; protocol: docs/his-gateway.md ("Schedules and
 * bookings"). Failures are `HisError` from ./his-error (kind 'unavailable' | 'rejected', code).
 */
import type { Period, SlotKind } from '../../typings/booking';

export interface HisDepartment {
  code: string;
  name: string;
  location: string;
  intro: string;
  sort: number;
}

export interface HisDoctor {
  doctorId: string;
  name: string;
  gender: 'M' | 'F';
  title: string;
  level: SlotKind;
  deptCode: string;
  specialty: string;
  intro: string;
}

export interface HisTimePoint {
  /** `09:00` */
  time: string;
  /** `09:30` */
  endTime: string;
  /** The seat numbers of this time point (numbering runs across the session: 1-4, 5-8, …). */
  seatNos: number[];
  /** Seat numbers already taken in the HIS (booked, checked in, or used at the window). */
  takenSeatNos: number[];
}

export interface HisSession {
  sessionId: string;
  /** YYYY-MM-DD (Asia/Shanghai) */
  date: string;
  period: Period;
  kind: SlotKind;
  deptCode: string;
  /** Set for 专家号 sessions. */
  doctorId: string | null;
  feeFen: number;
  location: string;
  /** ISO instant the HIS starts accepting bookings for this session. */
  releaseAt: string;
  /** 'stopped' = 停诊 (the doctor cancelled the session). */
  status: 'open' | 'stopped';
  timePoints: HisTimePoint[];
}

export type HisBookingStatus = 'booked' | 'cancelled' | 'checkedIn' | 'completed' | 'missed';

export interface HisBooking {
  hisBookingId: string;
  /** The requestId of the confirm call that created it. */
  confirmRequestId: string;
  sessionId: string;
  time: string;
  seatNo: number;
  patientId: string;
  status: HisBookingStatus;
  queueNo: number | null;
  createdAt: string;
}

export interface HisConfirmBookingInput {
  /** Idempotency key: the same requestId always yields the same booking. */
  requestId: string;
  sessionId: string;
  time: string;
  seatNo: number;
  patientId: string;
}

export interface HisBookingPort {
  listDepartments(): Promise<HisDepartment[]>;
  listDoctors(deptCode?: string): Promise<HisDoctor[]>;
  /** Sessions with dates in [fromDate, toDate], released or not. */
  querySchedule(q: { fromDate: string; toDate: string; deptCode?: string; doctorId?: string }): Promise<HisSession[]>;
  /**
   * Books a seat. Rejections: `SEAT_TAKEN`, `NOT_RELEASED`, `SESSION_CLOSED` (started or 停诊),
   * `NOT_FOUND` (session / patient), `INVALID_REQUEST`.
   */
  confirmBooking(input: HisConfirmBookingInput): Promise<HisBooking>;
  /**
   * Cancels the booking made by the confirm call `confirmRequestId` — also when the outcome of that
   * call is unknown (timeout): then it returns null if the HIS never booked it. Idempotent.
   * Rejection `TOO_LATE` when the HIS no longer allows cancelling.
   */
  cancelBooking(input: { requestId: string; confirmRequestId: string }): Promise<HisBooking | null>;
  /** Check-in (签到/取号) within the arrival window: returns the booking with its queueNo. */
  checkIn(input: { requestId: string; hisBookingId: string }): Promise<HisBooking>;
  /** null when the HIS has no booking with this id. */
  getBooking(hisBookingId: string): Promise<HisBooking | null>;
  /** Queue number being seen now for the session's queue; null before calling starts. */
  queueStatus(sessionId: string): Promise<{ nowServing: number | null; checkedIn: number }>;
}
