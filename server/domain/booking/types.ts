/**
 * Booking records as stored in the cloud DB (see server/adapters/clouddb/booking-store.ts for the
 * collections and ids). Pure types: no I/O here.
 */
import type { ErrorCode } from '../../../typings/envelope';
import type {
  BookingRefusalReason,
  BookingStatus,
  CancelReason,
  Period,
  SessionView,
  SlotKind,
  WaitlistStatus,
} from '../../../typings/booking';
import type { Gender } from '../../../typings/patient';

export interface TimePointFacts {
  time: string;
  endTime: string;
  capacity: number;
}

/** The session facts a SessionView shows, stored as they are. */
type SessionFacts = Pick<
  SessionView,
  | 'sessionId'
  | 'date'
  | 'period'
  | 'kind'
  | 'deptCode'
  | 'deptName'
  | 'doctorId'
  | 'doctorName'
  | 'doctorTitle'
  | 'feeFen'
  | 'location'
  | 'startsAt'
  | 'releaseAt'
>;

/** `booking_sessions/{sessionId}`: HIS session facts + names, refreshed by syncSchedule. */
export interface SessionRecord extends SessionFacts {
  _id: string;
  startsAtMs: number;
  releaseAtMs: number;
  status: 'open' | 'stopped';
  timePoints: TimePointFacts[];
  /** Number of waitlist entries waiting (kept by joinWaitlist/leave/fulfil/expire with _.inc). */
  waiting: number;
  syncedAtMs: number;
}

/** `booking_timepoints/{sessionId}_{HHmm}`: the seat counter taken with one conditional update. */
export interface TimePointRecord {
  _id: string;
  sessionId: string;
  time: string;
  endTime: string;
  seatNos: number[];
  capacity: number;
  remaining: number;
  /**
   * A difference between `remaining` and the free seats seen by a schedule sync (remaining − free),
   * kept until the next sync: a difference that persists across two syncs is a leaked count (e.g.
   * a function instance died between reserving and claiming) and is corrected then; a momentary
   * one (a booker between its two steps) is not.
   */
  countCheck?: { diff: number; atMs: number } | null;
}

/** `booking_seats/{sessionId}_{seatNo}`. holder: null (free), a bookingId, or 'his' (taken in the HIS). */
export interface SeatRecord {
  _id: string;
  sessionId: string;
  time: string;
  seatNo: number;
  holder: string | null;
}

/** Stored booking status: the public ones plus internal `pending` (HIS outcome unknown) and `failed`. */
export type StoredBookingStatus = BookingStatus | 'pending' | 'failed';

/** `bookings/{bookingId}`. */
export interface BookingRecord {
  _id: string;
  _openid: string;
  status: StoredBookingStatus;
  cardId: string;
  hisPatientId: string;
  /** `booking_patients` id (keyed hash of hisPatientId). */
  patientKey: string;
  /** Masked as in PatientCardView (whole on the caller's 本人 card). */
  patientName: string;
  sessionId: string;
  kind: SlotKind;
  deptCode: string;
  deptName: string;
  doctorName: string | null;
  doctorTitle: string | null;
  date: string;
  period: Period;
  time: string;
  endTime: string;
  seatNo: number;
  location: string;
  feeFen: number;
  /** Epoch ms of the time point start / end. */
  startMs: number;
  endMs: number;
  hisBookingId: string | null;
  /** The booking_requests id this booking answers (idempotency record). */
  requestId: string;
  /** requestId of the HIS confirmBooking call (bookingId, or `<bookingId>-r1` after a SEAT_TAKEN retry). */
  confirmRequestId: string;
  queueNo: number | null;
  source: 'direct' | 'waitlist';
  waitlistId: string | null;
  reminded: boolean;
  createdAt: string;
  createdAtMs: number;
  cancelledAt: string | null;
  /** Set with `cancelled` (absent on documents written before it existed: the patient). */
  cancelReason?: CancelReason | null;
  checkedInAt: string | null;
  updatedAtMs: number;
}

/** One active booking of a HIS patient, as the rules see it. */
export interface ActiveEntry {
  bookingId: string;
  deptCode: string;
  date: string;
  /** Epoch ms the time point ends; entries past it no longer count. */
  endMs: number;
}

/** `booking_patients/{patientKey}`: per-HIS-patient rule state, changed by compare-and-set on `version`. */
export interface PatientRuleState {
  active: ActiveEntry[];
  /** Business dates of no-shows, ascending. */
  noShows: string[];
}

/** `booking_waitlist/{waitlistId}`. */
export interface WaitlistRecord {
  _id: string;
  _openid: string;
  status: WaitlistStatus;
  cardId: string;
  hisPatientId: string;
  patientKey: string;
  patientName: string;
  sessionId: string;
  date: string;
  period: Period;
  deptCode: string;
  deptName: string;
  doctorName: string | null;
  closesAtMs: number;
  bookingId: string | null;
  /** Bumped on every (re-)join: part of the system idempotency key of the fulfilment. */
  round: number;
  createdAt: string;
  createdAtMs: number;
  updatedAtMs: number;
}

/** A patient card as booking uses it (read from `patient_cards`, owned by the caller). */
export interface BookingCard {
  cardId: string;
  hisPatientId: string;
  /** As PatientCardView shows it: whole on the 本人 card, masked otherwise. */
  displayName: string;
  /** HIS card number (就诊卡号). */
  cardNo: string;
  /** For rules on the patient (自助检验 eligibility); null when the card does not say. */
  gender: Gender | null;
  /** YYYY-MM-DD, or null. */
  birthDate: string | null;
}

/** A rule's refusal: the envelope's code, reason (typings/booking.ts) and message. */
export interface Refusal {
  reason: BookingRefusalReason;
  code: ErrorCode;
  /** Patient-readable; never contains patient data. */
  message: string;
}

export type Decision<T = undefined> = { ok: true; value: T } | { ok: false; refusal: Refusal };
