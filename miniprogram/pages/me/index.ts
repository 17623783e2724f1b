/** 我的: entries to 就诊人管理, 预约记录 and 缴费记录, and 关于 (version). */
import { APP_VERSION } from '../../config';
import { BOOKING_ROUTES } from '../../utils/booking-nav';
import { notice, ROUTES } from '../../utils/nav';
import { PAYMENT_ROUTES } from '../../utils/payment-nav';

interface MeData {
  version: string;
}

/** The released version when the platform reports one, else the code's own. */
function appVersion(): string {
  try {
    const reported = wx.getAccountInfoSync().miniProgram.version;
    return reported || APP_VERSION;
  } catch {
    return APP_VERSION;
  }
}

const initialData: MeData = { version: '' };

Component({
  data: initialData,

  methods: {
    onLoad() {
      this.setData({ version: `v${appVersion()}` });
    },

    goPatients() {
      wx.navigateTo({ url: ROUTES.patientList });
    },

    goRecords() {
      wx.navigateTo({ url: BOOKING_ROUTES.records });
    },

    goPayRecords() {
      wx.navigateTo({ url: PAYMENT_ROUTES.records });
    },

    onAbout() {
      notice(
        '关于智慧医院',
        `智慧医院患者服务小程序 ${this.data.version}\n为您和家人提供就诊人管理、预约挂号、门诊缴费、医院介绍等线上服务。`,
      );
    },
  },
});
