/**
 * Payload schemas of the `site` function, one per action (strict: unknown fields are refused).
 * Tied to typings/site.ts by the compiler (./index.ts, server/core/contract.ts).
 */
import { z } from 'zod';
import { idSchema, req } from '../../core/schema';

export const ANNOUNCEMENTS_DEFAULT_LIMIT = 20;
export const ANNOUNCEMENTS_MAX_LIMIT = 50;
/** Deeper than any real list; keeps a silly offset from turning into a long skip. */
export const ANNOUNCEMENTS_MAX_OFFSET = 10_000;

const LIMIT_MESSAGE = `每页条数应为1-${ANNOUNCEMENTS_MAX_LIMIT}的整数`;
const OFFSET_MESSAGE = '起始位置应为不小于0的整数';

export const limitSchema = z
  .number(req(LIMIT_MESSAGE))
  .int(LIMIT_MESSAGE)
  .min(1, LIMIT_MESSAGE)
  .max(ANNOUNCEMENTS_MAX_LIMIT, LIMIT_MESSAGE)
  .optional()
  .transform((v) => v ?? ANNOUNCEMENTS_DEFAULT_LIMIT);

export const offsetSchema = z
  .number(req(OFFSET_MESSAGE))
  .int(OFFSET_MESSAGE)
  .min(0, OFFSET_MESSAGE)
  .max(ANNOUNCEMENTS_MAX_OFFSET, '起始位置过大')
  .optional()
  .transform((v) => v ?? 0);

export const announcementIdSchema = idSchema('缺少公告编号', '公告编号格式不正确');

export const hospitalSchema = z.strictObject({});
export const guideSchema = z.strictObject({});
export const announcementsSchema = z.strictObject({ limit: limitSchema, offset: offsetSchema });
export const announcementSchema = z.strictObject({ id: announcementIdSchema });
