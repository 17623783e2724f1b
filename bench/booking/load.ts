/**
 * The load: the untimed warm-up of both paths, the timed echo phases (the devstack's own floor) and
 * the timed booking burst with the HIS faults (if any) on for `booking.confirm`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench } from './api';
import type { Envelope } from './http';
import { startMeter } from './meter';
import { outcomeStats, phaseStats, type BookingStats, type EchoStats } from './report';
import type { Patient, Patients, Plan, Release } from './setup';
import { log, pool } from './util';

export interface BookCall {
  patient: Patient;
  time: string;
  key: string;
  env?: Envelope;
  ms?: number;
}

/** The sandbox faults of `--his-fail-rate` / `--his-delay-ms` / `--his-lost-rate`; null: none. */
export type Faults = { failRate: number; applyThenFail: boolean; delayMs: number; methods: string[] } | null;

export function hisFaults(b: Bench): Faults {
  const p = b.params;
  return p.hisFailRate > 0 || p.hisDelayMs > 0 || p.hisLostRate > 0
    ? {
        failRate: p.hisFailRate || p.hisLostRate,
        applyThenFail: p.hisLostRate > 0,
        delayMs: p.hisDelayMs,
        methods: ['booking.confirm'],
      }
    : null;
}

/** Turns the HIS sandbox's faults on (`faults`) or off (`{}`). */
export async function setFaults(b: Bench, faults: Faults | Record<string, never>): Promise<void> {
  await b.hisData(b.http.post(b.his('/sandbox/faults'), faults));
}

/**
 * The booking warm-up: WP patients book once in each warm-up session (the rules allow one per
 * department per day), half of the calls successfully.
 */
async function warmUpBooking(b: Bench, patients: Patients, release: Release): Promise<void> {
  const N = b.params.patients;
  const WP = patients.warmupCount;
  const warmAnswers: Record<string, number> = {};
  for (const [round, w] of release.warmups.entries()) {
    await pool(WP, b.params.concurrency, async (j) => {
      // Each round starts at the other half of the patients, so a patient succeeds in about
      // every second round (the rules allow at most 5 active bookings).
      const i = (j + (round % 2) * Math.floor(WP / 2)) % WP;
      const p = patients.all[N + i]!;
      const { env } = await b.call('booking', p.openid, {
        action: 'book',
        cardId: p.cardId,
        sessionId: w.sessionId,
        time: w.timePoints[i % w.timePoints.length]!.time,
        idempotencyKey: `w-${b.runId}-${round}-${i}`,
      });
      const k = env.ok ? 'ok' : String(env.error?.code);
      warmAnswers[k] = (warmAnswers[k] ?? 0) + 1;
    });
  }
  if (b.params.warmup > 0)
    log(
      `warm-up: ${WP * release.warmups.length} book calls on ${release.warmups.length} sessions: ${JSON.stringify(warmAnswers)}`,
    );
}

/** Untimed warm-up: schedule reads, the booking path, then the echo (each right before it is timed). */
export async function warmUp(b: Bench, patients: Patients, release: Release, plan: Plan): Promise<void> {
  const { patients: N, concurrency: C, warmup: W } = b.params;
  await pool(50, 10, async (i) => {
    await b.call('booking', patients.all[i % N]!.openid, { action: 'schedule', deptCode: release.deptCode });
  });
  await warmUpBooking(b, patients, release);
  await pool(W, C, async (i) => {
    const p = patients.all[i % N]!;
    // The timed phase's event shape. Last, so the echo is as warm as the booking path when timed.
    await b.call('echo', p.openid, {
      action: 'book',
      cardId: p.cardId,
      sessionId: release.sessionId,
      time: plan.timeFor(i % N),
      idempotencyKey: `echo-warm-${b.runId}-${i}`,
    });
  });
}

/** A timed echo phase (`echo` before the burst, `echoAfter` after it): N calls at concurrency C. */
export async function echoPhase(
  b: Bench,
  tag: 'echo' | 'echoAfter',
  patients: Patients,
  release: Release,
  plan: Plan,
): Promise<EchoStats> {
  const { patients: N, concurrency: C, profileDir } = b.params;
  const echoLat: number[] = [];
  let errors = 0;
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    b.child.profileStart();
  }
  const meter = await startMeter(b);
  await pool(N, C, async (i) => {
    const p = patients.all[i]!;
    const ev = {
      action: 'book',
      cardId: p.cardId,
      sessionId: release.sessionId,
      time: plan.timeFor(i),
      idempotencyKey: `${tag}-${b.runId}-${i}`,
    };
    const { env, ms } = await b.call('echo', p.openid, ev);
    if (!env.ok || (env.data as { idempotencyKey?: string } | undefined)?.idempotencyKey !== ev.idempotencyKey)
      errors++;
    echoLat.push(ms);
  });
  // hisCpuMsPerCall: the echo never calls the HIS, so anything there is other work meanwhile.
  const { wallMs, ...cpu } = await meter(N);
  const stats = { ...phaseStats(echoLat, wallMs), errors, ...cpu };
  if (profileDir) await b.child.profileStop(join(profileDir, `${tag}.cpuprofile`));
  log(`${tag}: ${stats.throughputPerSec}/s p50 ${stats.p50Ms} ms p99 ${stats.p99Ms} ms`);
  return stats;
}

/** The timed burst: N `book` calls at concurrency C, one unique idempotency key per patient. */
export async function bookingBurst(
  b: Bench,
  patients: Patients,
  release: Release,
  plan: Plan,
): Promise<{ calls: BookCall[]; booking: BookingStats }> {
  const { patients: N, concurrency: C, profileDir } = b.params;
  const calls: BookCall[] = Array.from({ length: N }, (_, i) => ({
    patient: patients.all[i]!,
    time: plan.timeFor(i),
    key: `k-${b.runId}-${i}`,
  }));
  const bookLat: number[] = [];
  if (profileDir) b.child.profileStart();
  const meter = await startMeter(b);
  await pool(N, C, async (i) => {
    const c = calls[i]!;
    const { env, ms } = await b.call('booking', c.patient.openid, {
      action: 'book',
      cardId: c.patient.cardId,
      sessionId: release.sessionId,
      time: c.time,
      idempotencyKey: c.key,
    });
    c.env = env;
    c.ms = ms;
    bookLat.push(ms);
  });
  const { wallMs, ...cpu } = await meter(N);
  if (profileDir) await b.child.profileStop(join(profileDir, 'booking.cpuprofile'));
  const booking = { ...phaseStats(bookLat, wallMs), ...cpu, ...outcomeStats(calls, wallMs) };
  log(
    `booking: ${booking.throughputPerSec}/s p50 ${booking.p50Ms} ms p99 ${booking.p99Ms} ms cpu ${booking.childCpuMsPerCall} ms/call ${JSON.stringify(booking.outcomes)}`,
  );
  return { calls, booking };
}
