/** 医院公告: announcements, pinned first as served, 20 per page (more on reaching the bottom). */
import { errorMessage } from '../../../services/cloud';
import { listAnnouncements } from '../../services/site';
import { announcementUrl } from '../../../utils/booking-nav';
import { formatDate } from '../../../utils/format';
import { toast } from '../../../utils/nav';
import { pageLoad } from '../../../behaviors/page-load';

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
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad() {
      void this.load();
    },

    onReachBottom() {
      void this.loadMore();
    },

    async load(): Promise<void> {
      try {
        const { items, total } = await listAnnouncements(0, PAGE_SIZE);
        this.setData({
          status: 'ready',
          items: items.map((a) => ({ ...a, date: formatDate(a.publishedAt) })),
          total,
          errorMessage: '',
        });
      } catch (err) {
        if (this.data.status === 'ready') toast(errorMessage(err));
        else this.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
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

    onItemTap(
      event: WechatMiniprogram.CustomEvent<WechatMiniprogram.IAnyObject, WechatMiniprogram.IAnyObject, { id?: string }>,
    ) {
      const id = event.currentTarget.dataset.id;
      if (id) wx.navigateTo({ url: announcementUrl(id) });
    },
  },
});
