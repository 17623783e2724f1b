/**
 * Cloud function `patient` (就诊人管理). Thin entry: the actions live in server/actions/patient.
 * Bundled by scripts/build.ts into index.js with wx-server-sdk external.
 */
import cloud from 'wx-server-sdk';
import { patientActions } from '../../server/actions/patient';
import { createHisPatientClient } from '../../server/adapters/his/patient-client';
import { hisConfigFromEnv } from '../../server/config/his';
import { createMain } from '../../server/core/handler';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

export const main = createMain(
  cloud,
  () => patientActions({ db: cloud.database(), his: createHisPatientClient(hisConfigFromEnv()) }),
  { fn: 'patient' },
);
