/**
 * `POST /v3/med-ins/refunds/notify?mix_trade_no=…` — the hospital tells WeChat Pay that the 医保
 * part was refunded at the 医保 platform (6203); the cash part goes through the normal refund API.
 * Body `{med_refund_total_fee, med_refund_gov_fee, med_refund_self_fee, med_refund_other_fee,
 * refund_time, out_refund_no}` → 204.
 *
 * Rules: mix_trade_no required (query); the order exists (ORDER_NOT_EXIST) and was paid
 * (MIX_PAY_SUCCESS or partly refunded; INVALID_REQUEST otherwise); total = gov + self + other,
 * total ≥ 1; per part, the notified refunds never exceed the order's 医保 amount; when the order
 * has a cash part, out_refund_no is one of its cash refunds (RULE_LIMIT for these three). The same
 * out_refund_no again replaces its earlier notification (WeChat: the latest one counts). The order
 * is MIX_PAY_REFUND once the cash and the 医保 parts are all refunded (med-ins-views.ts).
 */
import { now, type PayContext } from './context';
import { PayError, paramError } from './errors';
import { requireMedInsOrder } from './med-ins-orders';
import { parseRfc3339 } from './time';
import { checkInt, checkString, type Json } from './validate';

const OUT_REFUND_NO = { max: 64, pattern: /^[0-9A-Za-z_\-|*@]+$/, patternText: '1～64 位数字、大小写字母或 _-|*@' };

const ruleLimit = (message: string): PayError => new PayError('RULE_LIMIT', message);

export function notifyMedInsRefund(ctx: PayContext, query: URLSearchParams, body: Json): void {
  const mixTradeNo = query.get('mix_trade_no');
  if (!mixTradeNo) throw paramError('query', 'mix_trade_no', '缺少必填参数 mix_trade_no');
  const total = checkInt(body.med_refund_total_fee, 'med_refund_total_fee', 1);
  const gov = checkInt(body.med_refund_gov_fee, 'med_refund_gov_fee', 0);
  const self = checkInt(body.med_refund_self_fee, 'med_refund_self_fee', 0);
  const other = checkInt(body.med_refund_other_fee, 'med_refund_other_fee', 0);
  const refundTime = checkString(body.refund_time, 'refund_time', { max: 64 });
  if (parseRfc3339(refundTime) === null) {
    throw paramError('body', 'refund_time', '应为 RFC 3339 格式，如 2026-01-02T10:34:56+08:00', refundTime);
  }
  const outRefundNo = checkString(body.out_refund_no, 'out_refund_no', OUT_REFUND_NO);
  if (total !== gov + self + other) {
    throw ruleLimit(
      `医保退款金额校验不通过：med_refund_total_fee ${total} ≠ med_refund_gov_fee + med_refund_self_fee + ` +
        `med_refund_other_fee = ${gov + self + other}`,
    );
  }
  ctx.store.tx(() => {
    const o = requireMedInsOrder(ctx, 'mix', mixTradeNo);
    if (o.mix_pay_status !== 'MIX_PAY_SUCCESS') {
      throw new PayError('INVALID_REQUEST', '订单未支付成功，不能通知医保退款');
    }
    if (o.prepay_id !== null) {
      const cashRefund = ctx.store.refund(outRefundNo);
      if (!cashRefund || cashRefund.out_trade_no !== o.out_trade_no) {
        throw ruleLimit(
          'out_refund_no 应为该订单自费部分退款（POST /v3/refund/domestic/refunds）的 out_refund_no：先退自费，再用同一退款单号通知医保退款',
        );
      }
    }
    const others = ctx.medIns.store.refundsOf(mixTradeNo).filter((r) => r.out_refund_no !== outRefundNo);
    const parts = [
      ['统筹 med_refund_gov_fee', gov, others.reduce((s, r) => s + r.gov_fee, 0), o.med_ins_gov_fee],
      ['个账 med_refund_self_fee', self, others.reduce((s, r) => s + r.self_fee, 0), o.med_ins_self_fee],
      ['其他 med_refund_other_fee', other, others.reduce((s, r) => s + r.other_fee, 0), o.med_ins_other_fee],
    ] as const;
    for (const [name, asked, before, paid] of parts) {
      if (before + asked > paid) {
        throw ruleLimit(`医保退款金额超过可退金额：${name} 已退 ${before} 分，本次 ${asked} 分，医保支付 ${paid} 分`);
      }
    }
    ctx.medIns.store.upsertRefund({
      mix_trade_no: mixTradeNo,
      out_refund_no: outRefundNo,
      total_fee: total,
      gov_fee: gov,
      self_fee: self,
      other_fee: other,
      refund_time: refundTime,
      notified_at: now(ctx),
    });
  });
}
