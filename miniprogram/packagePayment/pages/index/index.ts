/**
 * 门诊缴费 (query `cardId` optional): choose the card (the default first), see its unpaid items
 * grouped by kind, each expandable to its lines, choose what to pay (everything by default) and
 * pay it; the card's open orders (待支付订单) with 去支付 / 取消 above them; 自助检验 (the lab page)
 * for the chosen card.
 *
 * The pay flow is services/pay-flow.ts: the 去支付 tap hands it the consent template ids loaded
 * with the page (`templates`), so the consent sheet is asked on the tap itself. Back on this page
 * (from 缴费结果) the list is loaded again.
 */
import type { FeeItemView, PaymentOrderView } from '../../../../typings/payment';
import { errorMessage, reasonOf } from '../../../services/cloud';
import { listCards } from '../../../services/patient';
import { cancelOrder, getTemplates, listUnpaid } from '../../services/payment';
import { CONFIRM_POLL_DELAYS_MS, startPayment } from '../../services/pay-flow';
import type { PayOutcome, PayTarget } from '../../services/pay-flow';
import { groupItems, selectionTotal, toggled } from '../../utils/fee-view';
import type { FeeGroup } from '../../utils/fee-view';
import { toOrderItem } from '../../utils/order-view';
import type { OrderItem } from '../../utils/order-view';
import { formatYuan } from '../../../utils/money';
import { paymentLabUrl, paymentResultUrl } from '../../../utils/payment-nav';
import { queryValue } from '../../../utils/booking-nav';
import { notice, ROUTES, toast } from '../../../utils/nav';
import { toCardItem } from '../../../utils/patient-view';
import type { CardItem } from '../../../utils/patient-view';
import { chooseCard, defaultFirst } from '../../utils/card-choice';
import { pageLoad } from '../../../behaviors/page-load';
import { definePage } from '../../../utils/page';
import type { DataEvent } from '../../../utils/page';

export const CANCEL_ORDER_MESSAGE = '取消后该订单将关闭，其中的项目可重新选择缴费。确定取消？';

interface IndexData {
  /** The cards; the unpaid list has its own `listStatus`. */
  status: 'loading' | 'ready' | 'error';
  errorMessage: string;
  cards: CardItem[];
  selectedCardId: string;
  listStatus: 'idle' | 'loading' | 'ready' | 'error';
  listError: string;
  groups: FeeGroup[];
  openOrders: OrderItem[];
  itemCount: number;
  selectedCount: number;
  allSelected: boolean;
  totalText: string;
  /** A pay flow is running: every pay and cancel control is disabled. */
  paying: boolean;
  /** The open order whose 取消 is being sent. */
  cancelling: string;
}

const initialData: IndexData = {
  status: 'loading',
  errorMessage: '',
  cards: [],
  selectedCardId: '',
  listStatus: 'idle',
  listError: '',
  groups: [],
  openOrders: [],
  itemCount: 0,
  selectedCount: 0,
  allSelected: false,
  totalText: formatYuan(0),
  paying: false,
  cancelling: '',
};

/** Not rendered: the answers the view is computed from, the choices, and the consent ids. */
interface IndexFields {
  _cardQuery: string;
  _items: FeeItemView[];
  /** Items the patient unticked (everything else is selected, new items too). */
  _unticked: string[];
  _expanded: string[];
  _consentIds: string[];
  _pollDelays: readonly number[];
}

