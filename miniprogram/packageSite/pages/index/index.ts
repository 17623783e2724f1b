/** 微官网: hospital introduction (figures, hours) and entries 科室介绍, 医院公告, 来院导航. */
import type { HospitalIntro } from '../../../../typings/site';
import { getHospital } from '../../services/site';
import { departmentsUrl, SITE_ROUTES } from '../../../utils/booking-nav';
import { openEntry } from '../../../utils/nav';
import { loadOnOpen, pageLoad } from '../../../behaviors/page-load';
import { keepShownOnFailure, showLoaded } from '../../../utils/load-state';
import type { DataEvent } from '../../../utils/page';

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
  behaviors: [pageLoad, loadOnOpen],
  data: initialData,

  methods: {
    async load(): Promise<void> {
      await showLoaded(this, keepShownOnFailure, async () => ({ hospital: await getHospital() }));
    },

    onEntryTap(event: DataEvent<{ key?: SiteEntryKey }>) {
      openEntry(ENTRY_URLS, event.currentTarget.dataset.key);
    },
  },
});
