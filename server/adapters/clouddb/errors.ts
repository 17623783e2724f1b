/** The error text of a rejected database call (`message`, and `errMsg` as the SDK sets it). */
function errorText(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const e = err as { message?: unknown; errMsg?: unknown };
  return `${typeof e.message === 'string' ? e.message : ''} ${typeof e.errMsg === 'string' ? e.errMsg : ''}`;
}

/**
 * CloudBase rejects `doc(id).get()` of a missing document (errCode -502001 style, message with
 * "does not exist"); the devstack emulator does the same. This tells that case from real failures.
 */
export function isDocNotFound(err: unknown): boolean {
  return /does not exist|not exist|cannot find document|不存在/i.test(errorText(err));
}

/** An `add` whose `_id` is taken (deterministic ids: the other writer won). */
export function isDuplicateKey(err: unknown): boolean {
  return /duplicate key|E11000|already exists/i.test(errorText(err));
}

/** A transaction that could not commit because what it read changed (after the DB's own retries). */
export function isTransactionConflict(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { errCode?: unknown; message?: unknown };
  return (
    e.errCode === -502005 ||
    (typeof e.message === 'string' && /TRANSACTION_CONFLICT|transaction conflict/i.test(e.message))
  );
}
