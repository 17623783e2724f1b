/** 微官网: hospital introduction (figures, hours) and entries 科室介绍, 医院公告, 来院导航. */
import type { HospitalIntro } from '../../../../typings/site';
import { errorMessage } from '../../../services/cloud';
import { getHospital } from '../../services/site';
import { departmentsUrl, SITE_ROUTES } from '../../../utils/booking-nav';
import { toast } from '../../../utils/nav';
import { pageLoad } from '../../../behaviors/page-load';

export type SiteEntryKey = 'departments' | 'announcements' | 'guide';

export interface SiteEntry {
  key: SiteEntryKey;
  text: string;
  icon: string;
}

export const SITE_ENTRIES: readonly SiteEntry[] = [
  { key: 'departments', text: '科室介绍', icon: 'cluster-o' },
  { key: 'announcements', text: '医院公告', icon: 'volume-o' },
  { key: 'guide', text: '来院导航', icon: 'location-o' },
];

/** Where each entry leads (kept out of the rendered entries); 科室介绍 is the booking package's. */
const ENTRY_URLS: Record<SiteEntryKey, string> = {
  departments: departmentsUrl('intro'),
  announcements: SITE_ROUTES.announcements,
  guide: SITE_ROUTES.guide,
};

interface SiteIndexData {
  entries: readonly SiteEntry[];
  status: 'loading' | 'ready' | 'error';
  hospital: HospitalIntro | null;
  errorMessage: string;
}

const initialData: SiteIndexData = { entries: SITE_ENTRIES, status: 'loading', hospital: null, errorMessage: '' };

Component({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad() {
      void this.load();
    },

    async load(): Promise<void> {
      try {
        const hospital = await getHospital();
        this.setData({ status: 'ready', hospital, errorMessage: '' });
      } catch (err) {
        if (this.data.status === 'ready') toast(errorMessage(err));
        else this.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
    },

    onEntryTap(
      event: WechatMiniprogram.CustomEvent<
        WechatMiniprogram.IAnyObject,
        WechatMiniprogram.IAnyObject,
        { key?: SiteEntryKey }
      >,
    ) {
      const entry = SITE_ENTRIES.find((e) => e.key === event.currentTarget.dataset.key);
      if (entry) wx.navigateTo({ url: ENTRY_URLS[entry.key] });
    },
  },
});
