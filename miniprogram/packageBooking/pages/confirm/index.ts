/**
 * 确认预约 (query `sessionId`, `time`): choose the patient card, review the visit and the rules,
 * then book. The session comes from `booking.session`, the 预约须知 and the consent template ids
 * from `booking.rules` (this deployment's values, loaded with the page).
 *
 * The 确认预约 tap first asks subscription consent (WeChat only allows it on a tap, so the ids are
 * loaded before it; a refusal does not block booking), then calls `book` with an idempotency key
 * made once per page visit. The key is kept while the outcome is unknown (utils/book-outcome.ts),
 * so a retry can never take a second seat; a definite answer, or another card, starts a fresh key.
 */
import type { PatientCardView } from '../../../../typings/patient';
import { errorMessage, isCloudError } from '../../../services/cloud';
import { listCards } from '../../../services/patient';
import { book, getRules, getSession } from '../../services/booking';
import { newIdempotencyKey } from '../../utils/booking-key';
import { queryValue, resultUrl } from '../../../utils/booking-nav';
import type { ConfirmTarget } from '../../../utils/booking-nav';
import { requestConsent } from '../../../utils/booking-templates';
import { arrivalText, weekdayOf } from '../../utils/booking-format';
import { bookFailure } from '../../utils/book-outcome';
import { ruleLines } from '../../utils/booking-rules';
import { toSessionItem } from '../../utils/schedule-view';
import type { SessionItem } from '../../utils/schedule-view';
import { notice, ROUTES } from '../../../utils/nav';
import { pickDefault, toCardItem } from '../../../utils/patient-view';
import type { CardItem } from '../../../utils/patient-view';
import { pageLoad } from '../../../behaviors/page-load';
import { definePage } from '../../../utils/page';

export interface ConfirmVisit {
  session: SessionItem;
  /** `2024-05-06 周一 上午` */
  when: string;
  /** `09:00-09:30` */
  timeRange: string;
  arrival: string;
  bookable: boolean;
}

interface ConfirmData {
  status: 'loading' | 'ready' | 'notFound' | 'error';
  visit: ConfirmVisit | null;
  cards: CardItem[];
  selectedCardId: string;
  /** 预约须知, from the `rules` answer. */
  rules: string[];
  submitting: boolean;
  submitError: string;
  errorMessage: string;
}

const initialData: ConfirmData = {
  status: 'loading',
  visit: null,
  cards: [],
  selectedCardId: '',
  rules: [],
  submitting: false,
  submitError: '',
  errorMessage: '',
};

/** Not rendered: the time point asked for, the consent ids and the idempotency key (see the file comment). */
interface ConfirmFields {
  _target: ConfirmTarget;
  /** Template ids to ask consent for on the tap (`rules.consent.book`), loaded with the page. */
  _consentIds: string[];
  /** One per page visit. */
  _key: string;
  /** The card the key was last used for ('' = not used yet). */
  _keyCardId: string;
}

function selectCard(cards: readonly PatientCardView[], current: string): string {
  if (current && cards.some((c) => c.id === current)) return current;
  return pickDefault(cards)?.id ?? '';
}

definePage<ConfirmFields>(() => ({ _target: { sessionId: '', time: '' }, _consentIds: [], _key: '', _keyCardId: '' }))({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const sessionId = queryValue(query, 'sessionId');
      const time = queryValue(query, 'time');
      this._target = { sessionId, time };
      this._key = newIdempotencyKey();
      if (!sessionId || !time) {
        this.setData({ status: 'notFound' });
        return;
      }
      void this.load();
    },

    onShow() {
      // Back from 添加就诊人: refresh the cards, keeping the choice.
      if (this.data.status === 'ready') void this.loadCards();
    },

    async load(): Promise<void> {
      const { sessionId, time } = this._target;
      try {
        const [session, { cards }, rules] = await Promise.all([getSession(sessionId), listCards(), getRules()]);
        const point = session.timePoints.find((tp) => tp.time === time);
        if (!point) {
          this.setData({ status: 'notFound', visit: null });
          return;
        }
        this._consentIds = rules.consent.book;
        const item = toSessionItem(session);
        this.setData({
          status: 'ready',
          visit: {
            session: item,
            when: `${session.date} ${weekdayOf(session.date)} ${item.period}`,
            timeRange: `${point.time}-${point.endTime}`,
            arrival: arrivalText(point.arrival),
            bookable: point.bookable,
          },
          cards: cards.map(toCardItem),
          selectedCardId: selectCard(cards, this.data.selectedCardId),
          rules: ruleLines(rules),
          errorMessage: '',
        });
      } catch (err) {
        if (isCloudError(err) && err.code === 'NOT_FOUND') this.setData({ status: 'notFound', visit: null });
        else this.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
    },

    async loadCards(): Promise<void> {
      try {
        const { cards } = await listCards();
        const selectedCardId = selectCard(cards, this.data.selectedCardId);
        this.setData({ cards: cards.map(toCardItem), selectedCardId });
      } catch {
        // keep the cards shown; booking reports any real problem
      }
    },

    /** The card picker emits `select` for another card only; none while booking (it is disabled). */
    onCardSelect(event: WechatMiniprogram.CustomEvent<{ cardId?: string }>) {
      const id = event.detail?.cardId;
      if (!id || id === this.data.selectedCardId || this.data.submitting) return;
      this.setData({ selectedCardId: id, submitError: '' });
    },

    onAddCard() {
      wx.navigateTo({ url: ROUTES.patientAdd });
    },

    async onConfirm(): Promise<void> {
      const { submitting, selectedCardId, visit, status } = this.data;
      if (submitting || status !== 'ready' || !visit || !visit.bookable || !selectedCardId) return;
      this.setData({ submitting: true, submitError: '' });
      // On the tap itself, before anything asynchronous: WeChat only shows the sheet then.
      await requestConsent(this._consentIds);

      if (this._keyCardId && this._keyCardId !== selectedCardId) this._key = newIdempotencyKey();
      this._keyCardId = selectedCardId;
      const { sessionId, time } = this._target;
      try {
        const booking = await book({ cardId: selectedCardId, sessionId, time, idempotencyKey: this._key });
        // Stay "submitting" (button disabled) while the page is replaced.
        wx.redirectTo({ url: resultUrl(booking.bookingId) });
      } catch (err) {
        const message = errorMessage(err);
        const failure = bookFailure(err);
        if (!failure.keepKey) {
          this._key = newIdempotencyKey();
          this._keyCardId = '';
        }
        // A seat gone for good: the button stays disabled, with the hint to choose another time point.
        this.setData({
          submitting: false,
          submitError: message,
          ...(failure.seatGone ? { 'visit.bookable': false } : {}),
        });
        notice('预约未成功', message);
      }
    },
  },
});
