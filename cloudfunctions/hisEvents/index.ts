/**
 * Cloud function `hisEvents`: events the HIS sends (HTTP access path `/hisEvents`), verified with
 * the HIS gateway's signature. Flow: server/services/his-events/intake.ts; protocol:
 * docs/his-gateway.md ("Events (HIS → cloud)").
 */
import cloud from 'wx-server-sdk';
import { hisConfigFromEnv } from '../../server/config/his';
import { chargesReadyTemplateFromEnv } from '../../server/config/templates';
import { createHttpMain } from '../../server/core/http-main';
import { HisEventIntake } from '../../server/services/his-events/intake';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

export const main = createHttpMain(
  cloud,
  () => {
    const his = hisConfigFromEnv();
    const intake = new HisEventIntake({
      db: cloud.database(),
      openapi: cloud.openapi,
      his: { appId: his.appId, appSecret: his.appSecret },
      chargesReadyTemplate: chargesReadyTemplateFromEnv(),
    });
    return (req) => intake.handle(req);
  },
  { fn: 'hisEvents' },
);
