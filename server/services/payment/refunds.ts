/**
 * Refunds of an order's cash: decided once (paid → refunding, with a deterministic out_refund_no),
 * then sent to WeChat Pay until it accepts — a retry reuses the number, so it never refunds twice —
 * and finished by the REFUND notification or, when that is lost, by a query.
 */
import type { PaymentFailure } from '../../../typings/payment';
import { medRefundOwed, refundableFen, refundNoFor, type RefundRecord } from '../../domain/payment';
import type { StoredOrder } from '../../adapters/clouddb/payment-store';
import type { WxRefund, WxRefundStatus } from '../../ports/wechat-pay';
import { WechatPayError } from '../../core/wechatpay/errors';
import { releaseOrderClaim } from './claims';
import type { PaymentContext } from './context';
import { revokeUpload } from './insurance';
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
    // A 医保 order without cash (INSURANCE_ONLY) has only its 医保 part to give back (sendMedPart).
    const refunds = amountFen > 0 ? [...order.refunds, refund] : order.refunds;
    const _ = this.ctx.store.orders;
    const moved = await _.transition(
      order._id,
      ['paid'],
      'refunding',
      { failure, refunds, nextActionAtMs: nowMs },
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
    const medRefundedAtMs = await this.sendMedPart(order, refunds, nowMs);
    await this.record(order, refunds, retryAt, nowMs, medRefundedAtMs);
  }

  /**
   * The 医保 part of a refunding order: the HIS's upload is voided (never settled there) and, for
   * a mixed order, WeChat told, naming the cash refund (which must exist first). A 医生站
   * pre-settlement (withholding) has only the upload. → when done, else null.
   */
  private async sendMedPart(order: StoredOrder, refunds: RefundRecord[], nowMs: number): Promise<number | null> {
    if (!medRefundOwed(order)) return order.insurance?.medRefundedAtMs ?? null;
    const ins = order.insurance!;
    const cash = refunds.find((r) => r.status !== 'pending' && r.status !== 'closed');
    if (ins.mixTradeNo && order.cashFen > 0 && !cash) return null;
    if (!(await revokeUpload(this.ctx, order._id, ins.payOrdId))) return null;
    if (!ins.mixTradeNo) return nowMs;
    try {
      await this.ctx.pay.medInsRefundNotify(ins.mixTradeNo!, {
        govFen: order.fundFen,
        selfFen: order.accountFen,
        otherFen: 0,
        refundTime: new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
        outRefundNo: cash?.outRefundNo ?? `${order._id}M`,
      });
    } catch (err) {
      const code = err instanceof WechatPayError ? `${err.kind} ${err.code}` : 'error';
      this.ctx.log.error('payment medins refund notify failed', { orderId: order._id, code });
      return null;
    }
    this.ctx.log.info('payment medins refunded', { orderId: order._id });
    return nowMs;
  }

  /** A REFUND.* notification (or query answer) for one refund. */
  async applyStatus(order: StoredOrder, outRefundNo: string, status: WxRefundStatus, atMs: number, nowMs: number) {
    if (!order.refunds.some((r) => r.outRefundNo === outRefundNo)) return;
    const refunds = withStatus(order.refunds, outRefundNo, status, atMs);
    await this.record(order, refunds, nowMs + REFUND_POLL_MS, nowMs, order.insurance?.medRefundedAtMs ?? null);
  }

  /** Stores the refunds (compare-and-set); all done → refunded, and the patient is told once. */
  private async record(
    order: StoredOrder,
    given: RefundRecord[],
    retryAt: number,
    nowMs: number,
    medRefundedAtMs: number | null,
  ): Promise<void> {
    const refunds = reissueClosed(order, given, nowMs);
    const ins = order.insurance ? { ...order.insurance, medRefundedAtMs } : null;
    const medDone = !medRefundOwed({ ...order, insurance: ins });
    // ABNORMAL (e.g. the payer's bank card was cancelled) stays open for the finance office.
    const done = medDone && refunds.every((r) => r.status === 'success' || r.status === 'closed');
    const medChanged = (order.insurance?.medRefundedAtMs ?? null) !== medRefundedAtMs;
    const unchanged = JSON.stringify(refunds) === JSON.stringify(order.refunds) && !medChanged;
    if (unchanged && !done) {
      await this.ctx.store.orders.cas(order._id, order.rev, { nextActionAtMs: retryAt }, nowMs);
      return;
    }
    const data = { refunds, nextActionAtMs: done ? null : retryAt, ...(ins ? { insurance: ins } : {}) };
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
    // 医保 only (no cash refund to tell of): the patient hears of the 医保 part going back.
    if (medChanged && refunds.length === 0) {
      await sendRefundNotice(this.ctx, order, `${order._id}M`, order.fundFen + order.accountFen, nowMs);
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
