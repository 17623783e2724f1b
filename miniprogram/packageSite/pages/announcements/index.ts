/** 医院公告: announcements, pinned first as served, 20 per page (more on reaching the bottom). */
import { errorMessage } from '../../../services/cloud';
import { listAnnouncements } from '../../services/site';
import { announcementUrl } from '../../../utils/booking-nav';
import { formatDate } from '../../../utils/format';
import { toast } from '../../../utils/nav';
import { loadOnOpen, pageLoad } from '../../../behaviors/page-load';
import { keepShownOnFailure, showLoaded } from '../../../utils/load-state';
import type { DataEvent } from '../../../utils/page';

export const PAGE_SIZE = 20;

export interface AnnouncementItem {
  id: string;
  title: string;
  summary: string;
  date: string;
  pinned: boolean;
}

interface AnnouncementsData {
  status: 'loading' | 'ready' | 'error';
  items: AnnouncementItem[];
  total: number;
  loadingMore: boolean;
  errorMessage: string;
}

const initialData: AnnouncementsData = { status: 'loading', items: [], total: 0, loadingMore: false, errorMessage: '' };

Component({
  behaviors: [pageLoad, loadOnOpen],
  data: initialData,

  methods: {
    onReachBottom() {
      void this.loadMore();
    },

    async load(): Promise<void> {
      await showLoaded(this, keepShownOnFailure, async () => {
        const { items, total } = await listAnnouncements(0, PAGE_SIZE);
        return { items: items.map((a) => ({ ...a, date: formatDate(a.publishedAt) })), total };
      });
    },

    async loadMore(): Promise<void> {
      const { status, loadingMore, items, total } = this.data;
      if (status !== 'ready' || loadingMore || items.length >= total) return;
      this.setData({ loadingMore: true });
      try {
        const page = await listAnnouncements(items.length, PAGE_SIZE);
        const known = new Set(items.map((a) => a.id));
        const more = page.items.filter((a) => !known.has(a.id)).map((a) => ({ ...a, date: formatDate(a.publishedAt) }));
        this.setData({ loadingMore: false, items: items.concat(more), total: more.length ? page.total : items.length });
      } catch (err) {
        this.setData({ loadingMore: false });
        toast(errorMessage(err));
      }
    },

    onItemTap(event: DataEvent<{ id?: string }>) {
      const id = event.currentTarget.dataset.id;
      if (id) wx.navigateTo({ url: announcementUrl(id) });
    },
  },
});
