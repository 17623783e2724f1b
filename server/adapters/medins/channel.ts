/**
 * The 医保 mobile-payment channel of the payment functions, wired from the environment: the
 * authorisation gateway and the hospital's 医保 identity. null when the deployment has none.
 */
import { medInsChannelFromEnv } from '../../config/medins';
import type { FunctionEnv } from '../../config/env-vars';
import type { MedInsDeps } from '../../services/payment/context';
import { createMedInsAuthClient } from './auth-client';

export function medInsDepsFromEnv(callbackUrl: string, env: FunctionEnv = process.env): MedInsDeps | null {
  const channel = medInsChannelFromEnv(env);
  if (!channel) return null;
  return { auth: createMedInsAuthClient(channel.auth), org: channel.org, callbackUrl };
}
