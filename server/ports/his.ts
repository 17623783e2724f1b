/**
 * What the cloud side needs from the hospital's HIS (system of record), as a port.
 * The adapter is server/adapters/his (HTTP, HMAC-signed; protocol in docs/his-gateway.md);
 * tests may use in-memory fakes of this interface.
 */

export interface HisPatient {
  /** HIS patient id (患者主索引 EMPI id). */
  patientId: string;
  /** Outpatient card number (就诊卡号). */
  cardNo: string;
  name: string;
  /** 18-digit resident ID number, upper-case X. */
  idNumber: string;
  phone: string;
  gender: 'M' | 'F';
  /** YYYY-MM-DD */
  birthDate: string;
  socialSecurityNo: string | null;
  /** ISO instant the record was created in the HIS. */
  createdAt: string;
}

export interface HisCreatePatientInput {
  name: string;
  idNumber: string;
  phone: string;
  gender: 'M' | 'F';
  birthDate: string;
  socialSecurityNo: string | null;
  /**
   * Idempotency key: the same requestId always yields the same patient, never a second record.
   * Callers derive it from stable input (e.g. a hash of the ID number) so retries are safe.
   */
  requestId: string;
}

export interface HisPort {
  /** null when the HIS has no patient with this ID number. */
  findPatientByIdNumber(idNumber: string): Promise<HisPatient | null>;
  /** 建档. Rejects with HisError code `PATIENT_EXISTS` when the ID number is already registered. */
  createPatient(input: HisCreatePatientInput): Promise<HisPatient>;
  /** null when unknown. */
  getPatient(patientId: string): Promise<HisPatient | null>;
}

/**
 * Failure talking to the HIS.
 * - `kind: 'unavailable'`: network error, timeout, HTTP 5xx, or HIS code `UNAVAILABLE`; safe reads were
 *   already retried by the client.
 * - `kind: 'rejected'`: the HIS answered with a business error; `code` is the HIS error code
 *   (`PATIENT_EXISTS`, `INVALID_REQUEST`, `NOT_FOUND`, `SIGNATURE_INVALID`, `REPLAYED`, ...).
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
