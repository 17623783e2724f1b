/**
 * Pure decisions of 就诊人管理: no I/O, no clock (the business date is an argument).
 */
import type { Relation } from '../../../typings/patient';
import { ageOn } from '../../../common/idcard';
import type { PatientRules } from '../../config/patient-rules';
import { sameName } from './name';
import type { PatientCardRecord, PatientUserState, Refusal } from './types';

export const SELF: Relation = '本人';

export const PATIENT_MESSAGES = {
  duplicate: '该就诊人已绑定',
  limit: (max: number) => `最多可绑定${max}位就诊人`,
  selfTaken: '您已绑定“本人”就诊人，请选择其他关系',
  guardian: (age: number, relations: readonly Relation[]) => `${age}岁以下儿童请以“${relations.join('”或“')}”关系绑定`,
  realName: '姓名与身份证号不一致',
  notFound: '就诊人不存在',
} as const;

/** What is known about the patient being bound. */
export interface BindCandidate {
  /** Name as entered (normalized). */
  name: string;
  /** Keyed hash of the normalized ID number. */
  idNumberHash: string;
  /** YYYY-MM-DD (from the ID number, or the HIS record once known). */
  birthDate: string;
  relation: Relation;
  /**
   * The HIS record, once looked up or created. Absent for the pre-check that runs before the HIS
   * is asked (so a bind that is refused anyway never reaches the HIS, let alone creates a record).
   */
  his?: {
    patientId: string;
    name: string;
    /** True when the record existed before this bind (then the real-name check applies). */
    existed: boolean;
  };
}

export type BindDecision = { ok: true; isDefault: boolean } | { ok: false; refusal: Refusal };

const refuse = (refusal: Refusal): BindDecision => ({ ok: false, refusal });

/**
 * May `candidate` be bound next to `existing` (the caller's current cards)? Checks, in order:
 * 1. duplicate (same ID number, or same HIS patient)            → ALREADY_EXISTS
 * 2. card limit                                                  → RESOURCE_EXHAUSTED
 * 3. only one 本人 per user (a second, different person)          → FAILED_PRECONDITION: the card
 *    itself is new, it is the caller's existing 本人 that blocks it, and choosing another relation
 *    fixes it — a precondition, not a duplicate.
 * 4. a child under `childGuardianAge` only with a guardian relation → FAILED_PRECONDITION
 * 5. real-name: the name must match an existing HIS record        → FAILED_PRECONDITION
 *    (the HIS name is never revealed).
 * The first card bound becomes the default.
 */
export function decideBind(
  existing: readonly PatientCardRecord[],
  candidate: BindCandidate,
  rules: PatientRules,
  today: string,
): BindDecision {
  const his = candidate.his;
  if (existing.some((c) => c.idNumberHash === candidate.idNumberHash || (his && c.hisPatientId === his.patientId))) {
    return refuse({ reason: 'duplicate', code: 'ALREADY_EXISTS', message: PATIENT_MESSAGES.duplicate });
  }
  if (existing.length >= rules.maxCardsPerUser) {
    return refuse({
      reason: 'limit',
      code: 'RESOURCE_EXHAUSTED',
      message: PATIENT_MESSAGES.limit(rules.maxCardsPerUser),
    });
  }
  if (candidate.relation === SELF && existing.some((c) => c.relation === SELF)) {
    return refuse({ reason: 'selfExists', code: 'FAILED_PRECONDITION', message: PATIENT_MESSAGES.selfTaken });
  }
  const age = ageOn(candidate.birthDate, today);
  if (age < rules.childGuardianAge && !rules.guardianRelations.includes(candidate.relation)) {
    return refuse({
      reason: 'guardianRequired',
      code: 'FAILED_PRECONDITION',
      message: PATIENT_MESSAGES.guardian(rules.childGuardianAge, rules.guardianRelations),
    });
  }
  if (his?.existed && !sameName(his.name, candidate.name)) {
    return refuse({ reason: 'realNameMismatch', code: 'FAILED_PRECONDITION', message: PATIENT_MESSAGES.realName });
  }
  return { ok: true, isDefault: existing.length === 0 };
}

export const EMPTY_USER_STATE: PatientUserState = Object.freeze({ cardIds: [], selfCardId: null, defaultCardId: null });

export type LinkDecision = { ok: true; next: PatientUserState; isDefault: boolean } | { ok: false; refusal: Refusal };

/**
 * The authoritative re-check inside the bind transaction, against the per-user document (which a
 * concurrent bind may have changed since the cards were listed).
 */
export function decideLink(
  state: PatientUserState,
  link: { cardId: string; relation: Relation },
  rules: PatientRules,
): LinkDecision {
  if (state.cardIds.includes(link.cardId)) {
    return { ok: false, refusal: { reason: 'duplicate', code: 'ALREADY_EXISTS', message: PATIENT_MESSAGES.duplicate } };
  }
  if (state.cardIds.length >= rules.maxCardsPerUser) {
    return {
      ok: false,
      refusal: { reason: 'limit', code: 'RESOURCE_EXHAUSTED', message: PATIENT_MESSAGES.limit(rules.maxCardsPerUser) },
    };
  }
  if (link.relation === SELF && state.selfCardId) {
    return {
      ok: false,
      refusal: { reason: 'selfExists', code: 'FAILED_PRECONDITION', message: PATIENT_MESSAGES.selfTaken },
    };
  }
  const isDefault = !state.defaultCardId;
  return {
    ok: true,
    isDefault,
    next: {
      cardIds: [...state.cardIds, link.cardId],
      selfCardId: link.relation === SELF ? link.cardId : state.selfCardId,
      defaultCardId: isDefault ? link.cardId : state.defaultCardId,
    },
  };
}

export interface UnbindDecision {
  next: PatientUserState;
  /** The card promoted to default (the most recently bound remaining one) when the default went. */
  newDefaultCardId: string | null;
}

/** Removing `cardId` keeps exactly one default while any card remains. */
export function decideUnbind(state: PatientUserState, cardId: string): UnbindDecision {
  const cardIds = state.cardIds.filter((id) => id !== cardId);
  const wasDefault = state.defaultCardId === cardId || state.defaultCardId === null;
  const newDefaultCardId = wasDefault ? (cardIds[cardIds.length - 1] ?? null) : null;
  return {
    next: {
      cardIds,
      selfCardId: state.selfCardId === cardId ? null : state.selfCardId,
      defaultCardId: wasDefault ? newDefaultCardId : state.defaultCardId,
    },
    newDefaultCardId,
  };
}

export interface SetDefaultDecision {
  next: PatientUserState;
  /** The card that stops being default (null when none, or when `cardId` already was). */
  previousDefaultCardId: string | null;
  changed: boolean;
}

export function decideSetDefault(state: PatientUserState, cardId: string): SetDefaultDecision {
  if (state.defaultCardId === cardId) return { next: state, previousDefaultCardId: null, changed: false };
  return {
    next: { ...state, defaultCardId: cardId },
    previousDefaultCardId: state.defaultCardId,
    changed: true,
  };
}
