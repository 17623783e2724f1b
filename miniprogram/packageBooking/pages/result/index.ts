/** 预约结果 (query `bookingId`): the confirmed booking, its time point, arrival window and fee. */
import { getBooking } from '../../services/booking';
import { BOOKING_ROUTES, queryValue } from '../../../utils/booking-nav';
import { toBookingDetail } from '../../utils/record-view';
import type { BookingDetail } from '../../utils/record-view';
import { ROUTES } from '../../../utils/nav';
import { showLoaded, showLoadFailure } from '../../../utils/load-state';
import { pageLoad } from '../../../behaviors/page-load';
import { definePage } from '../../../utils/page';

interface ResultData {
  status: 'loading' | 'ready' | 'notFound' | 'error';
  booking: BookingDetail | null;
  errorMessage: string;
}

const initialData: ResultData = { status: 'loading', booking: null, errorMessage: '' };

/** Not rendered: the booking of the query. */
interface ResultFields {
  _bookingId: string;
}

definePage<ResultFields>(() => ({ _bookingId: '' }))({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const bookingId = queryValue(query, 'bookingId');
      if (!bookingId) {
        this.setData({ status: 'notFound' });
        return;
      }
      this._bookingId = bookingId;
      void this.load();
    },

    async load(): Promise<void> {
      await showLoaded(this, showLoadFailure, async () => ({
        booking: toBookingDetail(await getBooking(this._bookingId)),
      }));
    },

    goRecords() {
      wx.redirectTo({ url: BOOKING_ROUTES.records });
    },

    goHome() {
      wx.switchTab({ url: ROUTES.home });
    },
  },
});
