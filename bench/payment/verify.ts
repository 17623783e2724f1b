/**
 * The money invariants, from the three sides (./sides.ts): nothing paid twice, refunded twice or
 * lost, nothing left unsettled, no tampered delivery accepted, and the money balancing —
 * in at WeChat Pay = settled in the HIS + refunded. Each failure comes with its evidence (order
 * ids, statuses on every side, the delivery log).
 */
import type { Sides, PayOrder } from './sides';
import type { CloudOrder } from './drain';

export interface Invariants {
  paidTwice: number;
  refundedTwice: number;
  lostPayments: number;
  unsettled: number;
  /** Orders still created/paying after the drain (every order of the bench was paid). */
  openLeft: number;
  tamperedAccepted: number;
  imbalanceFen: number;
  /** The cloud's status disagrees with the pay sandbox or the HIS (settled without settlement, …). */
  statusMismatches: number;
  hisSettlementTotalMismatches: number;
  hisSettledItemsNotPaid: number;
}

export interface Money {
  paidFen: number;
  settledFen: number;
  refundedFen: number;
  payments: number;
  settlements: number;
  refunds: number;
}

export interface Verdict {
  invariants: Invariants;
  money: Money;
  problems: string[];
  /** Orders behind the problems: what each side says (the first 10). */
  evidence: Record<string, unknown>[];
}

const paidAtWechat = (p: PayOrder | undefined): boolean =>
  !!p?.order.transaction_id && (p.order.trade_state === 'SUCCESS' || p.order.trade_state === 'REFUND');
const refundedFen = (p: PayOrder | undefined): number =>
  (p?.refunds ?? []).filter((r) => r.status === 'SUCCESS').reduce((s, r) => s + r.amount.refund, 0);

class Findings {
  readonly problems: string[] = [];
  readonly orders = new Set<string>();
  note(orderIds: string | string[] | null, s: string): void {
    for (const id of orderIds === null ? [] : [orderIds].flat()) this.orders.add(id);
    if (this.problems.length < 30) this.problems.push(s);
  }
}

function paidTwice(s: Sides, f: Findings): number {
  let n = 0;
  const settlementsOf = new Map<string, string[]>();
  for (const st of s.his.settlements)
    for (const id of st.itemIds) settlementsOf.set(id, [...(settlementsOf.get(id) ?? []), st.settlementId]);
  for (const [item, sts] of settlementsOf)
    if (sts.length > 1) {
      n++;
      f.note(null, `item ${item} settled by ${sts.join(', ')}`);
    }
  // Money kept at WeChat Pay by two orders naming the same item (the same set twice, or overlapping).
  const keptBy = new Map<string, string[]>();
  for (const o of s.cloud) {
    const p = s.pay.get(o._id);
    if (!paidAtWechat(p) || refundedFen(p) >= p!.order.total) continue;
    for (const id of o.itemIds) keptBy.set(id, [...(keptBy.get(id) ?? []), o._id]);
  }
  for (const [item, orders] of keptBy)
    if (orders.length > 1) {
      n++;
      f.note(orders, `item ${item} paid (and not refunded) by orders ${orders.join(', ')}`);
    }
  // Paid at the window and through WeChat Pay, the latter not refunded.
  for (const item of s.his.items)
    if (item.paidVia === 'window' && keptBy.has(item.itemId)) {
      n++;
      const by = keptBy.get(item.itemId)!;
      f.note(by, `item ${item.itemId} paid at the window and by ${by.join(', ')}`);
    }
  return n;
}

function refundedTwice(s: Sides, f: Findings): number {
  let n = 0;
  const seen = new Map<string, string>();
  for (const [id, p] of s.pay) {
    if (refundedFen(p) > p.order.total) {
      n++;
      f.note(id, `${id}: refunds ${refundedFen(p)} fen of ${p.order.total} paid`);
    }
    for (const r of p.refunds) {
      if (seen.has(r.out_refund_no)) {
        n++;
        f.note(id, `refund number ${r.out_refund_no} applied twice (${seen.get(r.out_refund_no)}, ${id})`);
      }
      seen.set(r.out_refund_no, id);
    }
  }
  for (const o of s.cloud) {
    const nos = o.refunds.map((r) => r.outRefundNo);
    if (new Set(nos).size !== nos.length) {
      n++;
      f.note(o._id, `${o._id}: the cloud records a refund number twice (${nos.join(', ')})`);
    }
  }
  return n;
}

