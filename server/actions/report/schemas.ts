/**
 * Payload schemas of the `report` function (strict: unknown fields are refused). Tied to
 * typings/report.ts by the compiler (./index.ts, server/core/contract.ts).
 */
import { z } from 'zod';
import { idSchema, req } from '../../core/schema';
import { REPORT_WINDOW_MONTHS } from '../../domain/report/view';

const cardIdSchema = idSchema('缺少就诊人编号', '就诊人编号格式不正确');
const reportIdSchema = idSchema('缺少报告编号', '报告编号格式不正确');
const MONTHS_MESSAGE = `查询范围应为1-${REPORT_WINDOW_MONTHS}个月`;

export const listSchema = z.strictObject({
  cardId: cardIdSchema,
  category: z.enum(['lab', 'exam'], req('报告类型应为 lab 或 exam')).optional(),
  months: z
    .number(req(MONTHS_MESSAGE))
    .int(MONTHS_MESSAGE)
    .min(1, MONTHS_MESSAGE)
    .max(REPORT_WINDOW_MONTHS, MONTHS_MESSAGE)
    .optional(),
});

export const getSchema = z.strictObject({ cardId: cardIdSchema, reportId: reportIdSchema });
