/**
 * Pure decisions over a patient's item claims: an item is in at most one order that may still be
 * paid or is paid and not yet settled, so the same charge can never be paid twice at once.
 */
import type { HisFeeItem } from '../../ports/his-payment';
import type { ItemClaim, PatientClaims } from './types';

export type CreateDecision =
  /** The same items already have an order: answer it (one order for the same items). */
  | { kind: 'existing'; orderId: string }
  /** Some items are in another order (open or paid). */
  | { kind: 'conflict'; orderId: string; expiresAtMs: number }
  /** Some items are not unpaid in the HIS (paid at the window, cancelled, another patient's). */
  | { kind: 'changed'; missing: string[] }
  | { kind: 'new'; next: PatientClaims; items: HisFeeItem[] };

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');

export function decideCreate(
  state: PatientClaims,
  itemIds: readonly string[],
  unpaid: readonly HisFeeItem[],
  newOrder: { orderId: string; expiresAtMs: number },
): CreateDecision {
  const same = state.claims.find((c) => sameSet(c.itemIds, itemIds));
  if (same) return { kind: 'existing', orderId: same.orderId };
  const wanted = new Set(itemIds);
  const other = state.claims.find((c) => c.itemIds.some((id) => wanted.has(id)));
  if (other) return { kind: 'conflict', orderId: other.orderId, expiresAtMs: other.expiresAtMs };
  const byId = new Map(unpaid.map((i) => [i.itemId, i]));
  const missing = itemIds.filter((id) => !byId.has(id));
  if (missing.length > 0) return { kind: 'changed', missing };
  const claim: ItemClaim = { orderId: newOrder.orderId, itemIds: [...itemIds], expiresAtMs: newOrder.expiresAtMs };
  return {
    kind: 'new',
    next: { claims: [...state.claims, claim] },
    items: itemIds.map((id) => byId.get(id)!),
  };
}

/** The state without the order's claim (null when it holds none: nothing to write). */
export function releaseClaim(state: PatientClaims, orderId: string): PatientClaims | null {
  const claims = state.claims.filter((c) => c.orderId !== orderId);
  return claims.length === state.claims.length ? null : { claims };
}

/** The unpaid items no order holds: what the patient may choose from. */
export function unclaimed(unpaid: readonly HisFeeItem[], state: PatientClaims): HisFeeItem[] {
  const held = new Set(state.claims.flatMap((c) => c.itemIds));
  return unpaid.filter((i) => !held.has(i.itemId));
}
