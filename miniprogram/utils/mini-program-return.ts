/**
 * What another mini program handed back when the user returned from it (App.onShow, scene 1038):
 * the 医保 mini program's `authCode`, or the contract-signing mini program's answer. app.ts feeds
 * every App.onShow here; the page that made the jump takes the answer once, in its own onShow
 * (WeChat calls App.onShow before the page's). Only the known, non-personal fields are kept.
 */

/** 医保 mini program (医保电子凭证 授权). */
export const MED_INS_APP_ID = 'wxe183cd55df4b4369';
/** WeChat Pay's contract-signing mini program (委托代扣 签约). */
export const PAPAY_APP_ID = 'wxbd687630cd02ce1d';

/** The scene of a return from another mini program. */
export const SCENE_BACK_FROM_MINI_PROGRAM = 1038;

/** The fields kept of each mini program's extraData; anything else is dropped. */
const KEPT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  [MED_INS_APP_ID]: ['authCode'],
  [PAPAY_APP_ID]: ['return_code', 'return_msg', 'contract_id'],
};

export interface MiniProgramReturn {
  appId: string;
  /** The kept fields; empty when the user came back without an answer (went back, cancelled). */
  extraData: Record<string, string>;
}

let pending: MiniProgramReturn | null = null;

interface ShowOptions {
  scene?: number;
  referrerInfo?: { appId?: string; extraData?: unknown };
}

/** App.onShow: keeps the answer of a return from one of the known mini programs. */
export function noteAppShow(options: ShowOptions | undefined): void {
  const info = options?.referrerInfo;
  const appId = info?.appId;
  if (options?.scene !== SCENE_BACK_FROM_MINI_PROGRAM || !appId || !KEPT_FIELDS[appId]) return;
  const extra = (info.extraData && typeof info.extraData === 'object' ? info.extraData : {}) as Record<string, unknown>;
  const extraData: Record<string, string> = {};
  for (const key of KEPT_FIELDS[appId]!) {
    const v = extra[key];
    if (typeof v === 'string' && v) extraData[key] = v;
  }
  pending = { appId, extraData };
}

/** The answer of `appId`, once: a second call (or another page's) gets null. */
export function takeReturn(appId: string): MiniProgramReturn | null {
  if (!pending || pending.appId !== appId) return null;
  const answer = pending;
  pending = null;
  return answer;
}
