/** 就诊人列表: the user's bound patient cards, reloaded on show and on pull-down. */
import { errorMessage } from '../../../services/cloud';
import { listCards } from '../../../services/patient';
import { patientDetailUrl, ROUTES } from '../../../utils/nav';
import { toCardItem } from '../../../utils/patient-view';
import type { CardItem } from '../../../utils/patient-view';
import { pageLoad } from '../../../behaviors/page-load';

/** Shown until the server reports its limit. */
const DEFAULT_LIMIT = 5;

interface ListData {
  status: 'loading' | 'ready' | 'error';
  cards: CardItem[];
  count: number;
  limit: number;
  atLimit: boolean;
  errorMessage: string;
}

const initialData: ListData = {
  status: 'loading',
  cards: [],
  count: 0,
  limit: DEFAULT_LIMIT,
  atLimit: false,
  errorMessage: '',
};

Component({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onShow() {
      void this.load();
    },

    async load(): Promise<void> {
      try {
        const { cards, limit } = await listCards();
        this.setData({
          status: 'ready',
          cards: cards.map(toCardItem),
          count: cards.length,
          limit,
          atLimit: cards.length >= limit,
          errorMessage: '',
        });
      } catch (err) {
        this.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
    },

    onCardTap(
      event: WechatMiniprogram.CustomEvent<WechatMiniprogram.IAnyObject, WechatMiniprogram.IAnyObject, { id?: string }>,
    ) {
      const id = event.currentTarget.dataset.id;
      if (id) wx.navigateTo({ url: patientDetailUrl(id) });
    },

    onAdd() {
      if (this.data.atLimit) return;
      wx.navigateTo({ url: ROUTES.patientAdd });
    },
  },
});
