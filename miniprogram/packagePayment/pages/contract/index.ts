/**
 * 自动缴费 (query `cardId` optional): the chosen card's withholding contract (委托代扣) — its state,
 * WeChat's limits, what it does — with 开通自动缴费 (jump to WeChat Pay's signing mini program)
 * or 解除 (confirmed in a van-dialog).
 *
 * Signing is services/contract-flow.ts: the jump's answer comes back in App.onShow and is taken in
 * this page's onShow; WeChat's notification reaches the server a moment later, so `contract` is
 * asked again a few times (开通中 until then).
 */
import type { PatientCardView } from '../../../../typings/patient';
import type { WithholdingContractView } from '../../../../typings/payment';
import { errorMessage } from '../../../services/cloud';
import { listCards } from '../../../services/patient';
import { cancelContract, getContract } from '../../services/payment';
import {
  contractRefusal,
  CONTRACT_POLL_DELAYS_MS,
  pollContract,
  signReturn,
  startSigning,
} from '../../services/contract-flow';
import { toContractItem } from '../../utils/contract-view';
import type { ContractItem } from '../../utils/contract-view';
import { chooseCard, defaultFirst } from '../../utils/card-choice';
import { queryValue } from '../../../utils/booking-nav';
import { notice, ROUTES, toast } from '../../../utils/nav';
import { toCardItem } from '../../../utils/patient-view';
import type { CardItem } from '../../../utils/patient-view';
import { pageLoad } from '../../../behaviors/page-load';
import { definePage } from '../../../utils/page';

interface ContractData {
  status: 'loading' | 'ready' | 'error';
  errorMessage: string;
  cards: CardItem[];
  selectedCardId: string;
  contractStatus: 'idle' | 'loading' | 'ready' | 'error';
  contractError: string;
  contract: ContractItem | null;
  /** Whether the chosen card has 医保 (the note on what is still paid by 医保). */
  insured: boolean;
  /** A sign or cancel request is running (or the signing mini program is open). */
  busy: boolean;
  dialogShow: boolean;
}

const initialData: ContractData = {
  status: 'loading',
  errorMessage: '',
  cards: [],
  selectedCardId: '',
  contractStatus: 'idle',
  contractError: '',
  contract: null,
  insured: false,
  busy: false,
  dialogShow: false,
};

/** Not rendered: the query's card, the cards with 医保, the card a signing jump is for. */
interface ContractFields {
  _cardQuery: string;
  _insured: string[];
  _signingFor: string;
  _pollDelays: readonly number[];
}

definePage<ContractFields>(() => ({
  _cardQuery: '',
  _insured: [],
  _signingFor: '',
  _pollDelays: CONTRACT_POLL_DELAYS_MS,
}))({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this._cardQuery = queryValue(query, 'cardId');
      void this.load();
    },

    onShow() {
      if (this._signingFor) void this.afterSigning(this._signingFor);
    },

    async load(): Promise<void> {
      try {
        const { cards } = await listCards();
        this.showCards(cards);
        await this.loadContract();
      } catch (err) {
        if (this.data.status === 'ready') toast(errorMessage(err));
        else this.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
    },

    showCards(cards: readonly PatientCardView[]): void {
      this._insured = cards.filter((c) => c.socialSecurityMasked).map((c) => c.id);
      const selectedCardId = chooseCard(cards, this.data.selectedCardId, this._cardQuery);
      this.setData({ status: 'ready', cards: defaultFirst(cards).map(toCardItem), selectedCardId, errorMessage: '' });
    },

    /** The chosen card's contract; a failed reload keeps what is shown. */
    async loadContract(): Promise<void> {
      const cardId = this.data.selectedCardId;
      if (!cardId) return;
      if (this.data.contractStatus !== 'ready') this.setData({ contractStatus: 'loading' });
      try {
        const contract = await getContract(cardId);
        if (cardId === this.data.selectedCardId) this.showContract(contract);
      } catch (err) {
        if (cardId !== this.data.selectedCardId) return;
        if (this.data.contractStatus === 'ready') toast(errorMessage(err));
        else this.setData({ contractStatus: 'error', contractError: errorMessage(err) });
      }
    },

    showContract(contract: WithholdingContractView): void {
      this.setData({
        contractStatus: 'ready',
        contractError: '',
        contract: toContractItem(contract),
        insured: this._insured.includes(contract.cardId),
      });
    },

    onContractRetry() {
      this.setData({ contractStatus: 'loading' });
      void this.loadContract();
    },

    onCardSelect(event: WechatMiniprogram.CustomEvent<{ cardId?: string }>) {
      const id = event.detail?.cardId;
      if (!id || id === this.data.selectedCardId || this.data.busy) return;
      this.setData({ selectedCardId: id, contractStatus: 'loading', contract: null });
      void this.loadContract();
    },

    onAddCard() {
      wx.navigateTo({ url: ROUTES.patientAdd });
    },

    /** 开通自动缴费: the server's signing parameters, then WeChat Pay's signing mini program. */
    async onSign(): Promise<void> {
      const cardId = this.data.selectedCardId;
      if (!cardId || this.data.busy) return;
      this.setData({ busy: true });
      const started = await startSigning(cardId);
      if (started.kind === 'refused') {
        this.setData({ busy: false });
        notice(started.title, started.message);
        void this.loadContract();
        return;
      }
      // Stays busy until the user is back (onShow).
      this._signingFor = cardId;
      this.showContract(started.contract);
    },

    /** Back from the signing mini program: what it said, then the contract as the server learns it. */
    async afterSigning(cardId: string): Promise<void> {
      this._signingFor = '';
      const back = signReturn();
      if (back.kind === 'failed') notice('开通未完成', back.message);
      else if (back.kind === 'cancelled') toast('已取消开通');
      else if (back.kind === 'signed') wx.showLoading({ title: '正在确认', mask: true });
      const contract = await pollContract(cardId, back.kind === 'signed' ? this._pollDelays : []);
      if (back.kind === 'signed') wx.hideLoading();
      this.setData({ busy: false });
      if (contract && cardId === this.data.selectedCardId) this.showContract(contract);
      if (back.kind === 'signed' && contract?.status === 'active') wx.showToast({ title: '已开通', icon: 'success' });
      else if (back.kind === 'signed') notice('开通确认中', '微信支付正在确认签约结果，请稍后下拉刷新查看');
    },

    onCancelTap() {
      if (this.data.busy || !this.data.contract?.canCancel) return;
      this.setData({ dialogShow: true });
    },

    onDialogDismiss() {
      this.setData({ dialogShow: false });
    },

    /** 解除 confirmed in the dialog. */
    async onCancelConfirm(): Promise<void> {
      const cardId = this.data.selectedCardId;
      this.setData({ dialogShow: false, busy: true });
      try {
        const contract = await cancelContract(cardId);
        if (cardId === this.data.selectedCardId) this.showContract(contract);
        wx.showToast({ title: '已解除', icon: 'success' });
      } catch (err) {
        const refusal = contractRefusal(err);
        notice(refusal.title, refusal.message);
        void this.loadContract();
      }
      this.setData({ busy: false });
    },
  },
});
