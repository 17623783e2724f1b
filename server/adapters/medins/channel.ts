/**
 * The 医保 channel of the payment functions, wired from the environment: the HIS's 医保 calls,
 * the authorisation gateway and the hospital's 医保 identity. null when the deployment has none.
 */
import { medInsChannelFromEnv } from '../../config/medins';
import type { FunctionEnv } from '../../config/env-vars';
import type { MedInsDeps } from '../../services/payment/context';
import { createHisInsuranceClient } from '../his/insurance-client';
import type { HisClientConfig } from '../his/transport';
import { createMedInsAuthClient } from './auth-client';

export function medInsDepsFromEnv(
  his: HisClientConfig,
  callbackUrl: string,
  env: FunctionEnv = process.env,
): MedInsDeps | null {
  const channel = medInsChannelFromEnv(env);
  if (!channel) return null;
  return {
    his: createHisInsuranceClient(his),
    auth: createMedInsAuthClient(channel.auth),
    org: channel.org,
    callbackUrl,
  };
}
