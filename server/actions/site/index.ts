/**
 * The `site` function's actions (微官网): hospital / announcements / announcement / guide.
 * All read-only and open to any WeChat user (OPENID still required: createMain refuses calls
 * without one). Routing, identity, validation and the envelope are createMain's; the map is
 * checked against typings/site.ts at compile time (defineActions).
 */
import type { SiteActions } from '../../../typings/site';
import { defineActions } from '../../core/contract';
import { action, type ActionMap, type CallContext } from '../../core/handler';
import { SiteService, type SiteCaller, type SiteServiceDeps } from '../../services/site/site-service';
import { announcementSchema, announcementsSchema, guideSchema, hospitalSchema } from './schemas';

export type SiteActionDeps = SiteServiceDeps;

const caller = (ctx: CallContext): SiteCaller => ({ now: ctx.now, log: ctx.log });

export function siteActions(deps: SiteActionDeps): ActionMap {
  const service = new SiteService(deps);
  return defineActions<SiteActions>()({
    hospital: action({ schema: hospitalSchema, run: () => service.hospital() }),
    announcements: action({
      schema: announcementsSchema,
      run: (input, ctx) => service.announcements(caller(ctx), { limit: input.limit, offset: input.offset }),
    }),
    announcement: action({
      schema: announcementSchema,
      run: (input, ctx) => service.announcement(caller(ctx), input.id),
    }),
    guide: action({ schema: guideSchema, run: () => service.guide() }),
  });
}
