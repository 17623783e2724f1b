/**
 * What WeChat Pay says about a mixed order: the answer of create and query, which is also the
 * decrypted resource of MEDICAL_INSURANCE.SUCCESS — the order's fields plus mix_trade_no,
 * mix_pay_status, self_pay_status, med_ins_pay_status, paid_time (and
 * passthrough_response_content once settled, med_ins_fail_reason once failed). Never the payer.
 *
 * The refund states are derived here: self_pay_status is the cash JSAPI order's (SELF_PAY_REFUND
 * once its successful refunds reach wechat_pay_cash_fee; SELF_PAY_FAIL once it closed unpaid,
 * which fails a CREATED order too); med_ins_pay_status is MED_INS_PAY_REFUND once the notified
 * 医保 refunds reach each 医保 amount; mix_pay_status is MIX_PAY_REFUND once both are done.
 */
import { now, type PayContext } from './context';
import type { MedInsOrderRow, MedInsPayStatus, MixPayStatus, SelfPayStatus } from './med-ins-store';
import { currentOrder } from './orders';
import { rfc3339 } from './time';
import type { Json } from './validate';
import { notificationBody } from './views';

export interface MedInsStatuses {
  mix: MixPayStatus;
  self: SelfPayStatus;
  med: MedInsPayStatus;
  failReason: string | null;
}

/** The refunded 医保 amounts, per part, over the notified refunds. */
export function medRefunded(ctx: PayContext, mixTradeNo: string): { gov: number; self: number; other: number } {
  const rows = ctx.medIns.store.refundsOf(mixTradeNo);
  return {
    gov: rows.reduce((s, r) => s + r.gov_fee, 0),
    self: rows.reduce((s, r) => s + r.self_fee, 0),
    other: rows.reduce((s, r) => s + r.other_fee, 0),
  };
}

function selfStatus(ctx: PayContext, o: MedInsOrderRow): SelfPayStatus {
  if (o.prepay_id === null) return 'NO_SELF_PAY';
  const cash = currentOrder(ctx, o.out_trade_no);
  if (!cash || cash.trade_state === 'NOTPAY') return 'SELF_PAY_CREATED';
  if (cash.trade_state === 'CLOSED') return 'SELF_PAY_FAIL';
  const refunded = ctx.store
    .refundsOf(cash.out_trade_no)
    .filter((r) => r.status === 'SUCCESS')
    .reduce((s, r) => s + r.refund, 0);
  return refunded >= cash.total ? 'SELF_PAY_REFUND' : 'SELF_PAY_SUCCESS';
}

export function medInsStatuses(ctx: PayContext, o: MedInsOrderRow): MedInsStatuses {
  const self = selfStatus(ctx, o);
  const medSum = o.med_ins_gov_fee + o.med_ins_self_fee + o.med_ins_other_fee;
  const refunded = medRefunded(ctx, o.mix_trade_no);
  const medFull =
    ctx.medIns.store.refundsOf(o.mix_trade_no).length > 0 &&
    refunded.gov === o.med_ins_gov_fee &&
    refunded.self === o.med_ins_self_fee &&
    refunded.other === o.med_ins_other_fee;
  let med: MedInsPayStatus = o.med_ins_pay_status;
  if (med === 'MED_INS_PAY_SUCCESS' && medFull) med = 'MED_INS_PAY_REFUND';
  let mix: MixPayStatus = o.mix_pay_status;
  let failReason = o.fail_reason;
  if (mix === 'MIX_PAY_CREATED' && self === 'SELF_PAY_FAIL') {
    mix = 'MIX_PAY_FAIL';
    failReason = '自费部分未支付即已关闭（prepay_id 过期或订单已关闭）';
  }
  const cashDone = self === 'NO_SELF_PAY' || self === 'SELF_PAY_REFUND';
  const medDone = o.med_ins_pay_status === 'NO_MED_INS_PAY' || medFull || (medSum === 0 && o.prepay_id !== null);
  if (mix === 'MIX_PAY_SUCCESS' && cashDone && medDone) mix = 'MIX_PAY_REFUND';
  return { mix, self, med, failReason };
}

export function mixedOrderView(ctx: PayContext, o: MedInsOrderRow): Json {
  const s = medInsStatuses(ctx, o);
  return {
    mix_trade_no: o.mix_trade_no,
    mix_pay_status: s.mix,
    self_pay_status: s.self,
    med_ins_pay_status: s.med,
    ...(o.paid_at === null ? {} : { paid_time: rfc3339(o.paid_at) }),
    ...(o.passthrough_response === null ? {} : { passthrough_response_content: o.passthrough_response }),
    ...(s.mix === 'MIX_PAY_FAIL' && s.failReason !== null ? { med_ins_fail_reason: s.failReason } : {}),
    ...(JSON.parse(o.order_json) as Json),
  };
}

/**
 * Stores MEDICAL_INSURANCE.SUCCESS for the callback_url and hands it to the notifier. Its log and
 * deliveries are kept under the mix_trade_no (the cash order's own stay under its out_trade_no).
 */
export function queueMedInsNotification(ctx: PayContext, o: MedInsOrderRow): void {
  const at = now(ctx);
  const { id, body } = notificationBody(
    'MEDICAL_INSURANCE.SUCCESS',
    mixedOrderView(ctx, o),
    ctx.credentials.merchant.apiV3Key,
    at,
  );
  ctx.store.insertNotification({
    id,
    out_trade_no: o.mix_trade_no,
    out_refund_no: null,
    event_type: 'MEDICAL_INSURANCE.SUCCESS',
    url: o.callback_url,
    body,
    created_at: at,
  });
  ctx.notifier.enqueue(id);
}
