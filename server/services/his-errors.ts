/**
 * HIS failures → the envelope, once for every feature. The log detail holds the operation, kind
 * and code only, never the HIS message (which may echo patient data).
 *
 * - unavailable (timeout, network, 5xx, HIS UNAVAILABLE) → UNAVAILABLE `hisUnavailable`;
 * - our side misconfigured (signature, replay, credentials) → INTERNAL;
 * - INVALID_REQUEST → where the request carries what the patient entered (`input: true`: the
 *   patient feature's lookups and 建档) INVALID_ARGUMENT `hisInvalidInput` ("check what you
 *   entered"); otherwise the request was built by us from our own records (booking) → INTERNAL;
 * - any other refusal → FAILED_PRECONDITION `hisRefused` ("go to the window").
 */
import type { HisReason } from '../../typings/envelope';
import { AppError, failedPrecondition, internal, unavailable } from '../core/errors';
import { HisError } from '../ports/his-error';

export const HIS_BUSY_MESSAGE = '医院系统繁忙，请稍后再试';
export const HIS_REFUSED_MESSAGE = '医院系统暂时无法办理，请到医院窗口办理';
export const HIS_INVALID_INPUT_MESSAGE = '医院系统未能受理所填信息，请核对后重试';

/** HIS error codes that mean our side is misconfigured (keys, clocks), not the patient's data. */
const OUR_FAULT: ReadonlySet<string> = new Set(['SIGNATURE_INVALID', 'REPLAYED', 'UNAUTHORIZED', 'FORBIDDEN']);

export interface HisCallOptions {
  /** The request carries what the patient entered: a HIS INVALID_REQUEST is about that input. */
  input?: boolean;
}

const reason = (r: HisReason): { reason: HisReason } => ({ reason: r });

export function mapHisError(op: string, err: unknown, opts: HisCallOptions = {}): AppError {
  if (err instanceof AppError) return err;
  if (!(err instanceof HisError)) return internal(`his ${op}: ${err instanceof Error ? err.name : typeof err}`);
  const detail = `his ${op} ${err.kind} ${err.code}`;
  if (err.kind === 'unavailable') return unavailable(HIS_BUSY_MESSAGE, { ...reason('hisUnavailable'), detail });
  if (OUR_FAULT.has(err.code)) return internal(detail);
  if (err.code === 'INVALID_REQUEST') {
    if (!opts.input) return internal(detail);
    return new AppError('INVALID_ARGUMENT', HIS_INVALID_INPUT_MESSAGE, { ...reason('hisInvalidInput'), detail });
  }
  return failedPrecondition(HIS_REFUSED_MESSAGE, { ...reason('hisRefused'), detail });
}

/** Runs one HIS call, mapping its failure. */
export async function callHis<T>(op: string, fn: () => Promise<T>, opts: HisCallOptions = {}): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapHisError(op, err, opts);
  }
}

/** True when the HIS call's outcome is unknown (timeout, network, 5xx) or the error is not a HIS answer. */
export function outcomeUnknown(err: unknown): boolean {
  return !(err instanceof HisError) || err.kind === 'unavailable';
}
