/**
 * bench/booking-burst — the slot-release burst of docs/design.md ("Slot release burst"), issue #3.
 *
 *   npx tsx bench/booking-burst.ts --seats 500 --patients 5000 --concurrency 200 [--his-fail-rate 0.1]
 *
 * On a devstack started as a child process (bench/devstack-child.ts, fresh state in a temp dir):
 *   setup    bind N patients (one OPENID and one card each, concurrently; not timed), stage one session
 *            of S seats released now (HIS sandbox), fire the `syncSchedule` timer, warm up
 *   echo     N calls of a trivial `echo` function (lives only in the bench's temp functions dir) at
 *            concurrency C — the devstack's own floor
 *   booking  N `book` calls at concurrency C, one unique idempotency key per patient (timed), HIS
 *            faults (if any) active for booking.confirm during this phase only
 *   echo     N `echo` calls again: the ratio compares the booking with the echo around it
 *   settle   faults cleared; `reconcile` fired until no booking is `pending` (bounded)
 *   verify   against the HIS (/sandbox/bookings) and the cloud DB (devstack API): no overbooking, no
 *            lost booking (booked on one side only), no duplicates, all seats filled (fault-free);
 *            a sample of the book requests is re-sent with the same keys: same answers, no new bookings
 *
 * Prints one JSON document on stdout (progress on stderr) and appends it as one line to
 * bench/results/booking-burst.jsonl (`--results FILE` elsewhere, `--no-append` not at all); exits 1
 * when an invariant fails. The phases live in bench/booking/ (setup, load, verify, report).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Bench } from './booking/api';
import { bookingBurst, echoPhase, hisFaults, setFaults, warmUp } from './booking/load';
import { parseParams, type Params } from './booking/params';
import { prepareFunctionsDir, startDevstackChild, startHisChild } from './booking/processes';
import { appendResult, buildResult, treeCommit, type Result } from './booking/report';
import { bindPatients, planDemand, stageRelease } from './booking/setup';
import { log } from './booking/util';
import { settle, verify } from './booking/verify';

export { parseParams, type Params };

/** Setup, the timed phases, settle and verify on a running devstack; the result document. */
async function run(b: Bench): Promise<Result> {
  const patients = await bindPatients(b);
  const release = await stageRelease(b, patients);
  const plan = planDemand(b.params, release.tps);
  await warmUp(b, patients, release, plan);

  const echo = await echoPhase(b, 'echo', patients, release, plan);
  const faults = hisFaults(b);
  if (faults) await setFaults(b, faults);
  const { calls, booking } = await bookingBurst(b, patients, release, plan);
  // The machine's speed drifts (a VM: the same calls cost tens of per cent more or less CPU from
  // one phase to the next, see docs/perf/booking-burst-history.md); an echo phase on each side of
  // the burst makes the ratio compare like with like.
  const echoAfter = await echoPhase(b, 'echoAfter', patients, release, plan);

  const settled = await settle(b, release.sessionId, faults);
  const verdict = await verify(b, { calls, release, plan, settled, faults });
  const setup = {
    bindMs: Math.round(patients.bindMs),
    bindRetries: patients.bindFailures,
    settleMs: settled.settleMs,
    reconcileRuns: settled.reconcileRuns,
  };
  return buildResult(b, { release, plan, setup, echo, booking, echoAfter, verdict });
}

/** Starts the HIS and the devstack child in `root`, runs, prints and records the result; the exit code. */
async function runInStack(params: Params, root: string, commit: string | null): Promise<number> {
  const functionsDir = prepareFunctionsDir(root);
  mkdirSync(join(root, 'state'), { recursive: true });
  const hisChild = params.hisInProcess ? null : await startHisChild(root, params.hisNodeFlags);
  const child = await startDevstackChild(
    root,
    functionsDir,
    params.childNodeFlags,
    hisChild?.url ?? null,
    params.instances,
  ).catch(async (err: unknown) => {
    await hisChild?.stop();
    throw err;
  });
  const b = connect(params, child, hisChild);
  try {
    const result = await run(b);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (params.append) {
      appendResult(params.resultsFile, result, commit);
      log(`appended to ${params.resultsFile} (commit ${commit ?? 'unknown'})`);
    }
    return result.passed ? 0 : 1;
  } finally {
    b.http.close();
    await child.stop();
    await hisChild?.stop();
  }
}

async function main(): Promise<void> {
  const params = parseParams(process.argv.slice(2));
  const commit = treeCommit();
  const root = mkdtempSync(join(tmpdir(), 'booking-burst-'));
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
