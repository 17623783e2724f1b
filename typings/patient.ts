/**
 * Contract of the `patient` cloud function (就诊人管理).
 * Request payloads are validated on the server by server/actions/patient/schemas.ts; the compiler
 * holds the two together (server/core/contract.ts).
 */

/** What the card holder is to the WeChat user who binds the card. */
export const RELATIONS = ['本人', '父母', '子女', '配偶', '其他'] as const;
export type Relation = (typeof RELATIONS)[number];

export type Gender = 'M' | 'F';

/**
 * Why `patient` refused (ErrorBody.reason), with the code it comes with:
 * - `duplicate` (ALREADY_EXISTS): this person is already bound by the caller;
 * - `limit` (RESOURCE_EXHAUSTED): the caller has `limit` cards (PatientListResponse.limit);
 * - `selfExists` (FAILED_PRECONDITION): the caller already has a 本人 card;
 * - `guardianRequired` (FAILED_PRECONDITION): a small child only with a guardian relation (子女);
 * - `realNameMismatch` (FAILED_PRECONDITION): the name does not match the HIS record;
 * - `hisInvalidInput` (INVALID_ARGUMENT, no field): the HIS refused the entered data;
 * - `hisRefused` (FAILED_PRECONDITION) / `hisUnavailable` (UNAVAILABLE): the HIS refused / is busy;
 * - `contention` (ABORTED): concurrent changes to the caller's cards — try again.
 */
export const PATIENT_REFUSAL_REASONS = [
  'duplicate',
  'limit',
  'selfExists',
  'guardianRequired',
  'realNameMismatch',
  'hisInvalidInput',
  'hisRefused',
  'hisUnavailable',
  'contention',
] as const;
export type PatientRefusalReason = (typeof PATIENT_REFUSAL_REASONS)[number];

/** A patient card as the mini program sees it: PII masked. */
export interface PatientCardView {
  /** Card link id (cloud DB document id); use it in every later call. */
  id: string;
  /** HIS card number (就诊卡号), not secret. */
  cardNo: string;
  /** Whole name for the caller's own (本人) card, masked (`王*明`) otherwise. */
  name: string;
  /** `330602********1234` */
  idNumberMasked: string;
  /** `138****8000` */
  phoneMasked: string;
  gender: Gender;
  /** Age in whole years in Asia/Shanghai today. */
  age: number;
  relation: Relation;
  isDefault: boolean;
  /** Social-security (medical insurance) card bound, masked; null when none. */
  socialSecurityMasked: string | null;
  /** ISO instant of binding. */
  boundAt: string;
  /** True when the card was newly created in the HIS (建档) by this bind. */
  createdInHis?: boolean;
}

export interface PatientListRequest {
  action: 'list';
}
export interface PatientListResponse {
  cards: PatientCardView[];
  /** Maximum number of cards one WeChat user may bind. */
  limit: number;
}

export interface PatientBindRequest {
  action: 'bind';
  name: string;
  idNumber: string;
  phone: string;
  relation: Relation;
  socialSecurityNo?: string;
}
export type PatientBindResponse = PatientCardView;

/** A request naming one of the caller's cards and nothing more (get, unbind, setDefault). */
interface PatientCardIdRequest<A extends string> {
  action: A;
  cardId: string;
}

export type PatientGetRequest = PatientCardIdRequest<'get'>;
export type PatientGetResponse = PatientCardView;

export type PatientUnbindRequest = PatientCardIdRequest<'unbind'>;
export interface PatientUnbindResponse {
  cardId: string;
  /** The card that became default, when the unbound one was default. */
  newDefaultCardId: string | null;
}

export type PatientSetDefaultRequest = PatientCardIdRequest<'setDefault'>;
export type PatientSetDefaultResponse = PatientCardView;

/** Action name → [request, response]; used by the typed client wrapper. */
export interface PatientActions {
  list: [PatientListRequest, PatientListResponse];
  bind: [PatientBindRequest, PatientBindResponse];
  get: [PatientGetRequest, PatientGetResponse];
  unbind: [PatientUnbindRequest, PatientUnbindResponse];
  setDefault: [PatientSetDefaultRequest, PatientSetDefaultResponse];
}
