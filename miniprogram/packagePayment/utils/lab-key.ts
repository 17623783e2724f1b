/**
 * Idempotency keys for `payment.orderLabTests`: made on the 提交并支付 tap. The page keeps a key
 * for the taps that try the same card and tests again after an answer that may have created
 * something (no answer, WeChat Pay down, the sheet cancelled), so a retry finds the charges and the
 * order of the first try instead of making new ones; another selection, or a finished payment,
 * gets a fresh key.
 */

let counter = 0;

/** A fresh key: `lab-` + time + counter + random, ASCII, at most 40 characters. */
export function newLabKey(now: number = Date.now()): string {
  counter = (counter + 1) % 1_000_000;
  const random = Math.floor(Math.random() * 0x7fffffff).toString(36);
  return `lab-${now.toString(36)}-${counter.toString(36)}-${random}`;
}

/** What a key is for: the card and the tests, in any order. */
export function labSelectionOf(cardId: string, codes: readonly string[]): string {
  return `${cardId}|${codes.slice().sort().join(',')}`;
}
