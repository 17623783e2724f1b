/**
 * 预约详情 (query `bookingId`, or `id` as in the subscription messages' page path): every field of
 * the booking; 取消预约 (when `canCancel`, after a confirm dialog), 签到取号 (when `canCheckIn`)
 * and, once checked in, the queue status. The hint under 取消预约 states this booking's deadline
 * and the no-show rule of `booking.rules`.
 */
import { cancelBooking, checkIn, getBooking, getQueue, getRules } from '../../services/booking';
import { errorMessage, isCloudError } from '../../../services/cloud';
import type { BookingView, PublicBookingRules } from '../../../../typings/booking';
import { cancelHint } from '../../utils/booking-rules';
import { BOOKING_ROUTES, queryValue } from '../../../utils/booking-nav';
import { queueText, toBookingDetail } from '../../utils/record-view';
import type { BookingDetail } from '../../utils/record-view';
import { notice, toast } from '../../../utils/nav';
import { pageLoad } from '../../../behaviors/page-load';
import { definePage } from '../../../utils/page';

export const CANCEL_CONFIRM_MESSAGE = '取消后该号源将释放给其他患者，确定取消本次预约？';

interface QueueState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  queueNo: number | null;
  text: string;
}

interface DetailData {
  status: 'loading' | 'ready' | 'notFound' | 'error';
  booking: BookingDetail | null;
  /** Under 取消预约: `2024-05-06 07:00 后不可取消；90天内爽约3次将暂停预约`. */
  cancelHint: string;
  errorMessage: string;
  busy: '' | 'cancel' | 'checkIn';
  cancelDialogShow: boolean;
  cancelMessage: string;
  queue: QueueState;
}

const idleQueue: QueueState = { status: 'idle', queueNo: null, text: '' };

const initialData: DetailData = {
  status: 'loading',
  booking: null,
  cancelHint: '',
  errorMessage: '',
  busy: '',
  cancelDialogShow: false,
  cancelMessage: CANCEL_CONFIRM_MESSAGE,
  queue: idleQueue,
};

/** Not rendered: the booking of the query, and the rules once loaded. */
interface DetailFields {
  _bookingId: string;
  _rules: PublicBookingRules | null;
}

definePage<DetailFields>(() => ({ _bookingId: '', _rules: null }))({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      // `id`: the page path the booking function puts in its subscription messages.
      const bookingId = queryValue(query, 'bookingId') || queryValue(query, 'id');
      if (!bookingId) {
        this.setData({ status: 'notFound' });
        return;
      }
      this._bookingId = bookingId;
      void this.load();
    },

    async load(): Promise<void> {
      if (!this._bookingId) return;
      void this.loadRules();
      try {
        this.show(await getBooking(this._bookingId));
      } catch (err) {
        this.fail(err, this.data.status === 'ready');
      }
    },

    /** Shows a booking and, when it is checked in, its queue. */
    show(booking: BookingView): void {
      const detail = toBookingDetail(booking);
      this.setData({
        status: 'ready',
        booking: detail,
        cancelHint: cancelHint(detail.cancellableUntil, this._rules),
        errorMessage: '',
      });
      if (booking.status === 'checkedIn') void this.loadQueue();
      else if (this.data.queue.status !== 'idle') this.setData({ queue: idleQueue });
    },

    /** The no-show rule of the hint; the page works without it. */
    async loadRules(): Promise<void> {
      try {
        this._rules = await getRules();
        const booking = this.data.booking;
        if (booking) this.setData({ cancelHint: cancelHint(booking.cancellableUntil, this._rules) });
      } catch {
        // asked again on the next load
      }
    },

    fail(err: unknown, keepShown: boolean): void {
      if (isCloudError(err) && err.code === 'NOT_FOUND') this.setData({ status: 'notFound', booking: null });
      else if (keepShown) toast(errorMessage(err));
      else this.setData({ status: 'error', errorMessage: errorMessage(err) });
    },

    async loadQueue(): Promise<void> {
      if (this.data.queue.status !== 'loading') this.setData({ 'queue.status': 'loading' });
      try {
        const q = await getQueue(this._bookingId);
        this.setData({ queue: { status: 'ready', queueNo: q.queueNo, text: queueText(q.nowServing, q.ahead) } });
      } catch (err) {
        this.setData({
          queue: { status: 'error', queueNo: this.data.booking?.queueNo ?? null, text: errorMessage(err) },
        });
      }
    },

    onQueueRefresh() {
      if (this.data.queue.status !== 'loading') void this.loadQueue();
    },

    onCancelTap() {
      if (this.data.busy || !this.data.booking?.canCancel) return;
      this.setData({ cancelDialogShow: true });
    },

    onCancelDismiss() {
      if (this.data.cancelDialogShow) this.setData({ cancelDialogShow: false });
    },

    async onCancelConfirm(): Promise<void> {
      this.setData({ cancelDialogShow: false });
      if (this.data.busy) return;
      await this.act('cancel', () => cancelBooking(this._bookingId), '已取消预约', '取消失败');
    },

    async onCheckIn(): Promise<void> {
      if (this.data.busy || !this.data.booking?.canCheckIn) return;
      await this.act('checkIn', () => checkIn(this._bookingId), '签到成功', '签到失败');
    },

    /**
     * 取消预约 or 签到取号 (the buttons disabled meanwhile): the booking it answers is shown with a
     * `done` toast; a booking gone is 不存在; any other failure is explained under `failTitle`.
     */
    async act(
      busy: 'cancel' | 'checkIn',
      run: () => Promise<BookingView>,
      done: string,
      failTitle: string,
    ): Promise<void> {
      this.setData({ busy });
      try {
        const booking = await run();
        this.setData({ busy: '' });
        this.show(booking);
        wx.showToast({ title: done, icon: 'success' });
      } catch (err) {
        this.setData({ busy: '' });
        if (isCloudError(err) && err.code === 'NOT_FOUND') this.fail(err, true);
        else notice(failTitle, errorMessage(err));
      }
    },

    goRecords() {
      wx.redirectTo({ url: BOOKING_ROUTES.records });
    },
  },
});
