import type { ErrorBody, ErrorCode } from '../../typings/envelope';

/**
 * The one error type business code throws. `message` is Chinese text a patient can read and
 * must never contain patient data; `detail` goes to the log only (also without patient data).
 */
/**
 * An answer for the caller (a refusal, a bad argument, an unavailable dependency), not a bug: it
 * carries a code, a message for the user and an operational `detail`, and no stack trace —
 * capturing one costs more than the rest of a refused call, and nothing reads it (the handler
 * logs code and detail; unexpected errors keep theirs).
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly detail?: string,
  ) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'AppError';
  }

  toBody(): ErrorBody {
    return this.field
      ? { code: this.code, message: this.message, field: this.field }
      : { code: this.code, message: this.message };
  }
}

export const invalid = (field: string, message: string): AppError => new AppError('INVALID_ARGUMENT', message, field);
export const notFound = (message = '记录不存在'): AppError => new AppError('NOT_FOUND', message);
export const alreadyExists = (message: string): AppError => new AppError('ALREADY_EXISTS', message);
export const failedPrecondition = (message: string, detail?: string): AppError =>
  new AppError('FAILED_PRECONDITION', message, undefined, detail);
export const resourceExhausted = (message: string): AppError => new AppError('RESOURCE_EXHAUSTED', message);
export const unavailable = (message: string, detail?: string): AppError =>
  new AppError('UNAVAILABLE', message, undefined, detail);
export const aborted = (message: string, detail?: string): AppError =>
  new AppError('ABORTED', message, undefined, detail);
export const internal = (detail: string): AppError =>
  new AppError('INTERNAL', '系统繁忙，请稍后再试', undefined, detail);
