/**
 * Moved: the HIS connection settings are read by server/config/his.ts, the patient client is
 * ./patient-client.ts. This re-export only keeps scripts/lib/deploy-env.ts compiling until it
 * imports `hisConfigFromEnv` from server/config/his; delete it then.
 */
export { hisConfigFromEnv } from '../../config/his';
