/**
 * The withholding (委托代扣) configuration from the function environment: the v3 merchant's mchid,
 * appid, base URL and notify URL (server/config/wechatpay.ts checks those too), plus
 * WXPAY_APIV2_KEY (secret) and WXPAY_PAPAY_PLAN_ID. Both unset: no withholding (null) — the
 * contract actions answer payUnavailable and charges.ready sends the usual 待缴费提醒. One of
 * them alone, or a malformed value, refuses to start, naming the variable (never its value).
 */
import type { PapayConfig } from '../core/wechatpay/papay-config';
import type { EnvVarName, FunctionEnv } from './env-vars';
import { WECHATPAY_DEFAULT_BASE_URL } from './wechatpay';

export function papayConfigFromEnv(env: FunctionEnv = process.env): PapayConfig | null {
  const fail = (name: EnvVarName, why: string): never => {
    throw new Error(`WeChat Pay withholding: environment variable ${name} ${why}`);
  };
  const value = (name: EnvVarName): string | null => env[name]?.trim() || null;
  const required = (name: EnvVarName): string => value(name) ?? fail(name, 'is not set');
  const apiV2Key = value('WXPAY_APIV2_KEY');
  const planId = value('WXPAY_PAPAY_PLAN_ID');
  if (!apiV2Key && !planId) return null;
  if (!apiV2Key) return fail('WXPAY_APIV2_KEY', 'is not set (WXPAY_PAPAY_PLAN_ID is)');
  if (!planId) return fail('WXPAY_PAPAY_PLAN_ID', 'is not set (WXPAY_APIV2_KEY is)');
  if (!/^[0-9A-Za-z]{32}$/.test(apiV2Key)) fail('WXPAY_APIV2_KEY', 'must be 32 letters or digits');
  if (apiV2Key === value('WXPAY_APIV3_KEY')) fail('WXPAY_APIV2_KEY', 'must not be the APIv3 key');
  if (!/^\d{1,32}$/.test(planId)) fail('WXPAY_PAPAY_PLAN_ID', 'must be digits');
  const baseUrl = value('WXPAY_BASE_URL') ?? WECHATPAY_DEFAULT_BASE_URL;
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) fail('WXPAY_BASE_URL', 'must be an http(s) URL');
  const notifyUrl = required('WXPAY_NOTIFY_URL');
  if (!/^https?:\/\/[^\s/?]+[^?]*$/.test(notifyUrl)) fail('WXPAY_NOTIFY_URL', 'must be an http(s) URL without a query');
  return {
    baseUrl,
    mchid: required('WXPAY_MCHID'),
    appid: required('WXPAY_APPID'),
    apiV2Key,
    planId,
    notifyUrl,
    timeoutMs: 5000,
    retries: 1,
  };
}
