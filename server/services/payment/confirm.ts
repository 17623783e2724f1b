/**
 * What WeChat Pay says about an order, applied once: a successful transaction (notification or
 * query) moves the order to paid and starts settling; a NOTPAY order past its expiry is closed at
 * WeChat Pay first and only then locally, so an order closed here can never have been paid later.
 */
import { OPEN_STATUSES, sourcesOf, transactionMismatch } from '../../domain/payment';
import type { StoredOrder } from '../../adapters/clouddb/payment-store';
import type { WxTransaction } from '../../ports/wechat-pay';
import { WechatPayError } from '../../core/wechatpay/errors';
import { releaseOrderClaim } from './claims';
import type { PaymentContext } from './context';
import type { Settlement } from './settle';

export class Confirmation {
  constructor(
    private readonly ctx: PaymentContext,
    private readonly settlement: Settlement,
  ) {}

  /** Applies a SUCCESS transaction; returns the order as it is now. Settling is awaited. */
  async applyPaid(order: StoredOrder, tx: WxTransaction, nowMs: number): Promise<StoredOrder> {
    const { order: fresh, moved } = await this.recordPaid(order, tx, nowMs);
    if (!moved) return fresh;
    await this.settlement.settle(fresh, nowMs);
    return (await this.ctx.store.orders.get(order._id)) ?? fresh;
  }

  /**
   * The payment itself, recorded once (created/paying/closed → paid); `moved` tells whether this
   * call did it, so only that caller goes on to settle. A mismatching transaction changes nothing.
   */
  async recordPaid(
    order: StoredOrder,
    tx: WxTransaction,
    nowMs: number,
  ): Promise<{ order: StoredOrder; moved: boolean }> {
    const mismatch = transactionMismatch(order, tx, this.ctx.pay);
    if (mismatch) {
      this.ctx.log.error('payment transaction mismatch', { orderId: order._id, field: mismatch });
      return { order, moved: false };
    }
    const paidAtMs = tx.success_time ? Date.parse(tx.success_time) || nowMs : nowMs;
    const moved = await this.ctx.store.orders.transition(
      order._id,
      sourcesOf('paid'),
      'paid',
      { transactionId: tx.transaction_id!, paidAtMs, nextActionAtMs: nowMs },
      nowMs,
    );
    if (moved) this.ctx.log.info('payment paid', { orderId: order._id, from: order.status });
    return { order: (await this.ctx.store.orders.get(order._id)) ?? order, moved };
  }

  /** Asks WeChat Pay about an open order (lost notification, the patient's 支付完成, expiry). */
  async query(order: StoredOrder, nowMs: number): Promise<StoredOrder> {
    if (!OPEN_STATUSES.includes(order.status)) return order;
    const tx = await this.ctx.pay.queryOrder(order._id);
    if (tx && (tx.trade_state === 'SUCCESS' || tx.trade_state === 'REFUND')) return this.applyPaid(order, tx, nowMs);
    if (tx?.trade_state === 'CLOSED' || nowMs >= order.expiresAtMs) return this.close(order, tx !== null, nowMs);
    // Asked again after as long as the order has existed (1, 2, 4, … min, then at its expiry): an
    // abandoned order costs a handful of queries, not one a minute.
    const wait = Math.max(this.ctx.rules.queryAfterMs, nowMs - order.createdAtMs);
    const next = Math.min(order.expiresAtMs, nowMs + wait);
    await this.ctx.store.orders.cas(order._id, order.rev, { nextActionAtMs: next }, nowMs);
    return order;
  }

  /**
   * Closes an unpaid order at WeChat Pay, then here, and gives its items back. Paid meanwhile
   * (ORDERPAID) → applied as paid instead.
   */
  async close(order: StoredOrder, knownAtWechat: boolean, nowMs: number): Promise<StoredOrder> {
    if (knownAtWechat || order.prepayId) {
      try {
        await this.ctx.pay.closeOrder(order._id);
      } catch (err) {
        if (!(err instanceof WechatPayError && err.code === 'ORDERPAID')) throw err;
        const tx = await this.ctx.pay.queryOrder(order._id);
        return tx ? this.applyPaid(order, tx, nowMs) : order;
      }
    }
    const closed = await this.ctx.store.orders.transition(
      order._id,
      OPEN_STATUSES,
      'closed',
      { nextActionAtMs: null },
      nowMs,
    );
    if (closed) await releaseOrderClaim(this.ctx, order.patientKey, order._id);
    return (await this.ctx.store.orders.get(order._id)) ?? order;
  }
}
