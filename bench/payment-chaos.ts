/**
 * bench/payment-chaos — 门诊缴费 under chaos: is the money right afterwards?
 *
 *   npx tsx bench/payment-chaos.ts --orders 200 [--concurrency 16] [--his-fail-rate 0.1] [--tamper-rate 0.05]
 *                                  [--max-deliveries 10] [--no-append]
 *
 * On a devstack started as a child process (bench/devstack-child.ts, fresh state in a temp dir; the
 * HIS sandbox in its own process, the pay sandbox inside the devstack):
 *   setup   bind ⌈N / 4⌉ patients through `patient.bind` (60 % insured), find their HIS ids, grant the
 *           payment subscription consents, create the HIS charges of each planned order (not timed)
 *   chaos   HIS `fee.settle` failing (--his-fail-rate), notification deliveries tampered with
 *           (--tamper-rate); N payments of mixed kinds through the real flow (listUnpaid →
 *           createOrder, orderLabTests, or createOrder with a 医保 authCode → the payer pays at the
 *           pay sandbox, which delivers the signed notifications to /http/payNotify), interleaved
 *           at random with extra deliveries of each notification (1..--max-deliveries in total per
 *           order and notification, `notify?times=k`; 医保: MEDICAL_INSURANCE.SUCCESS too)
 *   drain   faults cleared, `paymentDue` fired until no order is paid/created/paying/refunding
 *           (bounded), the day's bill made available and `reconcileDaily` run
 *   verify  the pay sandbox (orders, mixed orders, refunds, 医保 refunds, delivery logs), the HIS
 *           (settlements, items, 医保 orders, its invariants) and the cloud DB (payment_orders):
 *           nothing paid twice, refunded twice or lost, nothing left unsettled, no tampered
 *           delivery accepted, money in (cash + 医保) = settled + refunded (cash + 医保)
 *
 * Prints one JSON document on stdout (progress on stderr) and appends it as one line to
 * bench/results/payment-chaos.jsonl (`--results FILE` elsewhere, `--no-append` not at all); exits 1
 * when an invariant fails. The phases live in bench/payment/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareFunctionsDir, startDevstackChild, startHisChild } from './booking/processes';
import { treeCommit } from './booking/report';
import { log } from './booking/util';
import { connect, type PayBench } from './payment/api';
import { runChaos } from './payment/chaos';
import { cloudOrders, drain, reconcile } from './payment/drain';
import { parseParams, type Params } from './payment/params';
import { appendResult, buildResult, type Result } from './payment/report';
import { setUp } from './payment/setup';
import { readSides } from './payment/sides';
import { verify } from './payment/verify';

export { parseParams, type Params };

const since = (t: number): number => Math.round(performance.now() - t);

async function run(b: PayBench): Promise<Result> {
  const t0 = performance.now();
  const setup = await setUp(b);
  const chaosStartedAt = Date.now();
  const chaos = await runChaos(b, setup.orders);
  const chaosEndedAt = Date.now();
  const drained = await drain(b);
  let t = performance.now();
  // The payments fell between these instants: their Shanghai dates (usually today) are reconciled.
  const reconciled = await reconcile(b, [chaosStartedAt, chaosEndedAt]);
  const reconcileMs = since(t);
  t = performance.now();
  // After the reconciliation (its fixes, if any, changed orders): the three sides as they are now.
  const benchIds = chaos.pays.flatMap((p) => [p.orderId, p.secondOrderId]).filter((id): id is string => !!id);
  const mixed = new Map(chaos.pays.flatMap((p) => (p.orderId && p.mixTradeNo ? [[p.orderId, p.mixTradeNo]] : [])));
  const insuredPatients = setup.patients.filter((p) => p.insured).map((p) => p.hisPatientId);
  const sides = await readSides(b, await cloudOrders(b), { ids: benchIds, mixed, insuredPatients });
  // 代扣 orders are the cloud's (one per charges.ready): each deduction that went through is one payment.
  const deducted = [...sides.wh.values()].filter((d) => d.deduction.trade_state === 'SUCCESS').length;
  const verdict = verify(sides, benchIds.length + deducted);
  const durations = {
    bindMs: Math.round(setup.bindMs),
    chargeMs: Math.round(setup.chargeMs),
    chaosMs: Math.round(chaos.wallMs),
    drainMs: drained.drainMs,
    reconcileMs,
    verifyMs: since(t),
    totalMs: since(t0),
  };
  return buildResult({ params: b.params, setup, chaos, drained, reconciled, sides, verdict, durations });
}

/** A free local port (the devstack child's, chosen first so that the HIS can be told where events go). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts the HIS and the devstack child in `root`, runs, prints and records the result; the exit
 * code. The HIS delivers its events (charges.ready: the 代扣 deductions) to the child's /http/hisEvents.
 */
async function runInStack(params: Params, root: string, commit: string | null): Promise<number> {
  const functionsDir = prepareFunctionsDir(root);
  mkdirSync(join(root, 'state'), { recursive: true });
  const port = await freePort();
  const hisChild = await startHisChild(root, [], { HIS_EVENTS_URL: `http://127.0.0.1:${port}/http/hisEvents` });
  const child = await startDevstackChild(root, functionsDir, [], hisChild.url, params.instances, port).catch(
    async (err: unknown) => {
      await hisChild.stop();
      throw err;
    },
  );
  const b = connect(params, child, hisChild);
  try {
    const result = await run(b);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (params.append) {
      appendResult(params.resultsFile, result, commit);
      log(`appended to ${params.resultsFile} (commit ${commit ?? 'unknown'})`);
    }
    if (!result.passed) log(`FAILED: ${result.problems.slice(0, 5).join(' | ')}`);
    return result.passed ? 0 : 1;
  } finally {
    b.http.close();
    await child.stop();
    await hisChild.stop();
  }
}

async function main(): Promise<void> {
  const params = parseParams(process.argv.slice(2));
  const commit = treeCommit();
  const root = mkdtempSync(join(tmpdir(), 'payment-chaos-'));
  try {
    process.exitCode = await runInStack(params, root, commit);
  } finally {
    if (!params.keepState) rmSync(root, { recursive: true, force: true });
    else log(`state kept in ${root}`);
  }
}

main().catch((err: unknown) => {
  console.error('[bench] failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
