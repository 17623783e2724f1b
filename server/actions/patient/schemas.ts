/**
 * Payload schemas of the `patient` function, one per action (strict: unknown fields are refused).
 * Tied to typings/patient.ts by the compiler (./index.ts, server/core/contract.ts). The ID number's full check needs the business date
 * of the call, so the schema checks its shape and the service completes it (parseIdNumber) before
 * any I/O; both report INVALID_ARGUMENT on `idNumber`.
 */
import { z } from 'zod';
import { idSchema, req } from '../../core/schema';
import { RELATIONS } from '../../../typings/patient';
import { MAINLAND_MOBILE } from '../../../common/phone';
import { isValidName, normalizeName, SOCIAL_SECURITY_NO, SOCIAL_SECURITY_NO_MESSAGE } from '../../../common/person';

export const nameSchema = z
  .string(req('请输入姓名', '请输入正确的姓名'))
  .max(100, '请输入正确的姓名（2-20个汉字或字母）')
  .transform(normalizeName)
  .refine((v) => v.length > 0, '请输入姓名')
  .refine(isValidName, '请输入正确的姓名（2-20个汉字或字母）');

export const idNumberSchema = z
  .string(req('请输入身份证号', '身份证号格式不正确'))
  .trim()
  .min(1, '请输入身份证号')
  .max(18, '身份证号应为18位，末位可为数字或X');

export const phoneSchema = z
  .string(req('请输入手机号', '请输入正确的手机号'))
  .trim()
  .min(1, '请输入手机号')
  .regex(MAINLAND_MOBILE, '请输入正确的手机号');

export const relationSchema = z.enum(RELATIONS, req('请选择与您的关系', '与您的关系不正确'));

/** Optional; an empty string counts as absent. Upper-cased. */
export const socialSecurityNoSchema = z
  .string(req('社保卡号格式不正确'))
  .trim()
  .refine((v) => v === '' || SOCIAL_SECURITY_NO.test(v), SOCIAL_SECURITY_NO_MESSAGE)
  .transform((v) => (v === '' ? undefined : v.toUpperCase()))
  .optional();

export const cardIdSchema = idSchema('缺少就诊人编号', '就诊人编号格式不正确');

export const listSchema = z.strictObject({});

export const bindSchema = z.strictObject({
  name: nameSchema,
  idNumber: idNumberSchema,
  phone: phoneSchema,
  relation: relationSchema,
  socialSecurityNo: socialSecurityNoSchema,
});

export const cardIdPayloadSchema = z.strictObject({ cardId: cardIdSchema });
export const getSchema = cardIdPayloadSchema;
export const unbindSchema = cardIdPayloadSchema;
export const setDefaultSchema = cardIdPayloadSchema;
