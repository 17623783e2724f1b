/**
 * The 去支付 flow, without a page: consent → order → WeChat Pay → confirm.
 *
 * 1. `wx.requestSubscribeMessage` with the `templates` ids loaded before the tap: called
 *    synchronously from the tap handler (startPayment), as WeChat only shows the sheet then; a
 *    refusal never blocks the payment.
 * 2. `createOrder` (new items) or `pay` (an open order) → the order and `payParams` (自助检验 makes
 *    its order with `orderLabTests` instead, ./lab-flow.ts, and goes on with payCreatedOrder).
 * 3. `wx.requestPayment(payParams)`, the parameters passed through as the server signed them; an
 *    open 医保 order (`pay` answers `medInsPayParams`) goes to `wx.requestMedicalInsurancePay`
 *    instead (a new 医保 order is made and shown first by ./insurance-flow.ts).
 * 4. `confirm`, whatever requestPayment said (its success proves nothing, its failure neither):
 *    after a success it is asked again with back-off while the order is still `created`/`paying`
 *    (longer for 医保: WeChat settles the 医保 part a few seconds after the cash part).
 *
 * The outcome tells the page what to do: open the result page, keep the order open (the patient
 * cancelled, or the payment failed) with a message from the order's `expiresAt`, or show a refusal
 * chosen by the error's `reason` (never by its message).
 */
import type {
  MedInsPayParamsView,
  PaymentCreateOrderResponse,
  PaymentOrderView,
  RequestPaymentParams,
} from '../../../typings/payment';
import { errorMessage, isCloudError, reasonOf } from '../../services/cloud';
import { requestConsent } from '../../utils/booking-templates';
import { isPending, keptMessage } from '../utils/order-view';
import { confirmOrder, createOrder, payOrder } from './payment';

/** Back-off between the `confirm` calls after a successful requestPayment (ms). */
export const CONFIRM_POLL_DELAYS_MS: readonly number[] = [800, 1500, 2500, 4000];
/** The same for a 医保 order, which may stay `paying` (MIX_PAY_CREATED) a few seconds longer. */
export const INSURANCE_POLL_DELAYS_MS: readonly number[] = [1000, 1500, 2500, 4000, 6000];

export type PayTarget = { kind: 'new'; cardId: string; itemIds: readonly string[] } | { kind: 'open'; orderId: string };

export type PayOutcome =
  /** Paid, settled, refunded, closed… or still being confirmed: the result page shows which. */
  | { kind: 'finished'; order: PaymentOrderView }
  /** Not paid, the order stays open (待支付订单). */
  | { kind: 'kept'; order: PaymentOrderView; cancelled: boolean; message: string }
  /** Refused before any payment: what to tell, and whether the list must be loaded again. */
  | { kind: 'refused'; reason: RefusalKind; title: string; message: string; reload: boolean };

export type RefusalKind =
  | 'labNotEligible'
  | 'labDailyLimit'
  | 'itemsChanged'
  | 'itemsInOtherOrder'
  | 'notPayable'
  | 'processing'
  | 'hisUnavailable'
  | 'payUnavailable'
  | 'notInsured'
  | 'insuranceAuthInvalid'
  | 'insuranceUnavailable'
  | 'contractLimit'
  | 'unknown'
  | 'other';

