import type { ErrorCode } from '../../../typings/envelope';
import type { Gender, PatientRefusalReason, Relation } from '../../../typings/patient';

/**
 * One link "WeChat user ↔ HIS patient" as stored in the cloud DB (collection `patient_cards`).
 * The HIS is the system of record: whole ID numbers and phones are NOT stored here, only masks and
 * a keyed hash of the ID number (for duplicate checks). The name is kept whole because the
 * holder's own card (本人) shows it whole.
 */
export interface PatientCardRecord {
  /** Deterministic link id: keyed hash of (openid, hisPatientId). */
  _id: string;
  _openid: string;
  hisPatientId: string;
  cardNo: string;
  name: string;
  idNumberHash: string;
  idNumberMasked: string;
  phoneMasked: string;
  gender: Gender;
  /** YYYY-MM-DD */
  birthDate: string;
  relation: Relation;
  socialSecurityMasked: string | null;
  isDefault: boolean;
  /** ISO instant. */
  boundAt: string;
  /** Same instant as epoch ms, for ordering. */
  boundAtMs: number;
}

/**
 * Per-user summary (collection `patient_users`, one document per WeChat user). It is the document
 * every bind/unbind/setDefault transaction writes, so the card limit, the single 本人 and the
 * single default are enforced atomically.
 */
export interface PatientUserState {
  /** Linked card ids in bind order (oldest first). */
  cardIds: string[];
  selfCardId: string | null;
  defaultCardId: string | null;
}

/** A rule's refusal: the envelope's code, reason (typings/patient.ts) and message. */
export interface Refusal {
  reason: PatientRefusalReason;
  code: ErrorCode;
  /** Patient-readable; never contains patient data. */
  message: string;
}
