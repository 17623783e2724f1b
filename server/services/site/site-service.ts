/**
 * 微官网: read-only views of the `site_content` collection (hospital introduction, announcements,
 * visitor guide). Load → map (pure, ./content) → answer. Nothing is written here; the content is
 * maintained by the publicity office (see cloudfunctions/site/README.md) and, locally, seeded by
 * the devstack (devstack/seed/site-content.ts).
 */
import type { Announcement, HospitalIntro, SiteAnnouncementsResponse, VisitorGuide } from '../../../typings/site';
import { internal, notFound } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { Clock } from '../../core/time';
import type { Database } from '../../ports/cloud-sdk';
import { SiteContentStore } from '../../adapters/clouddb/site-content';
import { toAnnouncement, toAnnouncementSummary, toHospitalIntro, toVisitorGuide, type Mapped } from './content';

export const SITE_MESSAGES = {
  hospitalMissing: '医院介绍暂未发布',
  guideMissing: '就医指南暂未发布',
  announcementMissing: '公告不存在或已下线',
} as const;

export interface SiteServiceDeps {
  db: Database;
}

/** The clock and logger of the call. */
export interface SiteCaller {
  now: Clock;
  log: Logger;
}

export interface AnnouncementsPage {
  limit: number;
  offset: number;
}

export class SiteService {
  private readonly store: SiteContentStore;

  constructor(deps: SiteServiceDeps) {
    this.store = new SiteContentStore(deps.db);
  }

  async hospital(): Promise<HospitalIntro> {
    const doc = await this.store.getSingleton('hospital');
    if (!doc) throw notFound(SITE_MESSAGES.hospitalMissing);
    return orInternal(toHospitalIntro(doc), 'hospital');
  }

  async guide(): Promise<VisitorGuide> {
    const doc = await this.store.getSingleton('guide');
    if (!doc) throw notFound(SITE_MESSAGES.guideMissing);
    return orInternal(toVisitorGuide(doc), 'guide');
  }

  /**
   * A page of visible announcements. A malformed document is left out of the page (and logged by
   * id) rather than failing the whole list; `total` is the database's count of visible ones.
   */
  async announcements(caller: SiteCaller, page: AnnouncementsPage): Promise<SiteAnnouncementsResponse> {
    const { docs, total } = await this.store.listVisibleAnnouncements(caller.now(), page.offset, page.limit);
    const items: SiteAnnouncementsResponse['items'] = [];
    for (const doc of docs) {
      const mapped = toAnnouncementSummary(doc);
      if (mapped.ok) items.push(mapped.value);
      else
        caller.log.warn('site_content malformed', { collection: 'site_content', id: doc._id, detail: mapped.problem });
    }
    return { items, total };
  }

  async announcement(caller: SiteCaller, id: string): Promise<Announcement> {
    const doc = await this.store.getVisibleAnnouncement(id, caller.now());
    if (!doc) throw notFound(SITE_MESSAGES.announcementMissing);
    return orInternal(toAnnouncement(doc), doc._id);
  }
}

function orInternal<T>(mapped: Mapped<T>, id: string): T {
  if (mapped.ok) return mapped.value;
  throw internal(`site_content/${id}: ${mapped.problem}`);
}
