/** 公告详情 (query `id`): title, date and body paragraphs. */
import type { Announcement } from '../../../../typings/site';
import { getAnnouncement } from '../../../services/site';
import { queryValue } from '../../../utils/booking-nav';
import { formatDate } from '../../../utils/format';
import { loadFailure } from '../../../utils/load-state';
import { pageLoad } from '../../../behaviors/page-load';

interface AnnouncementData {
  id: string;
  status: 'loading' | 'ready' | 'notFound' | 'error';
  announcement: (Announcement & { date: string }) | null;
  errorMessage: string;
}

const initialData: AnnouncementData = { id: '', status: 'loading', announcement: null, errorMessage: '' };

Component({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const id = queryValue(query, 'id');
      if (!id) {
        this.setData({ status: 'notFound' });
        return;
      }
      this.setData({ id });
      void this.load();
    },

    async load(): Promise<void> {
      try {
        const a = await getAnnouncement(this.data.id);
        this.setData({ status: 'ready', announcement: { ...a, date: formatDate(a.publishedAt) }, errorMessage: '' });
      } catch (err) {
        this.setData(loadFailure(err));
      }
    },
  },
});
