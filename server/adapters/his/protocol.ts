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
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type HisErrorCode = keyof typeof HIS_ERROR_STATUS;

/**
 * Codes worth retrying (transient). Only idempotent calls are retried: reads, and mutating calls
 * carrying a requestId (the gateway deduplicates them).
 */
export const HIS_RETRYABLE_CODES: ReadonlySet<string> = new Set<HisErrorCode>(['UNAVAILABLE', 'INTERNAL']);

/** Method names look like `domain.verbObject`. */
export const HIS_METHOD_RE = /^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/;

/** Resident ID number (format only; the checksum is checked by common/idcard.ts). */
export const ID_NUMBER_RE = /^\d{17}[\dX]$/;
/** Mainland mobile number. */
export const MOBILE_RE = /^1[3-9]\d{9}$/;
/** Patient name: 2–20 characters, Chinese or Latin letters, with `·` only between parts. */
export const PATIENT_NAME_RE = /^[\u3400-\u9fffA-Za-z]+(?:·[\u3400-\u9fffA-Za-z]+)*$/;
/** Idempotency key. */
export const REQUEST_ID_RE = /^[A-Za-z0-9_.:-]{8,128}$/;
/** 社会保障卡号 / 医保号. */
export const SOCIAL_SECURITY_NO_RE = /^[A-Za-z0-9]{6,32}$/;
