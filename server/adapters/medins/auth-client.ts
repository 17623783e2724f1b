/**
 * The 医保 authorisation gateway (reached after the mini program's jump to the 医保 mini program,
 * which returns an `authCode`): exchanges the code for a short-lived, single-use `pay_auth_no` and
 * the insured person's identity. Requests are signed as the HIS gateway's (HMAC-SHA256 over
 * `appId\ntimestamp\nnonce\nbody`, server/adapters/his/signature.ts) under `X-MedIns-*` headers.
 * No published spec exists; the devstack's pay sandbox implements the same scheme.
 */
import { z } from 'zod';
import { computeSignature, newNonce } from '../his/signature';
import type { EnvVarName, FunctionEnv } from '../../config/env-vars';
import { MedInsAuthError, type MedInsAuthPort, type PayAuth } from '../../ports/medins-auth';

export { MedInsAuthError, type PayAuth } from '../../ports/medins-auth';

export interface MedInsAuthConfig {
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
}

const answerSchema = z.object({
  payAuthNo: z.string().regex(/^pan_[A-Za-z0-9_-]{24,124}$/),
  userName: z.string(),
  idNumberMasked: z.string(),
  idDigest: z.string().regex(/^[0-9a-f]{32}$/),
  cityId: z.string(),
});

/** null when the deployment has no 医保 channel (then every card pays by WeChat Pay alone). */
export function medInsAuthConfigFromEnv(env: FunctionEnv = process.env): MedInsAuthConfig | null {
  const names: EnvVarName[] = ['MEDINS_AUTH_BASE_URL', 'MEDINS_APP_ID', 'MEDINS_APP_SECRET'];
  const values = names.map((n) => env[n]?.trim() ?? '');
  if (values.every((v) => v === '')) return null;
  const missing = names.filter((_, i) => values[i] === '');
  if (missing.length > 0) throw new Error(`医保 gateway: environment variable ${missing.join(', ')} is not set`);
  if (!/^https?:\/\/[^\s/]+/.test(values[0]!)) throw new Error('医保 gateway: MEDINS_AUTH_BASE_URL must be a URL');
  return { baseUrl: values[0]!.replace(/\/+$/, ''), appId: values[1]!, appSecret: values[2]!, timeoutMs: 5000 };
}

export function createMedInsAuthClient(config: MedInsAuthConfig, now: () => number = Date.now): MedInsAuthPort {
  return {
    async exchange(authCode: string, openid: string): Promise<PayAuth> {
      const body = JSON.stringify({ authCode, openid });
      const timestamp = String(now());
      const nonce = newNonce();
      let res: Response;
      try {
        res = await fetch(`${config.baseUrl}/med-ins-auth/v1/pay-auth`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-MedIns-AppId': config.appId,
            'X-MedIns-Timestamp': timestamp,
            'X-MedIns-Nonce': nonce,
            'X-MedIns-Signature': computeSignature(config.appSecret, config.appId, timestamp, nonce, body),
          },
          body,
          signal: AbortSignal.timeout(config.timeoutMs),
        });
      } catch {
        throw new MedInsAuthError('unavailable', 'NETWORK');
      }
      const json = (await res.json().catch(() => null)) as { code?: string } | null;
      if (res.status >= 500) throw new MedInsAuthError('unavailable', `HTTP_${res.status}`);
      if (res.status !== 200) throw new MedInsAuthError('rejected', json?.code ?? `HTTP_${res.status}`);
      const parsed = answerSchema.safeParse(json);
      if (!parsed.success) throw new MedInsAuthError('unavailable', 'BAD_RESPONSE');
      return parsed.data;
    },
  };
}
