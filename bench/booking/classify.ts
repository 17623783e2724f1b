/**
 * What kind of answer a `book` call got, for the burst's outcome counts and latency by outcome.
 * Decided on the envelope's code and `reason` (typings/booking.ts BookingRefusalReason), never on
 * its message, which is Chinese text for patients and may be reworded.
 */
import type { ErrorBody } from '../../typings/envelope';
import type { FunctionReason } from '../../typings/functions';

export type Outcome = 'ok' | 'full' | 'refusedByHis' | 'unavailable' | 'pending' | 'other';

export const OUTCOMES: readonly Outcome[] = ['ok', 'full', 'refusedByHis', 'unavailable', 'pending', 'other'];

/** A `book` answer as the bench reads it (./http.ts Envelope is one). */
export interface BookAnswer {
  ok: boolean;
  error?: {
    /** An ErrorCode, or the bench's own `HTTP_<status>` for an answer that was no envelope. */
    code?: string;
    reason?: ErrorBody<FunctionReason<'booking'>>['reason'];
  };
}

export function classify(e: BookAnswer): Outcome {
  if (e.ok) return 'ok';
  const { code, reason } = e.error ?? {};
  if (reason === 'full') return 'full';
  if (reason === 'pending') return 'pending';
  if (reason === 'hisRefused') return 'refusedByHis';
  // `hisUnavailable`, and any other UNAVAILABLE (e.g. the devstack's own).
  if (reason === 'hisUnavailable' || code === 'UNAVAILABLE') return 'unavailable';
  return 'other';
}
