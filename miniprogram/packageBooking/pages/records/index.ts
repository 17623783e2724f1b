/**
 * 预约记录: bookings of the user's cards in the chosen range (1周内 / 1个月内 / 3个月内), newest
 * first, then the waitlist entries. Reloaded on show (back from 预约详情) and on pull-down.
 */
import type { BookingRange } from '../../../../typings/booking';
import { leaveWaitlist, listBookings } from '../../services/booking';
import { errorMessage } from '../../../services/cloud';
import { bookingDetailUrl, BOOKING_ROUTES } from '../../../utils/booking-nav';
import { sortBookings, sortWaitlist, toBookingItem, toWaitlistItem } from '../../utils/record-view';
import type { BookingItem, WaitlistItem } from '../../utils/record-view';
import { toast } from '../../../utils/nav';
import { loadOnShow, pageLoad } from '../../../behaviors/page-load';
import type { DataEvent } from '../../../utils/page';

export const RANGE_TABS: readonly { name: BookingRange; title: string }[] = [
  { name: '1w', title: '1周内' },
  { name: '1m', title: '1个月内' },
  { name: '3m', title: '3个月内' },
];

function isRange(v: unknown): v is BookingRange {
  return RANGE_TABS.some((t) => t.name === v);
}

interface RecordsData {
  tabs: readonly { name: BookingRange; title: string }[];
  range: BookingRange;
  status: 'loading' | 'ready' | 'error';
  bookings: BookingItem[];
  waitlist: WaitlistItem[];
  /** More bookings in the range than the answer holds: the newest are shown, and the page says so. */
  truncated: boolean;
  errorMessage: string;
  leaving: string;
}

const initialData: RecordsData = {
  tabs: RANGE_TABS,
  range: '1w',
  status: 'loading',
  bookings: [],
  waitlist: [],
  truncated: false,
  errorMessage: '',
  leaving: '',
};

Component({
  behaviors: [pageLoad, loadOnShow],
  data: initialData,

  methods: {
    async load(): Promise<void> {
      const range = this.data.range;
      try {
        const { bookings, waitlist, truncated } = await listBookings(range);
        if (range !== this.data.range) return; // a later tab switch owns the page now
        this.setData({
          status: 'ready',
          bookings: sortBookings(bookings).map(toBookingItem),
          waitlist: sortWaitlist(waitlist).map(toWaitlistItem),
          truncated: truncated === true,
          errorMessage: '',
        });
      } catch (err) {
        if (range !== this.data.range) return;
        this.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
    },

    onTabTap(event: DataEvent<{ name?: string }>) {
      const range = event.currentTarget.dataset.name;
      if (!isRange(range) || range === this.data.range) return;
      this.setData({ range, status: 'loading', bookings: [], waitlist: [] });
      void this.load();
    },

    onBookingTap(event: DataEvent<{ id?: string }>) {
      const id = event.currentTarget.dataset.id;
      if (id) wx.navigateTo({ url: bookingDetailUrl(id) });
    },

    onWaitlistTap(event: DataEvent<{ booking?: string }>) {
      const bookingId = event.currentTarget.dataset.booking;
      if (bookingId) wx.navigateTo({ url: bookingDetailUrl(bookingId) });
    },

    onLeaveTap(event: DataEvent<{ id?: string }>) {
      const id = event.currentTarget.dataset.id;
      if (!id || this.data.leaving) return;
      wx.showModal({
        title: '退出候补',
        content: '退出后将不再为您自动预约该号源，确定退出？',
        confirmText: '退出候补',
        confirmColor: '#ee0a24',
        cancelText: '再等等',
        success: (res) => {
          if (res.confirm) void this.leave(id);
        },
      });
    },

    async leave(waitlistId: string): Promise<void> {
      this.setData({ leaving: waitlistId });
      try {
        await leaveWaitlist(waitlistId);
        this.setData({ leaving: '' });
        wx.showToast({ title: '已退出候补', icon: 'success' });
        void this.load();
      } catch (err) {
        this.setData({ leaving: '' });
        toast(errorMessage(err));
      }
    },

    goBook() {
      wx.navigateTo({ url: BOOKING_ROUTES.departments });
    },
  },
});
