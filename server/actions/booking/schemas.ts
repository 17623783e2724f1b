/**
 * Payload schemas of the `booking` function, one per action (strict: unknown fields are refused).
 * Tied to typings/booking.ts by the compiler (./index.ts, server/core/contract.ts).
 */
import { z } from 'zod';
import { idSchema, req } from '../../core/schema';

export const cardIdSchema = idSchema('缺少就诊人编号', '就诊人编号格式不正确');
export const sessionIdSchema = idSchema('缺少号源编号', '号源编号格式不正确');
export const bookingIdSchema = idSchema('缺少预约编号', '预约编号格式不正确');
export const waitlistIdSchema = idSchema('缺少候补编号', '候补编号格式不正确');
export const deptCodeSchema = idSchema('缺少科室编号', '科室编号格式不正确');
export const doctorIdSchema = idSchema('缺少医生编号', '医生编号格式不正确');
export const timeSchema = z
  .string(req('请选择就诊时段', '就诊时段格式不正确'))
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, '就诊时段格式不正确');
export const idempotencyKeySchema = z
  .string(req('缺少请求编号', '请求编号格式不正确'))
  .min(8, '请求编号格式不正确')
  .max(64, '请求编号格式不正确')
  .regex(/^[A-Za-z0-9_.:-]+$/, '请求编号格式不正确');

export const departmentsSchema = z.strictObject({
  q: z.string(req('搜索内容格式不正确')).trim().max(20, '搜索内容过长').optional(),
});
export const doctorsSchema = z.strictObject({ deptCode: deptCodeSchema });
export const scheduleSchema = z.strictObject({
  deptCode: deptCodeSchema,
  doctorId: doctorIdSchema.optional(),
  kind: z.enum(['specialist', 'expert'], req('号源类型不正确')).optional(),
});
export const sessionSchema = z.strictObject({ sessionId: sessionIdSchema });
export const bookSchema = z.strictObject({
  cardId: cardIdSchema,
  sessionId: sessionIdSchema,
  time: timeSchema,
  idempotencyKey: idempotencyKeySchema,
});
export const bookingIdPayloadSchema = z.strictObject({ bookingId: bookingIdSchema });
export const listSchema = z.strictObject({
  range: z.enum(['1w', '1m', '3m'], req('请选择时间范围', '时间范围不正确')),
  cardId: cardIdSchema.optional(),
});
export const joinWaitlistSchema = z.strictObject({ cardId: cardIdSchema, sessionId: sessionIdSchema });
export const leaveWaitlistSchema = z.strictObject({ waitlistId: waitlistIdSchema });
export const rulesSchema = z.strictObject({});
