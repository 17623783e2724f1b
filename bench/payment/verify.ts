/**
 * The money invariants, from the three sides (./sides.ts, per order ./ledger.ts): nothing paid
 * twice, refunded twice or lost, nothing left unsettled, no tampered delivery accepted, and the
 * money balancing — in at WeChat Pay (cash + 医保 parts) = settled in the HIS + refunded (cash +
 * 医保). Each failure comes with its evidence (order ids, statuses on every side, the delivery log).
 */
import type { CloudOrder } from './drain';
import { kept, ledger, money, paidFen, refundedFen, type Entry, type Money } from './ledger';
import type { HisInsuranceOrder, Sides } from './sides';

export type { Money };

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
  /** The HIS's 医保 probes (GET /sandbox/insurance): split identities, settled orders' items, totals. */
  hisInsuranceSplitIdentityViolations: number;
  hisInsuranceSettledOrdersNotPaid: number;
  hisInsuranceSettlementTotalMismatches: number;
}

export interface Verdict {
  invariants: Invariants;
  money: Money;
  problems: string[];
  /** Orders behind the problems: what each side says (the first 10). */
  evidence: Record<string, unknown>[];
}

class Findings {
  readonly problems: string[] = [];
  readonly orders = new Set<string>();
  note(orderIds: string | string[] | null, s: string): void {
    for (const id of orderIds === null ? [] : [orderIds].flat()) this.orders.add(id);
    if (this.problems.length < 30) this.problems.push(s);
  }
}

/** What the verdict reads: the sides, the ledger of each order, the HIS settlements by order. */
interface View {
  s: Sides;
  entries: Map<string, Entry>;
  settlementOf: Map<string, Sides['his']['settlements'][number]>;
  hisInsuranceOf: Map<string, HisInsuranceOrder>;
}

function paidTwice(v: View, f: Findings): number {
  let n = 0;
  const settlementsOf = new Map<string, string[]>();
  for (const st of v.s.his.settlements)
    for (const id of st.itemIds) settlementsOf.set(id, [...(settlementsOf.get(id) ?? []), st.settlementId]);
  for (const [item, sts] of settlementsOf)
    if (sts.length > 1) {
      n++;
      f.note(null, `item ${item} settled by ${sts.join(', ')}`);
    }
  // Money kept at WeChat Pay (cash or 医保) by two orders naming the same item (the same set twice, or overlapping).
  const keptBy = new Map<string, string[]>();
  for (const o of v.s.cloud) {
    const e = v.entries.get(o._id);
    if (!e || !kept(e)) continue;
    for (const id of o.itemIds) keptBy.set(id, [...(keptBy.get(id) ?? []), o._id]);
  }
  for (const [item, orders] of keptBy)
    if (orders.length > 1) {
      n++;
      f.note(orders, `item ${item} paid (and not refunded) by orders ${orders.join(', ')}`);
    }
  // Paid at the window and through WeChat Pay, the latter not refunded.
  for (const item of v.s.his.items)
    if (item.paidVia === 'window' && keptBy.has(item.itemId)) {
      n++;
      const by = keptBy.get(item.itemId)!;
      f.note(by, `item ${item.itemId} paid at the window and by ${by.join(', ')}`);
    }
  return n;
}

function refundedTwice(v: View, f: Findings): number {
  let n = 0;
  const cashSeen = new Map<string, string>();
  const medSeen = new Map<string, string>();
  const once = (seen: Map<string, string>, no: string, id: string, what: string) => {
    if (seen.has(no)) {
      n++;
      f.note(id, `${what} refund number ${no} applied twice (${seen.get(no)}, ${id})`);
    }
    seen.set(no, id);
  };
  for (const [id, e] of v.entries) {
    const paid = e.pay?.order.total ?? (e.wh ? Number(e.wh.deduction.total_fee) : 0);
    if (e.cashRefunded > paid) {
      n++;
      f.note(id, `${id}: cash refunds ${e.cashRefunded} fen of ${paid} paid`);
    }
    if (e.medRefunded > e.medPaid) {
      n++;
      f.note(id, `${id}: 医保 refunds ${e.medRefunded} fen of a 医保 part of ${e.medPaid} paid`);
    }
    for (const r of [...(e.pay?.refunds ?? []), ...(e.wh?.refunds ?? [])]) once(cashSeen, r.out_refund_no, id, 'cash');
    for (const r of e.med?.med_refunds ?? []) once(medSeen, r.out_refund_no, id, '医保');
  }
  for (const o of v.s.cloud) {
    const nos = o.refunds.map((r) => r.outRefundNo);
    if (new Set(nos).size !== nos.length) {
      n++;
      f.note(o._id, `${o._id}: the cloud records a refund number twice (${nos.join(', ')})`);
    }
  }
  return n;
}

