/**
 * The drain: faults cleared, `paymentDue` fired until no order is paid/created/paying/refunding
 * (settle retries back off from 15 s; bounded), then the day's bill made available and
 * `reconcileDaily` run for each Shanghai date a payment fell on.
 */
import { log } from '../booking/util';
import type { PayBench } from './api';
import { setChaosFaults } from './chaos';

/** Statuses an order must not stay in once the drain is over. */
export const OPEN_AFTER_DRAIN = ['paid', 'created', 'paying', 'refunding'] as const;

export interface CloudOrder {
  _id: string;
  _openid: string;
  status: string;
  itemIds: string[];
  totalFen: number;
  cashFen: number;
  /** 医保 orders: the 统筹 and 个人账户 parts (0 for 自费). */
  fundFen?: number;
  accountFen?: number;
  mode?: string;
  insurance?: { payOrdId: string; mixTradeNo: string | null; medRefundedAtMs: number | null } | null;
  transactionId: string | null;
  settlementId: string | null;
  settleAttempts: number;
  failure: string | null;
  refunds: { outRefundNo: string; amountFen: number; status: string }[];
}

export interface Drained {
  cloudOrders: CloudOrder[];
  drainMs: number;
  paymentDueRuns: number;
  /** Orders still open when the drain started / ended, by status. */
  openAtStart: Record<string, number>;
  openAtEnd: Record<string, number>;
  timedOut: boolean;
}

export interface Reconciled {
  date: string;
  ok: boolean;
  counts: Record<string, number>;
  issues: { kind: string; outTradeNo: string; detail: string }[];
  fixes: unknown[];
  error: string | null;
}

const shanghaiDate = (ms: number): string =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date(ms));

export async function cloudOrders(b: PayBench): Promise<CloudOrder[]> {
  return (await b.listCloud('payment_orders')) as unknown as CloudOrder[];
}

function openByStatus(orders: CloudOrder[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of orders)
    if ((OPEN_AFTER_DRAIN as readonly string[]).includes(o.status)) out[o.status] = (out[o.status] ?? 0) + 1;
  return out;
}

const none = (r: Record<string, number>): boolean => Object.keys(r).length === 0;

export async function drain(b: PayBench): Promise<Drained> {
  await setChaosFaults(b, false);
  const started = performance.now();
  let orders = await cloudOrders(b);
  const openAtStart = openByStatus(orders);
  log(`drain: faults cleared, open orders ${JSON.stringify(openAtStart)}`);
  let runs = 0;
  let lastLog = 0;
  while (!none(openByStatus(orders)) && performance.now() - started < b.params.drainTimeoutMs) {
    const res = await b.timer('paymentDue');
    runs++;
    if (!res.ok) log(`paymentDue: ${JSON.stringify(res.error)}`);
    const due = (res.data as { orders?: number } | undefined)?.orders ?? 0;
    // A full batch: more is due right now; otherwise wait for the next back-off to come due.
    if (due < 50) await new Promise((r) => setTimeout(r, 2_000));
    orders = await cloudOrders(b);
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`drain: ${runs} paymentDue runs, open ${JSON.stringify(openByStatus(orders))}`);
    }
  }
  const openAtEnd = openByStatus(orders);
  const drainMs = Math.round(performance.now() - started);
  log(`drain: ${runs} paymentDue runs in ${(drainMs / 1000).toFixed(1)} s, open at end ${JSON.stringify(openAtEnd)}`);
  return { cloudOrders: orders, drainMs, paymentDueRuns: runs, openAtStart, openAtEnd, timedOut: !none(openAtEnd) };
}

/** The Shanghai dates of the payments (usually today only), each bill made ready and reconciled. */
export async function reconcile(b: PayBench, paidAtMs: number[]): Promise<Reconciled[]> {
  const dates = [...new Set(paidAtMs.map(shanghaiDate))].sort();
  const out: Reconciled[] = [];
  for (const date of dates) {
    await b.payData(b.http.post(b.pay(`/sandbox/bills/${date}/ready`), {}));
    try {
      const res = await b.timer('reconcileDaily', { date });
      const d = (res.data ?? {}) as Partial<Reconciled>;
      out.push({
        date,
        ok: res.ok,
        counts: d.counts ?? {},
        issues: d.issues ?? [],
        fixes: d.fixes ?? [],
        error: res.ok ? null : JSON.stringify(res.error),
      });
    } catch (err) {
      out.push({ date, ok: false, counts: {}, issues: [], fixes: [], error: String(err) });
    }
    const r = out[out.length - 1]!;
    log(`reconcileDaily ${date}: ${r.ok ? JSON.stringify(r.counts) : r.error}`);
  }
  return out;
}
