/**
 * 确认预约 (query `sessionId`, `time`, `deptCode`, `kind`, optional `doctorId`): choose the patient
 * card, review the visit and the rules, then book.
 *
 * The 确认预约 tap first asks subscription consent (WeChat only allows it on a tap; a refusal does
 * not block booking), then calls `book` with an idempotency key made once per page visit. The key
 * is kept while the answer is unknown (network failure, INTERNAL), so a retry can never take a
 * second seat; a definite answer from the server, or another card, starts a fresh key.
 */
import type { SlotKind } from '../../../../typings/booking';
import type { PatientCardView } from '../../../../typings/patient';
import { errorMessage, isCloudError, NETWORK_ERROR_MESSAGE } from '../../../services/cloud';
import { listCards } from '../../../services/patient';
import { book, getSchedule } from '../../services/booking';
import { newIdempotencyKey } from '../../utils/booking-key';
import { queryValue, resultUrl } from '../../../utils/booking-nav';
import type { ConfirmTarget } from '../../../utils/booking-nav';
import { BOOKING_TEMPLATE_IDS, requestConsent } from '../../../utils/booking-templates';
import { arrivalText, weekdayOf } from '../../utils/booking-format';
import { BOOKING_RULES } from '../../utils/booking-rules';
import { toSessionItem } from '../../utils/schedule-view';
import type { SessionItem } from '../../utils/schedule-view';
import { ROUTES } from '../../../utils/nav';
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
  rules: readonly string[];
  submitting: boolean;
  submitError: string;
  errorMessage: string;
}

const initialData: ConfirmData = {
  status: 'loading',
  visit: null,
  cards: [],
  selectedCardId: '',
  rules: BOOKING_RULES,
  submitting: false,
  submitError: '',
  errorMessage: '',
};

/** Not rendered: the time point asked for, and the idempotency key (see the file comment). */
interface ConfirmFields {
  _target: ConfirmTarget;
  /** One per page visit. */
  _key: string;
  /** The card the key was last used for ('' = not used yet). */
  _keyCardId: string;
}

function noTarget(): ConfirmTarget {
  return { sessionId: '', time: '', deptCode: '', kind: 'specialist', doctorId: '' };
}

/** True when the server may have acted on the request (no answer came back, or it broke midway). */
function outcomeUnknown(err: unknown): boolean {
  if (!isCloudError(err)) return true;
  if (err.code === 'INTERNAL') return true;
  return err.code === 'UNAVAILABLE' && err.message === NETWORK_ERROR_MESSAGE;
}

function selectCard(cards: readonly PatientCardView[], current: string): string {
  if (current && cards.some((c) => c.id === current)) return current;
  return pickDefault(cards)?.id ?? '';
}

definePage<ConfirmFields>(() => ({ _target: noTarget(), _key: '', _keyCardId: '' }))({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const sessionId = queryValue(query, 'sessionId');
      const time = queryValue(query, 'time');
      const deptCode = queryValue(query, 'deptCode');
      const kindRaw = queryValue(query, 'kind');
      const doctorId = queryValue(query, 'doctorId');
      const kind: SlotKind =
        kindRaw === 'expert' || kindRaw === 'specialist' ? kindRaw : doctorId ? 'expert' : 'specialist';
      this._target = { sessionId, time, deptCode, kind, doctorId };
      this._key = newIdempotencyKey();
      if (!sessionId || !time || !deptCode) {
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
      const { deptCode, doctorId, kind, sessionId, time } = this._target;
      try {
        const [schedule, { cards }] = await Promise.all([
          getSchedule({ deptCode, doctorId: doctorId || undefined, kind }),
          listCards(),
        ]);
        const session = schedule.sessions.find((s) => s.sessionId === sessionId);
        const point = session?.timePoints.find((tp) => tp.time === time);
        if (!session || !point) {
          this.setData({ status: 'notFound', visit: null });
          return;
        }
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
      await requestConsent(BOOKING_TEMPLATE_IDS);

      if (this._keyCardId && this._keyCardId !== selectedCardId) this._key = newIdempotencyKey();
      this._keyCardId = selectedCardId;
      const { sessionId, time } = this._target;
      try {
        const booking = await book({ cardId: selectedCardId, sessionId, time, idempotencyKey: this._key });
        // Stay "submitting" (button disabled) while the page is replaced.
        wx.redirectTo({ url: resultUrl(booking.bookingId) });
      } catch (err) {
        const message = errorMessage(err);
        // A definite answer: the next attempt is a new request. An unknown outcome keeps the key.
        if (!outcomeUnknown(err)) {
          this._key = newIdempotencyKey();
          this._keyCardId = '';
        }
        this.setData({ submitting: false, submitError: message });
        wx.showModal({ title: '预约未成功', content: message, showCancel: false, confirmText: '我知道了' });
      }
    },
  },
});
