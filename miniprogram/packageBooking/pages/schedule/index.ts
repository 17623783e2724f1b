/**
 * 号源选择 (query `deptCode`, optional `doctorId`, `kind`, `date`): a date strip of the bookable
 * window (the dates the server sends) with 有号/约满/未放号, the sessions of the chosen date and
 * their time points as chips `09:00（余3）`; a full session offers 加入候补 for a card chosen in a
 * sheet. The release note and the waitlist consent ids come from `booking.rules`.
 */
import type { SessionView, SlotKind } from '../../../../typings/booking';
import { errorMessage, reasonOf } from '../../../services/cloud';
import { listCards } from '../../../services/patient';
import { getRules, getSchedule, joinWaitlist } from '../../services/booking';
import { confirmUrl, queryValue } from '../../../utils/booking-nav';
import { requestConsent } from '../../../utils/booking-templates';
import { kindText } from '../../utils/booking-format';
import { releaseNote } from '../../utils/booking-rules';
import { initialDate, sessionsOn, toDateItems } from '../../utils/schedule-view';
import type { DateItem, SessionItem } from '../../utils/schedule-view';
import { notice, ROUTES, toast } from '../../../utils/nav';
import { toCardItem } from '../../../utils/patient-view';
import type { CardItem } from '../../../utils/patient-view';
import { pageLoad } from '../../../behaviors/page-load';
import { definePage, type DataEvent } from '../../../utils/page';

interface ScheduleData {
  status: 'loading' | 'ready' | 'error';
  /** `心内科 · 专科号` / `张三 主任医师 · 心内科` */
  heading: string;
  dates: DateItem[];
  selectedDate: string;
  /** The selected date's sessions. */
  shown: SessionItem[];
  /** `每日07:00放出第7日号源` from the rules; '' until they are loaded. */
  releaseNote: string;
  errorMessage: string;
  /** 加入候补: the session being joined and the cards of the sheet (default card first). */
  waitlistSessionId: string;
  waitlistCards: CardItem[];
  cardSheetShow: boolean;
  joining: boolean;
}

const initialData: ScheduleData = {
  status: 'loading',
  heading: '',
  dates: [],
  selectedDate: '',
  shown: [],
  releaseNote: '',
  errorMessage: '',
  waitlistSessionId: '',
  waitlistCards: [],
  cardSheetShow: false,
  joining: false,
};

/** Not rendered: what the query asked for, every session of the window as served, the consent ids. */
interface ScheduleFields {
  _deptCode: string;
  _doctorId: string;
  _kind: SlotKind;
  _sessions: SessionView[];
  /** Asked on the card tap of 加入候补 (`rules.consent.waitlist`), loaded before the sheet opens. */
  _consentIds: string[];
}

function headingOf(kind: SlotKind, sessions: readonly SessionView[]): string {
  const first = sessions[0];
  if (!first) return kindText(kind);
  if (kind === 'expert' && first.doctorName) {
    return `${[first.doctorName, first.doctorTitle].filter(Boolean).join(' ')} · ${first.deptName}`;
  }
  return `${first.deptName} · ${kindText(kind)}`;
}

function askToAddCard(): void {
  wx.showModal({
    title: '请先添加就诊人',
    content: '加入候补需要选择就诊人，是否现在添加？',
    confirmText: '去添加',
    success: (res) => {
      if (res.confirm) wx.navigateTo({ url: ROUTES.patientAdd });
    },
  });
}

