/**
 * 自助检验申请 (query `cardId` optional): choose the card (the default first), see the tests it
 * may order (`labCatalog`) grouped by category — price, specimen, preparation (空腹项目 called out),
 * turnaround; a test the card may not order is shown disabled with the reason — how many orders
 * remain today and where and when samples are taken; choose tests and 提交并支付.
 *
 * The cards and the consent ids load as on 门诊缴费 (behaviors/card-page.ts). The tap runs
 * services/lab-flow.ts: consent (the `templates` ids loaded with the page) on the tap itself, `orderLabTests` with an idempotency key, then the pay flow of 去支付 and the result page.
 * The key is made on the tap and kept for taps retrying the same card and tests after an outcome
 * that may have created charges (utils/lab-key.ts); back on this page the catalog is loaded again.
 */
import type { LabTestView } from '../../../../typings/payment';
import { errorMessage } from '../../../services/cloud';
import { labCatalog } from '../../services/payment';
import { CONFIRM_POLL_DELAYS_MS } from '../../services/pay-flow';
import type { PayOutcome, RefusalKind } from '../../services/pay-flow';
import { startLabOrder } from '../../services/lab-flow';
import { groupTests, keepSelectable, labTotal, orderedCodes, quotaText, toSiteItem } from '../../utils/lab-view';
import type { LabGroup, LabSiteItem } from '../../utils/lab-view';
import { labSelectionOf, newLabKey } from '../../utils/lab-key';
import { toggled } from '../../utils/fee-view';
import { formatYuan } from '../../../utils/money';
import { paymentResultUrl } from '../../../utils/payment-nav';
import { queryValue } from '../../../utils/booking-nav';
import { notice, toast } from '../../../utils/nav';
import type { CardItem } from '../../../utils/patient-view';
import { pageLoad } from '../../../behaviors/page-load';
import { cardPage } from '../../behaviors/card-page';
import { definePage } from '../../../utils/page';
import type { DataEvent } from '../../../utils/page';

/** Refusals after which nothing exists for the key (no charges, no order, nothing counted). */
const KEY_DROPPED_ON: readonly RefusalKind[] = ['labNotEligible', 'labDailyLimit'];

interface LabData {
  /** The cards; the catalog has its own `catalogStatus`. */
  status: 'loading' | 'ready' | 'error';
  errorMessage: string;
  cards: CardItem[];
  selectedCardId: string;
  catalogStatus: 'idle' | 'loading' | 'ready' | 'error';
  catalogError: string;
  groups: LabGroup[];
  testCount: number;
  site: LabSiteItem | null;
  perDayLimit: number;
  remainingToday: number;
  quotaText: string;
  selectedCount: number;
  totalText: string;
  /** Whether 提交并支付 may be tapped (a selection, and an order left today or a retry of one). */
  canSubmit: boolean;
  /** The flow is running: the picker, the tests and the button are disabled. */
  ordering: boolean;
}

const initialData: LabData = {
  status: 'loading',
  errorMessage: '',
  cards: [],
  selectedCardId: '',
  catalogStatus: 'idle',
  catalogError: '',
  groups: [],
  testCount: 0,
  site: null,
  perDayLimit: 0,
  remainingToday: 0,
  quotaText: '',
  selectedCount: 0,
  totalText: formatYuan(0),
  canSubmit: false,
  ordering: false,
};

/** Not rendered: the catalog, the choice, the key of the last try and the consent ids. */
interface LabFields {
  _cardQuery: string;
  _tests: LabTestView[];
  _selected: string[];
  /** The key of the last try and what it was for (labSelectionOf); '' = none kept. */
  _key: string;
  _keyFor: string;
  _consentIds: string[];
  _pollDelays: readonly number[];
}

