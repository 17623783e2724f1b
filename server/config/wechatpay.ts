/**
 * The WeChat Pay merchant configuration of the functions that take or answer payments, from the
 * function environment (WXPAY_*, server/config/env-vars.ts). Keys and the APIv3 key are secrets:
 * only ever from the environment, never the repository. Read at cold start; a missing or
 * malformed value refuses to start, naming the variable (never its value).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { apiV3KeyBytes, privateKeyOf } from '../core/wechatpay/crypto';
import type { WechatPayConfig } from '../core/wechatpay/config';
import type { EnvVarName, FunctionEnv } from './env-vars';

export const WECHATPAY_DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com';

/** PEMs put into a one-line variable keep their newlines as `\n`. */
function pem(raw: string): string {
  return raw.includes('\\n') ? raw.replace(/\\n/g, '\n') : raw;
}

export function wechatPayConfigFromEnv(env: FunctionEnv = process.env): WechatPayConfig {
  const fail = (name: EnvVarName, why: string): never => {
    throw new Error(`WeChat Pay: environment variable ${name} ${why}`);
  };
  const required = (name: EnvVarName): string => env[name]?.trim() || fail(name, 'is not set');
  const optional = (name: EnvVarName): string | null => env[name]?.trim() || null;

  const keys = new Map<string, KeyObject>();
  const publicKeyId = optional('WXPAY_PUBLIC_KEY_ID');
  if (publicKeyId) {
    if (!publicKeyId.startsWith('PUB_KEY_ID_')) fail('WXPAY_PUBLIC_KEY_ID', 'must start with PUB_KEY_ID_');
    const key = optional('WXPAY_PUBLIC_KEY') ?? fail('WXPAY_PUBLIC_KEY', 'is not set (WXPAY_PUBLIC_KEY_ID is)');
    keys.set(publicKeyId, parseKey('WXPAY_PUBLIC_KEY', key, fail));
  }
  const certs = optional('WXPAY_PLATFORM_CERTS');
  if (certs) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(certs);
    } catch {
      fail('WXPAY_PLATFORM_CERTS', 'must be a JSON object of serial → certificate PEM');
    }
    for (const [serial, cert] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof cert !== 'string') fail('WXPAY_PLATFORM_CERTS', 'must map serials to PEM strings');
      keys.set(serial, parseKey('WXPAY_PLATFORM_CERTS', cert as string, fail));
    }
  }
  if (keys.size === 0) fail('WXPAY_PUBLIC_KEY_ID', 'or WXPAY_PLATFORM_CERTS must be set');

  const apiV3Key = required('WXPAY_APIV3_KEY');
  try {
    apiV3KeyBytes(apiV3Key);
  } catch {
    fail('WXPAY_APIV3_KEY', 'must be 32 bytes');
  }
  let merchantPrivateKey: KeyObject;
  try {
    merchantPrivateKey = privateKeyOf(pem(required('WXPAY_MERCHANT_PRIVATE_KEY')));
  } catch {
    return fail('WXPAY_MERCHANT_PRIVATE_KEY', 'is not a PEM private key');
  }
  const baseUrl = optional('WXPAY_BASE_URL') ?? WECHATPAY_DEFAULT_BASE_URL;
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) fail('WXPAY_BASE_URL', 'must be an http(s) URL');
  const notifyUrl = required('WXPAY_NOTIFY_URL');
  if (!/^https?:\/\/[^\s/?]+[^?]*$/.test(notifyUrl)) fail('WXPAY_NOTIFY_URL', 'must be an http(s) URL without a query');
  return {
    baseUrl,
    mchid: required('WXPAY_MCHID'),
    appid: required('WXPAY_APPID'),
    merchantSerialNo: required('WXPAY_MERCHANT_SERIAL'),
    merchantPrivateKey,
    wechatpayKeys: keys,
    wechatpayPublicKeyId: publicKeyId,
    apiV3Key,
    notifyUrl,
    timeoutMs: 5000,
    retries: 1,
  };
}

function parseKey(name: EnvVarName, raw: string, fail: (n: EnvVarName, why: string) => never): KeyObject {
  try {
    return createPublicKey(pem(raw));
  } catch {
    return fail(name, 'holds a value that is not a PEM public key or certificate');
  }
}