/** Settled in the HIS with this payment: the settlement names its transaction and its whole total. */
function settledWith(v: View, e: Entry | undefined, id: string): boolean {
  const st = v.settlementOf.get(id);
  return !!e && !!st && st.transactionId === e.transactionId && st.totalFen === paidFen(e);
}

/** The cloud's status against WeChat Pay and the HIS (医保: also the HIS's 医保 order); the reasons it disagrees. */
function mismatchesOf(v: View, o: CloudOrder): string[] {
  const e = v.entries.get(o._id);
  const st = v.settlementOf.get(o._id);
  const his = o.insurance ? v.hisInsuranceOf.get(o.insurance.payOrdId) : undefined;
  const out: string[] = [];
  if (o.status === 'settled' && (!st || !e || paidFen(e) === 0 || st.transactionId !== o.transactionId))
    out.push(st ? 'the HIS settlement or WeChat transaction differs' : 'no HIS settlement');
  if (o.status === 'settled' && o.insurance && (his?.status !== 'settled' || his.settlementId !== st?.settlementId))
    out.push(
      `the HIS 医保 order ${o.insurance.payOrdId} is ${his ? `${his.status} (${his.settlementId})` : 'unknown'}`,
    );
  if (o.status === 'refunded' && (e?.cashRefunded ?? 0) !== o.cashFen)
    out.push(`WeChat Pay refunded ${e?.cashRefunded ?? 0} of ${o.cashFen} cash`);
  if (o.status === 'refunded' && e && e.medPaid > 0 && e.medRefunded !== e.medPaid)
    out.push(`医保 refunded ${e.medRefunded} of a 医保 part of ${e.medPaid}`);
  if (o.status === 'closed' && e && paidFen(e) > 0) out.push(`WeChat Pay holds ${paidFen(e)} fen of it`);
  if ((o.status === 'refunded' || o.status === 'closed') && st) out.push(`HIS settlement ${st.settlementId}`);
  if ((o.status === 'refunded' || o.status === 'closed') && his?.status === 'settled')
    out.push(`the HIS 医保 order ${his.payOrdId} is settled`);
  return out;
}

function lostAndMismatched(v: View, f: Findings): { lost: number; mismatches: number } {
  let lost = 0;
  let mismatches = 0;
  for (const o of v.s.cloud) {
    const e = v.entries.get(o._id);
    if (e && paidFen(e) > 0 && !settledWith(v, e, o._id) && refundedFen(e) < paidFen(e)) {
      lost++;
      const parts = `${e.cashPaid} cash + ${e.medPaid} 医保`;
      f.note(o._id, `${o._id}: paid ${parts} fen at WeChat Pay, neither settled in the HIS nor refunded`);
    }
    for (const why of mismatchesOf(v, o)) {
      mismatches++;
      f.note(o._id, `${o._id}: cloud ${o.status} but ${why}`);
    }
  }
  const cloudIds = new Set(v.s.cloud.map((o) => o._id));
  for (const [id, e] of v.entries)
    if (!cloudIds.has(id) && paidFen(e) > 0) {
      lost++;
      f.note(id, `${id}: paid at WeChat Pay, no order in the cloud`);
    }
  for (const st of v.s.his.settlements)
    if (!cloudIds.has(st.requestId)) {
      mismatches++;
      f.note(null, `HIS settlement ${st.settlementId} of unknown order ${st.requestId}`);
    }
  const settledPayOrdIds = new Set(
    v.s.cloud.filter((o) => o.status === 'settled' && o.insurance).map((o) => o.insurance!.payOrdId),
  );
  for (const h of v.s.hisInsurance.orders)
    if (h.status === 'settled' && !settledPayOrdIds.has(h.payOrdId)) {
      mismatches++;
      f.note(null, `HIS 医保 order ${h.payOrdId} settled (${h.settlementId}), no settled cloud order of it`);
    }
  return { lost, mismatches };
}

function tamperedAccepted(v: View, f: Findings): number {
  let n = 0;
  for (const [id, e] of v.entries)
    for (const d of [...(e.pay?.deliveries ?? []), ...(e.med?.deliveries ?? [])])
      if (d.tampered && d.status !== null && d.status >= 200 && d.status < 300) {
        n++;
        f.note(id, `${id}: tampered (${d.tampered}) ${d.event_type} delivery answered ${d.status}`);
      }
  return n;
}

