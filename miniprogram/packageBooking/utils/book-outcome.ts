/**
 * What 确认预约 does after a failed `book`, decided on the error's code and `reason` (never its
 * message, which is for the patient).
 */
import { isCloudError, reasonOf } from '../../services/cloud';

export interface BookFailure {
  /**
   * The server may have acted on the request, so a retry must send the SAME idempotency key (it can
   * then never take a second seat): no answer came back (network failure, the function threw) or it
   * broke midway (INTERNAL); the HIS did not say whether it booked (`pending`, 确认中: the booking
   * shows up under 预约记录 once settled); or the same key is still being answered (`processing`).
   * Any other answer is definite, and the next attempt is a new request with a new key.
   */
  keepKey: boolean;
  /** The time point can no longer be booked (`full`, or `closed`: started or 停诊). */
  seatGone: boolean;
}

export function bookFailure(err: unknown): BookFailure {
  if (!isCloudError(err) || !err.answered || err.code === 'INTERNAL') return { keepKey: true, seatGone: false };
  const reason = reasonOf(err, 'booking');
  return {
    keepKey: reason === 'pending' || reason === 'processing',
    seatGone: reason === 'full' || reason === 'closed',
  };
}
