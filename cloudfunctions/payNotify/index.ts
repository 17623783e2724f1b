/**
 * Cloud function `payNotify`: WeChat Pay notifications through the HTTP access service (path
 * `/payNotify`, the WXPAY_NOTIFY_URL). A function of its own so it starts fast and answers within
 * WeChat's 5 s; the flow is server/services/payment/notify.ts, over the same orders as `payment`.
 */
import cloud from 'wx-server-sdk';
import { createHisFeeClient } from '../../server/adapters/his/fee-client';
import { createHisInsuranceClient } from '../../server/adapters/his/insurance-client';
import { hisConfigFromEnv } from '../../server/config/his';
import { medInsDepsFromEnv } from '../../server/adapters/medins/channel';
import { wechatPayConfigFromEnv } from '../../server/config/wechatpay';
import { createHttpMain } from '../../server/core/http-main';
import { createWechatPayClient } from '../../server/core/wechatpay/client';
import { withholdingDepsFromEnv } from '../../server/services/withholding/deps-from-env';
import { PaymentService } from '../../server/services/payment/payment-service';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

export const main = createHttpMain(
  cloud,
  () => {
    const his = hisConfigFromEnv();
    const pay = wechatPayConfigFromEnv();
    const service = new PaymentService({
      db: cloud.database(),
      his: createHisFeeClient(his),
      pay: createWechatPayClient(pay),
      // MEDICAL_INSURANCE.SUCCESS settles with the split; refunds give the 医保 part back.
      hisInsurance: createHisInsuranceClient(his),
      medIns: medInsDepsFromEnv(pay.notifyUrl) ?? undefined,
      withholding: withholdingDepsFromEnv(),
      openapi: cloud.openapi,
    });
    return (req) => service.notifications.handle(req);
  },
  { fn: 'payNotify' },
);
