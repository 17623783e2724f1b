/**
 * What WeChat says about a deduction, applied once: SUCCESS → the order is paid exactly as a v3
 * transaction (Confirmation.recordPaid) and settled in the HIS; PAY_FAIL (NOTENOUGH …), a refusal
 * or a deduction WeChat never accepted → the order is closed, its items and its share of the
 * day's limits given back, and the patient told to pay in the mini program (待缴费提醒). Used by
 * the v2 notification, the paymentDue timer and the patient's 查询 (confirm.ts → query).
 */
import type { StoredOrder } from '../../adapters/clouddb/payment-store';
import { fitThing } from '../../domain/booking/messages';
import { isOpen, messageTime, OPEN_STATUSES, yuan } from '../../domain/payment';
import { unreserve } from '../../domain/withholding/contract';
import {
  deductionBody,
  deductionTransaction,
  isWithholding,
  type WithholdingOrder,
} from '../../domain/withholding/order';
import type { PapayDeduction } from '../../ports/wechat-papay';
import { WechatPayError } from '../../core/wechatpay/errors';
import { releaseOrderClaim } from '../payment/claims';
import { revokeUpload } from '../payment/insurance';
import type { Confirmation } from '../payment/confirm';
import type { PaymentContext } from '../payment/context';
import type { Settlement } from '../payment/settle';
import { withholdingOf } from './context';

/** A deduction WeChat does not know this long after the order was made was never accepted. */
export const APPLY_GIVE_UP_MS = 10 * 60_000;
/** Pending deductions are asked about at most this far apart. */
const MAX_QUERY_WAIT_MS = 30 * 60_000;

export type FailWhy = 'payFail' | 'overLimit' | 'contractGone' | 'refused' | 'notAccepted';

export class DeductionResults {
  constructor(
    private readonly ctx: PaymentContext,
    private readonly confirmation: Confirmation,
    private readonly settlement: Settlement,
  ) {}

  /**
   * A deduction's state, applied; `settle` false leaves settling to the caller (the notification
   * waits for it only up to its budget). Returns the order as it is now and whether it became paid.
   */
  async apply(order: WithholdingOrder & StoredOrder, d: PapayDeduction, nowMs: number, settle = true) {
    if (d.tradeState === 'SUCCESS' || d.tradeState === 'REFUND') {
      if (d.contractId && d.contractId !== order.withholding.contractId) {
        this.ctx.log.error('withholding deduction on another contract', { orderId: order._id });
        return { order, paid: false };
      }
      const tx = deductionTransaction(d, this.ctx.pay);
      const { order: paid, moved } = await this.confirmation.recordPaid(order, tx, nowMs);
      if (moved && settle) await this.settlement.settle(paid, nowMs);
      return { order: (await this.ctx.store.orders.get(order._id)) ?? paid, paid: moved };
    }
    if (d.tradeState === 'ACCEPT' || d.tradeState === 'USERPAYING' || d.tradeState === 'NOTPAY') {
      await this.later(order, nowMs);
      return { order, paid: false };
    }
    this.ctx.log.warn('withholding deduction failed', { orderId: order._id, code: d.errCode ?? d.tradeState });
    return { order: await this.fail(order, 'payFail', nowMs), paid: false };
  }

  /** An open withholding order asked about (timer, confirm): never the v3 query. */
  async query(order: StoredOrder, nowMs: number): Promise<StoredOrder> {
    if (!isOpen(order.status) || !isWithholding(order)) return order;
    const { papay } = withholdingOf(this.ctx);
    const d = await papay.queryDeduction(order._id);
    if (d) return (await this.apply(order, d, nowMs)).order;
    if (nowMs - order.createdAtMs >= APPLY_GIVE_UP_MS) return this.fail(order, 'notAccepted', nowMs);
    return this.send(order, nowMs);
  }

