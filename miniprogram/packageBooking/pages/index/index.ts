/** 门诊服务: entries to 预约挂号, 预约记录 and 就诊人管理. */
import { BOOKING_ROUTES } from '../../../utils/booking-nav';
import { ROUTES } from '../../../utils/nav';

export type HubEntryKey = 'book' | 'records' | 'patients';

export interface HubEntry {
  key: HubEntryKey;
  title: string;
  label: string;
  icon: string;
}

export const HUB_ENTRIES: readonly HubEntry[] = [
  {
    key: 'book',
    title: '预约挂号',
    label: '选择科室、医生和就诊时间，最多可预约7天内号源',
    icon: 'calendar-o',
  },
  {
    key: 'records',
    title: '预约记录',
    label: '查看、取消预约，签到取号',
    icon: 'orders-o',
  },
  {
    key: 'patients',
    title: '就诊人管理',
    label: '为本人及家人绑定就诊卡',
    icon: 'friends-o',
  },
];

/** Where each entry leads (kept out of the rendered entries). */
const ENTRY_URLS: Record<HubEntryKey, string> = {
  book: BOOKING_ROUTES.departments,
  records: BOOKING_ROUTES.records,
  patients: ROUTES.patientList,
};

interface HubData {
  entries: readonly HubEntry[];
}

const initialData: HubData = { entries: HUB_ENTRIES };

Component({
  data: initialData,

  methods: {
    onEntryTap(
      event: WechatMiniprogram.CustomEvent<
        WechatMiniprogram.IAnyObject,
        WechatMiniprogram.IAnyObject,
        { key?: HubEntryKey }
      >,
    ) {
      const entry = HUB_ENTRIES.find((e) => e.key === event.currentTarget.dataset.key);
      if (entry) wx.navigateTo({ url: ENTRY_URLS[entry.key] });
    },
  },
});
