/**
 * 来院导航: address and phone, transport, parking and the floor guide. The phone number is shown
 * as selectable text (the browser preview implements neither wx.makePhoneCall nor
 * wx.setClipboardData; on a phone, long-press copies it).
 */
import type { VisitorGuide } from '../../../../typings/site';
import { getGuide, getHospital } from '../../services/site';
import { loadOnOpen, pageLoad } from '../../../behaviors/page-load';
import { showLoaded, showLoadError } from '../../../utils/load-state';

interface GuideData {
  status: 'loading' | 'ready' | 'error';
  guide: VisitorGuide | null;
  /** From the hospital intro; '' when it could not be read (the guide still shows). */
  phone: string;
  errorMessage: string;
}

const initialData: GuideData = { status: 'loading', guide: null, phone: '', errorMessage: '' };

Component({
  behaviors: [pageLoad, loadOnOpen],
  data: initialData,

  methods: {
    async load(): Promise<void> {
      await showLoaded(this, showLoadError, async () => {
        const [guide, hospital] = await Promise.all([getGuide(), getHospital().catch(() => null)]);
        return { guide, phone: hospital?.phone ?? '' };
      });
    },
  },
});
