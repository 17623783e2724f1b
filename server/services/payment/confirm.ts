/**
 * What WeChat Pay says about an order, applied once: a successful transaction (notification or
 * query) moves the order to paid and starts settling; a NOTPAY order past its expiry is closed at
 * WeChat Pay first and only then locally, so an order closed here can never have been paid later.
 */
import { medInsMismatch, OPEN_STATUSES, sourcesOf, transactionMismatch } from '../../domain/payment';
import type { StoredOrder } from '../../adapters/clouddb/payment-store';
import type { WxMedInsOrder, WxTransaction } from '../../ports/wechat-pay';
import { WechatPayError } from '../../core/wechatpay/errors';
import { releaseOrderClaim } from './claims';
import type { PaymentContext } from './context';
import { revokeUpload } from './insurance';
import type { Settlement } from './settle';
import { DeductionResults } from '../withholding/results';

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
    // A 医保 order's cash transaction is only half of it: it is paid once the mixed order is.
    const mismatch = order.mode === 'insurance' ? 'insurance order' : transactionMismatch(order, tx, this.ctx.pay);
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

  /** A 医保 mixed order reported MIX_PAY_SUCCESS (notification or query): paid, then settled. */
  async applyMedIns(order: StoredOrder, m: WxMedInsOrder, nowMs: number): Promise<StoredOrder> {
    const { order: fresh, moved } = await this.recordMedInsPaid(order, m, nowMs);
    if (!moved) return fresh;
    await this.settlement.settle(fresh, nowMs);
    return (await this.ctx.store.orders.get(order._id)) ?? fresh;
  }

  /** The mixed order recorded once as paid; the cash part's transaction id is the payment's id. */
  async recordMedInsPaid(order: StoredOrder, m: WxMedInsOrder, nowMs: number) {
    const mismatch = medInsMismatch(order, m);
    if (mismatch) {
      this.ctx.log.error('payment medins mismatch', { orderId: order._id, field: mismatch });
      return { order, moved: false };
    }
    const cash = order.cashFen > 0 ? await this.ctx.pay.queryOrder(order._id) : null;
    if (order.cashFen > 0 && !cash?.transaction_id) throw new Error('cash part of a paid mixed order not found');
    const paidAtMs = (m.paid_time && Date.parse(m.paid_time)) || nowMs;
    const transactionId = cash?.transaction_id ?? m.mix_trade_no;
    const data = { transactionId, paidAtMs, nextActionAtMs: nowMs };
    const moved = await this.ctx.store.orders.transition(order._id, sourcesOf('paid'), 'paid', data, nowMs);
    if (moved) this.ctx.log.info('payment paid', { orderId: order._id, from: order.status, mode: 'insurance' });
    return { order: (await this.ctx.store.orders.get(order._id)) ?? order, moved };
  }

  /** Asks WeChat Pay about an open order (lost notification, the patient's 支付完成, expiry). */
  async query(order: StoredOrder, nowMs: number): Promise<StoredOrder> {
    if (!OPEN_STATUSES.includes(order.status)) return order;
    if (order.mode === 'insurance') return this.queryMixed(order, nowMs);
    // 代扣: the deduction's state comes from paporderquery (v2), never the v3 query.
    if (order.mode === 'withholding') return new DeductionResults(this.ctx, this, this.settlement).query(order, nowMs);
    const tx = await this.ctx.pay.queryOrder(order._id);
    if (tx && (tx.trade_state === 'SUCCESS' || tx.trade_state === 'REFUND')) return this.applyPaid(order, tx, nowMs);
    if (tx?.trade_state === 'CLOSED' || nowMs >= order.expiresAtMs) return this.close(order, tx !== null, nowMs);
    return this.askAgainLater(order, nowMs);
  }

  /** The mixed order recorded as paid if WeChat says it is (settling is the caller's); else unchanged. */
  async queryMixedOnly(order: StoredOrder, nowMs: number): Promise<StoredOrder> {
    if (!OPEN_STATUSES.includes(order.status) || !order.insurance?.mixTradeNo) return order;
    const m = await this.ctx.pay.queryMedInsOrder(order._id);
    if (m?.mix_pay_status !== 'MIX_PAY_SUCCESS' && m?.mix_pay_status !== 'MIX_PAY_REFUND') return order;
    return (await this.recordMedInsPaid(order, m, nowMs)).order;
  }

  /** WeChat stops notifying a 医保 order within seconds, so an open one is polled until it ends. */
  private async queryMixed(order: StoredOrder, nowMs: number): Promise<StoredOrder> {
    const m = order.insurance?.mixTradeNo ? await this.ctx.pay.queryMedInsOrder(order._id) : null;
    if (m?.mix_pay_status === 'MIX_PAY_SUCCESS' || m?.mix_pay_status === 'MIX_PAY_REFUND') {
      return this.applyMedIns(order, m, nowMs);
    }
    // Never placed (a crash between the quote and the mixed order): nobody can pay it.
    const unplaced = !order.insurance?.mixTradeNo && nowMs - order.updatedAtMs > this.ctx.rules.queryAfterMs;
    if (m?.mix_pay_status === 'MIX_PAY_FAIL' || unplaced || nowMs >= order.expiresAtMs) {
      return this.close(order, m !== null, nowMs);
    }
    return this.askAgainLater(order, nowMs);
  }

  /**
   * Asked again after as long as the order has existed (1, 2, 4, … min, then at its expiry): an
   * abandoned order costs a handful of queries, not one a minute.
   */
  private async askAgainLater(order: StoredOrder, nowMs: number): Promise<StoredOrder> {
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
    if (order.mode === 'insurance') return this.closeMixed(order, nowMs);
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

  /**
   * A 医保 order closes only once its mixed order cannot be paid any more: paid → applied; the cash
   * part paid with the 医保 part pending → left open (WeChat settles or reverses it in seconds).
   */
  private async closeMixed(order: StoredOrder, nowMs: number): Promise<StoredOrder> {
    const ins = order.insurance!;
    if (ins.mixTradeNo) {
      const m = await this.ctx.pay.queryMedInsOrder(order._id);
      if (m?.mix_pay_status === 'MIX_PAY_SUCCESS' || m?.mix_pay_status === 'MIX_PAY_REFUND') {
        return this.applyMedIns(order, m, nowMs);
      }
    }
    if (order.prepayId) {
      try {
        await this.ctx.pay.closeOrder(order._id);
      } catch (err) {
        if (!(err instanceof WechatPayError && err.code === 'ORDERPAID')) throw err;
        const cash = await this.ctx.pay.queryOrder(order._id);
        if (cash?.trade_state !== 'REFUND') return this.askAgainLater(order, nowMs);
        // The cash part came back (WeChat reversed the mixed payment): nothing is paid.
      }
    }
    const closed = await this.ctx.store.orders.transition(
      order._id,
      OPEN_STATUSES,
      'closed',
      { nextActionAtMs: null },
      nowMs,
    );
    if (closed) {
      await releaseOrderClaim(this.ctx, order.patientKey, order._id);
      await revokeUpload(this.ctx, order._id, ins.payOrdId);
    }
    return (await this.ctx.store.orders.get(order._id)) ?? order;
  }
}
