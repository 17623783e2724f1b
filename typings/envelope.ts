/**
 * The envelope every cloud function returns, and the canonical error codes.
 * Shared by the mini program (services/*.ts) and the server (server/core/handler.ts).
 */

export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'FAILED_PRECONDITION',
  'RESOURCE_EXHAUSTED',
  'ABORTED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Reasons any function that calls the HIS may answer with (one mapping of HIS failures:
 * server/services/his-errors.ts): `hisUnavailable` (UNAVAILABLE: the HIS is busy or unreachable,
 * nothing was done), `hisRefused` (FAILED_PRECONDITION: the HIS refused; the message says to go
 * to the window), `hisInvalidInput` (INVALID_ARGUMENT: the HIS refused what the patient entered).
 */
export type HisReason = 'hisUnavailable' | 'hisRefused' | 'hisInvalidInput';

/**
 * The body of a refusal. `reason` is machine-readable (each function's union in typings/<fn>.ts,
 * e.g. `BookingRefusalReason`): switch on `code` and `reason`, never on `message`.
 */
export interface ErrorBody<R extends string = string> {
  code: ErrorCode;
  /** Short Chinese text a patient can read. Never contains patient data. */
  message: string;
  /** For INVALID_ARGUMENT: the payload field at fault (dot path, e.g. `idNumber`). */
  field?: string;
  /** Why, for refusals a client reacts to; absent where the code says it all. */
  reason?: R;
}

export interface OkEnvelope<T> {
  ok: true;
  data: T;
}

export interface ErrorEnvelope<R extends string = string> {
  ok: false;
  error: ErrorBody<R>;
}

export type Envelope<T, R extends string = string> = OkEnvelope<T> | ErrorEnvelope<R>;
