/**
 * 科室列表 (query `mode=intro` for the 微官网's 科室介绍): all departments, searched locally by
 * name, intro and location. Tapping opens the department's doctors (booking or intro mode).
 */
import { errorMessage } from '../../../services/cloud';
import { listDepartments } from '../../services/booking';
import { doctorsUrl, modeOf, setPageTitle } from '../../../utils/booking-nav';
import type { BrowseMode } from '../../../utils/booking-nav';
import { filterDepartments, toDepartmentItem } from '../../utils/doctor-view';
import type { DepartmentItem } from '../../utils/doctor-view';
import { pageLoad } from '../../../behaviors/page-load';
import { definePage, type DataEvent } from '../../../utils/page';

interface DepartmentsData {
  status: 'loading' | 'ready' | 'error';
  shown: DepartmentItem[];
  query: string;
  errorMessage: string;
}

const initialData: DepartmentsData = { status: 'loading', shown: [], query: '', errorMessage: '' };

/** Not rendered: the mode from the query, and every department (what the search filters). */
interface DepartmentsFields {
  _mode: BrowseMode;
  _all: DepartmentItem[];
}

definePage<DepartmentsFields>(() => ({ _mode: 'booking', _all: [] }))({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this._mode = modeOf(query);
      if (this._mode === 'intro') setPageTitle('科室介绍');
      void this.load();
    },

    async load(): Promise<void> {
      try {
        const { departments } = await listDepartments();
        this._all = departments.map(toDepartmentItem);
        this.setData({ status: 'ready', shown: filterDepartments(this._all, this.data.query), errorMessage: '' });
      } catch (err) {
        if (this.data.status === 'ready') return; // keep the list shown on a failed refresh
        this.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
    },

    /** van-search emits the text itself as `detail`. */
    onSearchChange(event: { detail: unknown }) {
      const query = typeof event.detail === 'string' ? event.detail : '';
      if (query === this.data.query) return;
      this.setData({ query, shown: filterDepartments(this._all, query) });
    },

    onSearchClear() {
      if (this.data.query) this.setData({ query: '', shown: this._all.slice() });
    },

    onDepartmentTap(event: DataEvent<{ code?: string }>) {
      const code = event.currentTarget.dataset.code;
      if (code) wx.navigateTo({ url: doctorsUrl(code, this._mode) });
    },
  },
});