definePage<LabFields>(() => ({
  _cardQuery: '',
  _tests: [],
  _selected: [],
  _key: '',
  _keyFor: '',
  _consentIds: [],
  _pollDelays: CONFIRM_POLL_DELAYS_MS,
}))({
  behaviors: [pageLoad, cardPage],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this._cardQuery = queryValue(query, 'cardId');
      void this.load();
    },

    onShow() {
      // Back from 缴费结果 or 添加就诊人: today's remaining orders changed.
      if (this.data.status === 'ready' && !this.data.ordering) void this.load();
    },

    /** cardPage's load: the catalog of the selected card. */
    loadForCard(): Promise<void> {
      return this.loadCatalog();
    },

    /** The selected card's catalog; a failed reload keeps what is shown. */
    async loadCatalog(): Promise<void> {
      const cardId = this.data.selectedCardId;
      if (!cardId) return;
      if (this.data.catalogStatus !== 'ready') this.setData({ catalogStatus: 'loading' });
      try {
        const answer = await labCatalog(cardId);
        if (cardId !== this.data.selectedCardId) return; // another card owns the page now
        this._tests = answer.tests;
        this._selected = keepSelectable(answer.tests, this._selected);
        this.setData({
          catalogStatus: 'ready',
          catalogError: '',
          testCount: answer.tests.length,
          site: toSiteItem(answer.site),
          perDayLimit: answer.perDayLimit,
          remainingToday: answer.remainingToday,
          quotaText: quotaText(answer.remainingToday, answer.perDayLimit),
        });
        this.render();
      } catch (err) {
        if (cardId !== this.data.selectedCardId) return;
        if (this.data.catalogStatus === 'ready') toast(errorMessage(err));
        else this.setData({ catalogStatus: 'error', catalogError: errorMessage(err) });
      }
    },

    /** The groups, the selection, its total and whether it may be submitted, from the fields. */
    render(): void {
      const codes = orderedCodes(this._tests, this._selected);
      const retry = this._key !== '' && this._keyFor === labSelectionOf(this.data.selectedCardId, codes);
      this.setData({
        groups: groupTests(this._tests, this._selected),
        selectedCount: codes.length,
        totalText: formatYuan(labTotal(this._tests, this._selected)),
        canSubmit: codes.length > 0 && (this.data.remainingToday > 0 || retry),
      });
    },

    onCatalogRetry() {
      this.setData({ catalogStatus: 'loading' });
      void this.loadCatalog();
    },

    onCardSelect(event: WechatMiniprogram.CustomEvent<{ cardId?: string }>) {
      const id = event.detail?.cardId;
      if (!id || id === this.data.selectedCardId || this.data.ordering) return;
      this._tests = [];
      this._selected = [];
      this.setData({ selectedCardId: id, catalogStatus: 'loading', groups: [], testCount: 0, site: null });
      this.render();
      void this.loadCatalog();
    },

    /** A tap on a test: ticks or unticks it; one the card may not order says why. */
    onTestToggle(event: DataEvent<{ code?: string }>) {
      const code = event.currentTarget.dataset.code;
      const test = this._tests.find((t) => t.code === code);
      if (!test || this.data.ordering) return;
      if (!test.eligible) {
        toast(test.ineligibleReason ?? '该项目暂不可自助申请');
        return;
      }
      this._selected = toggled(this._selected, test.code);
      this.render();
    },

    /** 提交并支付: consent first, on the tap (lab-flow.ts). */
    onSubmit() {
      const cardId = this.data.selectedCardId;
      const codes = orderedCodes(this._tests, this._selected);
      if (this.data.ordering || !this.data.canSubmit || !cardId || codes.length === 0) return;
      const selection = labSelectionOf(cardId, codes);
      if (!this._key || this._keyFor !== selection) {
        this._key = newLabKey();
        this._keyFor = selection;
      }
      const flow = startLabOrder(
        this._consentIds,
        { cardId, codes, idempotencyKey: this._key },
        { pollDelaysMs: this._pollDelays, perDayLimit: this.data.perDayLimit },
      );
      this.setData({ ordering: true });
      void flow.then((outcome) => this.afterOrder(outcome));
    },

    afterOrder(outcome: PayOutcome): void {
      if (outcome.kind === 'finished') {
        // Ordered and paid (or being confirmed): the next order is another one.
        this._key = '';
        this._keyFor = '';
        this._selected = [];
        wx.navigateTo({
          url: paymentResultUrl(outcome.order.orderId),
          complete: () => this.setData({ ordering: false }),
        });
        return;
      }
      // Nothing was made for a refused selection: its next try is a new request.
      if (outcome.kind === 'refused' && KEY_DROPPED_ON.includes(outcome.reason)) {
        this._key = '';
        this._keyFor = '';
      }
      this.setData({ ordering: false });
      if (outcome.kind === 'kept') {
        const title = outcome.cancelled ? '支付已取消' : '支付未完成';
        notice(title, `${outcome.message}；也可在门诊缴费中继续支付`);
      } else {
        notice(outcome.title, outcome.message);
        if (!outcome.reload) return;
      }
      void this.loadCatalog();
    },
  },
});
