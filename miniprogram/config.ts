/**
 * The ONE place that decides which backend the mini program talks to.
 *
 * - `cloud`: Tencent CloudBase — `wx.cloud.callFunction`. Trial (体验版) and release (正式版)
 *   builds ALWAYS use this target; a release build must never talk to the devstack.
 * - `devstack`: the local CloudBase emulator started by `npm start` on the developer's laptop,
 *   reached over HTTP (`POST {devstackUrl}/functions/<name>`, identity in `X-WX-OPENID`).
 *
 * How a developer switches:
 *   - Developer build (envVersion 'develop', i.e. WeChat DevTools / 开发版) picks `devstack`.
 *     Run `npm start`, then in DevTools tick 详情 → 本地设置 → "不校验合法域名、web-view（业务域名）、
 *     TLS 版本以及 HTTPS 证书", otherwise `wx.request` to http://127.0.0.1 is refused.
 *   - To try the real CloudBase environment from DevTools, set `TARGET_OVERRIDE = 'cloud'` below
 *     (and fill `CLOUD_ENV`). Never commit an override of 'devstack'.
 *   - The devstack identity is read from storage key `devstack.openid` (the browser preview's
 *     identity switcher writes it) and falls back to `devOpenid`.
 */

export type BackendTarget = 'cloud' | 'devstack';

export interface AppConfig {
  target: BackendTarget;
  /** CloudBase environment id; empty string = the account's default environment. */
  cloudEnv: string;
  devstackUrl: string;
  devOpenid: string;
}

/** Force a target regardless of envVersion; `null` = decide by envVersion (recommended). */
const TARGET_OVERRIDE: BackendTarget | null = null;

/** CloudBase environment id used by trial/release builds (fill in at deployment). */
const CLOUD_ENV = '';

/** Version shown in 我的 → 关于 when the platform reports none (develop builds). */
export const APP_VERSION = '0.1.0';

export const DEVSTACK_URL = 'http://127.0.0.1:7300';
export const DEV_OPENID = 'dev-openid-0001';
/** Storage key holding the devstack caller identity (set by the preview's identity switcher). */
export const DEVSTACK_OPENID_KEY = 'devstack.openid';

/**
 * The hospital's codes at the 医保 platform, passed to the 医保 mini program's 授权 page
 * (packagePayment/services/insurance-flow.ts). They are issued with the hospital's 医保
 * 移动支付 onboarding (定点医药机构编码, 渠道 id, 渠道认证编码); replace them at deployment. The
 * devstack's 医保 sandbox accepts any and uses `cityCode` as the insured person's 参保地.
 */
export const MED_INS_AUTH = {
  /** 参保地/就医地 city (绍兴市, as the devstack's 医保 sandbox). */
  cityCode: '330600',
  channel: 'AAGdevstack0000000000000',
  orgChnlCrtfCodg: 'BqK1kMStlhVDgN2uHf4EsLK9W2devstack',
  orgCodg: 'H33060200001',
  orgAppId: '1GBHK1DEV0000000000000000',
} as const;

type EnvVersion = 'develop' | 'trial' | 'release';

function currentEnvVersion(): EnvVersion | null {
  try {
    if (typeof wx === 'undefined' || typeof wx.getAccountInfoSync !== 'function') return null;
    return wx.getAccountInfoSync().miniProgram.envVersion;
  } catch {
    return null;
  }
}

/** 'develop' → devstack; 'trial'/'release'/unknown → cloud (the safe choice for shipped code). */
export function resolveTarget(envVersion: EnvVersion | null = currentEnvVersion()): BackendTarget {
  if (TARGET_OVERRIDE) return TARGET_OVERRIDE;
  return envVersion === 'develop' ? 'devstack' : 'cloud';
}

/** The effective configuration; evaluated on each call so it follows the running environment. */
export function getConfig(): AppConfig {
  return {
    target: resolveTarget(),
    cloudEnv: CLOUD_ENV,
    devstackUrl: DEVSTACK_URL,
    devOpenid: DEV_OPENID,
  };
}
