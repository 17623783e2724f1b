/** 公告详情 (query `id`): title, date and body paragraphs. */
import type { Announcement } from '../../../../typings/site';
import { getAnnouncement } from '../../services/site';
import { queryValue } from '../../../utils/booking-nav';
import { formatDate } from '../../../utils/format';
import { showLoaded, showLoadFailure } from '../../../utils/load-state';
import { pageLoad } from '../../../behaviors/page-load';
import { definePage } from '../../../utils/page';

interface AnnouncementData {
  status: 'loading' | 'ready' | 'notFound' | 'error';
  announcement: (Announcement & { date: string }) | null;
  errorMessage: string;
}

const initialData: AnnouncementData = { status: 'loading', announcement: null, errorMessage: '' };

/** Not rendered: the announcement of the query. */
interface AnnouncementFields {
  _id: string;
}

definePage<AnnouncementFields>(() => ({ _id: '' }))({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const id = queryValue(query, 'id');
      if (!id) {
        this.setData({ status: 'notFound' });
        return;
      }
      this._id = id;
      void this.load();
    },

    async load(): Promise<void> {
      await showLoaded(this, showLoadFailure, async () => {
        const a = await getAnnouncement(this._id);
        return { announcement: { ...a, date: formatDate(a.publishedAt) } };
      });
    },
  },
});
