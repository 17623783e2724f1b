/**
 * After payment the HIS settles (marks the items paid, issues the e-receipt). Retried with back-off
 * while the HIS is unavailable; a refusal, or no settlement within the limit, refunds the money.
 * The settle call's requestId is the order id, so a repeat never settles twice.
 */
import { nextSettleAt, newPickupCode, settleTimedOut } from '../../domain/payment';
import type { StoredOrder } from '../../adapters/clouddb/payment-store';
import type { HisSettlement } from '../../ports/his-payment';
import { HisError } from '../../ports/his-error';
import { releaseOrderClaim } from './claims';
import type { PaymentContext } from './context';
import { sendPaymentSuccess } from './messages';
import type { Refunds } from './refunds';

/** Settled without a receipt yet: ask the HIS again this often, this many times. */
const RECEIPT_POLL_MS = 30_000;
const RECEIPT_POLLS = 20;

export class Settlement {
  constructor(
    private readonly ctx: PaymentContext,
    private readonly refunds: Refunds,
  ) {}

  async settle(order: StoredOrder, nowMs: number): Promise<void> {
    if (order.status !== 'paid' || !order.transactionId || order.paidAtMs === null) return;
    let settlement: HisSettlement;
    try {
      settlement = await this.ctx.his.settle({
        requestId: order._id,
        patientId: order.hisPatientId,
        itemIds: order.itemIds,
        totalFen: order.totalFen,
        transactionId: order.transactionId,
        paidAt: new Date(order.paidAtMs).toISOString(),
        // 医保: the pre-settled order and its fund and account parts, confirmed in the same HIS call.
        ...(order.insurance
          ? { payOrdId: order.insurance.payOrdId, fundFen: order.fundFen, accountFen: order.accountFen }
          : {}),
      });
    } catch (err) {
      await this.failed(order, err, nowMs);
      return;
    }
    await this.finish(order, settlement, nowMs);
  }

  /** paid → settled with the receipt and a pickup code; the patient is told. */
  private async finish(order: StoredOrder, s: HisSettlement, nowMs: number): Promise<void> {
    const code = await this.takePickupCode(order, nowMs);
    const data = {
      settledAtMs: Date.parse(s.settledAt) || nowMs,
      settlementId: s.settlementId,
      receipt: s.receipt ? toReceipt(s) : null,
      pickupCode: code,
      pickupExpiresAtMs: code ? nowMs + this.ctx.rules.pickupTtlMs : null,
      nextActionAtMs: s.receipt ? null : nowMs + RECEIPT_POLL_MS,
    };
    if (!(await this.ctx.store.orders.transition(order._id, ['paid'], 'settled', data, nowMs))) return;
    this.ctx.log.info('payment settled', { orderId: order._id, attempts: order.settleAttempts + 1 });
    await releaseOrderClaim(this.ctx, order.patientKey, order._id);
    await sendPaymentSuccess(this.ctx, { ...order, ...data, status: 'settled' }, nowMs);
  }

  private async failed(order: StoredOrder, err: unknown, nowMs: number): Promise<void> {
    if (err instanceof HisError && err.kind === 'rejected') {
      this.ctx.log.warn('payment settle refused', { orderId: order._id, code: err.code });
      await this.refunds.start(order, 'hisRefused', nowMs);
      return;
    }
    const attempts = order.settleAttempts + 1;
    if (settleTimedOut(order.paidAtMs!, nowMs, this.ctx.rules)) {
      // Before giving the money back, make sure the HIS did not settle after all (a lost answer).
      const found = await this.ctx.his.getSettlement(order._id).catch(() => undefined);
      if (found) return this.finish(order, found, nowMs);
      if (found === null) return this.refunds.start(order, 'settleTimeout', nowMs);
    }
    const next = nextSettleAt(order.paidAtMs!, attempts, nowMs, this.ctx.rules);
    this.ctx.log.warn('payment settle retry', { orderId: order._id, attempts });
    await this.ctx.store.orders.cas(order._id, order.rev, { settleAttempts: attempts, nextActionAtMs: next }, nowMs);
  }

  /** A unique 8-digit code among the active ones (a few tries: collisions are rare). */
  private async takePickupCode(order: StoredOrder, nowMs: number): Promise<string | null> {
    if (order.pickupCode) return order.pickupCode;
    for (let i = 0; i < 8; i++) {
      const code = newPickupCode();
      if (await this.ctx.store.pickup.take(code, order._id, order._openid, nowMs + this.ctx.rules.pickupTtlMs, nowMs)) {
        return code;
      }
    }
    this.ctx.log.error('payment pickup code not taken', { orderId: order._id });
    return null;
  }

  /** Settled before the receipt was issued: fetch it (the timer). */
  async fetchReceipt(order: StoredOrder, nowMs: number): Promise<void> {
    if (order.status !== 'settled' || order.receipt) return;
    const s = await this.ctx.his.getSettlement(order._id).catch(() => null);
    const polls = Math.round((nowMs - (order.settledAtMs ?? nowMs)) / RECEIPT_POLL_MS);
    const data = s?.receipt
      ? { receipt: toReceipt(s), nextActionAtMs: null }
      : { nextActionAtMs: polls >= RECEIPT_POLLS ? null : nowMs + RECEIPT_POLL_MS };
    await this.ctx.store.orders.cas(order._id, order.rev, data, nowMs);
  }
}

function toReceipt(s: HisSettlement) {
  const r = s.receipt!;
  return { code: r.billBatchCode, number: r.billNo, checkCode: r.random, issuedAt: r.issuedAt, viewUrl: r.viewUrl };
}
