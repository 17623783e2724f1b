/**
 * Cloud function `booking` (预约挂号). Thin entry: the actions and timers live in
 * server/actions/booking. Bundled by scripts/build.ts into index.js with wx-server-sdk external.
 */
import cloud from 'wx-server-sdk';
import { bookingFunction } from '../../server/actions/booking';
import { createHisBookingClient } from '../../server/adapters/his/booking-client';
import { hisConfigFromEnv } from '../../server/config/his';
import { bookingTemplatesFromEnv } from '../../server/config/templates';
import { createTimerAwareMain } from '../../server/core/timer-main';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

let fn: ReturnType<typeof bookingFunction> | undefined;
const get = (): ReturnType<typeof bookingFunction> =>
  (fn ??= bookingFunction({
    db: cloud.database(),
    his: createHisBookingClient(hisConfigFromEnv()),
    openapi: cloud.openapi,
    templates: bookingTemplatesFromEnv(),
  }));

export const main = createTimerAwareMain(
  cloud,
  () => get().actions,
  () => get().timers,
  { fn: 'booking' },
);
