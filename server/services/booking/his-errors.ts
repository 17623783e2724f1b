import { AppError, failedPrecondition, internal, unavailable } from '../../core/errors';
import { HisError } from '../../ports/his';

export const HIS_BUSY = '医院系统繁忙，请稍后再试';
const OUR_FAULT = new Set(['SIGNATURE_INVALID', 'REPLAYED', 'UNAUTHORIZED', 'FORBIDDEN', 'INVALID_REQUEST']);

/** Maps a HIS failure of a non-booking call (reads, check-in, queue). Log detail: op, kind, code only. */
export function mapHisError(
  op: string,
  err: unknown,
  rejectedMessage = '医院系统暂时无法办理，请到医院窗口办理',
): AppError {
  if (err instanceof AppError) return err;
  if (!(err instanceof HisError)) return internal(`his ${op}: ${err instanceof Error ? err.name : typeof err}`);
  const detail = `his ${op} ${err.kind} ${err.code}`;
  if (err.kind === 'unavailable') return unavailable(HIS_BUSY, detail);
  if (OUR_FAULT.has(err.code)) return internal(detail);
  return failedPrecondition(rejectedMessage, detail);
}

export async function callHis<T>(op: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapHisError(op, err);
  }
}

/** True when the HIS call's outcome is unknown (timeout, network, 5xx) or the error is not a HIS answer. */
export function outcomeUnknown(err: unknown): boolean {
  return !(err instanceof HisError) || err.kind === 'unavailable';
}
