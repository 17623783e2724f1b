/**
 * Cloud function `payment` (门诊缴费). Thin entry: the actions and timers live in
 * server/actions/payment. Bundled by scripts/build.ts into index.js with wx-server-sdk external.
 */
import cloud from 'wx-server-sdk';
import { paymentFunction } from '../../server/actions/payment';
import { createHisFeeClient } from '../../server/adapters/his/fee-client';
import { createHisLabClient } from '../../server/adapters/his/lab-client';
import { hisConfigFromEnv } from '../../server/config/his';
import { wechatPayConfigFromEnv } from '../../server/config/wechatpay';
import { createWechatPayClient } from '../../server/core/wechatpay/client';
import { createTimerAwareMain } from '../../server/core/timer-main';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

let fn: ReturnType<typeof paymentFunction> | undefined;
const get = (): ReturnType<typeof paymentFunction> =>
  (fn ??= paymentFunction({
    db: cloud.database(),
    his: createHisFeeClient(hisConfigFromEnv()),
    lab: createHisLabClient(hisConfigFromEnv()),
    pay: createWechatPayClient(wechatPayConfigFromEnv()),
    openapi: cloud.openapi,
  }));

export const main = createTimerAwareMain(
  cloud,
  () => get().actions,
  () => get().timers,
  { fn: 'payment' },
);
