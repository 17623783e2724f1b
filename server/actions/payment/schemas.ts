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
});
export const orderIdPayloadSchema = z.strictObject({ orderId: orderIdSchema });
export const listOrdersSchema = z.strictObject({ cardId: cardIdSchema.optional() });
export const templatesSchema = z.strictObject({});
