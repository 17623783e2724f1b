/**
 * The patient's side of 门诊缴费: unpaid items, one order per chosen set of items, the pay
 * parameters, cancel. Amounts always come from the HIS; the client names items only.
 */
import type { PaymentCreateOrderResponse, PaymentListUnpaidResponse, PaymentMode } from '../../../typings/payment';
import { AppError, notFound } from '../../core/errors';
import type { Caller } from '../../core/handler';
import type { StoredOrder } from '../../adapters/clouddb/payment-store';
import type { BookingCard } from '../../domain/booking/types';
import { decideCreate, isOpen, newOrderId, toOrderView, unclaimed } from '../../domain/payment';
import { callHis } from '../his-errors';
import { changeClaims, releaseOrderClaim } from './claims';
import type { Confirmation } from './confirm';
import type { PaymentContext } from './context';
import { InsurancePayments } from './insurance';
import { itemsChanged, placePrepay } from './prepay';
import { newOrderRecord, toItemView } from './items';

export class Orders {
  readonly insurance: InsurancePayments;

  constructor(
    private readonly ctx: PaymentContext,
    private readonly confirmation: Confirmation,
  ) {
    this.insurance = new InsurancePayments(ctx, confirmation);
  }

  async card(caller: Caller, cardId: string): Promise<BookingCard> {
    const card = await this.ctx.store.cards.findOwned(caller.openid, cardId);
    if (!card) throw notFound('就诊人不存在');
    return card;
  }

  /** The caller's order, or NOT_FOUND (another user's order answers exactly like a missing one). */
  async owned(caller: Caller, orderId: string): Promise<StoredOrder> {
    const order = await this.ctx.store.orders.getOwned(caller.openid, orderId);
    if (!order) throw notFound('订单不存在');
    return order;
  }

  async listUnpaid(caller: Caller, cardId: string): Promise<PaymentListUnpaidResponse> {
    const card = await this.card(caller, cardId);
    const key = this.ctx.patientKey(card.hisPatientId);
    const [unpaid, claims] = await Promise.all([
      callHis('fee.listUnpaid', () => this.ctx.his.listUnpaid(card.hisPatientId)),
      this.ctx.store.claims.read(key),
    ]);
    const nowMs = this.ctx.nowMs(caller.now);
    // The claimed orders in one query, not one read per claim.
    const held = await this.ctx.store.orders.getMany(claims.state.claims.map((c) => c.orderId));
    const openOrders = held
      .filter((o) => o._openid === caller.openid && isOpen(o.status) && o.expiresAtMs > nowMs)
      .sort((a, b) => a.createdAtMs - b.createdAtMs);
    return {
      cardId,
      items: unclaimed(unpaid, claims.state).map(toItemView),
      openOrders: openOrders.map((o) => toOrderView(o, nowMs)),
    };
  }

