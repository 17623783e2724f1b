/**
 * 提交并支付 of 自助检验申请, without a page: consent → `orderLabTests` → WeChat Pay → confirm.
 *
 * The same flow as 去支付 (./pay-flow.ts): consent asked synchronously from the tap, then the
 * tests become HIS charges and one order (`orderLabTests`, with the page's idempotency key), and
 * payCreatedOrder pays and confirms it. Its outcome is a PayOutcome; refusals are chosen by the
 * error's `reason` (never by its message), the lab ones first.
 */
import type { PaymentCreateOrderResponse } from '../../../typings/payment';
import { reasonOf } from '../../services/cloud';
import { requestConsent } from '../../utils/booking-templates';
import { orderLabTests } from './payment';
import { payCreatedOrder, refusalOf } from './pay-flow';
import type { PayFlowOptions, PayOutcome, RefusalKind } from './pay-flow';

export interface LabOrderInput {
  cardId: string;
  codes: readonly string[];
  idempotencyKey: string;
}

export interface LabFlowOptions extends PayFlowOptions {
  /** The catalog's `perDayLimit`, for the 今日次数已用完 text. */
  perDayLimit?: number;
}

type Refused = Extract<PayOutcome, { kind: 'refused' }>;

/** What a refusal of `orderLabTests` means for the patient; `reload`: load the catalog again. */
export function labRefusalOf(err: unknown, perDayLimit?: number): Refused {
  const refused = (reason: RefusalKind, title: string, message: string, reload: boolean): Refused => ({
    kind: 'refused',
    reason,
    title,
    message,
    reload,
  });
  switch (reasonOf(err, 'payment')) {
    case 'labNotEligible':
      return refused(
        'labNotEligible',
        '项目不可申请',
        '所选项目不适用于该就诊人，请查看项目说明重新选择，或到门诊就诊开单',
        true,
      );
    case 'labDailyLimit': {
      const limit = perDayLimit && perDayLimit > 0 ? `每位就诊人每天最多自助申请${perDayLimit}次检验，` : '';
      return refused('labDailyLimit', '今日申请次数已用完', `${limit}请明天再来或到门诊就诊开单`, true);
    }
    case 'hisUnavailable':
      return refused('hisUnavailable', '暂时无法申请', '医院系统暂时无法受理检验申请，本次未扣款，请稍后再试', true);
    case 'payUnavailable':
      return refused(
        'payUnavailable',
        '暂时无法支付',
        '微信支付暂时没有响应，本次未扣款。检验申请已保留，可稍后再次提交，或在门诊缴费中支付',
        true,
      );
    default:
      return refusalOf(err);
  }
}

/**
 * The whole flow. Call it straight from the tap handler, before anything asynchronous: it asks
 * subscription consent first, synchronously, with ids loaded before the tap.
 */
export function startLabOrder(
  consentIds: readonly string[],
  input: LabOrderInput,
  options: LabFlowOptions = {},
): Promise<PayOutcome> {
  return requestConsent(consentIds).then(async () => {
    let answer: PaymentCreateOrderResponse;
    try {
      answer = await orderLabTests(input.cardId, input.codes, input.idempotencyKey);
    } catch (err) {
      return labRefusalOf(err, options.perDayLimit);
    }
    return payCreatedOrder(answer, options);
  });
}