/** What every side says about one order, for a problem's report. */
function evidenceOf(v: View, id: string): Record<string, unknown> {
  const o = v.s.cloud.find((x) => x._id === id);
  const e = v.entries.get(id);
  const p = e?.pay;
  const st = v.settlementOf.get(id);
  const hisIns = o?.insurance ? v.hisInsuranceOf.get(o.insurance.payOrdId) : undefined;
  return {
    orderId: id,
    cloud: o && {
      status: o.status,
      mode: o.mode,
      failure: o.failure,
      settleAttempts: o.settleAttempts,
      split: { totalFen: o.totalFen, fundFen: o.fundFen, accountFen: o.accountFen, cashFen: o.cashFen },
      insurance: o.insurance,
      refunds: o.refunds,
    },
    pay: p && {
      trade_state: p.order.trade_state,
      total: p.order.total,
      refunds: p.refunds.map((r) => `${r.out_refund_no} ${r.status} ${r.amount.refund}`),
    },
    deduction: e?.wh && {
      trade_state: e.wh.deduction.trade_state,
      total_fee: e.wh.deduction.total_fee,
      refunds: e.wh.refunds.map((r) => `${r.out_refund_no} ${r.status} ${r.amount.refund}`),
    },
    medIns: e?.med && {
      mix_trade_no: e.med.order.mix_trade_no,
      mix_pay_status: e.med.order.mix_pay_status,
      medPaid: e.medPaid,
      med_refunds: e.med.med_refunds.map((r) => `${r.out_refund_no} ${r.total_fee}`),
    },
    his: st ? { settlementId: st.settlementId, totalFen: st.totalFen, transactionId: st.transactionId } : null,
    hisInsurance: hisIns
      ? { payOrdId: hisIns.payOrdId, status: hisIns.status, settlementId: hisIns.settlementId }
      : null,
    deliveries: [...(p?.deliveries ?? []), ...(e?.med?.deliveries ?? [])].map(
      (d) =>
        `${d.at} ${d.event_type} ${d.kind}#${d.attempt} ${d.status ?? d.error} ${d.ms}ms${d.tampered ? ` tampered:${d.tampered}` : ''}`,
    ),
  };
}

export function verify(s: Sides, paidByBench: number): Verdict {
  const f = new Findings();
  const entries = ledger(s);
  const v: View = {
    s,
    entries,
    settlementOf: new Map(s.his.settlements.map((x) => [x.requestId, x])),
    hisInsuranceOf: new Map(s.hisInsurance.orders.map((x) => [x.payOrdId, x])),
  };
  const m = money(s, entries);
  const { lost, mismatches } = lostAndMismatched(v, f);
  const unsettled = s.cloud.filter((o) => o.status === 'paid' || o.status === 'refunding');
  const open = s.cloud.filter((o) => o.status === 'created' || o.status === 'paying');
  for (const o of [...unsettled, ...open]) f.note(o._id, `${o._id}: still ${o.status} after the drain`);
  const hisIns = s.hisInsurance.invariants;
  const invariants: Invariants = {
    paidTwice: paidTwice(v, f),
    refundedTwice: refundedTwice(v, f),
    lostPayments: lost,
    unsettled: unsettled.length,
    openLeft: open.length,
    tamperedAccepted: tamperedAccepted(v, f),
    imbalanceFen: m.paidFen - m.settledFen - m.refundedFen,
    statusMismatches: mismatches,
    hisSettlementTotalMismatches: s.his.invariants.settlementTotalMismatches,
    hisSettledItemsNotPaid: s.his.invariants.settledItemsNotPaid,
    hisInsuranceSplitIdentityViolations: hisIns.splitIdentityViolations,
    hisInsuranceSettledOrdersNotPaid: hisIns.settledOrdersNotPaid,
    hisInsuranceSettlementTotalMismatches: hisIns.settlementTotalMismatches,
  };
  if (invariants.imbalanceFen !== 0)
    f.note(null, `imbalance: ${m.paidFen} paid − ${m.settledFen} settled − ${m.refundedFen} refunded`);
  if (m.payments !== paidByBench) f.note(null, `${m.payments} payments at WeChat Pay, the bench paid ${paidByBench}`);
  return {
    invariants,
    money: m,
    problems: f.problems,
    evidence: [...f.orders].slice(0, 10).map((id) => evidenceOf(v, id)),
  };
}

export function holds(inv: Invariants): boolean {
  return Object.values(inv).every((v) => v === 0);
}
