/**
 * 医生主页 (query `doctorId`, `deptCode`): profile and the doctor's 专家号 sessions of the bookable
 * window; how long it is and when dates are released come from `booking.rules`.
 */
import { errorMessage, isCloudError } from '../../../services/cloud';
import { getRules, getSchedule, listDoctors } from '../../services/booking';
import { queryValue, scheduleUrl } from '../../../utils/booking-nav';
import { monthDay, weekdayOf } from '../../utils/booking-format';
import { toDoctorItem } from '../../utils/doctor-view';
import type { DoctorItem } from '../../utils/doctor-view';
import { releaseNote, windowText } from '../../utils/booking-rules';
import { toSessionItem } from '../../utils/schedule-view';
import type { SessionItem } from '../../utils/schedule-view';
import { pageLoad } from '../../../behaviors/page-load';
import { definePage, type DataEvent } from '../../../utils/page';

export interface DoctorSessionRow extends SessionItem {
  /** `05-06 周一 上午` */
  when: string;
}

interface DoctorData {
  status: 'loading' | 'ready' | 'notFound' | 'error';
  doctor: DoctorItem | null;
  location: string;
  sessions: DoctorSessionRow[];
  /** `近7日` from the rules (`近期` until they are loaded). */
  windowText: string;
  /** `每日07:00放出第7日号源` from the rules; '' until they are loaded. */
  releaseNote: string;
  errorMessage: string;
}

const initialData: DoctorData = {
  status: 'loading',
  doctor: null,
  location: '',
  sessions: [],
  windowText: windowText(null),
  releaseNote: '',
  errorMessage: '',
};

/** Not rendered: the doctor and department of the query. */
interface DoctorFields {
  _deptCode: string;
  _doctorId: string;
}

definePage<DoctorFields>(() => ({ _deptCode: '', _doctorId: '' }))({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const deptCode = queryValue(query, 'deptCode');
      const doctorId = queryValue(query, 'doctorId');
      if (!deptCode || !doctorId) {
        this.setData({ status: 'notFound' });
        return;
      }
      this._deptCode = deptCode;
      this._doctorId = doctorId;
      void this.load();
    },

    async load(): Promise<void> {
      const { _deptCode: deptCode, _doctorId: doctorId } = this;
      void this.loadRules();
      try {
        const [{ department, doctors }, schedule] = await Promise.all([
          listDoctors(deptCode),
          getSchedule({ deptCode, doctorId, kind: 'expert' }),
        ]);
        const doctor = doctors.find((d) => d.doctorId === doctorId);
        if (!doctor) {
          this.setData({ status: 'notFound', doctor: null });
          return;
        }
        const sessions = schedule.sessions
          .filter((s) => s.doctorId === doctorId)
          .slice()
          .sort((a, b) => a.startsAt.localeCompare(b.startsAt))
          .map((s) => {
            const item = toSessionItem(s);
            return { ...item, when: `${monthDay(s.date)} ${weekdayOf(s.date)} ${item.period}` };
          });
        this.setData({
          status: 'ready',
          doctor: toDoctorItem(doctor),
          location: department.location,
          sessions,
          errorMessage: '',
        });
      } catch (err) {
        if (isCloudError(err) && err.code === 'NOT_FOUND') this.setData({ status: 'notFound', doctor: null });
        else if (this.data.status !== 'ready') this.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
    },

    /** The window and release texts; without the rules the page still shows the doctor. */
    async loadRules(): Promise<void> {
      try {
        const rules = await getRules();
        this.setData({ windowText: windowText(rules), releaseNote: releaseNote(rules) });
      } catch {
        // asked again on the next load
      }
    },

    onSessionTap(event: DataEvent<{ date?: string }>) {
      const date = event.currentTarget.dataset.date;
      wx.navigateTo({
        url: scheduleUrl({ deptCode: this._deptCode, doctorId: this._doctorId, kind: 'expert', date }),
      });
    },

    onSpecialistTap() {
      wx.navigateTo({ url: scheduleUrl({ deptCode: this._deptCode, kind: 'specialist' }) });
    },
  },
});
