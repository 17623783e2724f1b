/**
 * What the patient feature (就诊人管理) needs from the hospital's HIS (system of record), as a port.
 * The adapter is server/adapters/his/patient-client.ts (HTTP, HMAC-signed; protocol in
 * docs/his-gateway.md); tests may use in-memory fakes of this interface. Failures are `HisError`
 * (./his-error.ts). The booking feature's port is ./his-booking.ts.
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

/** 建档: the person's facts as the HIS keeps them (it assigns the ids), and an idempotency key. */
export interface HisCreatePatientInput extends Omit<HisPatient, 'patientId' | 'cardNo' | 'createdAt'> {
  /**
   * Idempotency key: the same requestId always yields the same patient, never a second record.
   * Callers derive it from stable input (e.g. a hash of the ID number) so retries are safe.
   */
  requestId: string;
}

export interface HisPatientPort {
  /** null when the HIS has no patient with this ID number. */
  findPatientByIdNumber(idNumber: string): Promise<HisPatient | null>;
  /** 建档. Rejects with HisError code `PATIENT_EXISTS` when the ID number is already registered. */
  createPatient(input: HisCreatePatientInput): Promise<HisPatient>;
  /** null when unknown. */
  getPatient(patientId: string): Promise<HisPatient | null>;
}
