/** 医生主页 (query `doctorId`, `deptCode`): profile and the doctor's 专家号 sessions of the next 7 days. */
import { errorMessage, isCloudError } from '../../../services/cloud';
import { getSchedule, listDoctors } from '../../services/booking';
import { queryValue, scheduleUrl } from '../../../utils/booking-nav';
import { monthDay, weekdayOf } from '../../utils/booking-format';
import { toDoctorItem } from '../../utils/doctor-view';
import type { DoctorItem } from '../../utils/doctor-view';
import { releaseNote, toSessionItem } from '../../utils/schedule-view';
import type { SessionItem } from '../../utils/schedule-view';
import { pageLoad } from '../../../behaviors/page-load';
import { definePage } from '../../../utils/page';

export interface DoctorSessionRow extends SessionItem {
  /** `05-06 周一 上午` */
  when: string;
}

interface DoctorData {
  status: 'loading' | 'ready' | 'notFound' | 'error';
  doctor: DoctorItem | null;
  location: string;
  sessions: DoctorSessionRow[];
  releaseNote: string;
  errorMessage: string;
}

const initialData: DoctorData = {
  status: 'loading',
  doctor: null,
  location: '',
  sessions: [],
  releaseNote: releaseNote('07:00'),
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
          releaseNote: releaseNote(schedule.releaseTime),
          errorMessage: '',
        });
      } catch (err) {
        if (isCloudError(err) && err.code === 'NOT_FOUND') this.setData({ status: 'notFound', doctor: null });
        else if (this.data.status !== 'ready') this.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
    },

    onSessionTap(
      event: WechatMiniprogram.CustomEvent<
        WechatMiniprogram.IAnyObject,
        WechatMiniprogram.IAnyObject,
        { date?: string }
      >,
    ) {
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
