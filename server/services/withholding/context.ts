/**
 * What the withholding (代扣) flows need beyond the payment context (orders, claims, the HIS,
 * messages, `store.contracts`): the v2 papay client and the 待缴费提醒 template of the fallback
 * message. Absent (`ctx.withholding` null) when the deployment has no withholding configured.
 */
import { AppError } from '../../core/errors';
import type { WechatPapayPort } from '../../ports/wechat-papay';
import type { PaymentContext } from '../payment/context';

export interface WithholdingDeps {
  papay: WechatPapayPort;
  /** 待缴费提醒 (TMPL_CHARGES_READY): what a patient gets when a deduction did not succeed. */
  chargesReadyTemplate: string;
}

/** The withholding deps, or UNAVAILABLE when this deployment has no withholding configured. */
export function withholdingOf(ctx: PaymentContext): WithholdingDeps {
  if (ctx.withholding) return ctx.withholding;
  throw new AppError('UNAVAILABLE', '暂未开通自动扣费（代扣）服务', {
    reason: 'payUnavailable',
    detail: 'withholding not configured',
  });
}
