/**
 * 首页: hospital header, the service entries and the default patient card summary. The entries
 * name only what is built — the services (门诊服务 with 预约挂号, 门诊缴费, 自助检验, 就诊人管理) over the records
 * (预约记录, 缴费记录) and 微官网: nothing "coming soon".
 */
import { errorMessage } from '../../services/cloud';
import { listCards } from '../../services/patient';
import { BOOKING_ROUTES, SITE_ROUTES } from '../../utils/booking-nav';
import { openEntry, ROUTES, toast } from '../../utils/nav';
import { PAYMENT_ROUTES } from '../../utils/payment-nav';
import type { DataEvent } from '../../utils/page';
import { pickDefault, toCardItem } from '../../utils/patient-view';
import type { CardItem } from '../../utils/patient-view';

export type EntryKey = 'outpatient' | 'payment' | 'lab' | 'records' | 'payRecords' | 'website' | 'patients';

export interface HomeEntry {
  key: EntryKey;
  text: string;
  icon: string;
  /** What a screen reader says for the entry. */
  label: string;
}

export const HOME_ENTRIES: readonly HomeEntry[] = [
  { key: 'outpatient', text: '门诊服务', icon: 'notes-o', label: '门诊服务：预约挂号' },
  { key: 'payment', text: '门诊缴费', icon: 'balance-pay', label: '门诊缴费：缴纳挂号、处方、检验检查费用' },
  { key: 'lab', text: '自助检验', icon: 'todo-list-o', label: '自助检验：无需挂号，线上申请常规检验' },
  { key: 'patients', text: '就诊人管理', icon: 'friends-o', label: '就诊人管理' },
  { key: 'records', text: '预约记录', icon: 'orders-o', label: '预约记录' },
  { key: 'payRecords', text: '缴费记录', icon: 'bill-o', label: '缴费记录：取单码与电子票据' },
  { key: 'website', text: '微官网', icon: 'home-o', label: '微官网：医院介绍、公告与来院导航' },
];

/** Where each entry leads (kept out of the rendered entries). */
const ENTRY_URLS: Record<EntryKey, string> = {
  outpatient: BOOKING_ROUTES.hub,
  payment: PAYMENT_ROUTES.index,
  lab: PAYMENT_ROUTES.lab,
  records: BOOKING_ROUTES.records,
  payRecords: PAYMENT_ROUTES.records,
  website: SITE_ROUTES.index,
  patients: ROUTES.patientList,
};

interface HomeData {
  entries: readonly HomeEntry[];
  /** 'loading' only before the first answer; later reloads keep the shown card. */
  cardStatus: 'loading' | 'ready' | 'error';
  defaultCard: CardItem | null;
  errorMessage: string;
}

const initialData: HomeData = {
  entries: HOME_ENTRIES,
  cardStatus: 'loading',
  defaultCard: null,
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
        this.setData({ cardStatus: 'ready', defaultCard: def ? toCardItem(def) : null, errorMessage: '' });
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

    onEntryTap(event: DataEvent<{ key?: EntryKey }>) {
      openEntry(ENTRY_URLS, event.currentTarget.dataset.key);
    },

    goPatients() {
      wx.navigateTo({ url: ROUTES.patientList });
    },

    goAddPatient() {
      wx.navigateTo({ url: ROUTES.patientAdd });
    },
  },
});
