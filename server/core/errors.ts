import type { ErrorBody, ErrorCode } from '../../typings/envelope';

export interface AppErrorOptions {
  /** For INVALID_ARGUMENT: the payload field at fault. */
  field?: string | undefined;
  /**
   * Why a refusal happened, for clients to react to (`full`, `maxActive`, …: the unions in
   * typings/<fn>.ts). Goes into the envelope and the log line; the message stays for people.
   */
  reason?: string | undefined;
  /** Operational detail for the log only (never patient data). */
  detail?: string | undefined;
}

/**
 * The one error type business code throws: an answer for the caller (a refusal, a bad argument,
 * an unavailable dependency), not a bug. It carries a code, a message a patient can read (never
 * patient data), optionally a machine-readable `reason`, and an operational `detail` — and no
 * stack trace: capturing one costs more than the rest of a refused call, and nothing reads it (the
 * handler logs code, reason and detail; unexpected errors keep theirs).
 */
export class AppError extends Error {
  readonly field: string | undefined;
  readonly reason: string | undefined;
  readonly detail: string | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    opts: AppErrorOptions = {},
  ) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'AppError';
    this.field = opts.field;
    this.reason = opts.reason;
    this.detail = opts.detail;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.field) body.field = this.field;
    if (this.reason) body.reason = this.reason;
    return body;
  }
}

type Why = Pick<AppErrorOptions, 'reason' | 'detail'>;

export const invalid = (field: string, message: string): AppError =>
  new AppError('INVALID_ARGUMENT', message, { field });
export const notFound = (message = '记录不存在'): AppError => new AppError('NOT_FOUND', message);
export const failedPrecondition = (message: string, why?: Why): AppError =>
  new AppError('FAILED_PRECONDITION', message, why);
export const unavailable = (message: string, why?: Why): AppError => new AppError('UNAVAILABLE', message, why);
export const aborted = (message: string, why?: Why): AppError => new AppError('ABORTED', message, why);
export const internal = (detail: string): AppError => new AppError('INTERNAL', '系统繁忙，请稍后再试', { detail });

/** A pure rule's refusal (server/domain/<feature>) as the error answered; `detail` for the log. */
export const refusalError = (
  r: { code: ErrorCode; message: string; reason: string },
  detail = `refused: ${r.reason}`,
): AppError => new AppError(r.code, r.message, { reason: r.reason, detail });
