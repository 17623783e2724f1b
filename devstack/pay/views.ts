/**
 * What WeChat Pay says about an order or a refund: the query answers, the decrypted resources of
 * notifications and the notification bodies. Shapes follow ../shared/reference/wechat-pay.md and
 * WeChat's documented examples — e.g. an unpaid order has no payer, no trade_type and no
 * payer_total, so a client that assumes them is caught here.
 */
import { randomUUID } from 'node:crypto';
import { encryptResource } from '../../server/core/wechatpay/crypto';
import type { OrderRow, RefundRow, RefundStatus, TradeState } from './store';
import { rfc3339 } from './time';

export const TRADE_STATE_DESC: Record<TradeState, string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  REFUND: '订单发生过退款',
  CLOSED: '订单已关闭',
};

export function transactionView(o: OrderRow): Record<string, unknown> {
  const base = {
    appid: o.appid,
    mchid: o.mchid,
    out_trade_no: o.out_trade_no,
    ...(o.attach === null ? {} : { attach: o.attach }),
  };
  if (o.transaction_id === null || o.success_at === null) {
    return {
      ...base,
      trade_state: o.trade_state,
      trade_state_desc: TRADE_STATE_DESC[o.trade_state],
      amount: { total: o.total, payer_currency: o.currency },
    };
  }
  return {
    ...base,
    transaction_id: o.transaction_id,
    trade_type: 'JSAPI',
    trade_state: o.trade_state,
    trade_state_desc: TRADE_STATE_DESC[o.trade_state],
    bank_type: o.bank_type ?? 'OTHERS',
    success_time: rfc3339(o.success_at),
    payer: { openid: o.openid },
    amount: { total: o.total, payer_total: o.total, currency: o.currency, payer_currency: o.currency },
  };
}

/** The answer of POST /v3/refund/domestic/refunds and of the refund query. */
export function refundView(r: RefundRow, o: OrderRow): Record<string, unknown> {
  return {
    refund_id: r.refund_id,
    out_refund_no: r.out_refund_no,
    transaction_id: o.transaction_id,
    out_trade_no: o.out_trade_no,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(r.success_at === null ? {} : { success_time: rfc3339(r.success_at) }),
    create_time: rfc3339(r.created_at),
    status: r.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: r.total,
      refund: r.refund,
      from: [],
      payer_total: o.total,
      payer_refund: r.refund,
      settlement_refund: r.refund,
      settlement_total: o.total,
      discount_refund: 0,
      currency: r.currency,
      refund_fee: 0,
    },
    promotion_detail: [],
  };
}

/** The decrypted resource of a REFUND.* notification. */
export function refundNoticeResource(r: RefundRow, o: OrderRow): Record<string, unknown> {
  return {
    mchid: o.mchid,
    out_trade_no: o.out_trade_no,
    transaction_id: o.transaction_id,
    out_refund_no: r.out_refund_no,
    refund_id: r.refund_id,
    refund_status: r.status,
    ...(r.success_at === null ? {} : { success_time: rfc3339(r.success_at) }),
    user_received_account: '支付用户零钱',
    amount: { total: r.total, refund: r.refund, payer_total: o.total, payer_refund: r.refund },
  };
}

export type EventType =
  'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED' | 'MEDICAL_INSURANCE.SUCCESS';

const SUMMARY: Record<EventType, string> = {
  'TRANSACTION.SUCCESS': '支付成功',
  'REFUND.SUCCESS': '退款成功',
  'REFUND.ABNORMAL': '退款异常',
  'REFUND.CLOSED': '退款关闭',
  'MEDICAL_INSURANCE.SUCCESS': '医保混合收款成功',
};

/** original_type and associated_data of the resource of each kind of notification. */
function resourceKind(eventType: EventType): string {
  if (eventType === 'TRANSACTION.SUCCESS') return 'transaction';
  if (eventType === 'MEDICAL_INSURANCE.SUCCESS') return 'medical_insurance';
  return 'refund';
}

export function refundEventType(status: Exclude<RefundStatus, 'PROCESSING'>): EventType {
  return `REFUND.${status}`;
}

/**
 * A notification body: the resource encrypted with the APIv3 key (AAD and original_type name the
 * kind, as WeChat's do). Built once: every delivery of it sends these bytes, signed afresh.
 */
export function notificationBody(
  eventType: EventType,
  resource: Record<string, unknown>,
  apiV3Key: string,
  nowMs: number,
): { id: string; body: string } {
  const kind = resourceKind(eventType);
  const id = randomUUID();
  const body = JSON.stringify({
    id,
    create_time: rfc3339(nowMs),
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary: SUMMARY[eventType],
    resource: encryptResource(JSON.stringify(resource), apiV3Key, kind, kind),
  });
  return { id, body };
}
