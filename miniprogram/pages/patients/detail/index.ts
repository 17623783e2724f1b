/** 就诊人详情 (query `id`): masked card details, 设为默认 and 解除绑定. */
import { errorMessage, isCloudError } from '../../../services/cloud';
import { getCard, setDefaultCard, unbindCard } from '../../../services/patient';
import { notice, ROUTES, SUCCESS_BACK_DELAY_MS, toast } from '../../../utils/nav';
import { toCardDetail } from '../../../utils/patient-view';
import type { CardDetail } from '../../../utils/patient-view';
import { pageLoad } from '../../../behaviors/page-load';
import { definePage } from '../../../utils/page';

export const UNBIND_CONFIRM_MESSAGE = '解除绑定后将无法为其预约挂号，确定解除？';

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

interface DetailData {
  status: 'loading' | 'ready' | 'notFound' | 'error';
  card: CardDetail | null;
  errorMessage: string;
  /** Which action is running; buttons are disabled meanwhile. */
  busy: '' | 'setDefault' | 'unbind';
  unbindDialogShow: boolean;
  unbindMessage: string;
}

const initialData: DetailData = {
  status: 'loading',
  card: null,
  errorMessage: '',
  busy: '',
  unbindDialogShow: false,
  unbindMessage: UNBIND_CONFIRM_MESSAGE,
};

/** Not rendered: the card shown, from the query. */
interface DetailFields {
  _cardId: string;
}

definePage<DetailFields>(() => ({ _cardId: '' }))({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const cardId = safeDecode(query.id ?? '');
      if (!cardId) {
        this.setData({ status: 'notFound' });
        return;
      }
      this._cardId = cardId;
      void this.load();
    },

    async load(): Promise<void> {
      if (!this._cardId) return;
      try {
        const card = await getCard(this._cardId);
        this.setData({ status: 'ready', card: toCardDetail(card), errorMessage: '' });
      } catch (err) {
        if (isCloudError(err) && err.code === 'NOT_FOUND') this.setData({ status: 'notFound', card: null });
        else this.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
    },

    async onSetDefault(): Promise<void> {
      if (this.data.busy || !this.data.card || this.data.card.isDefault) return;
      this.setData({ busy: 'setDefault' });
      try {
        const card = await setDefaultCard(this._cardId);
        this.setData({ busy: '', card: toCardDetail(card) });
        wx.showToast({ title: '已设为默认', icon: 'success' });
      } catch (err) {
        this.setData({ busy: '' });
        if (isCloudError(err) && err.code === 'NOT_FOUND') this.setData({ status: 'notFound', card: null });
        else toast(errorMessage(err));
      }
    },

    onUnbindTap() {
      if (this.data.busy || !this.data.card) return;
      this.setData({ unbindDialogShow: true });
    },

    onUnbindCancel() {
      if (this.data.unbindDialogShow) this.setData({ unbindDialogShow: false });
    },

    async onUnbindConfirm(): Promise<void> {
      this.setData({ unbindDialogShow: false });
      if (this.data.busy) return;
      this.setData({ busy: 'unbind' });
      try {
        await unbindCard(this._cardId);
        wx.showToast({ title: '已解除绑定', icon: 'success', duration: SUCCESS_BACK_DELAY_MS });
        // Stay busy while leaving, so nothing can be tapped twice.
        setTimeout(() => wx.navigateBack({ delta: 1 }), SUCCESS_BACK_DELAY_MS);
      } catch (err) {
        this.setData({ busy: '' });
        if (isCloudError(err) && err.code === 'NOT_FOUND') this.setData({ status: 'notFound', card: null });
        else notice('解除绑定失败', errorMessage(err));
      }
    },

    goList() {
      wx.redirectTo({ url: ROUTES.patientList });
    },
  },
});
