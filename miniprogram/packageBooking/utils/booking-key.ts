/**
 * Idempotency keys for `booking.book`: one per confirm-page visit, kept across retries of the
 * same request, so a retry after a lost answer can never take a second seat.
 */

let counter = 0;

/** A fresh key: `bk-` + time + counter + random, ASCII, at most 40 characters. */
export function newIdempotencyKey(now: number = Date.now()): string {
  counter = (counter + 1) % 1_000_000;
  const random = Math.floor(Math.random() * 0x7fffffff).toString(36);
  return `bk-${now.toString(36)}-${counter.toString(36)}-${random}`;
}
