/**
 * 缴费结果 (query `orderId`): the order as `get` answers it, said by its status — paid (医院确认中,
 * asked again a few times briefly until the HIS settled it), settled (the pickup code and where to
 * go for each item; with lab items also the sampling site, its hours from the hospital's 自助检验
 * site), refunding/refunded, closed, or still being confirmed (刷新 asks `confirm`).
 */
import type { LabSiteView, PaymentOrderView } from '../../../../typings/payment';
import { errorMessage } from '../../../services/cloud';
import { confirmOrder, getLabSite, getOrder } from '../../services/payment';
import { toOrderDetail } from '../../utils/order-view';
import type { OrderDetail } from '../../utils/order-view';
import { hasLabItems, labSiteOf } from '../../utils/lab-view';
import type { LabSiteItem } from '../../utils/lab-view';
import { resultView } from '../../utils/result-view';
import type { ResultView } from '../../utils/result-view';
import { PAYMENT_ROUTES } from '../../../utils/payment-nav';
import { queryValue } from '../../../utils/booking-nav';
import { ROUTES, toast } from '../../../utils/nav';
import { showLoaded, showLoadFailure } from '../../../utils/load-state';
import { pageLoad } from '../../../behaviors/page-load';
import { definePage } from '../../../utils/page';

/** While `paid`: how long to wait before each `get` (ms), then the page stops asking. */
export const SETTLE_POLL_DELAYS_MS: readonly number[] = [2000, 3000, 5000];

interface ResultData {
  status: 'loading' | 'ready' | 'notFound' | 'error';
  order: OrderDetail | null;
  view: ResultView | null;
  /** Where and when samples are taken, for a settled order with lab items. */
  labSite: LabSiteItem | null;
  refreshing: boolean;
  errorMessage: string;
}

const initialData: ResultData = {
  status: 'loading',
  order: null,
  view: null,
  labSite: null,
  refreshing: false,
  errorMessage: '',
};

/** Not rendered: the order of the query and the settle polling. */
interface ResultFields {
  _orderId: string;
  _pollDelays: readonly number[];
  _polls: number;
  _timer: ReturnType<typeof setTimeout> | null;
  _gone: boolean;
  /** The order shown, and the 自助检验 site (asked once per page) for its lab items. */
  _order: PaymentOrderView | null;
  _site: LabSiteView | null;
  _siteAsked: boolean;
}

definePage<ResultFields>(() => ({
  _orderId: '',
  _pollDelays: SETTLE_POLL_DELAYS_MS,
  _polls: 0,
  _timer: null,
  _gone: false,
  _order: null,
  _site: null,
  _siteAsked: false,
}))({
  behaviors: [pageLoad],
  data: initialData,

  lifetimes: {
    detached() {
      this.stopPolling();
    },
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this._orderId = queryValue(query, 'orderId');
      if (!this._orderId) {
        this.setData({ status: 'notFound' });
        return;
      }
      void this.load();
    },

    onUnload() {
      this.stopPolling();
    },

    async load(): Promise<void> {
      const shown = await showLoaded(this, showLoadFailure, async () => this.viewOf(await getOrder(this._orderId)));
      if (!shown) return;
      this.pollWhilePaid(shown.order.status);
      void this.loadLabSite();
    },

    viewOf(order: PaymentOrderView): { order: OrderDetail; view: ResultView; labSite: LabSiteItem | null } {
      this._order = order;
      return {
        order: toOrderDetail(order),
        view: resultView(order.status),
        labSite: order.status === 'settled' ? labSiteOf(order, this._site) : null,
      };
    },

    /**
     * Once the order is shown: the sampling site's hours and notes for a settled order's lab items,
     * asked once; without them the items' guide still says where.
     */
    async loadLabSite(): Promise<void> {
      const order = this._order;
      if (!order || order.status !== 'settled' || !hasLabItems(order) || this._site || this._siteAsked) return;
      this._siteAsked = true;
      try {
        this._site = await getLabSite(order.cardId);
      } catch {
        return; // the hours are on the 自助检验 page
      }
      const shown = this._order;
      if (!this._gone && shown && shown.status === 'settled') this.setData({ labSite: labSiteOf(shown, this._site) });
    },

    /** Paid but not settled yet: ask `get` again after the next delay, a few times at most. */
    pollWhilePaid(status: PaymentOrderView['status']): void {
      if (status !== 'paid' || this._gone || this._timer || this._polls >= this._pollDelays.length) return;
      const delay = this._pollDelays[this._polls]!;
      this._polls += 1;
      this._timer = setTimeout(() => {
        this._timer = null;
        void this.poll();
      }, delay);
    },

    async poll(): Promise<void> {
      if (this._gone) return;
      try {
        const order = await getOrder(this._orderId);
        if (this._gone) return;
        this.setData(this.viewOf(order));
        this.pollWhilePaid(order.status);
        void this.loadLabSite();
      } catch {
        // keep what is shown; pull-down or the records page shows the outcome later
      }
    },

    stopPolling(): void {
      this._gone = true;
      if (this._timer) clearTimeout(this._timer);
      this._timer = null;
    },

    /** 刷新 while the payment is being confirmed: the server asks WeChat Pay again. */
    async onRefresh(): Promise<void> {
      if (this.data.refreshing) return;
      this.setData({ refreshing: true });
      try {
        const order = await confirmOrder(this._orderId);
        this.setData({ ...this.viewOf(order), refreshing: false });
        this._polls = 0;
        this.pollWhilePaid(order.status);
        void this.loadLabSite();
      } catch (err) {
        this.setData({ refreshing: false });
        toast(errorMessage(err));
      }
    },

    goRecords() {
      wx.redirectTo({ url: PAYMENT_ROUTES.records });
    },

    goHome() {
      wx.switchTab({ url: ROUTES.home });
    },
  },
});
