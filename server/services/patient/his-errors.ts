import { HisError } from '../../ports/his';
import { AppError, failedPrecondition, internal, unavailable } from '../../core/errors';

export const HIS_BUSY_MESSAGE = '医院系统繁忙，请稍后再试';

/** HIS error codes that mean our side is misconfigured (keys, clocks), not the patient's data. */
const OUR_FAULT = new Set(['SIGNATURE_INVALID', 'REPLAYED', 'UNAUTHORIZED', 'FORBIDDEN']);

/**
 * Maps a HIS failure to the envelope. The log detail holds the operation, kind and code only,
 * never the HIS message (which may echo patient data).
 */
export function mapHisError(op: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (!(err instanceof HisError)) return internal(`his ${op}: ${err instanceof Error ? err.name : typeof err}`);
  const detail = `his ${op} ${err.kind} ${err.code}`;
  if (err.kind === 'unavailable') return unavailable(HIS_BUSY_MESSAGE, detail);
  if (err.code === 'INVALID_REQUEST') {
    return new AppError('INVALID_ARGUMENT', '医院系统未能受理所填信息，请核对后重试', undefined, detail);
  }
  if (OUR_FAULT.has(err.code)) return internal(detail);
  return failedPrecondition('医院系统暂时无法办理，请到医院窗口办理', detail);
}

/** Runs one HIS call, mapping its failure. */
export async function callHis<T>(op: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapHisError(op, err);
  }
}
