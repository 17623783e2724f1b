/**
 * The result document of a payment chaos run (printed on stdout, appended to the results file):
 * the invariants, the reconciliation, the notification answer times from the pay sandbox's
 * delivery log, counts, durations and parameters.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { phaseStats } from '../booking/report';
import type { ChaosResult } from './chaos';
import type { Drained, Reconciled } from './drain';
import type { Params } from './params';
import { NOT_YET_COVERED, ORDER_KINDS, type Setup } from './setup';
import type { PayDelivery, Sides } from './sides';
import { holds, type Verdict } from './verify';

export interface RunFigures {
  params: Params;
  setup: Setup;
  chaos: ChaosResult;
  drained: Drained;
  reconciled: Reconciled[];
  sides: Sides;
  verdict: Verdict;
  durations: Record<string, number>;
}

/** WeChat Pay waits this long for the answer to a notification. */
const WECHAT_ANSWER_LIMIT_MS = 5000;

const latency = (ms: number[]) => {
  const s = phaseStats(ms, 1);
  return { n: s.n, p50Ms: s.p50Ms, p90Ms: s.p90Ms, p99Ms: s.p99Ms, maxMs: s.maxMs };
};

function countBy<T>(list: T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of list) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}

/** The delivery log of every order (and mixed order): counts by event, kind and answer; the answer times. */
function deliveries(f: RunFigures) {
  const all: PayDelivery[] = [
    ...[...f.sides.pay.values()].flatMap((p) => p.deliveries),
    ...[...f.sides.med.values()].flatMap((m) => m.deliveries),
  ];
  const answer = (d: PayDelivery): string =>
    `${d.tampered ? `tampered:${d.tampered}` : 'intact'} ${d.status ?? (d.error?.startsWith('no answer') ? 'timeout' : 'error')}`;
  const answered = all.filter((d) => d.status !== null);
  return {
    total: all.length,
    byEvent: countBy(all, (d) => d.event_type),
    byKind: countBy(all, (d) => d.kind),
    byAnswer: countBy(all, answer),
    tampered: all.filter((d) => d.tampered).length,
    plannedTransactionDeliveries: f.setup.orders.reduce((n, o) => n + o.deliveries, 0),
    plannedMedInsDeliveries: f.setup.orders.reduce((n, o) => n + o.medInsDeliveries, 0),
    extraRequests: f.chaos.extras.length,
    extraRequestErrors: f.chaos.extras.filter((x) => x.error).length,
    notifyAnswer: {
      ...latency(answered.map((d) => d.ms)),
      overLimit: all.filter((d) => d.ms >= WECHAT_ANSWER_LIMIT_MS || d.status === null).length,
      limitMs: WECHAT_ANSWER_LIMIT_MS,
    },
    notifyAnswerTransaction: latency(answered.filter((d) => d.event_type === 'TRANSACTION.SUCCESS').map((d) => d.ms)),
    notifyAnswerMedIns: latency(answered.filter((d) => d.event_type === 'MEDICAL_INSURANCE.SUCCESS').map((d) => d.ms)),
  };
}

/** The 医保 orders: planned, paid as mixed orders (or 自费 after all), their cloud and HIS states. */
function insurance(f: RunFigures) {
  const flows = f.chaos.pays.filter((x) => x.order.kind === 'insurance');
  const mixed = flows.filter((x) => x.mode === 'insurance');
  const cloud = f.sides.cloud.filter((o) => o.mode === 'insurance');
  return {
    insuredPatients: f.setup.patients.filter((p) => p.insured).length,
    patientsByStanding: countBy(
      f.setup.patients.filter((p) => p.standing),
      (p) => p.standing!,
    ),
    planned: flows.length,
    paidAsMixed: mixed.length,
    insuranceOnly: mixed.filter((x) => x.cashFen === 0).length,
    fellBackToSelfPay: flows.filter((x) => x.insuranceFallback).length,
    paidAtWindow: flows.filter((x) => x.order.paidAtWindow).length,
    cloudByStatus: countBy(cloud, (o) => o.status),
    cloudByFailure: countBy(
      cloud.filter((o) => o.failure),
      (o) => o.failure!,
    ),
    hisOrders: f.sides.hisInsurance.counts.orders,
  };
}

/** The 代扣 orders: contracts, the cloud's orders, WeChat's deductions, the charges.ready redeliveries. */
function withholding(f: RunFigures) {
  const cloud = f.sides.cloud.filter((o) => o.mode === 'withholding');
  const deductions = [...f.sides.wh.values()];
  const extras = f.chaos.extras.filter((x) => x.event === 'charges.ready');
  const deliveries = deductions.flatMap((d) => d.deliveries);
  return {
    contractedPatients: f.setup.patients.filter((p) => p.contracted).length,
    planned: f.setup.orders.filter((o) => o.kind === 'withholding').length,
    paidAtWindow: f.setup.orders.filter((o) => o.kind === 'withholding' && o.paidAtWindow).length,
    cloudOrders: cloud.length,
    cloudByStatus: countBy(cloud, (o) => o.status),
    cloudByFailure: countBy(
      cloud.filter((o) => o.failure),
      (o) => o.failure!,
    ),
    deductionsByState: countBy(deductions, (d) => d.deduction.trade_state),
    deductionRefunds: deductions.reduce((n, d) => n + d.refunds.filter((r) => r.status === 'SUCCESS').length, 0),
    eventRedeliveries: extras.reduce((n, x) => n + x.times, 0),
    eventAnswers: countBy(
      extras.flatMap((x) => x.statuses),
      (s) => String(s),
    ),
    deductionNotifications: deliveries.length,
    deductionNotifyAnswer: latency(deliveries.filter((d) => d.status !== null).map((d) => d.ms)),
  };
}

