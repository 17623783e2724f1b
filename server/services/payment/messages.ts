/** The payment messages, through the outbox (deterministic ids: each is sent at most once). */
import { renderPaymentSuccess, renderRefund, type PaymentOrderRecord } from '../../domain/payment';
import type { PaymentContext } from './context';

const detailPage = (orderId: string): string => `packagePayment/pages/detail/index?orderId=${orderId}`;

export async function sendPaymentSuccess(ctx: PaymentContext, order: PaymentOrderRecord, nowMs: number): Promise<void> {
  await ctx.outbox.enqueueAndSend(
    {
      id: `pay_ok_${order._id}`,
      kind: 'paymentSuccess',
      touser: order._openid,
      templateId: ctx.templates.paymentSuccess,
      page: detailPage(order._id),
      data: renderPaymentSuccess(order),
    },
    nowMs,
  );
}

export async function sendRefundNotice(
  ctx: PaymentContext,
  order: PaymentOrderRecord,
  outRefundNo: string,
  amountFen: number,
  nowMs: number,
): Promise<void> {
  await ctx.outbox.enqueueAndSend(
    {
      id: `pay_refund_${outRefundNo}`,
      kind: 'refund',
      touser: order._openid,
      templateId: ctx.templates.refund,
      page: detailPage(order._id),
      data: renderRefund(order, amountFen, nowMs),
    },
    nowMs,
  );
}
