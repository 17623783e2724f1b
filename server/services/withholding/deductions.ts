/**
 * charges.ready for a patient with a withholding (代扣) contract: the visit's items are deducted
 * without a password. Amounts come from the HIS (fee.listUnpaid), never from the event; the items
 * are claimed by compare-and-set like any order (a patient paying them by hand at the same moment
 * yields one paid order); WeChat's limits are checked here first, on the contract's day ledger;
 * then `pappayapply` with out_trade_no = the order id. The result arrives later (./results.ts).
 *
 * An insured patient's charges are deducted only when the HIS pre-settled them with the 医保 card
 * at the 医生站 (charges.ready names that 医保 order, ./desk-insurance.ts): then only the cash part
 * is deducted and the settlement confirms the split.
 *
 * Not deducted (the usual 待缴费提醒 goes out instead): no usable contract, an insured patient
 * without a 医生站 pre-settlement (the 医保 part needs the patient's own 医保 authorisation, which a
 * password-free deduction cannot give), a 医生站 split that does not fit the items or leaves no
 * cash (its upload is voided, so the app's 医保 payment starts afresh), the HIS not answering, the
 * card unbound.
 */
import type { StoredOrder } from '../../adapters/clouddb/payment-store';
import type { StoredContract } from '../../adapters/clouddb/contract-store';
import { businessDate } from '../../core/time';
import { decideCreate, unclaimed } from '../../domain/payment';
import { reserve, usable } from '../../domain/withholding/contract';
import { withholdingOrderId, type WithholdingOrder } from '../../domain/withholding/order';
import type { BookingCard } from '../../domain/booking/types';
import type { HisEvent } from '../../ports/his-events';
import type { HisFeeItem } from '../../ports/his-payment';
import { changeClaims, releaseOrderClaim } from '../payment/claims';
import type { Confirmation } from '../payment/confirm';
import type { PaymentContext } from '../payment/context';
import { newOrderRecord } from '../payment/items';
import type { Settlement } from '../payment/settle';
import { revokeUpload } from '../payment/insurance';
import { deskPricing } from './desk-insurance';
import { DeductionResults } from './results';

/** Claims of a withholding order last as long as WeChat may take to decide (the timer asks). */
const WITHHOLDING_ORDER_TTL_MS = 24 * 3_600_000;

/** What charges.ready became: `deducting` (no reminder now), or why the usual reminder goes out. */
export type ChargesOutcome = 'deducting' | 'handled' | 'notContracted' | 'insured' | 'unavailable';

export class WithholdingDeductions {
  private readonly results: DeductionResults;

  constructor(
    private readonly ctx: PaymentContext,
    confirmation: Confirmation,
    settlement: Settlement,
  ) {
    this.results = new DeductionResults(ctx, confirmation, settlement);
  }

  /** What became of the event; for `deducting` and `handled` the intake sends no 待缴费提醒 now. */
  async chargesReady(e: HisEvent, nowMs: number): Promise<ChargesOutcome> {
    if (!this.ctx.withholding) return 'notContracted';
    const patientId = e.data.patientId;
    const contract = (await this.ctx.store.contracts.activeOf(patientId)).find((c) => usable(c, nowMs));
    if (!contract) return 'notContracted';
    const deskPayOrdId = e.data.insurance?.payOrdId ?? null;
    if (!deskPayOrdId && (await this.ctx.store.contracts.patientInsured(patientId))) {
      this.ctx.log.info('withholding skipped: insured patient', { eventId: e.eventId });
      return 'insured';
    }
    const occurredAtMs = Date.parse(e.occurredAt) || nowMs;
    const orderId = withholdingOrderId(this.ctx.hash, e.eventId, occurredAtMs);
    // A redelivered event: its order (or its decision) exists already; the timer finishes it.
    if (await this.ctx.store.orders.get(orderId)) return 'handled';
    const card = await this.ctx.store.cards.findOwned(contract._openid, contract.cardId);
    if (!card) return 'notContracted';
    let unpaid: HisFeeItem[];
    try {
      unpaid = await this.ctx.his.listUnpaid(patientId);
    } catch {
      this.ctx.log.warn('withholding skipped: HIS unavailable', { eventId: e.eventId });
      return 'unavailable';
    }
    const key = this.ctx.patientKey(patientId);
    const { state } = await this.ctx.store.claims.read(key);
    const wanted = new Set(e.data.itemIds);
    const items = unclaimed(unpaid, state).filter((i) => wanted.has(i.itemId));
    // Paid at the window, voided, or already in an order the patient is paying: nothing to deduct.
    if (items.length === 0) return 'handled';
    const priced = deskPayOrdId ? await deskPricing(this.ctx, deskPayOrdId, patientId, items) : null;
    if (deskPayOrdId && (!priced || priced.cashFen === 0)) {
      this.ctx.log.info('withholding skipped: 医生站 医保 not deductible', { eventId: e.eventId, priced: !!priced });
      await revokeUpload(this.ctx, orderId, deskPayOrdId);
      return 'insured';
    }
    const order = { ...this.newOrder(orderId, contract, card, key, items, e, occurredAtMs, nowMs), ...priced };
    if (!(await this.ctx.store.orders.add(order))) return 'handled';
    await this.start({ ...order, rev: 0 }, items, nowMs);
    return 'deducting';
  }

