/**
 * Storage of the 微官网 content, against the `Database` port only.
 *
 * Collection `site_content` holds three kinds of documents, told apart by `kind`:
 * - `{ _id: 'hospital', kind: 'hospital', ...HospitalIntro }` — one document;
 * - `{ _id: 'guide', kind: 'guide', ...VisitorGuide }` — one document;
 * - `{ _id, kind: 'announcement', published, pinned, publishedAt, title, summary, body }` — many.
 *
 * The publicity office maintains it (CloudBase console now, a CMS later); the function only reads.
 * `publishedAt` is stored as an ISO 8601 UTC string (`Date#toISOString()` form) so that string order
 * is time order: the list is sorted and filtered on it by the database.
 */
import type { HospitalIntro, VisitorGuide } from '../../../typings/site';
import type { Database, DocData } from '../../ports/cloud-sdk';

export const SITE_CONTENT = 'site_content';
export const HOSPITAL_DOC_ID = 'hospital';
export const GUIDE_DOC_ID = 'guide';

export interface HospitalDoc extends HospitalIntro {
  _id: typeof HOSPITAL_DOC_ID;
  kind: 'hospital';
  /** ISO instant of the last edit (informational). */
  updatedAt: string;
}

export interface GuideDoc extends VisitorGuide {
  _id: typeof GUIDE_DOC_ID;
  kind: 'guide';
  updatedAt: string;
}

export interface AnnouncementDoc {
  _id: string;
  kind: 'announcement';
  /** Only published announcements are served; a draft or a withdrawn notice has `false`. */
  published: boolean;
  /** Pinned announcements come first in the list. */
  pinned: boolean;
  /** ISO 8601 UTC instant (`toISOString()`); a future instant means "scheduled": hidden until then. */
  publishedAt: string;
  title: string;
  summary: string;
  /** Paragraphs. */
  body: string[];
  updatedAt: string;
}

export type SiteContentDoc = HospitalDoc | GuideDoc | AnnouncementDoc;

/** A stored document as read (shape not yet checked: people edit these in the console). */
export type StoredDoc = DocData & { _id: string };

export interface AnnouncementPage {
  docs: StoredDoc[];
  /** All visible announcements, not just this page. */
  total: number;
}

export class SiteContentStore {
  constructor(private readonly db: Database) {}

  /** The single document of a kind (`hospital`, `guide`), or null when it is missing. */
  async getSingleton(kind: 'hospital' | 'guide'): Promise<StoredDoc | null> {
    const id = kind === 'hospital' ? HOSPITAL_DOC_ID : GUIDE_DOC_ID;
    const res = await this.db.collection(SITE_CONTENT).where({ _id: id, kind }).limit(1).get();
    return res.data[0] ?? null;
  }

  /** Visible announcements (published, publishedAt ≤ now): pinned first, then newest; stable. */
  async listVisibleAnnouncements(now: Date, offset: number, limit: number): Promise<AnnouncementPage> {
    const where = this.visibleWhere(now);
    const coll = this.db.collection(SITE_CONTENT);
    const [page, count] = await Promise.all([
      coll
        .where(where)
        .orderBy('pinned', 'desc')
        .orderBy('publishedAt', 'desc')
        .orderBy('_id', 'desc')
        .skip(offset)
        .limit(limit)
        .get(),
      coll.where(where).count(),
    ]);
    return { docs: page.data, total: count.total };
  }

  /** One visible announcement, or null when it is missing, unpublished or scheduled for later. */
  async getVisibleAnnouncement(id: string, now: Date): Promise<StoredDoc | null> {
    const res = await this.db
      .collection(SITE_CONTENT)
      .where({ ...this.visibleWhere(now), _id: id })
      .limit(1)
      .get();
    return res.data[0] ?? null;
  }

  private visibleWhere(now: Date): DocData {
    return { kind: 'announcement', published: true, publishedAt: this.db.command.lte(now.toISOString()) };
  }
}
