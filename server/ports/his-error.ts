/**
 * Failure talking to the HIS, whatever the feature (thrown by the adapters in server/adapters/his,
 * mapped to the envelope once, by server/services/his-errors.ts).
 * - `kind: 'unavailable'`: network error, timeout, HTTP 5xx, or HIS code `UNAVAILABLE`; safe reads were
 *   already retried by the client.
 * - `kind: 'rejected'`: the HIS answered with a business error; `code` is the HIS error code
 *   (`PATIENT_EXISTS`, `SEAT_TAKEN`, `INVALID_REQUEST`, `NOT_FOUND`, `SIGNATURE_INVALID`, `REPLAYED`, ...).
 */
export class HisError extends Error {
  constructor(
    readonly kind: 'unavailable' | 'rejected',
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HisError';
  }
}
