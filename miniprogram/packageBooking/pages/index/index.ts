/**
 * 门诊服务: entries to 预约挂号, 预约记录 and 就诊人管理. The booking window and release time it
 * mentions come from `booking.rules`; until they are loaded (or when they cannot be) it just does
 * not mention them.
 */
import type { PublicBookingRules } from '../../../../typings/booking';
import { getRules } from '../../services/booking';
import { bookEntryLabel, releaseNote } from '../../utils/booking-rules';
import { BOOKING_ROUTES } from '../../../utils/booking-nav';
import { openEntry, ROUTES } from '../../../utils/nav';
import type { DataEvent } from '../../../utils/page';

export type HubEntryKey = 'book' | 'records' | 'patients';

export interface HubEntry {
  key: HubEntryKey;
  title: string;
  label: string;
  icon: string;
}

export function hubEntries(rules: PublicBookingRules | null): HubEntry[] {
  return [
    { key: 'book', title: '预约挂号', label: bookEntryLabel(rules), icon: 'calendar-o' },
    { key: 'records', title: '预约记录', label: '查看、取消预约，签到取号', icon: 'orders-o' },
    { key: 'patients', title: '就诊人管理', label: '为本人及家人绑定就诊卡', icon: 'friends-o' },
  ];
}

/** Where each entry leads (kept out of the rendered entries). */
const ENTRY_URLS: Record<HubEntryKey, string> = {
  book: BOOKING_ROUTES.departments,
  records: BOOKING_ROUTES.records,
  patients: ROUTES.patientList,
};

interface HubData {
  entries: HubEntry[];
  /** `每日07:00放出第7日号源`; '' until the rules are loaded. */
  releaseNote: string;
}

const initialData: HubData = { entries: hubEntries(null), releaseNote: '' };

Component({
  data: initialData,

  methods: {
    onLoad() {
      void this.loadRules();
    },

    async loadRules(): Promise<void> {
      try {
        const rules = await getRules();
        this.setData({ entries: hubEntries(rules), releaseNote: releaseNote(rules) });
      } catch {
        // the entries work without it
      }
    },

    onEntryTap(event: DataEvent<{ key?: HubEntryKey }>) {
      openEntry(ENTRY_URLS, event.currentTarget.dataset.key);
    },
  },
});
