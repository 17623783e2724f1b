/**
 * Wire-level constants of the HIS gateway protocol (docs/his-gateway.md), shared by the client and
 * the devstack HIS sandbox.
 */

export const HIS_API_PREFIX = '/api/v1/';

/** Largest request body the gateway accepts. */
export const HIS_MAX_BODY_BYTES = 64 * 1024;

/** Error codes the gateway answers with, and their HTTP status. */
export const HIS_ERROR_STATUS = {
  INVALID_REQUEST: 400,
  SIGNATURE_INVALID: 401,
  TIMESTAMP_EXPIRED: 401,
  REPLAYED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_FOUND: 404,
  PATIENT_EXISTS: 409,
  /** booking.confirm: the seat is held by another active booking. */
  SEAT_TAKEN: 409,
  /** booking.confirm: the session's releaseAt has not come yet. */
  NOT_RELEASED: 409,
  /** booking.confirm: the session has started, or is 停诊 (stopped). */
  SESSION_CLOSED: 409,
  /** booking.confirm: the patient already holds an active booking in this session. */
  DUPLICATE_BOOKING: 409,
  /** booking.confirm: this requestId was voided by booking.cancel before it booked anything. */
  CANCELLED: 409,
  /** booking.cancel: the booking's time point has started. */
  TOO_LATE: 409,
  /** booking.checkIn: outside the arrival window. */
  NOT_IN_WINDOW: 409,
  /** booking.cancel / booking.checkIn: the booking is not in a state that allows it (cancelled, missed, …). */
  INVALID_STATE: 409,
  /** fee.settle: an item is paid, cancelled, unknown or another patient's. */
  ITEM_NOT_PAYABLE: 409,
  /** fee.settle: totalFen differs from the sum of the items' current amounts. */
  AMOUNT_MISMATCH: 409,
  /** insurance.uploadFees: the patient's HIS record has no 社保卡号 / 医保号. */
  NOT_INSURED: 409,
  /** insurance.uploadFees / preSettle: payAuthNo malformed, already used, or its validity ended. */
  AUTH_INVALID: 409,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type HisErrorCode = keyof typeof HIS_ERROR_STATUS;

/**
 * Codes worth retrying (transient). Only idempotent calls are retried: reads, and mutating calls
 * carrying a requestId (the gateway deduplicates them).
 */
export const HIS_RETRYABLE_CODES: ReadonlySet<string> = new Set<HisErrorCode>(['UNAVAILABLE', 'INTERNAL']);

/** Longest date range one `schedule.query` may ask for, in days (both ends included). */
export const HIS_SCHEDULE_MAX_DAYS = 14;
/** Most items one `fee.settle` may pay. */
export const HIS_SETTLE_MAX_ITEMS = 50;
/** WeChat Pay transaction id (微信支付订单号) as fee.settle accepts it. */
export const TRANSACTION_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** The arrival (check-in) window opens this many minutes before a time point starts. */
export const HIS_ARRIVAL_WINDOW_BEFORE_MIN = 30;

/** Method names look like `domain.verbObject`. */
export const HIS_METHOD_RE = /^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/;

/** Mainland mobile number. */
export const MOBILE_RE = /^1[3-9]\d{9}$/;
/** Patient name: 2–20 characters, Chinese or Latin letters, with `·` only between parts. */
export const PATIENT_NAME_RE = /^[\u3400-\u9fffA-Za-z]+(?:·[\u3400-\u9fffA-Za-z]+)*$/;
/** Idempotency key. */
export const REQUEST_ID_RE = /^[A-Za-z0-9_.:-]{8,128}$/;
/** Business date. */
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/** Time of day `HH:mm` (Asia/Shanghai). */
export const TIME_RE = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
/** HIS patient id (EMPI). */
export const PATIENT_ID_RE = /^P\d{10}$/;
/** 社会保障卡号 / 医保号. */
export const SOCIAL_SECURITY_NO_RE = /^[A-Za-z0-9]{6,32}$/;
