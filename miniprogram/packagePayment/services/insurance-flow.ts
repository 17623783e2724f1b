/**
 * 医保支付 of unpaid items, without a page:
 *
 * 1. 授权: `wx.navigateToMiniProgram` to the 医保 mini program's getAuthCode page with the
 *    hospital's codes (config.ts MED_INS_AUTH). The answer comes back in App.onShow, which app.ts
 *    hands to utils/mini-program-return.ts; the waiting page takes it in its onShow (authReturn).
 * 2. 医保预结算: `createOrder` with the authCode → a 医保 order whose split (统筹, 个人账户, 现金)
 *    the page shows before anything is paid.
 * 3. 确认支付: consent on the tap, then `wx.requestMedicalInsurancePay(medInsPayParams)` and
 *    `confirm`, polled longer than 自费 (pay-flow.ts payCreatedOrder).
 *
 * 改用自费支付 is pay-flow.ts startPayment of the same items: the server gives up the open 医保
 * order. Refusals are chosen by the error's `reason` (pay-flow.ts refusalOf), never its message.
 */
import type { PaymentCreateOrderResponse } from '../../../typings/payment';
import { MED_INS_AUTH } from '../../config';
import { requestConsent } from '../../utils/booking-templates';
import { MED_INS_APP_ID, takeReturn } from '../../utils/mini-program-return';
import { createOrder } from './payment';
import { payCreatedOrder, refusalOf } from './pay-flow';
import type { PayFlowOptions, PayOutcome } from './pay-flow';

/** The 医保 mini program's 授权 page: getAuthCode for 医保移动支付 (bizType 04107). */
export const MED_INS_AUTH_PAGE = 'auth/pages/bindcard/auth/index';

type AuthConfig = { readonly [K in keyof typeof MED_INS_AUTH]: string };

/** The path of the jump, with the hospital's codes (each encoded). */
export function medInsAuthPath(config: AuthConfig = MED_INS_AUTH): string {
  const params: [string, string][] = [
    ['openType', 'getAuthCode'],
    ['bizType', '04107'],
    ['cityCode', config.cityCode],
    ['channel', config.channel],
    ['orgChnlCrtfCodg', config.orgChnlCrtfCodg],
    ['orgCodg', config.orgCodg],
    ['orgAppId', config.orgAppId],
  ];
  return `${MED_INS_AUTH_PAGE}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}

export type JumpResult = { ok: true } | { ok: false; cancelled: boolean; message: string };

/** `wx.navigateToMiniProgram` as a promise that always resolves. */
export function jumpTo(options: {
  appId: string;
  path: string;
  extraData?: Record<string, string>;
}): Promise<JumpResult> {
  return new Promise((resolve) => {
    try {
      wx.navigateToMiniProgram({
        ...options,
        success: () => resolve({ ok: true }),
        fail: (err: { errMsg?: string }) => {
          const errMsg = typeof err?.errMsg === 'string' ? err.errMsg : '';
          const cancelled = /cancel/.test(errMsg);
          resolve({ ok: false, cancelled, message: cancelled ? '' : '无法打开，请稍后再试或改用自费支付' });
        },
      });
    } catch {
      resolve({ ok: false, cancelled: false, message: '当前微信版本不支持，请升级微信或改用自费支付' });
    }
  });
}

/** Opens the 医保 mini program to authorise; its answer arrives in App.onShow. */
export function openMedInsAuth(): Promise<JumpResult> {
  return jumpTo({ appId: MED_INS_APP_ID, path: medInsAuthPath() });
}

export type AuthReturn =
  /** Authorised: the one-time authCode for createOrder. */
  | { kind: 'authorised'; authCode: string }
  /** Back from the 医保 mini program without authorising. */
  | { kind: 'cancelled' }
  /** Not back from it (the page showed for another reason). */
  | { kind: 'none' };

/** What the 医保 mini program answered, taken once. */
export function authReturn(): AuthReturn {
  const back = takeReturn(MED_INS_APP_ID);
  if (!back) return { kind: 'none' };
  const authCode = back.extraData.authCode;
  return authCode ? { kind: 'authorised', authCode } : { kind: 'cancelled' };
}

export type QuoteOutcome =
  /** The 医保 order and its split, to show before paying. */
  { kind: 'quote'; answer: PaymentCreateOrderResponse } | Extract<PayOutcome, { kind: 'refused' }>;

/** Step 2: the 医保 order of the items (the HIS's pre-settlement gives its split). */
export async function quoteInsurance(
  cardId: string,
  itemIds: readonly string[],
  authCode: string,
): Promise<QuoteOutcome> {
  try {
    return { kind: 'quote', answer: await createOrder(cardId, itemIds, authCode) };
  } catch (err) {
    return refusalOf(err);
  }
}

/**
 * Step 3, straight from the 确认支付 tap: consent first, synchronously, with ids loaded before
 * the tap; then the 医保 payment of the quoted order and `confirm`.
 */
export function payInsurance(
  consentIds: readonly string[],
  answer: PaymentCreateOrderResponse,
  options: PayFlowOptions = {},
): Promise<PayOutcome> {
  return requestConsent(consentIds).then(() => payCreatedOrder(answer, options));
}