  /**
   * One order per item set. With an `authCode` it is a 医保 order (authorised before anything is
   * written); an open order of the same items in another mode, or an earlier 医保 quote, is given
   * up first (the patient chose again).
   */
  async create(
    caller: Caller,
    cardId: string,
    itemIds: string[],
    authCode?: string,
  ): Promise<PaymentCreateOrderResponse> {
    const card = await this.card(caller, cardId);
    const auth = authCode ? await this.insurance.authorise(caller, cardId, authCode) : null;
    const mode: PaymentMode = auth ? 'insurance' : 'selfPay';
    const key = this.ctx.patientKey(card.hisPatientId);
    const unpaid = await callHis('fee.listUnpaid', () => this.ctx.his.listUnpaid(card.hisPatientId));
    const nowMs = this.ctx.nowMs(caller.now);
    const candidate = { orderId: newOrderId(new Date(nowMs)), expiresAtMs: nowMs + this.ctx.rules.orderTtlMs };
    let written = false;
    for (let round = 0; round < 5; round++) {
      const { state } = await this.ctx.store.claims.read(key);
      const d = decideCreate(state, itemIds, unpaid, candidate);
      if (d.kind === 'new' && !written) {
        const next = nowMs + this.ctx.rules.queryAfterMs;
        const base = { card, patientKey: key, items: d.items, mode, nowMs, nextActionAtMs: next };
        await this.ctx.store.orders.add(
          newOrderRecord({
            ...base,
            orderId: candidate.orderId,
            openid: caller.openid,
            expiresAtMs: candidate.expiresAtMs,
          }),
        );
        written = true;
      }
      if (d.kind !== 'new' && written) await this.discard(candidate.orderId, nowMs);
      if (d.kind === 'changed') throw itemsChanged();
      if (d.kind === 'new') {
        const won = await changeClaims(this.ctx, key, (s) => {
          const again = decideCreate(s, itemIds, unpaid, candidate);
          return again.kind === 'new' ? { next: again.next, value: true } : { next: null, value: false };
        });
        if (!won) continue;
        const order = (await this.ctx.store.orders.get(candidate.orderId))!;
        return auth ? this.insurance.place(caller, order, auth) : this.prepare(caller, order);
      }
      const other = await this.ctx.store.orders.get(d.orderId);
      if (await this.releasedStale(key, d.orderId, other, nowMs)) continue;
      if (d.kind === 'existing' && other!._openid === caller.openid) {
        if (other!.mode === 'withholding') throw deducting();
        if (other!.mode === 'selfPay' && mode === 'selfPay') return this.prepare(caller, other!);
        const after = await this.confirmation.close(other!, true, nowMs);
        if (after.status === 'closed') continue;
        return this.prepare(caller, after);
      }
      throw new AppError('ALREADY_EXISTS', '所选项目已在另一笔订单中，请先完成或取消该订单', {
        reason: 'itemsInOtherOrder',
      });
    }
    throw new AppError('ABORTED', '正在处理，请稍后再试', { reason: 'processing' });
  }

  /** A claim whose order is gone, finished or expired: give it back (true) so the items are free. */
  private async releasedStale(key: string, orderId: string, order: StoredOrder | null, nowMs: number) {
    if (order && (order.status === 'paid' || (isOpen(order.status) && order.expiresAtMs > nowMs))) return false;
    if (order && isOpen(order.status)) {
      const after = await this.confirmation.query(order, nowMs);
      return !isOpen(after.status) && after.status !== 'paid';
    }
    await releaseOrderClaim(this.ctx, key, orderId);
    return true;
  }

  /** A candidate order that lost to another (the same items at once): closed, never sent to WeChat. */
  private async discard(orderId: string, nowMs: number): Promise<void> {
    await this.ctx.store.orders.transition(orderId, ['created'], 'closed', { nextActionAtMs: null }, nowMs);
  }

  /** The pay parameters of an open order (prepay placed once; the same fields → the same prepay_id). */
  async prepare(caller: Caller, order: StoredOrder): Promise<PaymentCreateOrderResponse> {
    const nowMs = this.ctx.nowMs(caller.now);
    if (order.mode === 'insurance') {
      const medInsPayParams = this.insurance.payParams(order, nowMs);
      return { order: toOrderView(order, nowMs), payParams: null, medInsPayParams };
    }
    if (!isOpen(order.status) || order.expiresAtMs <= nowMs + 60_000 || order.mode !== 'selfPay') {
      return { order: toOrderView(order, nowMs), payParams: null, medInsPayParams: null };
    }
    let prepayId = order.prepayId;
    if (!prepayId) {
      prepayId = await placePrepay(this.ctx, order);
      await this.ctx.store.orders.transition(order._id, ['created'], 'paying', { prepayId }, nowMs);
    }
    const fresh = (await this.ctx.store.orders.get(order._id)) ?? order;
    const payParams = this.ctx.pay.requestPaymentParams(prepayId);
    return { order: toOrderView(fresh, nowMs), payParams, medInsPayParams: null };
  }
}

const deducting = (): AppError =>
  new AppError('ALREADY_EXISTS', '所选项目正在自动扣费，请稍后在缴费记录中查看', { reason: 'itemsInOtherOrder' });
