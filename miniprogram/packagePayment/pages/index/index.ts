/**
 * 门诊缴费 (query `cardId` optional): choose the card (the default first), see its unpaid items
 * grouped by kind, each expandable to its lines, choose what to pay (everything by default) and
 * pay it; the card's open orders (待支付订单) with 去支付 / 取消 above them; 自助检验 (the lab page)
 * and 自动缴费 (the withholding contract page) for the chosen card.
 *
 * The pay flow is services/pay-flow.ts: the 去支付 tap hands it the consent template ids loaded
 * with the page (`templates`), so the consent sheet is asked on the tap itself. A card with 医保
 * offers 医保支付 (the default) or 自费支付: 医保 is services/insurance-flow.ts — 去支付 opens the
 * 医保 mini program to authorise, its answer is taken in onShow, the 医保 order's split is shown
 * in a panel whose 确认支付 (consent on that tap) pays it and 改用自费支付 pays it all 自费. Back on
 * this page (from 缴费结果) the list is loaded again. The cards load as on 自助检验
 * (behaviors/card-page.ts).
 */
import type { PatientCardView } from '../../../../typings/patient';
import type { FeeItemView, PaymentCreateOrderResponse, PaymentOrderView } from '../../../../typings/payment';
import { errorMessage, reasonOf } from '../../../services/cloud';
import { cancelOrder, listUnpaid } from '../../services/payment';
import { CONFIRM_POLL_DELAYS_MS, INSURANCE_POLL_DELAYS_MS, startPayment } from '../../services/pay-flow';
import type { PayOutcome, PayTarget } from '../../services/pay-flow';
import { authReturn, openMedInsAuth, payInsurance, quoteInsurance } from '../../services/insurance-flow';
import { toSplitPanel } from '../../utils/insurance-view';
import type { SplitPanel } from '../../utils/insurance-view';
import { groupItems, selectionTotal, toggled } from '../../utils/fee-view';
import type { FeeGroup } from '../../utils/fee-view';
import { toOrderItem } from '../../utils/order-view';
import type { OrderItem } from '../../utils/order-view';
import { formatYuan } from '../../../utils/money';
import { paymentContractUrl, paymentLabUrl, paymentResultUrl } from '../../../utils/payment-nav';
import { queryValue } from '../../../utils/booking-nav';
import { notice, toast } from '../../../utils/nav';
import type { CardItem } from '../../../utils/patient-view';
import { pageLoad } from '../../../behaviors/page-load';
import { cardPage } from '../../behaviors/card-page';
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
  /** The chosen card has 医保: 医保支付 or 自费支付 may be chosen. */
  insured: boolean;
  payMode: 'insurance' | 'selfPay';
  /** The 医保 order's split before paying (the panel shows while set). */
  quote: SplitPanel | null;
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
  insured: false,
  payMode: 'insurance',
  quote: null,
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
  _insurancePollDelays: readonly number[];
  /** The cards with 医保. */
  _insured: string[];
  /** What the 医保 authorisation under way is for (null: none). */
  _authFor: { cardId: string; itemIds: string[] } | null;
  /** The 医保 order the panel shows, with its pay parameters. */
  _quote: PaymentCreateOrderResponse | null;
}

