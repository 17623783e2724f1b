/**
 * 医生列表 (query `deptCode`, optional `mode=intro`): the department's intro, its 专科号 entry and
 * its experts (专家号). In 科室介绍 mode every doctor is listed and there is no booking entry.
 */
import { listDoctors } from '../../../services/booking';
import { doctorUrl, modeOf, queryValue, scheduleUrl, setPageTitle } from '../../../utils/booking-nav';
import type { BrowseMode } from '../../../utils/booking-nav';
import { toDepartmentItem, toDoctorItem } from '../../../utils/booking-view';
import type { DepartmentItem, DoctorItem } from '../../../utils/booking-view';
import { loadFailure } from '../../../utils/load-state';
import { pageLoad } from '../../../behaviors/page-load';

interface DoctorsData {
  mode: BrowseMode;
  deptCode: string;
  status: 'loading' | 'ready' | 'notFound' | 'error';
  department: DepartmentItem | null;
  /** booking mode: experts only; intro mode: every doctor. */
  doctors: DoctorItem[];
  errorMessage: string;
}

const initialData: DoctorsData = {
  mode: 'booking',
  deptCode: '',
  status: 'loading',
  department: null,
  doctors: [],
  errorMessage: '',
};

Component({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const deptCode = queryValue(query, 'deptCode');
      if (!deptCode) {
        this.setData({ status: 'notFound' });
        return;
      }
      this.setData({ deptCode, mode: modeOf(query) });
      void this.load();
    },

    async load(): Promise<void> {
      try {
        const { department, doctors } = await listDoctors(this.data.deptCode);
        const items = doctors.map(toDoctorItem);
        this.setData({
          status: 'ready',
          department: toDepartmentItem(department),
          doctors: this.data.mode === 'intro' ? items : items.filter((d) => d.isExpert),
          errorMessage: '',
        });
        setPageTitle(department.name);
      } catch (err) {
        this.setData(loadFailure(err));
      }
    },

    onSpecialistTap() {
      if (this.data.deptCode) wx.navigateTo({ url: scheduleUrl({ deptCode: this.data.deptCode, kind: 'specialist' }) });
    },

    onDoctorTap(
      event: WechatMiniprogram.CustomEvent<WechatMiniprogram.IAnyObject, WechatMiniprogram.IAnyObject, { id?: string }>,
    ) {
      const id = event.currentTarget.dataset.id;
      if (id) wx.navigateTo({ url: doctorUrl(this.data.deptCode, id) });
    },
  },
});