export function buildResult(f: RunFigures) {
  const p = f.params;
  const { invariants, money, problems, evidence } = f.verdict;
  const kinds = Object.fromEntries(ORDER_KINDS.map((k) => [k, f.setup.orders.filter((o) => o.kind === k).length]));
  const flows = f.chaos.pays;
  const flowErrors = flows.filter((x) => x.error);
  const issues = f.reconciled.flatMap((r) => r.issues);
  const reconciliationIssues = issues.length + f.reconciled.filter((r) => !r.ok).length;
  const d = deliveries(f);
  const passed = holds(invariants) && reconciliationIssues === 0 && flowErrors.length === 0;
  return {
    bench: 'payment-chaos',
    at: new Date().toISOString(),
    params: {
      orders: p.orders,
      ordersPerPatient: p.ordersPerPatient,
      concurrency: p.concurrency,
      hisFailRate: p.hisFailRate,
      hisLostRate: p.hisLostRate,
      tamperRate: p.tamperRate,
      windowRate: p.windowRate,
      insuredShare: p.insuredShare,
      insuranceShare: p.insuranceShare,
      insuranceWindowRate: p.insuranceWindowRate,
      contractedShare: p.contractedShare,
      doubleTapRate: p.doubleTapRate,
      maxDeliveries: p.maxDeliveries,
      drainTimeoutMs: p.drainTimeoutMs,
      seed: p.seed,
      instances: p.instances,
    },
    kinds,
    notYetCovered: [...NOT_YET_COVERED],
    ...invariants,
    reconciliationIssues,
    notifyAnswer: d.notifyAnswer,
    counts: {
      orders: p.orders,
      patients: f.setup.patients.length,
      flowErrors: flowErrors.length,
      paidAtWindow: f.setup.orders.filter((o) => o.paidAtWindow).length,
      doubleTaps: countBy(
        flows.filter((x) => x.doubleTap),
        (x) => x.doubleTap!.replace(/^refused: .*/, 'refused'),
      ),
      cloudByStatus: countBy(f.sides.cloud, (o) => o.status),
      cloudByFailure: countBy(
        f.sides.cloud.filter((o) => o.failure),
        (o) => o.failure!,
      ),
      settleRetried: f.sides.cloud.filter((o) => o.settleAttempts > 0).length,
      settleAttemptsMax: Math.max(0, ...f.sides.cloud.map((o) => o.settleAttempts)),
      ...money,
      insurance: insurance(f),
      withholding: withholding(f),
      hisItems: f.sides.his.counts,
      deliveries: { ...d, notifyAnswer: undefined },
    },
    reconciliation: f.reconciled.map((r) => ({
      date: r.date,
      ok: r.ok,
      counts: r.counts,
      fixes: r.fixes.length,
      issues: r.issues.slice(0, 10),
      error: r.error,
    })),
    flow: {
      listUnpaid: latency(flows.filter((x) => x.ms.listUnpaid > 0).map((x) => x.ms.listUnpaid)),
      createOrder: latency(flows.filter((x) => x.ms.createOrder > 0).map((x) => x.ms.createOrder)),
      createOrderInsurance: latency(flows.filter((x) => x.mode === 'insurance').map((x) => x.ms.createOrder)),
      pay: latency(flows.filter((x) => x.ms.pay > 0).map((x) => x.ms.pay)),
      errors: flowErrors.slice(0, 5).map((x) => `${x.order.index} ${x.order.kind}: ${x.error}`),
      doubleTapSamples: flows
        .filter((x) => x.doubleTap && x.doubleTap !== 'sameOrder')
        .slice(0, 5)
        .map((x) => `${x.orderId} ${x.order.kind}: ${x.doubleTap}${x.secondOrderId ? ` and ${x.secondOrderId}` : ''}`),
    },
    durations: {
      ...f.durations,
      paymentDueRuns: f.drained.paymentDueRuns,
      drainTimedOut: f.drained.timedOut,
    },
    drain: { openAtStart: f.drained.openAtStart, openAtEnd: f.drained.openAtEnd },
    problems,
    evidence,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', node: process.version },
    passed,
  };
}

export type Result = ReturnType<typeof buildResult>;

/** Appends the run as one JSON line: the result document with `commit` after `at`. */
export function appendResult(file: string, result: Result, commit: string | null): void {
  const { bench, at, ...rest } = result;
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify({ bench, at, commit, ...rest })}\n`);
}
