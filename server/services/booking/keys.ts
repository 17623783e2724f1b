import { cardIssuedTo, keyedHash } from '../keyed-ids';

/**
 * Deterministic ids of the booking feature (HMAC-SHA256 with PII_HASH_KEY): idempotency records,
 * bookings, per-patient rule documents and waitlist entries. Deterministic so retries and
 * concurrent calls collide on the same document instead of creating a second one.
 */
export interface BookingKeys {
  /** booking_requests `_id` for (openid, idempotencyKey). */
  requestId(openid: string, idempotencyKey: string): string;
  /** bookings `_id` for the same pair (also the HIS confirm requestId). */
  bookingId(openid: string, idempotencyKey: string): string;
  /** booking_patients `_id` for a HIS patient. */
  patientKey(hisPatientId: string): string;
  /** booking_waitlist `_id` for (HIS patient, session). */
  waitlistId(hisPatientId: string, sessionId: string): string;
  /** Whether `cardId` was issued to this user (its owner tag, keyed-ids.ts; no read: it may be unbound). */
  cardIssuedTo(openid: string, cardId: string): boolean;
}

export function bookingKeys(secret: string): BookingKeys {
  const h = keyedHash(secret);
  return {
    requestId: (openid, key) => `br_${h('booking-request', openid, key).slice(0, 40)}`,
    bookingId: (openid, key) => `bk_${h('booking', openid, key).slice(0, 32)}`,
    patientKey: (hisPatientId) => `bp_${h('booking-patient', hisPatientId).slice(0, 40)}`,
    waitlistId: (hisPatientId, sessionId) => `wl_${h('waitlist', hisPatientId, sessionId).slice(0, 40)}`,
    cardIssuedTo: (openid, cardId) => cardIssuedTo(h, openid, cardId),
  };
}
