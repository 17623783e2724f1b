/**
 * Refunds of an order's cash: decided once (paid → refunding, with a deterministic out_refund_no),
 * then sent to WeChat Pay until it accepts — a retry reuses the number, so it never refunds twice —
 * and finished by the REFUND notification or, when that is lost, by a query.
 */
import type { PaymentFailure } from '../../../typings/payment';
import { refundableFen, refundNoFor, type RefundRecord } from '../../domain/payment';
import type { StoredOrder } from '../../adapters/clouddb/payment-store';
import type { WxRefund, WxRefundStatus } from '../../ports/wechat-pay';
import { WechatPayError } from '../../core/wechatpay/errors';
import { releaseOrderClaim } from './claims';
import type { PaymentContext } from './context';
import { sendRefundNotice } from './messages';

const REFUND_REASON = '医院未能确认本次缴费，款项原路退回';
/** While WeChat Pay processes a refund, ask it again this often (the notification may be lost). */
const REFUND_POLL_MS = 60_000;

export class Refunds {
  constructor(private readonly ctx: PaymentContext) {}

  /** paid → refunding for the whole cash amount; the claim is given back (the items are unpaid again). */
  async start(order: StoredOrder, failure: PaymentFailure, nowMs: number): Promise<void> {
    const amountFen = refundableFen(order);
    const refund: RefundRecord = {
      outRefundNo: refundNoFor(order._id, order.refunds.length + 1),
      amountFen,
      status: 'pending',
      reason: REFUND_REASON,
      createdAtMs: nowMs,
      succeededAtMs: null,
    };
    const _ = this.ctx.store.orders;
    const moved = await _.transition(
      order._id,
      ['paid'],
      'refunding',
      { failure, refunds: [...order.refunds, refund], nextActionAtMs: nowMs },
      nowMs,
    );
    if (!moved) return;
    this.ctx.log.warn('payment refund decided', { orderId: order._id, failure, amountFen });
    await releaseOrderClaim(this.ctx, order.patientKey, order._id);
    const fresh = await _.get(order._id);
    if (fresh) await this.send(fresh, nowMs);
  }

  /** Sends the pending refunds, or asks about the processing ones (the timer, and start()). */
  async send(order: StoredOrder, nowMs: number): Promise<void> {
    if (order.status !== 'refunding') return;
    let refunds = order.refunds;
    let retryAt = nowMs + REFUND_POLL_MS;
    for (const r of order.refunds) {
      if (r.status !== 'pending' && r.status !== 'processing') continue;
      try {
        const answer =
          r.status === 'pending'
            ? await this.ctx.pay.refund({
                outTradeNo: order._id,
                outRefundNo: r.outRefundNo,
                reason: r.reason,
                refundFen: r.amountFen,
                totalFen: order.cashFen,
              })
            : await this.ctx.pay.queryRefund(r.outRefundNo);
        if (answer) refunds = withStatus(refunds, answer.out_refund_no, answer.status, successMs(answer, nowMs));
      } catch (err) {
        const code = err instanceof WechatPayError ? `${err.kind} ${err.code}` : 'error';
        // Money must go back: keep trying, the log line is the alert for a refusal that persists.
        this.ctx.log.error('payment refund not accepted', { orderId: order._id, refundNo: r.outRefundNo, code });
        retryAt = nowMs + 2 * REFUND_POLL_MS;
      }
    }
    await this.record(order, refunds, retryAt, nowMs);
  }

  /** A REFUND.* notification (or query answer) for one refund. */
  async applyStatus(order: StoredOrder, outRefundNo: string, status: WxRefundStatus, atMs: number, nowMs: number) {
    if (!order.refunds.some((r) => r.outRefundNo === outRefundNo)) return;
    await this.record(order, withStatus(order.refunds, outRefundNo, status, atMs), nowMs + REFUND_POLL_MS, nowMs);
  }

  /** Stores the refunds (compare-and-set); all done → refunded, and the patient is told once. */
  private async record(order: StoredOrder, given: RefundRecord[], retryAt: number, nowMs: number): Promise<void> {
    const refunds = reissueClosed(order, given, nowMs);
    // ABNORMAL (e.g. the payer's bank card was cancelled) stays open for the finance office.
    const done = refunds.every((r) => r.status === 'success' || r.status === 'closed');
    const unchanged = JSON.stringify(refunds) === JSON.stringify(order.refunds);
    if (unchanged && !done) {
      await this.ctx.store.orders.cas(order._id, order.rev, { nextActionAtMs: retryAt }, nowMs);
      return;
    }
    const data = { refunds, nextActionAtMs: done ? null : retryAt };
    const ok = done
      ? await this.ctx.store.orders.transition(order._id, ['refunding'], 'refunded', data, nowMs)
      : await this.ctx.store.orders.cas(order._id, order.rev, data, nowMs);
    if (!ok) return;
    for (const r of refunds) {
      const before = order.refunds.find((x) => x.outRefundNo === r.outRefundNo);
      if (r.status === 'success' && before?.status !== 'success') {
        await sendRefundNotice(this.ctx, order, r.outRefundNo, r.amountFen, nowMs);
      }
    }
  }
}

/** A CLOSED refund returned nothing: what is still owed goes out again under a new number. */
function reissueClosed(order: StoredOrder, refunds: RefundRecord[], nowMs: number): RefundRecord[] {
  const owed = refundableFen({ cashFen: order.cashFen, refunds });
  const pending = refunds.some((r) => r.status === 'pending' || r.status === 'processing');
  if (owed <= 0 || pending || !refunds.some((r) => r.status === 'closed')) return refunds;
  const again: RefundRecord = {
    outRefundNo: refundNoFor(order._id, refunds.length + 1),
    amountFen: owed,
    status: 'pending',
    reason: REFUND_REASON,
    createdAtMs: nowMs,
    succeededAtMs: null,
  };
  return [...refunds, again];
}

function withStatus(refunds: RefundRecord[], no: string, status: WxRefundStatus, atMs: number): RefundRecord[] {
  const s = status.toLowerCase() as RefundRecord['status'];
  return refunds.map((r) =>
    r.outRefundNo === no && r.status !== 'success'
      ? { ...r, status: s, succeededAtMs: s === 'success' ? atMs : null }
      : r,
  );
}

function successMs(r: WxRefund, nowMs: number): number {
  const t = r.success_time ? Date.parse(r.success_time) : NaN;
  return Number.isFinite(t) ? t : nowMs;
}
