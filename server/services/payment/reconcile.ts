/**
 * The daily reconciliation (timer `reconcileDaily`, for yesterday once WeChat's bill is ready):
 * trade bill + orders + HIS settlements → reconcileDay (server/domain/payment/reconcile.ts). The
 * safe cases are fixed through the normal machinery (apply the payment, settle, or refund); the
 * rest is stored in `payment_reconciliations/{date}` for the finance office (the console lists it).
 */
import type { ReconciliationDoc, StoredOrder } from '../../adapters/clouddb/payment-store';
import { inBusinessTz } from '../../core/time';
import { parseTradeBill, reconcileDay, type ReconFix } from '../../domain/payment';
import type { HisSettlement } from '../../ports/his-payment';
import type { Confirmation } from './confirm';
import type { PaymentContext } from './context';
import type { Refunds } from './refunds';
import type { Settlement } from './settle';

const ORDERS_LIMIT = 5000;
const DAY_MS = 86_400_000;

export class Reconciliation {
  constructor(
    private readonly ctx: PaymentContext,
    private readonly confirmation: Confirmation,
    private readonly settlement: Settlement,
    private readonly refunds: Refunds,
  ) {}

  /** Yesterday in Asia/Shanghai, as of `nowMs`. */
  static yesterday(nowMs: number): string {
    return inBusinessTz(nowMs - DAY_MS).format('YYYY-MM-DD');
  }

  async run(date: string, nowMs: number): Promise<ReconciliationDoc> {
    const fromMs = inBusinessTz(`${date}T00:00:00+08:00`).valueOf();
    const day = { fromMs, toMs: fromMs + DAY_MS };
    const [bill, settlements, paid] = await Promise.all([
      this.ctx.pay.tradeBill(date),
      this.hisSettlements(date),
      this.ctx.store.orders.paidBetween(day.fromMs, day.toMs, ORDERS_LIMIT),
    ]);
    const rows = bill ? parseTradeBill(bill.csv) : [];
    const known = new Set(paid.map((o) => o._id));
    const named = [...new Set(rows.map((r) => r.outTradeNo))].filter((id) => !known.has(id));
    const orders = [...paid, ...(await this.ctx.store.orders.getMany(named))];
    const result = reconcileDay(rows, orders, settlements, day);
    const fixes = [];
    for (const fix of result.fixes) fixes.push({ ...fix, outcome: await this.apply(fix, nowMs) });
    const doc: ReconciliationDoc = {
      date,
      ranAtMs: nowMs,
      counts: { ...result.counts, fixes: fixes.length, issues: result.issues.length },
      fixes,
      issues: result.issues,
    };
    await this.ctx.store.reconciliations.put(doc);
    const level = result.issues.length > 0 ? 'warn' : 'info';
    this.ctx.log[level]('payment reconciliation', { date, ...doc.counts });
    return doc;
  }

  private async hisSettlements(date: string): Promise<HisSettlement[]> {
    const out: HisSettlement[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.ctx.his.listSettlements(date, cursor);
      out.push(...page.settlements);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }

  /** One fix; its outcome in a word (the order's status after it, or the error's name). */
  private async apply(fix: ReconFix, nowMs: number): Promise<string> {
    try {
      const order = await this.ctx.store.orders.get(fix.orderId);
      if (!order) return 'missing';
      if (fix.kind === 'applyPayment') return (await this.confirmation.query(order, nowMs)).status;
      if (fix.kind === 'settle') await this.settlement.settle(order, nowMs);
      if (fix.kind === 'refundClosed') await this.refundClosed(order, nowMs);
      return (await this.ctx.store.orders.get(fix.orderId))?.status ?? 'missing';
    } catch (err) {
      return err instanceof Error ? err.name : 'error';
    }
  }

  /** closed → paid (with WeChat's transaction) → refunding: the items may be paid by another order. */
  private async refundClosed(order: StoredOrder, nowMs: number): Promise<void> {
    if (order.mode === 'insurance') {
      // A 医保 order counts as paid only as a whole (WeChat itself refunds a reversed one's cash).
      const m = await this.ctx.pay.queryMedInsOrder(order._id);
      if (m?.mix_pay_status !== 'MIX_PAY_SUCCESS') return;
      const { order: paid, moved } = await this.confirmation.recordMedInsPaid(order, m, nowMs);
      if (moved) await this.refunds.start(paid, 'paidAfterClose', nowMs);
      return;
    }
    const tx = await this.ctx.pay.queryOrder(order._id);
    if (!tx?.transaction_id || (tx.trade_state !== 'SUCCESS' && tx.trade_state !== 'REFUND')) return;
    const paidAtMs = tx.success_time ? Date.parse(tx.success_time) || nowMs : nowMs;
    const data = { transactionId: tx.transaction_id, paidAtMs, nextActionAtMs: null };
    if (!(await this.ctx.store.orders.transition(order._id, ['closed'], 'paid', data, nowMs))) return;
    const fresh = await this.ctx.store.orders.get(order._id);
    if (fresh) await this.refunds.start(fresh, 'paidAfterClose', nowMs);
  }
}
