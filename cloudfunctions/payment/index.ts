/**
 * Cloud function `payment` (门诊缴费). Thin entry: the actions and timers live in
 * server/actions/payment. Bundled by scripts/build.ts into index.js with wx-server-sdk external.
 */
import cloud from 'wx-server-sdk';
import { paymentFunction } from '../../server/actions/payment';
import { createHisFeeClient } from '../../server/adapters/his/fee-client';
import { createHisInsuranceClient } from '../../server/adapters/his/insurance-client';
import { createHisLabClient } from '../../server/adapters/his/lab-client';
import { hisConfigFromEnv } from '../../server/config/his';
import { medInsDepsFromEnv } from '../../server/adapters/medins/channel';
import { wechatPayConfigFromEnv } from '../../server/config/wechatpay';
import { createWechatPayClient } from '../../server/core/wechatpay/client';
import { withholdingDepsFromEnv } from '../../server/services/withholding/deps-from-env';
import { createTimerAwareMain } from '../../server/core/timer-main';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

let fn: ReturnType<typeof paymentFunction> | undefined;
function build(): ReturnType<typeof paymentFunction> {
  const his = hisConfigFromEnv();
  const pay = wechatPayConfigFromEnv();
  return paymentFunction({
    db: cloud.database(),
    his: createHisFeeClient(his),
    lab: createHisLabClient(his),
    pay: createWechatPayClient(pay),
    hisInsurance: createHisInsuranceClient(his),
    medIns: medInsDepsFromEnv(pay.notifyUrl) ?? undefined,
    withholding: withholdingDepsFromEnv(),
    openapi: cloud.openapi,
  });
}
const get = (): ReturnType<typeof paymentFunction> => (fn ??= build());

export const main = createTimerAwareMain(
  cloud,
  () => get().actions,
  () => get().timers,
  { fn: 'payment' },
);
