/**
 * 来院导航: address and phone, transport, parking and the floor guide. The phone number is shown
 * as selectable text (the browser preview implements neither wx.makePhoneCall nor
 * wx.setClipboardData; on a phone, long-press copies it).
 */
import type { VisitorGuide } from '../../../../typings/site';
import { errorMessage } from '../../../services/cloud';
import { getGuide, getHospital } from '../../services/site';
import { pageLoad } from '../../../behaviors/page-load';

interface GuideData {
  status: 'loading' | 'ready' | 'error';
  guide: VisitorGuide | null;
  /** From the hospital intro; '' when it could not be read (the guide still shows). */
  phone: string;
  errorMessage: string;
}

const initialData: GuideData = { status: 'loading', guide: null, phone: '', errorMessage: '' };

Component({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad() {
      void this.load();
    },

    async load(): Promise<void> {
      try {
        const [guide, hospital] = await Promise.all([getGuide(), getHospital().catch(() => null)]);
        this.setData({ status: 'ready', guide, phone: hospital?.phone ?? '', errorMessage: '' });
      } catch (err) {
        this.setData({ status: 'error', errorMessage: errorMessage(err) });
      }
    },
  },
});
