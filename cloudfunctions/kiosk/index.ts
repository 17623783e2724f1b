/**
 * Cloud function `kiosk` (无卡取单): the self-service kiosks' API through the HTTP access service
 * (path `/kiosk`). Protocol: docs/kiosk-api.md; flow: server/services/kiosk/kiosk-service.ts.
 */
import cloud from 'wx-server-sdk';
import { kioskKeysFromEnv } from '../../server/config/kiosk';
import { createHttpMain } from '../../server/core/http-main';
import { KioskService } from '../../server/services/kiosk/kiosk-service';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

export const main = createHttpMain(
  cloud,
  () => {
    const service = new KioskService({ db: cloud.database(), keys: kioskKeysFromEnv() });
    return (req) => service.handle(req);
  },
  { fn: 'kiosk' },
);
