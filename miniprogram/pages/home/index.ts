/** 首页: hospital header, service entries, default patient card summary. */
import { errorMessage } from '../../services/cloud';
import { listCards } from '../../services/patient';
import { BOOKING_ROUTES, SITE_ROUTES } from '../../utils/booking-nav';
import { ROUTES, toast } from '../../utils/nav';
import { pickDefault, toCardItem } from '../../utils/patient-view';
import type { CardItem } from '../../utils/patient-view';

export type EntryKey = 'outpatient' | 'inpatient' | 'website' | 'patients';

export interface HomeEntry {
  key: EntryKey;
  text: string;
  icon: string;
  /** False: not built yet — shown with a 即将开放 badge, tapping explains. */
  ready: boolean;
}

export const HOME_ENTRIES: readonly HomeEntry[] = [
  { key: 'outpatient', text: '门诊服务', icon: 'notes-o', ready: true },
  { key: 'inpatient', text: '住院服务', icon: 'hotel-o', ready: false },
  { key: 'website', text: '微官网', icon: 'home-o', ready: true },
  { key: 'patients', text: '就诊人管理', icon: 'friends-o', ready: true },
];

/** Where each ready entry leads ('' = not built yet). */
const ENTRY_URLS: Record<EntryKey, string> = {
  outpatient: BOOKING_ROUTES.hub,
  inpatient: '',
  website: SITE_ROUTES.index,
  patients: ROUTES.patientList,
};

export const COMING_SOON = '功能建设中，敬请期待';

interface HomeData {
  entries: readonly HomeEntry[];
  /** 'loading' only before the first answer; later reloads keep the shown card. */
  cardStatus: 'loading' | 'ready' | 'error';
  defaultCard: CardItem | null;
  cardCount: number;
  errorMessage: string;
}

const initialData: HomeData = {
  entries: HOME_ENTRIES,
  cardStatus: 'loading',
  defaultCard: null,
  cardCount: 0,
  errorMessage: '',
};

Component({
  data: initialData,

  methods: {
    onShow() {
      void this.loadCards();
    },

    onPullDownRefresh() {
      void this.loadCards().then(() => wx.stopPullDownRefresh());
    },

    async loadCards(): Promise<void> {
      try {
        const { cards } = await listCards();
        const def = pickDefault(cards);
        this.setData({
          cardStatus: 'ready',
          defaultCard: def ? toCardItem(def) : null,
          cardCount: cards.length,
          errorMessage: '',
        });
      } catch (err) {
        if (this.data.cardStatus === 'ready' && this.data.defaultCard) {
          toast(errorMessage(err));
          return;
        }
        this.setData({ cardStatus: 'error', errorMessage: errorMessage(err) });
      }
    },

    onRetry() {
      if (this.data.cardStatus !== 'loading') this.setData({ cardStatus: 'loading' });
      void this.loadCards();
    },

    onEntryTap(
      event: WechatMiniprogram.CustomEvent<
        WechatMiniprogram.IAnyObject,
        WechatMiniprogram.IAnyObject,
        { key?: EntryKey }
      >,
    ) {
      const entry = HOME_ENTRIES.find((e) => e.key === event.currentTarget.dataset.key);
      if (!entry) return;
      if (!entry.ready) {
        toast(COMING_SOON);
        return;
      }
      const url = ENTRY_URLS[entry.key];
      if (url) wx.navigateTo({ url });
    },

    goPatients() {
      wx.navigateTo({ url: ROUTES.patientList });
    },

    goAddPatient() {
      wx.navigateTo({ url: ROUTES.patientAdd });
    },
  },
});
