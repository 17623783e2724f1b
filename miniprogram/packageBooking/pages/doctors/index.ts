/**
 * 医生列表 (query `deptCode`, optional `mode=intro`): the department's intro, its 专科号 entry and
 * its experts (专家号). In 科室介绍 mode every doctor is listed and there is no booking entry.
 */
import { listDoctors } from '../../services/booking';
import { doctorUrl, modeOf, queryValue, scheduleUrl, setPageTitle } from '../../../utils/booking-nav';
import type { BrowseMode } from '../../../utils/booking-nav';
import { toDepartmentItem, toDoctorItem } from '../../utils/doctor-view';
import type { DepartmentItem, DoctorItem } from '../../utils/doctor-view';
import { showLoaded, showLoadFailure } from '../../../utils/load-state';
import { pageLoad } from '../../../behaviors/page-load';
import { definePage, type DataEvent } from '../../../utils/page';

interface DoctorsData {
  mode: BrowseMode;
  status: 'loading' | 'ready' | 'notFound' | 'error';
  department: DepartmentItem | null;
  /** booking mode: experts only; intro mode: every doctor. */
  doctors: DoctorItem[];
  errorMessage: string;
}

const initialData: DoctorsData = {
  mode: 'booking',
  status: 'loading',
  department: null,
  doctors: [],
  errorMessage: '',
};

/** Not rendered: the department of the query. */
interface DoctorsFields {
  _deptCode: string;
}

definePage<DoctorsFields>(() => ({ _deptCode: '' }))({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const deptCode = queryValue(query, 'deptCode');
      if (!deptCode) {
        this.setData({ status: 'notFound' });
        return;
      }
      this._deptCode = deptCode;
      this.setData({ mode: modeOf(query) });
      void this.load();
    },

    async load(): Promise<void> {
      const shown = await showLoaded(this, showLoadFailure, async () => {
        const { department, doctors } = await listDoctors(this._deptCode);
        const items = doctors.map(toDoctorItem);
        return {
          department: toDepartmentItem(department),
          doctors: this.data.mode === 'intro' ? items : items.filter((d) => d.isExpert),
        };
      });
      if (shown) setPageTitle(shown.department.name);
    },

    onSpecialistTap() {
      if (this._deptCode) wx.navigateTo({ url: scheduleUrl({ deptCode: this._deptCode, kind: 'specialist' }) });
    },

    onDoctorTap(event: DataEvent<{ id?: string }>) {
      const id = event.currentTarget.dataset.id;
      if (id) wx.navigateTo({ url: doctorUrl(this._deptCode, id) });
    },
  },
});