definePage<ScheduleFields>(() => ({
  _deptCode: '',
  _doctorId: '',
  _kind: 'specialist',
  _sessions: [],
  _consentIds: [],
}))({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const deptCode = queryValue(query, 'deptCode');
      const doctorId = queryValue(query, 'doctorId');
      const kindRaw = queryValue(query, 'kind');
      this._deptCode = deptCode;
      this._doctorId = doctorId;
      this._kind = kindRaw === 'expert' || kindRaw === 'specialist' ? kindRaw : doctorId ? 'expert' : 'specialist';
      this.setData({ selectedDate: queryValue(query, 'date') });
      if (!deptCode) {
        this.setData({ status: 'error', errorMessage: '缺少科室信息，请返回重新选择' });
        return;
      }
      void this.load();
    },

    onShow() {
      // Back from 确认预约: seats may have changed.
      if (this.data.status === 'ready') void this.load();
    },

    async load(): Promise<void> {
      const { _deptCode: deptCode, _doctorId: doctorId, _kind: kind } = this;
      if (!deptCode) return;
      void this.loadRules();
      try {
        const schedule = await getSchedule({ deptCode, doctorId: doctorId || undefined, kind });
        const sessions = schedule.sessions.filter((s) => s.kind === kind && (!doctorId || s.doctorId === doctorId));
        const dates = toDateItems(schedule.dates, sessions);
        const selectedDate = initialDate(dates, this.data.selectedDate);
        this._sessions = sessions;
        this.setData({
          status: 'ready',
          heading: headingOf(kind, sessions),
          dates,
          selectedDate,
          shown: sessionsOn(sessions, selectedDate),
          errorMessage: '',
        });
      } catch (err) {
        if (this.data.status === 'ready') toast(errorMessage(err));
        else this.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
    },

    /** The release note; without the rules the page still works, it just does not state it. */
    async loadRules(): Promise<void> {
      try {
        const rules = await getRules();
        this._consentIds = rules.consent.waitlist;
        const note = releaseNote(rules);
        if (note !== this.data.releaseNote) this.setData({ releaseNote: note });
      } catch {
        // asked again on the next load; 加入候补 waits for them
      }
    },

    onDateTap(event: DataEvent<{ date?: string }>) {
      const date = event.currentTarget.dataset.date;
      if (!date || date === this.data.selectedDate) return;
      this.setData({ selectedDate: date, shown: sessionsOn(this._sessions, date) });
    },

    onTimeTap(event: DataEvent<{ session?: string; time?: string }>) {
      const { session: sessionId, time } = event.currentTarget.dataset;
      const session = this.data.shown.find((s) => s.sessionId === sessionId);
      const chip = session?.chips.find((c) => c.time === time);
      if (!session || !chip || chip.disabled || !time) return;
      wx.navigateTo({ url: confirmUrl({ sessionId: session.sessionId, time }) });
    },

    /**
     * 加入候补: the user's cards (default first) in the sheet; with none, an offer to add one. The
     * consent ids are loaded here too, as the card tap must ask consent before anything asynchronous.
     */
    async onWaitlistTap(event: DataEvent<{ session?: string }>): Promise<void> {
      const sessionId = event.currentTarget.dataset.session;
      if (!sessionId || this.data.joining) return;
      this.setData({ joining: true });
      try {
        const [{ cards }, rules] = await Promise.all([listCards(), getRules()]);
        this._consentIds = rules.consent.waitlist;
        if (cards.length === 0) {
          this.setData({ joining: false });
          askToAddCard();
          return;
        }
        const waitlistCards = cards
          .slice()
          .sort((a, b) => Number(b.isDefault) - Number(a.isDefault))
          .map(toCardItem);
        this.setData({ joining: false, waitlistSessionId: sessionId, waitlistCards, cardSheetShow: true });
      } catch (err) {
        this.setData({ joining: false });
        toast(errorMessage(err));
      }
    },

    onCardSheetClose() {
      if (this.data.cardSheetShow) this.setData({ cardSheetShow: false });
    },

    /** A card chosen in the sheet: this is the user's tap, so consent is asked here, then joined. */
    async onCardSelect(event: WechatMiniprogram.CustomEvent<{ cardId?: string }>): Promise<void> {
      const cardId = event.detail?.cardId;
      const sessionId = this.data.waitlistSessionId;
      this.setData({ cardSheetShow: false });
      if (!cardId || !sessionId || this.data.joining) return;
      this.setData({ joining: true });
      await requestConsent(this._consentIds);
      try {
        const entry = await joinWaitlist(cardId, sessionId);
        this.setData({ joining: false });
        notice(
          '已加入候补',
          `${entry.patientName} 排队第${entry.position ?? 1}位。有号源释放时将按顺序自动为您预约，并通过订阅消息通知。`,
        );
        void this.load();
      } catch (err) {
        this.setData({ joining: false });
        notice('加入候补失败', errorMessage(err));
        // The session changed under the patient (a seat was freed, or the waitlist closed): show it as it is now.
        const reason = reasonOf(err, 'booking');
        if (reason === 'waitlistNotFull' || reason === 'waitlistClosed') void this.load();
      }
    },
  },
});
