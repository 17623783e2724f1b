/**
 * Inline validation of the 添加就诊人 form. Name, ID number, phone and social-security rules are the very same modules
 * the server validates with (common/ is copied into miniprogram/common by the build).
 */
import type { Relation } from '../../typings/patient';
import { checkIdNumber, ID_NUMBER_MESSAGES } from '../common/idcard';
import { isMainlandMobile } from '../common/phone';
import { nameProblem, SOCIAL_SECURITY_NO, SOCIAL_SECURITY_NO_MESSAGE } from '../common/person';

/** Every relation exactly once (a missing or unknown key is a compile error), in display order. */
const RELATION_SET: Record<Relation, true> = { 本人: true, 父母: true, 子女: true, 配偶: true, 其他: true };
export const RELATION_OPTIONS: readonly Relation[] = Object.keys(RELATION_SET) as Relation[];

export type FormField = 'name' | 'idNumber' | 'phone' | 'relation' | 'socialSecurityNo';
export const FORM_FIELDS: readonly FormField[] = ['name', 'idNumber', 'phone', 'relation', 'socialSecurityNo'];

export interface PatientForm {
  name: string;
  idNumber: string;
  phone: string;
  relation: Relation | '';
  socialSecurityNo: string;
}

export type FormErrors = Record<FormField, string>;

export function emptyForm(): PatientForm {
  return { name: '', idNumber: '', phone: '', relation: '', socialSecurityNo: '' };
}

export function noErrors(): FormErrors {
  return { name: '', idNumber: '', phone: '', relation: '', socialSecurityNo: '' };
}

export function isFormField(v: unknown): v is FormField {
  return typeof v === 'string' && (FORM_FIELDS as readonly string[]).includes(v);
}

export function validateName(raw: string): string {
  return nameProblem(raw);
}

export function validateIdNumber(raw: string, today: string): string {
  if (!raw.trim()) return '请输入身份证号';
  const result = checkIdNumber(raw, today);
  return result.ok ? '' : ID_NUMBER_MESSAGES[result.problem];
}

export function validatePhone(raw: string): string {
  const phone = raw.trim();
  if (!phone) return '请输入手机号';
  return isMainlandMobile(phone) ? '' : '请输入正确的11位手机号';
}

export function validateRelation(raw: string): string {
  return (RELATION_OPTIONS as readonly string[]).includes(raw) ? '' : '请选择与本人关系';
}

export function validateSocialSecurityNo(raw: string): string {
  const value = raw.trim();
  if (!value) return '';
  return SOCIAL_SECURITY_NO.test(value) ? '' : SOCIAL_SECURITY_NO_MESSAGE;
}

export function validateField(field: FormField, form: PatientForm, today: string): string {
  switch (field) {
    case 'name':
      return validateName(form.name);
    case 'idNumber':
      return validateIdNumber(form.idNumber, today);
    case 'phone':
      return validatePhone(form.phone);
    case 'relation':
      return validateRelation(form.relation);
    case 'socialSecurityNo':
      return validateSocialSecurityNo(form.socialSecurityNo);
  }
}

export function validateForm(form: PatientForm, today: string): FormErrors {
  const errors = noErrors();
  for (const field of FORM_FIELDS) errors[field] = validateField(field, form, today);
  return errors;
}

export function hasErrors(errors: FormErrors): boolean {
  return FORM_FIELDS.some((f) => errors[f] !== '');
}
