import { cardIdFor, keyedHash } from '../keyed-ids';

/**
 * Keyed hashes (HMAC-SHA256 with PII_HASH_KEY) standing in for PII in the cloud DB and towards the
 * HIS. A plain sha256 of an ID number is easy to reverse by enumeration (region × date × sequence),
 * a keyed one is not without the key.
 */
export interface PatientKeys {
  /** Duplicate checks: stored in patient_cards.idNumberHash. */
  idNumberHash(idNumber: string): string;
  /** patient_cards `_id`: one link per (user, HIS patient), with an owner tag (keyed-ids.ts). */
  cardId(openid: string, hisPatientId: string): string;
  /** patient_users `_id`. */
  userId(openid: string): string;
  /** HIS createPatient idempotency key: stable per ID number, so a retried bind never makes two records. */
  hisCreateRequestId(idNumber: string): string;
}

export function patientKeys(secret: string): PatientKeys {
  const h = keyedHash(secret);
  return {
    idNumberHash: (idNumber) => h('id-number', idNumber),
    cardId: (openid, hisPatientId) => cardIdFor(h, openid, hisPatientId),
    userId: (openid) => `pu_${h('user', openid).slice(0, 40)}`,
    hisCreateRequestId: (idNumber) => `bind-${h('his-create', idNumber).slice(0, 32)}`,
  };
}