  /** pappayapply (again: the same out_trade_no and fields deduct once); created → paying. */
  async send(order: WithholdingOrder & StoredOrder, nowMs: number): Promise<StoredOrder> {
    const { papay } = withholdingOf(this.ctx);
    try {
      await papay.applyDeduction({
        contractId: order.withholding.contractId,
        outTradeNo: order._id,
        totalFen: order.cashFen,
        body: deductionBody(order),
        attach: order.cardNo || undefined,
      });
    } catch (err) {
      if (!(err instanceof WechatPayError) || err.kind === 'unavailable') {
        await this.later(order, nowMs);
        return order;
      }
      if (err.code === 'ORDERPAID' || err.code === 'ORDERCLOSED') {
        const d = await papay.queryDeduction(order._id);
        if (d) return (await this.apply(order, d, nowMs)).order;
      }
      const why =
        err.code === 'CONTRACT_NOT_EXIST' ? 'contractGone' : err.code === 'RULELIMIT' ? 'overLimit' : 'refused';
      this.ctx.log.warn('withholding deduction refused', { orderId: order._id, code: err.code });
      return this.fail(order, why, nowMs);
    }
    const next = nowMs + this.ctx.rules.queryAfterMs;
    await this.ctx.store.orders.transition(order._id, ['created'], 'paying', { nextActionAtMs: next }, nowMs);
    return (await this.ctx.store.orders.get(order._id)) ?? order;
  }

  /** Asked again after as long as the order has existed (capped): a slow deduction costs few queries. */
  private async later(order: StoredOrder, nowMs: number): Promise<void> {
    const wait = Math.min(MAX_QUERY_WAIT_MS, Math.max(this.ctx.rules.queryAfterMs, nowMs - order.createdAtMs));
    await this.ctx.store.orders.cas(order._id, order.rev, { nextActionAtMs: nowMs + wait }, nowMs);
  }

  /** Closes the order (never paid), gives back its items and its share of the limits, tells the patient. */
  async fail(order: WithholdingOrder & StoredOrder, why: FailWhy, nowMs: number): Promise<StoredOrder> {
    const closed = await this.ctx.store.orders.transition(
      order._id,
      OPEN_STATUSES,
      'closed',
      { nextActionAtMs: null },
      nowMs,
    );
    if (closed) {
      this.ctx.log.info('withholding fallback', { orderId: order._id, why });
      await releaseOrderClaim(this.ctx, order.patientKey, order._id);
      // A 医生站 医保 pre-settlement is voided: the patient pays in the app (医保 or 自费) afresh.
      if (order.insurance) await revokeUpload(this.ctx, order._id, order.insurance.payOrdId);
      await this.unreserve(order, nowMs);
      await sendFallback(this.ctx, order, nowMs);
    }
    return (await this.ctx.store.orders.get(order._id)) ?? order;
  }

  private async unreserve(order: WithholdingOrder, nowMs: number): Promise<void> {
    const id = order.withholding.contractDocId;
    for (let round = 0; round < 5; round++) {
      const c = await this.ctx.store.contracts.get(id);
      const ledger = c ? unreserve(c, order._id) : null;
      if (!c || !ledger) return;
      if (await this.ctx.store.contracts.cas(id, c.rev, { ledger }, nowMs)) return;
    }
    this.ctx.log.warn('withholding ledger not released', { orderId: order._id });
  }
}

/** 待缴费提醒 to each holder of the patient's cards: the deduction did not happen, pay in 门诊缴费. */
export async function sendFallback(ctx: PaymentContext, order: WithholdingOrder, nowMs: number): Promise<void> {
  const { chargesReadyTemplate } = withholdingOf(ctx);
  for (const card of await ctx.store.contracts.cardsOf(order.hisPatientId)) {
    await ctx.outbox.enqueueAndSend(
      {
        id: `chg_wh_${order._id}_${card.cardId}`.slice(0, 120),
        kind: 'chargesReady',
        touser: card.openid,
        templateId: chargesReadyTemplate,
        page: `packagePayment/pages/index/index?cardId=${card.cardId}`,
        data: {
          thing1: { value: fitThing(card.displayName) },
          thing2: { value: fitThing(order.withholding.deptName || '门诊') },
          amount3: { value: yuan(order.totalFen) },
          time4: { value: messageTime(order.withholding.occurredAtMs) },
          thing5: { value: fitThing('自动扣费未成功，请在小程序缴费') },
        },
      },
      nowMs,
    );
  }
}