definePage<IndexFields>(() => ({
  _cardQuery: '',
  _items: [],
  _unticked: [],
  _expanded: [],
  _consentIds: [],
  _pollDelays: CONFIRM_POLL_DELAYS_MS,
  _insurancePollDelays: INSURANCE_POLL_DELAYS_MS,
  _insured: [],
  _authFor: null,
  _quote: null,
}))({
  behaviors: [pageLoad, cardPage],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this._cardQuery = queryValue(query, 'cardId');
      void this.load();
    },

    onShow() {
      // Back from the 医保 mini program: its answer; from 缴费结果 or 添加就诊人: what changed meanwhile.
      if (this._authFor) this.afterAuth();
      else if (this.data.status === 'ready' && !this.data.paying) void this.load();
    },

    /** cardPage's load: the selected card's list. */
    loadForCard(): Promise<void> {
      return this.loadList();
    },

    cardsLoaded(cards: readonly PatientCardView[]): void {
      this._insured = cards.filter((c) => c.socialSecurityMasked).map((c) => c.id);
    },

    /** The selected card's unpaid items and open orders; a failed reload keeps what is shown. */
    async loadList(): Promise<void> {
      const cardId = this.data.selectedCardId;
      if (!cardId) {
        this.show([], []);
        return;
      }
      this.setData({ insured: this._insured.includes(cardId) });
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

    /** 自助检验申请 for the chosen card. */
    goLab() {
      wx.navigateTo({ url: paymentLabUrl(this.data.selectedCardId) });
    },

    /** 自动缴费 (withholding contract) of the chosen card. */
    goContract() {
      wx.navigateTo({ url: paymentContractUrl(this.data.selectedCardId) });
    },

    onPayModeTap(event: DataEvent<{ mode?: string }>) {
      const mode = event.currentTarget.dataset.mode;
      if (this.data.paying || (mode !== 'insurance' && mode !== 'selfPay')) return;
      this.setData({ payMode: mode });
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

    /** 去支付 of the selection: 医保 authorisation first, or 自费 with consent on the tap (pay-flow.ts). */
    onSubmit() {
      const itemIds = this.selectedIds();
      const cardId = this.data.selectedCardId;
      if (this.data.paying || itemIds.length === 0) return;
      if (this.data.insured && this.data.payMode === 'insurance') void this.authorise(cardId, itemIds);
      else this.pay({ kind: 'new', cardId, itemIds });
    },

    /** Opens the 医保 mini program; the page stays "paying" until its answer (onShow). */
    async authorise(cardId: string, itemIds: string[]): Promise<void> {
      this.setData({ paying: true });
      this._authFor = { cardId, itemIds };
      const jump = await openMedInsAuth();
      if (jump.ok) return;
      this._authFor = null;
      this.setData({ paying: false });
      if (!jump.cancelled) notice('无法打开医保授权', jump.message);
    },

    /** The 医保 mini program's answer: the 医保 order and its split, or why not. */
    afterAuth(): void {
      const target = this._authFor!;
      this._authFor = null;
      const back = authReturn();
      if (back.kind !== 'authorised') {
        this.setData({ paying: false });
        if (back.kind === 'cancelled') toast('已取消医保授权');
        return;
      }
      void quoteInsurance(target.cardId, target.itemIds, back.authCode).then((quote) => {
        if (quote.kind === 'quote') {
          this._quote = quote.answer;
          this.setData({ paying: false, quote: toSplitPanel(quote.answer.order) });
          return;
        }
        this.setData({ paying: false, ...(quote.reason === 'notInsured' ? { payMode: 'selfPay' as const } : {}) });
        this.afterPay(quote);
      });
    },

    /** 确认支付 in the split panel: consent on the tap, then the 医保 payment. */
    onQuoteConfirm() {
      const answer = this._quote;
      if (!answer || this.data.paying) return;
      const flow = payInsurance(this._consentIds, answer, {
        pollDelaysMs: this._pollDelays,
        insurancePollDelaysMs: this._insurancePollDelays,
      });
      this._quote = null;
      this.setData({ paying: true, quote: null });
      void flow.then((outcome) => this.afterPay(outcome));
    },

    /** 改用自费支付: the same items 自费 (the server gives up the 医保 order), consent on the tap. */
    onQuoteSelfPay() {
      const answer = this._quote;
      if (!answer || this.data.paying) return;
      this._quote = null;
      this.setData({ quote: null });
      this.pay({ kind: 'new', cardId: answer.order.cardId, itemIds: answer.order.items.map((i) => i.itemId) });
    },

    /** The panel closed unpaid: the 医保 order waits under 待支付订单. */
    onQuoteClose() {
      if (!this._quote || this.data.paying) return;
      this._quote = null;
      this.setData({ quote: null });
      void this.loadList();
    },

    /** 去支付 of an open order. */
    onOpenOrderPay(event: DataEvent<{ id?: string }>) {
      const orderId = event.currentTarget.dataset.id;
      if (!orderId || this.data.paying || this.data.cancelling) return;
      this.pay({ kind: 'open', orderId });
    },

    pay(target: PayTarget): void {
      const flow = startPayment(this._consentIds, target, {
        pollDelaysMs: this._pollDelays,
        insurancePollDelaysMs: this._insurancePollDelays,
      });
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
