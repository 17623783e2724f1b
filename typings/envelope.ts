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

export interface ErrorBody {
  code: ErrorCode;
  /** Short Chinese text a patient can read. Never contains patient data. */
  message: string;
  /** For INVALID_ARGUMENT: the payload field at fault (dot path, e.g. `idNumber`). */
  field?: string;
}

export interface OkEnvelope<T> {
  ok: true;
  data: T;
}

export interface ErrorEnvelope {
  ok: false;
  error: ErrorBody;
}

export type Envelope<T> = OkEnvelope<T> | ErrorEnvelope;

/** Every function event carries `action`; the rest is the action's payload. */
export type ActionEvent<A extends string, P> = { action: A } & P;
