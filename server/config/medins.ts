/**
 * The 医保 mobile payment channel of a deployment, from the environment: the authorisation
 * gateway (server/adapters/medins/auth-client.ts) and the hospital as 医保 knows it (the mixed
 * order's med_inst_no, med_inst_name, geo_location). Unset: no 医保 channel, every card pays 自费.
 */
import { medInsAuthConfigFromEnv, type MedInsAuthConfig } from '../adapters/medins/auth-client';
import type { FunctionEnv } from './env-vars';

export interface MedInsOrgConfig {
  orgCode: string;
  orgName: string;
  /** `lng,lat` */
  geoLocation: string;
}

export interface MedInsChannelConfig {
  auth: MedInsAuthConfig;
  org: MedInsOrgConfig;
}

const GEO_RE = /^-?\d{1,3}(\.\d+)?,-?\d{1,2}(\.\d+)?$/;

export function medInsChannelFromEnv(env: FunctionEnv = process.env): MedInsChannelConfig | null {
  const auth = medInsAuthConfigFromEnv(env);
  if (!auth) return null;
  const orgCode = env.MEDINS_ORG_CODE?.trim() ?? '';
  const orgName = env.MEDINS_ORG_NAME?.trim() ?? '';
  const geoLocation = env.MEDINS_GEO_LOCATION?.trim() ?? '';
  if (!/^[A-Za-z0-9]{1,32}$/.test(orgCode)) throw new Error('医保: MEDINS_ORG_CODE must be 1–32 letters or digits');
  if (!orgName || orgName.length > 128) throw new Error('医保: MEDINS_ORG_NAME must be 1–128 characters');
  if (!GEO_RE.test(geoLocation)) throw new Error('医保: MEDINS_GEO_LOCATION must be "lng,lat"');
  return { auth, org: { orgCode, orgName, geoLocation } };
}