definePage<IndexFields>(() => ({
  _cardQuery: '',
  _items: [],
  _unticked: [],
  _expanded: [],
  _consentIds: [],
  _pollDelays: CONFIRM_POLL_DELAYS_MS,
}))({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this._cardQuery = queryValue(query, 'cardId');
      void this.load();
    },

    onShow() {
      // Back from 缴费结果 or 添加就诊人: what changed meanwhile.
      if (this.data.status === 'ready' && !this.data.paying) void this.load();
    },

    /** The cards and the selected card's list; the consent ids on the side. */
    async load(): Promise<void> {
      void this.loadTemplates();
      try {
        const { cards } = await listCards();
        const selectedCardId = chooseCard(cards, this.data.selectedCardId, this._cardQuery);
        this.setData({ status: 'ready', cards: defaultFirst(cards).map(toCardItem), selectedCardId, errorMessage: '' });
        await this.loadList();
      } catch (err) {
        if (this.data.status === 'ready') toast(errorMessage(err));
        else this.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
    },

    async loadTemplates(): Promise<void> {
      try {
        this._consentIds = (await getTemplates()).consent;
      } catch {
        // no consent asked then: paying works without messages
      }
    },

    /** The selected card's unpaid items and open orders; a failed reload keeps what is shown. */
    async loadList(): Promise<void> {
      const cardId = this.data.selectedCardId;
      if (!cardId) {
        this.show([], []);
        return;
      }
      if (this.data.listStatus !== 'ready') this.setData({ listStatus: 'loading' });
      try {
        const { items, openOrders } = await listUnpaid(cardId);
        if (cardId !== this.data.selectedCardId) return; // another card owns the page now
        this.show(items, openOrders);
      } catch (err) {
        if (cardId !== this.data.selectedCardId) return;
        if (this.data.listStatus === 'ready') toast(errorMessage(err));
        else this.setData({ listStatus: 'error', listError: errorMessage(err) });
      }
    },

    show(items: FeeItemView[], openOrders: PaymentOrderView[]): void {
      this._items = items;
      const ids = items.map((i) => i.itemId);
      this._unticked = this._unticked.filter((id) => ids.includes(id));
      this._expanded = this._expanded.filter((id) => ids.includes(id));
      this.setData({ listStatus: 'ready', listError: '', openOrders: openOrders.map(toOrderItem) });
      this.render();
    },

    selectedIds(): string[] {
      return this._items.map((i) => i.itemId).filter((id) => !this._unticked.includes(id));
    },

    /** The groups, the selection and its total, from the fields. */
    render(): void {
      const selected = this.selectedIds();
      this.setData({
        groups: groupItems(this._items, selected, this._expanded),
        itemCount: this._items.length,
        selectedCount: selected.length,
        allSelected: this._items.length > 0 && selected.length === this._items.length,
        totalText: formatYuan(selectionTotal(this._items, selected)),
      });
    },

    onListRetry() {
      this.setData({ listStatus: 'loading' });
      void this.loadList();
    },

    onCardSelect(event: WechatMiniprogram.CustomEvent<{ cardId?: string }>) {
      const id = event.detail?.cardId;
      if (!id || id === this.data.selectedCardId || this.data.paying) return;
      this._items = [];
      this._unticked = [];
      this._expanded = [];
      this.setData({ selectedCardId: id, listStatus: 'loading', groups: [], openOrders: [] });
      void this.loadList();
    },

    onAddCard() {
      wx.navigateTo({ url: ROUTES.patientAdd });
    },

    /** 自助检验申请 for the chosen card. */
    goLab() {
      wx.navigateTo({ url: paymentLabUrl(this.data.selectedCardId) });
    },

    onItemToggle(event: DataEvent<{ id?: string }>) {
      const id = event.currentTarget.dataset.id;
      if (!id || this.data.paying) return;
      this._unticked = toggled(this._unticked, id);
      this.render();
    },

    onToggleAll() {
      if (this.data.paying) return;
      this._unticked = this.data.allSelected ? this._items.map((i) => i.itemId) : [];
      this.render();
    },

    onItemExpand(event: DataEvent<{ id?: string }>) {
      const id = event.currentTarget.dataset.id;
      if (!id) return;
      this._expanded = toggled(this._expanded, id);
      this.render();
    },

    /** 去支付 of the selection: consent first, on the tap (pay-flow.ts). */
    onSubmit() {
      const itemIds = this.selectedIds();
      if (this.data.paying || itemIds.length === 0) return;
      this.pay({ kind: 'new', cardId: this.data.selectedCardId, itemIds });
    },

    /** 去支付 of an open order. */
    onOpenOrderPay(event: DataEvent<{ id?: string }>) {
      const orderId = event.currentTarget.dataset.id;
      if (!orderId || this.data.paying || this.data.cancelling) return;
      this.pay({ kind: 'open', orderId });
    },

    pay(target: PayTarget): void {
      const flow = startPayment(this._consentIds, target, { pollDelaysMs: this._pollDelays });
      this.setData({ paying: true });
      void flow.then((outcome) => this.afterPay(outcome));
    },

    afterPay(outcome: PayOutcome): void {
      if (outcome.kind === 'finished') {
        // Stays "paying" until the result page covers this one.
        wx.navigateTo({
          url: paymentResultUrl(outcome.order.orderId),
          complete: () => this.setData({ paying: false }),
        });
        return;
      }
      this.setData({ paying: false });
      if (outcome.kind === 'kept') {
        notice(outcome.cancelled ? '支付已取消' : '支付未完成', outcome.message);
        void this.loadList();
      } else if (outcome.reason === 'itemsChanged') {
        wx.showModal({
          title: outcome.title,
          content: outcome.message,
          showCancel: false,
          confirmText: '刷新',
          success: () => void this.loadList(),
        });
      } else {
        notice(outcome.title, outcome.message);
        if (outcome.reload) void this.loadList();
      }
    },

    onOpenOrderCancel(event: DataEvent<{ id?: string }>) {
      const orderId = event.currentTarget.dataset.id;
      if (!orderId || this.data.paying || this.data.cancelling) return;
      wx.showModal({
        title: '取消订单',
        content: CANCEL_ORDER_MESSAGE,
        confirmText: '取消订单',
        confirmColor: '#ee0a24',
        cancelText: '再想想',
        success: (res) => {
          if (res.confirm) void this.cancel(orderId);
        },
      });
    },

    async cancel(orderId: string): Promise<void> {
      this.setData({ cancelling: orderId });
      try {
        await cancelOrder(orderId);
        wx.showToast({ title: '订单已取消', icon: 'success' });
      } catch (err) {
        if (reasonOf(err, 'payment') === 'notPayable') notice('无法取消', '该订单已支付或已关闭，请查看缴费记录');
        else toast(errorMessage(err));
      }
      this.setData({ cancelling: '' });
      await this.loadList();
    },
  },
});
