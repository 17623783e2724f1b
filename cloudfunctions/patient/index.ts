/**
 * Cloud function `patient` (就诊人管理). Thin entry: everything lives in server/functions/patient.
 * Bundled by scripts/build.ts into index.js with wx-server-sdk external.
 */
import cloud from 'wx-server-sdk';
import { createMain } from '../../server/core/handler';
import { patientActions } from '../../server/functions/patient';
import { createHisClient, hisConfigFromEnv } from '../../server/adapters/his/client';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

export const main = createMain(
  cloud,
  () => patientActions({ db: cloud.database(), his: createHisClient(hisConfigFromEnv()) }),
  { fn: 'patient' },
);
