/**
 * 自助检验申请, pure: which self-ordered tests a patient may order (age on the Asia/Shanghai date,
 * sex) and the per-card daily limit over the card's quota document (`payment_lab_quota`, changed
 * by compare-and-set). The rules themselves are data: server/config/lab-rules.ts.
 */
import type { LabSiteView } from '../../../typings/payment';
import type { Gender } from '../../../typings/patient';

/** The hospital's rule for one self-orderable test (tests without a rule are not offered). */
export interface LabTestRule {
  /** `需空腹8小时（可少量饮水）`; empty when none is needed. */
  preparation: string;
  /** When results are ready: `当天16:00后`, `次日`. */
  turnaround: string;
  /** Whole years on the business date, both ends included. */
  minAge?: number;
  maxAge?: number;
  /** Only patients of this sex. */
  sex?: Gender;
}

export interface LabRules {
  /** Test code (the HIS's) → rule, in the order the catalog shows them. */
  tests: Readonly<Record<string, LabTestRule>>;
  /** Orders (orderLabTests calls that created charges) one card may make per business day. */
  perDayLimit: number;
  site: LabSiteView;
}

/** What eligibility looks at; null when the card does not say. */
export interface LabPatient {
  gender: Gender | null;
  /** YYYY-MM-DD */
  birthDate: string | null;
}

export type LabEligibility = { eligible: true } | { eligible: false; reason: string };

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Age in whole years on `date` (both YYYY-MM-DD); null for a malformed or future birth date. */
export function ageOn(birthDate: string, date: string): number | null {
  const b = DATE_RE.exec(birthDate);
  const d = DATE_RE.exec(date);
  if (!b || !d) return null;
  const [by, bm, bd] = [Number(b[1]), Number(b[2]), Number(b[3])];
  const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  // Born on 02-29: a year older on 03-01 of a common year (the day after 02-28).
  const hadBirthday = m > bm || (m === bm && day >= bd);
  const age = y - by - (hadBirthday ? 0 : 1);
  return age >= 0 ? age : null;
}

const SEX_NAME: Readonly<Record<Gender, string>> = { M: '男性', F: '女性' };

/** Whether the patient may order the test on business date `today`, and why not (patient-readable). */
export function labEligibility(rule: LabTestRule, patient: LabPatient, today: string): LabEligibility {
  if (rule.sex && patient.gender !== rule.sex) {
    return { eligible: false, reason: `该项目仅限${SEX_NAME[rule.sex]}自助申请` };
  }
  if (rule.minAge === undefined && rule.maxAge === undefined) return { eligible: true };
  const age = patient.birthDate ? ageOn(patient.birthDate, today) : null;
  if (age === null) return { eligible: false, reason: '就诊人出生日期不详，请到门诊就诊开单' };
  if (rule.minAge !== undefined && age < rule.minAge) {
    return { eligible: false, reason: `该项目仅限${rule.minAge}周岁及以上自助申请，请到门诊就诊开单` };
  }
  if (rule.maxAge !== undefined && age > rule.maxAge) {
    return { eligible: false, reason: `${rule.maxAge}周岁以上请到门诊就诊后开单` };
  }
  return { eligible: true };
}

/** One orderLabTests request that was let through the limit (it counts on `date`). */
export interface LabQuotaEntry {
  /** The HIS requestId (derived from the caller and the idempotency key). */
  requestId: string;
  cardId: string;
  /** As requested (the HIS body of a repeat must be the same). */
  codes: string[];
  /** Business date it counts on. */
  date: string;
  atMs: number;
  /** The payment order made of its charges; null until made. */
  orderId: string | null;
}

/** `payment_lab_quota/{patientKey}`: the card's recent self-orders. */
export interface LabQuota {
  entries: LabQuotaEntry[];
}

export type LabReserveDecision =
  /** The same request again: no new count, answer its order. */
  | { kind: 'repeat'; entry: LabQuotaEntry }
  /** The same idempotency key with other tests or another card. */
  | { kind: 'mismatch' }
  | { kind: 'limit'; used: number }
  | { kind: 'new'; next: LabQuota; entry: LabQuotaEntry };

const sameCodes = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');

/** Requests counted on `date`. */
export function usedOn(state: LabQuota, date: string): number {
  return state.entries.filter((e) => e.date === date).length;
}

export interface LabReserveInput {
  requestId: string;
  cardId: string;
  codes: readonly string[];
  today: string;
  /** Entries older than this date are dropped (kept a day longer, for a repeat across midnight). */
  keepFrom: string;
  nowMs: number;
}

/** Let a request through the daily limit (counted), or recognise it as a repeat, or refuse it. */
export function decideLabReserve(state: LabQuota, r: LabReserveInput, perDayLimit: number): LabReserveDecision {
  const prior = state.entries.find((e) => e.requestId === r.requestId);
  if (prior) {
    return prior.cardId === r.cardId && sameCodes(prior.codes, r.codes)
      ? { kind: 'repeat', entry: prior }
      : { kind: 'mismatch' };
  }
  const used = usedOn(state, r.today);
  if (used >= perDayLimit) return { kind: 'limit', used };
  const entry: LabQuotaEntry = {
    requestId: r.requestId,
    cardId: r.cardId,
    codes: [...r.codes],
    date: r.today,
    atMs: r.nowMs,
    orderId: null,
  };
  const kept = state.entries.filter((e) => e.date >= r.keepFrom);
  return { kind: 'new', next: { entries: [...kept, entry] }, entry };
}

/** The state without the request's entry: it created nothing (null when absent: nothing to write). */
export function releaseLabEntry(state: LabQuota, requestId: string): LabQuota | null {
  const entries = state.entries.filter((e) => e.requestId !== requestId);
  return entries.length === state.entries.length ? null : { entries };
}

/** The state with the request's order recorded (null when absent or already recorded). */
export function recordLabOrder(state: LabQuota, requestId: string, orderId: string): LabQuota | null {
  const entry = state.entries.find((e) => e.requestId === requestId);
  if (!entry || entry.orderId === orderId) return null;
  return { entries: state.entries.map((e) => (e === entry ? { ...e, orderId } : e)) };
}
