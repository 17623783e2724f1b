/**
 * The HTTP access route `/payNotify`: WeChat Pay notifications. Verified over the raw body
 * (server/core/wechatpay/notification.ts), applied idempotently (conditional transitions), and
 * answered within WeChat's 5 s: 204 once applied; 4xx for a notification that fails verification
 * (WeChat retries, a forgery gets nowhere); 500 when we could not apply it (WeChat retries).
 * Settling in the HIS is waited for only up to a budget; the timer finishes what is left.
 */
import type { WxNotification } from '../../ports/wechat-pay';
import { NotificationRejected } from '../../core/wechatpay/errors';
import type { PaymentContext } from './context';
import type { StoredOrder } from '../../adapters/clouddb/payment-store';
import type { Confirmation } from './confirm';
import type { Refunds } from './refunds';
import type { Settlement } from './settle';
import { isV2XmlBody } from '../../core/wechatpay/papay-notification';
import { PapayNotifications } from '../withholding/notify';

export interface HttpRequest {
  httpMethod: string;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** How long the answer waits for the HIS settlement before answering anyway. */
export const NOTIFY_SETTLE_BUDGET_MS = 2500;

const json = (statusCode: number, body: unknown): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});
const fail = (statusCode: number, message: string): HttpResponse => json(statusCode, { code: 'FAIL', message });

export class PayNotifications {
  constructor(
    private readonly ctx: PaymentContext,
    private readonly confirmation: Confirmation,
    private readonly settlement: Settlement,
    private readonly refunds: Refunds,
  ) {}

  async handle(req: HttpRequest): Promise<HttpResponse> {
    if (req.httpMethod !== 'POST') return fail(405, 'POST only');
    const raw = req.isBase64Encoded ? Buffer.from(req.body, 'base64').toString('utf8') : req.body;
    // 代扣 (v2 papay) notifications come as XML to the same notify_url.
    if (isV2XmlBody(raw)) return new PapayNotifications(this.ctx, this.confirmation, this.settlement).handle(raw);
    let n: WxNotification;
    try {
      n = this.ctx.pay.parseNotification(req.headers, raw);
    } catch (err) {
      const why = err instanceof NotificationRejected ? err.why : 'error';
      this.ctx.log.warn('pay notify rejected', { why });
      return fail(401, '验签失败');
    }
    try {
      await this.apply(n);
      return { statusCode: 204, headers: {}, body: '' };
    } catch (err) {
      this.ctx.log.error('pay notify not applied', { id: n.id, err: err instanceof Error ? err.name : 'unknown' });
      return fail(500, '处理失败，请重试');
    }
  }

  private async settleWithin(order: StoredOrder, nowMs: number): Promise<void> {
    const settling = this.settlement.settle(order, nowMs).catch((err: unknown) => {
      this.ctx.log.warn('pay notify settle failed', { orderId: order._id, err: err instanceof Error ? err.name : 'x' });
    });
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((r) => {
      timer = setTimeout(r, NOTIFY_SETTLE_BUDGET_MS);
    });
    await Promise.race([settling, budget]);
    clearTimeout(timer);
  }

  private async apply(n: WxNotification): Promise<void> {
    const nowMs = this.ctx.nowMs();
    const outTradeNo =
      n.eventType === 'TRANSACTION.SUCCESS'
        ? n.transaction.out_trade_no
        : n.eventType === 'MEDICAL_INSURANCE.SUCCESS'
          ? n.medIns.out_trade_no
          : n.refund.out_trade_no;
    const order = await this.ctx.store.orders.get(outTradeNo);
    if (!order) {
      // Not an order of this deployment (another environment's notify_url?): retrying cannot help.
      this.ctx.log.error('pay notify for unknown order', { id: n.id });
      return;
    }
    if (n.eventType === 'MEDICAL_INSURANCE.SUCCESS') {
      const { order: paid, moved } = await this.confirmation.recordMedInsPaid(order, n.medIns, nowMs);
      if (moved) await this.settleWithin(paid, nowMs);
      return;
    }
    if (n.eventType === 'TRANSACTION.SUCCESS' && order.mode === 'insurance') {
      // The cash half of a 医保 order: the mixed order may be complete by now (else its own
      // notification, or the timer's poll, finishes it).
      const after = await this.confirmation.queryMixedOnly(order, nowMs);
      if (after.status === 'paid') await this.settleWithin(after, nowMs);
      return;
    }
    if (n.eventType === 'TRANSACTION.SUCCESS') {
      // The payment is recorded before the answer; settling is waited for only up to the budget
      // (the paymentDue timer settles what is left: the order is paid with nextActionAtMs now).
      const { order: paid, moved } = await this.confirmation.recordPaid(order, n.transaction, nowMs);
      if (moved) await this.settleWithin(paid, nowMs);
      return;
    }
    const r = n.refund;
    const at = r.success_time ? Date.parse(r.success_time) || nowMs : nowMs;
    for (let attempt = 0; attempt < 3; attempt++) {
      const fresh = attempt === 0 ? order : await this.ctx.store.orders.get(outTradeNo);
      if (!fresh) return;
      await this.refunds.applyStatus(fresh, r.out_refund_no, r.refund_status, at, nowMs);
      const after = await this.ctx.store.orders.get(outTradeNo);
      const seen = after?.refunds.find((x) => x.outRefundNo === r.out_refund_no);
      if (!seen || seen.status === r.refund_status.toLowerCase() || seen.status === 'success') return;
    }
    throw new Error('refund status not recorded');
  }
}
