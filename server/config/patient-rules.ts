import type { Relation } from '../../typings/patient';

/**
 * Business rules of 就诊人管理 (patient cards), in one place. Every value can be overridden per
 * deployment (patientActions({ rules })) without touching the decision code.
 */
export interface PatientRules {
  /** How many patient cards one WeChat user may bind. */
  maxCardsPerUser: number;
  /**
   * Children younger than this (whole years, Asia/Shanghai) may only be bound by a guardian, i.e.
   * with one of `guardianRelations`. A small child cannot be the WeChat user (本人), a spouse
   * (配偶) or a parent (父母) of the user.
   */
  childGuardianAge: number;
  /**
   * Relations allowed for a child under `childGuardianAge`. Default: only 子女. Grandparents or
   * other relatives who look after a child are expected to bind the child as 子女 too (the
   * relation names the guardianship, not the genealogy); a hospital that prefers 其他 for them adds
   * '其他' here.
   */
  guardianRelations: readonly Relation[];
}

export const DEFAULT_PATIENT_RULES: Readonly<PatientRules> = Object.freeze({
  maxCardsPerUser: 5,
  childGuardianAge: 6,
  guardianRelations: Object.freeze(['子女'] as Relation[]),
});

export function patientRules(overrides?: Partial<PatientRules>): PatientRules {
  return { ...DEFAULT_PATIENT_RULES, ...(overrides ?? {}) };
}
