/**
 * 门诊缴费, assembled: one context per function instance and the flows over it — orders.ts (the
 * patient's actions), lab.ts (自助检验申请), confirm.ts (what WeChat Pay reports), settle.ts (the
 * HIS), refunds.ts, notify.ts (the `/payNotify` route), timers.ts, reconcile.ts.
 */
import type { PaymentOrderView } from '../../../typings/payment';
import type { Caller } from '../../core/handler';
import { toOrderView } from '../../domain/payment';
import { Confirmation } from './confirm';
import { createPaymentContext, type PaymentContext, type PaymentDeps } from './context';
import { PayNotifications } from './notify';
import { LabOrders } from './lab';
import { Orders } from './orders';
import { Refunds } from './refunds';
import { Settlement } from './settle';
import { Reconciliation } from './reconcile';
import { PaymentTimers } from './timers';

export type { PaymentDeps } from './context';

/** Orders older than this are not listed (the records page shows 6 months). */
const RECORDS_WINDOW_MS = 183 * 24 * 3_600_000;
const RECORDS_LIMIT = 100;

export class PaymentService {
  readonly ctx: PaymentContext;
  readonly orders: Orders;
  readonly lab: LabOrders;
  readonly confirmation: Confirmation;
  readonly settlement: Settlement;
  readonly refunds: Refunds;
  readonly notifications: PayNotifications;
  readonly timers: PaymentTimers;
  readonly reconciliation: Reconciliation;

  constructor(deps: PaymentDeps) {
    this.ctx = createPaymentContext(deps);
    this.refunds = new Refunds(this.ctx);
    this.settlement = new Settlement(this.ctx, this.refunds);
    this.confirmation = new Confirmation(this.ctx, this.settlement);
    this.orders = new Orders(this.ctx, this.confirmation);
    this.lab = new LabOrders(this.ctx, this.orders);
    this.notifications = new PayNotifications(this.ctx, this.confirmation, this.settlement, this.refunds);
    this.timers = new PaymentTimers(this.ctx, this.confirmation, this.settlement, this.refunds);
    this.reconciliation = new Reconciliation(this.ctx, this.confirmation, this.settlement, this.refunds);
  }

  async get(caller: Caller, orderId: string): Promise<PaymentOrderView> {
    const order = await this.orders.owned(caller, orderId);
    return toOrderView(order, this.ctx.nowMs(caller.now));
  }

  /** After wx.requestPayment: ask WeChat Pay when nothing was notified yet. */
  async confirm(caller: Caller, orderId: string): Promise<PaymentOrderView> {
    const nowMs = this.ctx.nowMs(caller.now);
    let order = await this.orders.owned(caller, orderId);
    if (order.status === 'created' || order.status === 'paying') {
      order = await this.confirmation.query(order, nowMs).catch(() => order);
    } else if (order.status === 'paid') {
      await this.settlement.settle(order, nowMs);
      order = (await this.ctx.store.orders.get(orderId)) ?? order;
    }
    return toOrderView(order, nowMs);
  }

  async cancel(caller: Caller, orderId: string): Promise<PaymentOrderView> {
    const nowMs = this.ctx.nowMs(caller.now);
    const order = await this.orders.owned(caller, orderId);
    if (order.status !== 'created' && order.status !== 'paying') return toOrderView(order, nowMs);
    // A 医保 order's close looks at the mixed order first (paid meanwhile → applied).
    if (order.mode === 'insurance') return toOrderView(await this.confirmation.close(order, true, nowMs), nowMs);
    // A deduction sent to WeChat cannot be called back: its result closes or pays the order.
    if (order.mode === 'withholding') return toOrderView(await this.confirmation.query(order, nowMs), nowMs);
    const tx = await this.ctx.pay.queryOrder(order._id);
    const after =
      tx && (tx.trade_state === 'SUCCESS' || tx.trade_state === 'REFUND')
        ? await this.confirmation.applyPaid(order, tx, nowMs)
        : await this.confirmation.close(order, tx !== null, nowMs);
    return toOrderView(after, nowMs);
  }

  async list(caller: Caller, cardId: string | undefined) {
    const nowMs = this.ctx.nowMs(caller.now);
    const docs = await this.ctx.store.orders.listOwned(
      caller.openid,
      nowMs - RECORDS_WINDOW_MS,
      cardId,
      RECORDS_LIMIT + 1,
    );
    const shown = docs.filter((o) => o.status !== 'closed');
    return {
      orders: shown.slice(0, RECORDS_LIMIT).map((o) => toOrderView(o, nowMs)),
      truncated: docs.length > RECORDS_LIMIT,
    };
  }

  templates() {
    const t = this.ctx.templates;
    return { paymentSuccess: t.paymentSuccess, refund: t.refund, consent: [t.paymentSuccess, t.refund] };
  }
}
