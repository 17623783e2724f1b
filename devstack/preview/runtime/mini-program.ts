/**
 * wx.navigateToMiniProgram of the preview, for the two mini programs 门诊缴费 jumps to; any other
 * appId fails loudly (red banner, `fail`), as before.
 *
 * - `wxe183cd55df4b4369`, the 医保 mini program (医保电子凭证 授权, ../ui/med-ins-auth.ts): 授权
 *   → `POST /paysandbox/med-ins/auth-codes {openid, name, idNumber}` (the pay sandbox's stand-in
 *   for Tencent's 医保 gateway) → back with `extraData {authCode}`; 取消 → back without extraData.
 *   The typed name and ID number are remembered per devstack identity in localStorage (outside
 *   the mini program's own `mp:` storage).
 * - `wxbd687630cd02ce1d`, WeChat Pay's contract-signing mini program (../ui/papay-sign.ts):
 *   同意并开通 / 取消 → `POST /paysandbox/papay/sign {extraData, openid, accept}` (the sandbox checks
 *   the signed extraData as WeChat does) → back with its answer as extraData; the back arrow →
 *   back without extraData.
 *
 * Leaving runs App.onHide and the page's onHide; coming back App.onShow and the page's onShow with
 * `{scene: 1038, referrerInfo: {appId, extraData?}}` (deps.leave / deps.comeBack, ./index.ts).
 */
import * as ui from '../ui/index';
import type { MedInsIdentity } from '../ui/med-ins-auth';
import { MERCHANT_NAME } from './pay';
import { failLoudly, trySandbox, type SandboxDeps } from './sandbox-fetch';
import { WxFail } from './wx-fail';

export const MED_INS_APP_ID = 'wxe183cd55df4b4369';
export const PAPAY_APP_ID = 'wxbd687630cd02ce1d';
export const SCENE_BACK_FROM_MINI_PROGRAM = 1038;
const API = 'navigateToMiniProgram';

export interface ReferrerInfo {
  appId: string;
  extraData?: Record<string, unknown>;
}

export interface JumpDeps extends SandboxDeps {
  openid(): string;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  /** App.onHide + the page's onHide. */
  leave(): void;
  /** App.onShow + the page's onShow, scene 1038 with referrerInfo. */
  comeBack(referrerInfo: ReferrerInfo): void;
}

/** Where the typed 医保 identity is remembered for a devstack identity. */
export function identityKey(openid: string): string {
  return `preview.medins.${openid}`;
}

function rememberedIdentity(deps: JumpDeps): MedInsIdentity {
  try {
    const v = JSON.parse(deps.storage.getItem(identityKey(deps.openid())) ?? 'null') as Partial<MedInsIdentity> | null;
    return {
      name: typeof v?.name === 'string' ? v.name : '',
      idNumber: typeof v?.idNumber === 'string' ? v.idNumber : '',
    };
  } catch {
    return { name: '', idNumber: '' };
  }
}

/** The 医保 授权 screen; the authCode, or null when the user cancelled. */
async function medInsAuth(deps: JumpDeps): Promise<Record<string, unknown> | undefined> {
  let authCode = '';
  const identity = await ui.showMedInsAuth(deps.root(), {
    appName: MERCHANT_NAME,
    initial: rememberedIdentity(deps),
    submit: async ({ name, idNumber }) => {
      const answer = await trySandbox(deps, API, 'POST', 'med-ins/auth-codes', {
        openid: deps.openid(),
        name,
        idNumber,
      });
      if (!answer.ok) return answer.message || `授权失败（HTTP ${answer.status}）`;
      if (typeof answer.body.authCode !== 'string') return failLoudly(deps, API, 'the pay sandbox gave no authCode');
      authCode = answer.body.authCode;
      return '';
    },
  });
  if (!identity) return undefined;
  deps.storage.setItem(identityKey(deps.openid()), JSON.stringify(identity));
  return { authCode };
}

/** The signing screen; the sandbox's answer, or undefined when the user went back. */
async function papaySign(
  deps: JumpDeps,
  extraData: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  const account = typeof extraData.contract_display_account === 'string' ? extraData.contract_display_account : '';
  const choice = await ui.showPapaySign(deps.root(), { merchant: MERCHANT_NAME, displayAccount: account });
  if (choice === 'back') return undefined;
  const body = { extraData, openid: deps.openid(), accept: choice === 'accept' };
  const answer = await trySandbox(deps, API, 'POST', 'papay/sign', body);
  if (!answer.ok)
    return failLoudly(deps, API, `POST /paysandbox/papay/sign answered HTTP ${answer.status}: ${answer.message}`);
  return answer.body;
}

function objectOf(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

/**
 * Opens the screen of `opts.appId` and answers `navigateToMiniProgram:ok` at once (as WeChat does
 * when the other mini program opens); the return comes later through deps.comeBack.
 */
export async function navigateToMiniProgram(
  opts: Record<string, unknown>,
  deps: JumpDeps,
): Promise<Record<string, unknown>> {
  const appId = typeof opts.appId === 'string' ? opts.appId : '';
  if (!appId) throw new WxFail(`${API}:fail parameter error: appId should be a string`);
  let screen: Promise<Record<string, unknown> | undefined>;
  if (appId === MED_INS_APP_ID) screen = Promise.resolve().then(() => medInsAuth(deps));
  else if (appId === PAPAY_APP_ID) screen = Promise.resolve().then(() => papaySign(deps, objectOf(opts.extraData)));
  else
    return failLoudly(
      deps,
      API,
      `预览只模拟医保（${MED_INS_APP_ID}）和微信支付签约（${PAPAY_APP_ID}）小程序，不能跳转 ${appId}`,
    );
  deps.leave();
  void screen.then(
    (extraData) => deps.comeBack(extraData ? { appId, extraData } : { appId }),
    // A failure was reported loudly; the user is still brought back.
    () => deps.comeBack({ appId }),
  );
  return {};
}
