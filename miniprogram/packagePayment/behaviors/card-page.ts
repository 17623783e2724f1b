/**
 * What 门诊缴费 and 自助检验 do the same way: load the caller's cards (the default first; the one
 * chosen before, else the query's, else the default selected), then the page's own data for the
 * selected card (`loadForCard`); the consent template ids of the pay tap on the side; 添加就诊人.
 *
 * A page lists `behaviors: [pageLoad, cardPage]`, has `status`, `errorMessage`, `cards` and
 * `selectedCardId` in its data and the fields `_cardQuery` and `_consentIds`, and defines
 * `loadForCard()` (a failed reload there keeps what is shown); `cardsLoaded(cards)`, when defined,
 * sees the cards as the server answered them (what the card items leave out).
 */
import type { PatientCardView } from '../../../typings/patient';
import { errorMessage } from '../../services/cloud';
import { listCards } from '../../services/patient';
import { ROUTES, toast } from '../../utils/nav';
import { toCardItem } from '../../utils/patient-view';
import type { CardItem } from '../../utils/patient-view';
import { getTemplates } from '../services/payment';
import { chooseCard, defaultFirst } from '../utils/card-choice';

interface CardPageHost {
  data: { status: string; selectedCardId: string };
  setData(data: {
    status?: 'ready' | 'error';
    cards?: CardItem[];
    selectedCardId?: string;
    errorMessage?: string;
  }): void;
  _cardQuery: string;
  _consentIds: string[];
  loadForCard(): Promise<void>;
  cardsLoaded?(cards: readonly PatientCardView[]): void;
}

export const cardPage = Behavior({
  methods: {
    /** The cards and the selected card's data; the consent ids on the side. */
    async load(): Promise<void> {
      const page = this as unknown as CardPageHost;
      void (this as unknown as { loadTemplates(): Promise<void> }).loadTemplates();
      try {
        const { cards } = await listCards();
        const selectedCardId = chooseCard(cards, page.data.selectedCardId, page._cardQuery);
        page.cardsLoaded?.(cards);
        page.setData({ status: 'ready', cards: defaultFirst(cards).map(toCardItem), selectedCardId, errorMessage: '' });
        await page.loadForCard();
      } catch (err) {
        if (page.data.status === 'ready') toast(errorMessage(err));
        else page.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
    },

    async loadTemplates(): Promise<void> {
      try {
        (this as unknown as CardPageHost)._consentIds = (await getTemplates()).consent;
      } catch {
        // no consent asked then: paying works without messages
      }
    },

    onAddCard() {
      wx.navigateTo({ url: ROUTES.patientAdd });
    },
  },
});