export interface PayFlowOptions {
  pollDelaysMs?: readonly number[];
  /** For 医保 orders (default INSURANCE_POLL_DELAYS_MS). */
  insurancePollDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export type PayResult = { result: 'ok' } | { result: 'cancel' } | { result: 'fail'; errMsg: string };

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type WalletCallbacks = { success: () => void; fail: (err: { errMsg?: string }) => void };

/** A WeChat wallet API as a promise that always resolves (cancel and failure are answers too). */
function walletCall(api: string, call: (callbacks: WalletCallbacks) => void): Promise<PayResult> {
  return new Promise((resolve) => {
    try {
      call({
        success: () => resolve({ result: 'ok' }),
        fail: (err) => {
          const errMsg = typeof err?.errMsg === 'string' ? err.errMsg : `${api}:fail`;
          resolve(/cancel/.test(errMsg) ? { result: 'cancel' } : { result: 'fail', errMsg });
        },
      });
    } catch (err) {
      resolve({ result: 'fail', errMsg: String(err) });
    }
  });
}

/** `wx.requestPayment`, the five parameters as the server signed them. */
export function requestPayment(params: RequestPaymentParams): Promise<PayResult> {
  return walletCall('requestPayment', (callbacks) =>
    wx.requestPayment({
      timeStamp: params.timeStamp,
      nonceStr: params.nonceStr,
      package: params.package,
      signType: params.signType,
      paySign: params.paySign,
      ...callbacks,
    }),
  );
}

type MedInsPayApi = (options: MedInsPayParamsView & WalletCallbacks) => void;

/**
 * `wx.requestMedicalInsurancePay` (WeChat ≥ 8.0.44; not in the API typings): `mixTradeNo`, and the
 * cash part's five parameters only when there is a cash prepay (`package` = `prepay_id=…`): WeChat
 * refuses them on an order without cash, so an empty `package` counts as none.
 */
export function requestMedicalInsurancePay(params: MedInsPayParamsView): Promise<PayResult> {
  return walletCall('requestMedicalInsurancePay', (callbacks) => {
    const api = (wx as unknown as { requestMedicalInsurancePay?: MedInsPayApi }).requestMedicalInsurancePay;
    if (typeof api !== 'function') throw new Error('requestMedicalInsurancePay:fail 微信版本过低，请升级微信后再试');
    const passed: MedInsPayParamsView = { mixTradeNo: params.mixTradeNo };
    if (params.package) {
      for (const k of ['timeStamp', 'nonceStr', 'package', 'signType', 'paySign'] as const) {
        if (params[k] !== undefined) Object.assign(passed, { [k]: params[k] });
      }
    }
    api({ ...passed, ...callbacks });
  });
}

/** What the refusal of `createOrder`/`pay` means for the patient. */
export function refusalOf(err: unknown): Extract<PayOutcome, { kind: 'refused' }> {
  const refused = (reason: RefusalKind, title: string, message: string, reload: boolean) =>
    ({ kind: 'refused', reason, title, message, reload }) as const;
  switch (reasonOf(err, 'payment')) {
    case 'itemsChanged':
      return refused('itemsChanged', '费用已变化', '费用已变化，请刷新后核对再支付', true);
    case 'itemsInOtherOrder':
      return refused(
        'itemsInOtherOrder',
        '已有待支付订单',
        '所选项目已在待支付订单中，请继续支付该订单或取消后重新选择',
        true,
      );
    case 'notPayable':
      return refused('notPayable', '订单无法支付', '该订单已支付或已关闭，无需再次支付', true);
    case 'processing':
      return refused('processing', '正在处理', '您的缴费正在处理中，请稍后刷新查看', true);
    case 'hisUnavailable':
      return refused('hisUnavailable', '暂时无法缴费', '医院系统暂时无法确认费用，本次未扣款，请稍后再试', false);
    case 'payUnavailable':
      return refused('payUnavailable', '暂时无法支付', '微信支付暂时没有响应，本次未扣款，请稍后再试', false);
    case 'notInsured':
      return refused('notInsured', '无法使用医保支付', '该就诊人暂无可用的医保参保信息，请改用自费支付', false);
    case 'insuranceAuthInvalid':
      return refused(
        'insuranceAuthInvalid',
        '医保授权已失效',
        '医保授权已过期、已使用或不是该就诊人本人的医保电子凭证，请重新授权（须由就诊人本人授权）',
        false,
      );
    case 'insuranceUnavailable':
      return refused(
        'insuranceUnavailable',
        '医保暂时无法支付',
        '医保平台暂时没有响应，本次未扣款，请稍后再试，或改用自费支付',
        false,
      );
    default:
      break;
  }
  // No answer: an order may have been made; the reload shows it under 待支付订单.
  if (isCloudError(err) && !err.answered) return refused('unknown', '缴费未完成', errorMessage(err), true);
  const notFound = isCloudError(err) && err.code === 'NOT_FOUND';
  return refused('other', '缴费未完成', errorMessage(err), notFound);
}

/** `confirm`, then again with back-off while still pending; the last known order on failure. */
export async function confirmUntilSettled(
  order: PaymentOrderView,
  delays: readonly number[],
  sleep: (ms: number) => Promise<void>,
): Promise<PaymentOrderView> {
  let current = order;
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    if (attempt > 0) {
      if (!isPending(current.status)) break;
      await sleep(delays[attempt - 1]!);
    }
    try {
      current = await confirmOrder(order.orderId);
    } catch {
      break; // the result page asks again
    }
  }
  return current;
}

async function orderFor(target: PayTarget): Promise<PaymentCreateOrderResponse> {
  return target.kind === 'new' ? createOrder(target.cardId, target.itemIds) : payOrder(target.orderId);
}

/** Steps 2–4, once consent was asked. */
export async function payAfterConsent(target: PayTarget, options: PayFlowOptions = {}): Promise<PayOutcome> {
  let answer: PaymentCreateOrderResponse;
  try {
    answer = await orderFor(target);
  } catch (err) {
    return refusalOf(err);
  }
  return payCreatedOrder(answer, options);
}

/** Steps 3–4 for an order the server has just answered with its pay parameters (or none). */
export async function payCreatedOrder(
  answer: PaymentCreateOrderResponse,
  options: PayFlowOptions = {},
): Promise<PayOutcome> {
  const now = options.now ?? Date.now;
  const { order, payParams, medInsPayParams } = answer;
  let paid: PayResult;
  let delays: readonly number[];
  if (medInsPayParams) {
    paid = await requestMedicalInsurancePay(medInsPayParams);
    delays = options.insurancePollDelaysMs ?? INSURANCE_POLL_DELAYS_MS;
  } else if (payParams) {
    paid = await requestPayment(payParams);
    delays = options.pollDelaysMs ?? CONFIRM_POLL_DELAYS_MS;
  } else {
    return { kind: 'finished', order: await confirmUntilSettled(order, [], defaultSleep) };
  }
  if (paid.result === 'ok') {
    return { kind: 'finished', order: await confirmUntilSettled(order, delays, options.sleep ?? defaultSleep) };
  }
  const confirmed = await confirmUntilSettled(order, [], defaultSleep);
  if (!isPending(confirmed.status)) return { kind: 'finished', order: confirmed };
  const kept = keptMessage(confirmed.expiresAt, now());
  const message = paid.result === 'cancel' ? kept : `支付未完成，${kept}`;
  return { kind: 'kept', order: confirmed, cancelled: paid.result === 'cancel', message };
}

/**
 * The whole flow. Call it straight from the tap handler, before anything asynchronous: it asks
 * subscription consent first, synchronously, with ids loaded before the tap.
 */
export function startPayment(
  consentIds: readonly string[],
  target: PayTarget,
  options: PayFlowOptions = {},
): Promise<PayOutcome> {
  return requestConsent(consentIds).then(() => payAfterConsent(target, options));
}
