/**
 * Payload schemas of the `payment` function, one per action (strict: unknown fields are refused).
 * Tied to typings/payment.ts by the compiler (./index.ts, server/core/contract.ts).
 */
import { z } from 'zod';
import { idSchema, req } from '../../core/schema';
import { DEFAULT_PAYMENT_RULES } from '../../config/payment-rules';

export const cardIdSchema = idSchema('缺少就诊人编号', '就诊人编号格式不正确');
export const orderIdSchema = idSchema('缺少订单编号', '订单编号格式不正确');
const itemIdSchema = idSchema('缺少缴费项目编号', '缴费项目编号格式不正确');

export const listUnpaidSchema = z.strictObject({ cardId: cardIdSchema });
export const createOrderSchema = z.strictObject({
  cardId: cardIdSchema,
  itemIds: z
    .array(itemIdSchema, req('请选择缴费项目', '缴费项目格式不正确'))
    .min(1, '请选择缴费项目')
    .max(DEFAULT_PAYMENT_RULES.maxItems, `一次最多缴纳${DEFAULT_PAYMENT_RULES.maxItems}个项目`)
    .refine((ids) => new Set(ids).size === ids.length, '缴费项目重复'),
  /** From the 医保 mini program (referrerInfo.extraData.authCode); opaque, single use. */
  insuranceAuthCode: z
    .string(req('医保授权码格式不正确'))
    .regex(/^[A-Za-z0-9_-]{8,128}$/, '医保授权码格式不正确')
    .optional(),
});
export const orderIdPayloadSchema = z.strictObject({ orderId: orderIdSchema });
export const listOrdersSchema = z.strictObject({ cardId: cardIdSchema.optional() });
export const templatesSchema = z.strictObject({});

/** 自助检验: HIS test codes, and the client's one-per-tap key (a UUID fits). */
const LAB_CODE_RE = /^[A-Za-z0-9_-]{1,32}$/;
export const LAB_ORDER_MAX_CODES = 10;

export const labCatalogSchema = z.strictObject({ cardId: cardIdSchema });
export const orderLabTestsSchema = z.strictObject({
  cardId: cardIdSchema,
  codes: z
    .array(z.string(req('检验项目格式不正确')), req('请选择检验项目', '检验项目格式不正确'))
    .min(1, '请选择检验项目')
    .max(LAB_ORDER_MAX_CODES, `一次最多申请${LAB_ORDER_MAX_CODES}个检验项目`)
    .refine((codes) => codes.every((c) => LAB_CODE_RE.test(c)), '检验项目格式不正确')
    .refine((codes) => new Set(codes).size === codes.length, '检验项目重复'),
  idempotencyKey: z
    .string(req('缺少请求编号', '请求编号格式不正确'))
    .regex(/^[A-Za-z0-9_-]{8,64}$/, '请求编号格式不正确'),
});
