/**
 * 缴费记录 (query `cardId` optional): the caller's orders of the last 6 months, newest first
 * (closed ones left out by the server), filtered by card, each with how it was paid (医保, 自费,
 * 自动扣费); 自动缴费 (the withholding contract page) above them. Reloaded on show (back from 缴费详情)
 * and on pull-down.
 */
import type { PatientCardView } from '../../../../typings/patient';
import { errorMessage } from '../../../services/cloud';
import { listCards } from '../../../services/patient';
import { listOrders } from '../../services/payment';
import { sortOrders, toOrderItem } from '../../utils/order-view';
import type { OrderItem } from '../../utils/order-view';
import { paymentContractUrl, paymentDetailUrl, PAYMENT_ROUTES } from '../../../utils/payment-nav';
import { queryValue } from '../../../utils/booking-nav';
import { loadOnShow, pageLoad } from '../../../behaviors/page-load';
import { definePage } from '../../../utils/page';
import type { DataEvent } from '../../../utils/page';

export interface CardFilter {
  /** '' = every card */
  id: string;
  name: string;
}

const ALL_CARDS: CardFilter = { id: '', name: '全部就诊人' };

interface RecordsData {
  status: 'loading' | 'ready' | 'error';
  filters: CardFilter[];
  cardId: string;
  orders: OrderItem[];
  truncated: boolean;
  errorMessage: string;
}

const initialData: RecordsData = {
  status: 'loading',
  filters: [ALL_CARDS],
  cardId: '',
  orders: [],
  truncated: false,
  errorMessage: '',
};

/** Not rendered: whether the query's card was applied. */
interface RecordsFields {
  _cardQuery: string;
}

function filtersOf(cards: readonly PatientCardView[]): CardFilter[] {
  return [ALL_CARDS, ...cards.map((c) => ({ id: c.id, name: c.name }))];
}

definePage<RecordsFields>(() => ({ _cardQuery: '' }))({
  behaviors: [pageLoad, loadOnShow],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this._cardQuery = queryValue(query, 'cardId');
      if (this._cardQuery) this.setData({ cardId: this._cardQuery });
    },

    async load(): Promise<void> {
      const cardId = this.data.cardId;
      try {
        const [answer, cards] = await Promise.all([listOrders(cardId || undefined), listCards().catch(() => null)]);
        if (cardId !== this.data.cardId) return; // a later filter owns the page now
        this.setData({
          status: 'ready',
          ...(cards ? { filters: filtersOf(cards.cards) } : {}),
          orders: sortOrders(answer.orders).map(toOrderItem),
          truncated: answer.truncated === true,
          errorMessage: '',
        });
      } catch (err) {
        if (cardId !== this.data.cardId) return;
        this.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
    },

    onFilterTap(event: DataEvent<{ id?: string }>) {
      const id = event.currentTarget.dataset.id ?? '';
      if (id === this.data.cardId) return;
      this.setData({ cardId: id, status: 'loading', orders: [] });
      void this.load();
    },

    onOrderTap(event: DataEvent<{ id?: string }>) {
      const id = event.currentTarget.dataset.id;
      if (id) wx.navigateTo({ url: paymentDetailUrl(id) });
    },

    goPay() {
      wx.navigateTo({ url: PAYMENT_ROUTES.index });
    },

    /** 自动缴费 of the filtered card (the default card when all are shown). */
    goContract() {
      wx.navigateTo({ url: paymentContractUrl(this.data.cardId || undefined) });
    },
  },
});