  /** Claims the items, reserves the limits, sends the deduction; any refusal closes the order. */
  private async start(order: WithholdingOrder & StoredOrder, items: HisFeeItem[], nowMs: number): Promise<void> {
    const candidate = { orderId: order._id, expiresAtMs: order.expiresAtMs };
    const won = await changeClaims(this.ctx, order.patientKey, (s) => {
      const d = decideCreate(s, order.itemIds, items, candidate);
      return d.kind === 'new' ? { next: d.next, value: true } : { next: null, value: false };
    });
    if (!won) {
      // The patient started paying these items by hand meanwhile: theirs is the order.
      await this.ctx.store.orders.transition(order._id, ['created'], 'closed', { nextActionAtMs: null }, nowMs);
      if (order.insurance) await revokeUpload(this.ctx, order._id, order.insurance.payOrdId);
      this.ctx.log.info('withholding yielded to a manual order', { orderId: order._id });
      return;
    }
    if (!(await this.reserve(order, nowMs))) {
      await this.results.fail(order, 'overLimit', nowMs);
      return;
    }
    await this.results.send(order, nowMs);
  }

  /** The deduction's share of the contract's day (Asia/Shanghai) within WeChat's limits. */
  private async reserve(order: WithholdingOrder, nowMs: number): Promise<boolean> {
    const id = order.withholding.contractDocId;
    const date = businessDate(new Date(nowMs));
    for (let round = 0; round < 10; round++) {
      const c = await this.ctx.store.contracts.get(id);
      if (!c || !usable(c, nowMs) || c.contractId !== order.withholding.contractId) return false;
      const d = reserve(c, date, order._id, order.cashFen);
      if (!d.ok) {
        this.ctx.log.info('withholding over limit', { orderId: order._id, why: d.why });
        return false;
      }
      if (await this.ctx.store.contracts.cas(id, c.rev, { ledgerDate: d.date, ledger: d.ledger }, nowMs)) return true;
    }
    await releaseOrderClaim(this.ctx, order.patientKey, order._id);
    return false;
  }

  private newOrder(
    orderId: string,
    contract: StoredContract,
    card: BookingCard,
    patientKey: string,
    items: HisFeeItem[],
    e: HisEvent,
    occurredAtMs: number,
    nowMs: number,
  ): WithholdingOrder {
    const base = newOrderRecord({
      orderId,
      openid: contract._openid,
      card,
      patientKey,
      items,
      mode: 'withholding',
      expiresAtMs: nowMs + WITHHOLDING_ORDER_TTL_MS,
      // If this instance stops before the deduction is sent, the timer sends it.
      nextActionAtMs: nowMs + this.ctx.rules.queryAfterMs,
      nowMs,
    });
    const withholding = {
      contractDocId: contract._id,
      contractId: contract.contractId!,
      eventId: e.eventId,
      deptName: e.data.deptName,
      occurredAtMs,
    };
    return { ...base, withholding };
  }
}