function lostAndMismatched(s: Sides, f: Findings): { lost: number; mismatches: number } {
  const settlementOf = new Map(s.his.settlements.map((x) => [x.requestId, x]));
  let lost = 0;
  let mismatches = 0;
  const mismatch = (o: CloudOrder, why: string): void => {
    mismatches++;
    f.note(o._id, `${o._id}: cloud ${o.status} but ${why}`);
  };
  for (const o of s.cloud) {
    const p = s.pay.get(o._id);
    const st = settlementOf.get(o._id);
    const refunded = refundedFen(p);
    if (paidAtWechat(p)) {
      const settledOk = !!st && st.transactionId === p!.order.transaction_id && st.totalFen === p!.order.total;
      if (!settledOk && refunded < p!.order.total) {
        lost++;
        f.note(o._id, `${o._id}: paid ${p!.order.total} fen at WeChat Pay, neither settled in the HIS nor refunded`);
      }
    }
    if (o.status === 'settled' && (!st || !paidAtWechat(p) || st.transactionId !== o.transactionId))
      mismatch(o, st ? 'the HIS settlement or WeChat transaction differs' : 'no HIS settlement');
    if (o.status === 'refunded' && refunded !== o.cashFen)
      mismatch(o, `WeChat Pay refunded ${refunded} of ${o.cashFen}`);
    if (o.status === 'closed' && paidAtWechat(p)) mismatch(o, `WeChat Pay says ${p!.order.trade_state}`);
    if ((o.status === 'refunded' || o.status === 'closed') && st) mismatch(o, `HIS settlement ${st.settlementId}`);
  }
  const cloudIds = new Set(s.cloud.map((o) => o._id));
  for (const [id, p] of s.pay)
    if (!cloudIds.has(id) && paidAtWechat(p)) {
      lost++;
      f.note(id, `${id}: paid at WeChat Pay, no order in the cloud`);
    }
  for (const st of s.his.settlements)
    if (!cloudIds.has(st.requestId)) {
      mismatches++;
      f.note(null, `HIS settlement ${st.settlementId} of unknown order ${st.requestId}`);
    }
  return { lost, mismatches };
}

function tamperedAccepted(s: Sides, f: Findings): number {
  let n = 0;
  for (const [id, p] of s.pay)
    for (const d of p.deliveries)
      if (d.tampered && d.status !== null && d.status >= 200 && d.status < 300) {
        n++;
        f.note(id, `${id}: tampered (${d.tampered}) ${d.event_type} delivery answered ${d.status}`);
      }
  return n;
}

function money(s: Sides): Money {
  const paid = [...s.pay.values()].filter(paidAtWechat);
  const refunds = [...s.pay.values()].flatMap((p) => p.refunds.filter((r) => r.status === 'SUCCESS'));
  return {
    paidFen: paid.reduce((n, p) => n + p.order.total, 0),
    settledFen: s.his.settlements.reduce((n, x) => n + x.totalFen, 0),
    refundedFen: refunds.reduce((n, r) => n + r.amount.refund, 0),
    payments: paid.length,
    settlements: s.his.settlements.length,
    refunds: refunds.length,
  };
}

/** What every side says about one order, for a problem's report. */
function evidenceOf(s: Sides, id: string): Record<string, unknown> {
  const o = s.cloud.find((x) => x._id === id);
  const p = s.pay.get(id);
  const st = s.his.settlements.find((x) => x.requestId === id);
  return {
    orderId: id,
    cloud: o && { status: o.status, failure: o.failure, settleAttempts: o.settleAttempts, refunds: o.refunds },
    pay: p && {
      trade_state: p.order.trade_state,
      total: p.order.total,
      refunds: p.refunds.map((r) => `${r.out_refund_no} ${r.status} ${r.amount.refund}`),
    },
    his: st ? { settlementId: st.settlementId, totalFen: st.totalFen, transactionId: st.transactionId } : null,
    deliveries: (p?.deliveries ?? []).map(
      (d) =>
        `${d.at} ${d.event_type} ${d.kind}#${d.attempt} ${d.status ?? d.error} ${d.ms}ms${d.tampered ? ` tampered:${d.tampered}` : ''}`,
    ),
  };
}

export function verify(s: Sides, paidByBench: number): Verdict {
  const f = new Findings();
  const m = money(s);
  const { lost, mismatches } = lostAndMismatched(s, f);
  const unsettled = s.cloud.filter((o) => o.status === 'paid' || o.status === 'refunding');
  const open = s.cloud.filter((o) => o.status === 'created' || o.status === 'paying');
  for (const o of [...unsettled, ...open]) f.note(o._id, `${o._id}: still ${o.status} after the drain`);
  const invariants: Invariants = {
    paidTwice: paidTwice(s, f),
    refundedTwice: refundedTwice(s, f),
    lostPayments: lost,
    unsettled: unsettled.length,
    openLeft: open.length,
    tamperedAccepted: tamperedAccepted(s, f),
    imbalanceFen: m.paidFen - m.settledFen - m.refundedFen,
    statusMismatches: mismatches,
    hisSettlementTotalMismatches: s.his.invariants.settlementTotalMismatches,
    hisSettledItemsNotPaid: s.his.invariants.settledItemsNotPaid,
  };
  if (invariants.imbalanceFen !== 0)
    f.note(null, `imbalance: ${m.paidFen} paid − ${m.settledFen} settled − ${m.refundedFen} refunded`);
  if (m.payments !== paidByBench) f.note(null, `${m.payments} payments at WeChat Pay, the bench paid ${paidByBench}`);
  return {
    invariants,
    money: m,
    problems: f.problems,
    evidence: [...f.orders].slice(0, 10).map((id) => evidenceOf(s, id)),
  };
}

export function holds(inv: Invariants): boolean {
  return Object.values(inv).every((v) => v === 0);
}
