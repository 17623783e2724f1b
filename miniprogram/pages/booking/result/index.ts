/** 预约结果 (query `bookingId`): the confirmed booking, its time point, arrival window and fee. */
import { getBooking } from '../../../services/booking';
import { BOOKING_ROUTES, queryValue } from '../../../utils/booking-nav';
import { toBookingDetail } from '../../../utils/booking-view';
import type { BookingDetail } from '../../../utils/booking-view';
import { ROUTES } from '../../../utils/nav';
import { loadFailure } from '../../../utils/load-state';
import { pageLoad } from '../../../behaviors/page-load';

interface ResultData {
  bookingId: string;
  status: 'loading' | 'ready' | 'notFound' | 'error';
  booking: BookingDetail | null;
  errorMessage: string;
}

const initialData: ResultData = { bookingId: '', status: 'loading', booking: null, errorMessage: '' };

Component({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const bookingId = queryValue(query, 'bookingId');
      if (!bookingId) {
        this.setData({ status: 'notFound' });
        return;
      }
      this.setData({ bookingId });
      void this.load();
    },

    async load(): Promise<void> {
      try {
        const booking = await getBooking(this.data.bookingId);
        this.setData({ status: 'ready', booking: toBookingDetail(booking), errorMessage: '' });
      } catch (err) {
        this.setData(loadFailure(err));
      }
    },

    goRecords() {
      wx.redirectTo({ url: BOOKING_ROUTES.records });
    },

    goHome() {
      wx.switchTab({ url: ROUTES.home });
    },
  },
});
