/**
 * Cloud function `booking` (预约挂号). Thin entry: everything lives in server/functions/booking.
 * Bundled by scripts/build.ts into index.js with wx-server-sdk external.
 */
import cloud from 'wx-server-sdk';
import { bookingFunction, createTimerAwareMain } from '../../server/functions/booking';
import { hisConfigFromEnv } from '../../server/adapters/his/client';
import { createHisBookingClient } from '../../server/adapters/his/booking-client';
import { bookingTemplatesFromEnv } from '../../server/config/booking-rules';

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
