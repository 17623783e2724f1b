import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Keyed hashes shared by the functions (HMAC-SHA256 with PII_HASH_KEY, hex): deterministic ids and
 * stand-ins for PII. `purpose` separates the uses, so one key serves them all.
 */
export type KeyedHash = (purpose: string, ...parts: string[]) => string;

export function keyedHash(secret: string): KeyedHash {
  return (purpose, ...parts) =>
    createHmac('sha256', secret)
      .update([purpose, ...parts].join('\u0000'))
      .digest('hex');
}

const CARD_ID = /^pc_([0-9a-f]{24})([0-9a-f]{16})$/;

/**
 * `patient_cards` `_id`: `pc_` + a link part (24 hex) + an owner tag (16 hex).
 *
 * - The link part is derived from the user and the HIS patient, so one user's two concurrent binds
 *   of the same patient collide on the same `_id` (one link per pair).
 * - The owner tag is derived from the user and the link part: it proves that the id was issued to
 *   that user (a forgery needs the key; 64 bits against online guessing). `cardIssuedTo` checks it
 *   without reading the card.
 *
 * The tag says nothing about whether the card still exists (it may have been unbound), so it
 * stands in for a read only where nothing of the card is used and nothing about it is told: a
 * refusal that is the same for every card (booking: "time point known full"). Everything else
 * reads the card and checks `_openid` as before.
 */
export function cardIdFor(h: KeyedHash, openid: string, hisPatientId: string): string {
  const link = h('card-link', openid, hisPatientId).slice(0, 24);
  return `pc_${link}${ownerTag(h, openid, link)}`;
}

/** True when `cardId` has the issued format and its owner tag is the caller's (constant time). */
export function cardIssuedTo(h: KeyedHash, openid: string, cardId: string): boolean {
  const m = CARD_ID.exec(cardId);
  if (!m) return false;
  const expected = Buffer.from(ownerTag(h, openid, m[1]!), 'latin1');
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'latin1'));
}

function ownerTag(h: KeyedHash, openid: string, link: string): string {
  return h('card-owner', openid, link).slice(0, 16);
}
