/** 就诊人列表: the user's bound patient cards, reloaded on show and on pull-down. */
import { listCards } from '../../../services/patient';
import { patientDetailUrl, ROUTES } from '../../../utils/nav';
import { toCardItem } from '../../../utils/patient-view';
import type { CardItem } from '../../../utils/patient-view';
import { loadOnShow, pageLoad } from '../../../behaviors/page-load';
import { showLoaded, showLoadError } from '../../../utils/load-state';
import type { DataEvent } from '../../../utils/page';

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
  behaviors: [pageLoad, loadOnShow],
  data: initialData,

  methods: {
    async load(): Promise<void> {
      await showLoaded(this, showLoadError, async () => {
        const { cards, limit } = await listCards();
        return { cards: cards.map(toCardItem), count: cards.length, limit, atLimit: cards.length >= limit };
      });
    },

    onCardTap(event: DataEvent<{ id?: string }>) {
      const id = event.currentTarget.dataset.id;
      if (id) wx.navigateTo({ url: patientDetailUrl(id) });
    },

    onAdd() {
      if (this.data.atLimit) return;
      wx.navigateTo({ url: ROUTES.patientAdd });
    },
  },
});
