/**
 * The `payment` timers: whatever an order waits for, by `nextActionAtMs` — a query of an open
 * order (a lost notification), closing an expired one, settling a paid one, sending or asking
 * about a refund, fetching a receipt issued late.
 */
import type { StoredOrder } from '../../adapters/clouddb/payment-store';
import type { Confirmation } from './confirm';
import type { PaymentContext } from './context';
import type { Refunds } from './refunds';
import type { Settlement } from './settle';

export interface DueSummary {
  orders: number;
  failed: number;
}

const BATCH = 50;
/** Well inside the function's 20 s timeout. */
const BUDGET_MS = 10_000;

export class PaymentTimers {
  constructor(
    private readonly ctx: PaymentContext,
    private readonly confirmation: Confirmation,
    private readonly settlement: Settlement,
    private readonly refunds: Refunds,
  ) {}

  /** Batches of due orders until none is left or the time budget is spent (the next run goes on). */
  async runDue(nowMs: number): Promise<DueSummary> {
    const started = Date.now();
    const total: DueSummary = { orders: 0, failed: 0 };
    for (;;) {
      const part = await this.runBatch(nowMs);
      total.orders += part.orders;
      total.failed += part.failed;
      if (part.orders < BATCH || part.failed === part.orders || Date.now() - started > BUDGET_MS) return total;
    }
  }

  private async runBatch(nowMs: number): Promise<DueSummary> {
    const due = await this.ctx.store.orders.due(nowMs, BATCH);
    let failed = 0;
    for (const order of due) {
      try {
        await this.step(order, nowMs);
      } catch (err) {
        failed++;
        this.ctx.log.warn('payment timer step failed', {
          orderId: order._id,
          status: order.status,
          err: err instanceof Error ? err.name : 'unknown',
        });
      }
    }
    return { orders: due.length, failed };
  }

  private async step(order: StoredOrder, nowMs: number): Promise<void> {
    switch (order.status) {
      case 'created':
      case 'paying':
        await this.confirmation.query(order, nowMs);
        return;
      case 'paid':
        await this.settlement.settle(order, nowMs);
        return;
      case 'refunding':
        await this.refunds.send(order, nowMs);
        return;
      case 'settled':
        await this.settlement.fetchReceipt(order, nowMs);
        return;
      default:
        await this.ctx.store.orders.cas(order._id, order.rev, { nextActionAtMs: null }, nowMs);
    }
  }
}
