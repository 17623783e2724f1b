/**
 * Stats of the timed phases, the result document (printed on stdout), and the results file it is
 * appended to (one JSON line per run, with the commit measured).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import type { Bench } from './api';
import { classify, OUTCOMES, type Outcome } from './classify';
import type { Envelope } from './http';
import type { PhaseCpu } from './meter';
import type { Release, Plan } from './setup';
import type { Verdict } from './verify';
import { r1, REPO, round3 } from './util';

export interface PhaseStats {
  n: number;
  wallMs: number;
  throughputPerSec: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export type EchoStats = PhaseStats & { errors: number } & PhaseCpu;

export type BookingStats = PhaseStats &
  PhaseCpu & {
    outcomes: Record<Outcome, number>;
    latencyByOutcome: Record<string, { n: number; p50Ms: number; p99Ms: number }>;
    otherSamples: string[];
  };

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx]!;
}

export function phaseStats(latencies: number[], wallMs: number): PhaseStats {
  const s = [...latencies].sort((a, b) => a - b);
  return {
    n: s.length,
    wallMs: Math.round(wallMs),
    throughputPerSec: r1((s.length * 1000) / wallMs),
    p50Ms: r1(quantile(s, 0.5)),
    p90Ms: r1(quantile(s, 0.9)),
    p99Ms: r1(quantile(s, 0.99)),
    maxMs: r1(s[s.length - 1] ?? 0),
  };
}

/** The burst's answers by kind, the latency of each kind (the tail is usually one kind), samples of `other`. */
export function outcomeStats(
  calls: { env?: Envelope; ms?: number }[],
  wallMs: number,
): Pick<BookingStats, 'outcomes' | 'latencyByOutcome' | 'otherSamples'> {
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  const otherSamples: string[] = [];
  for (const c of calls) {
    const o = classify(c.env!);
    outcomes[o]++;
    if (o === 'other' && otherSamples.length < 5) otherSamples.push(`${c.env!.error?.code}: ${c.env!.error?.message}`);
  }
  const latencyByOutcome: BookingStats['latencyByOutcome'] = {};
  for (const o of OUTCOMES) {
    const l = calls.filter((c) => classify(c.env!) === o).map((c) => c.ms!);
    if (l.length === 0) continue;
    const st = phaseStats(l, wallMs);
    latencyByOutcome[o] = { n: st.n, p50Ms: st.p50Ms, p99Ms: st.p99Ms };
  }
  return { outcomes, latencyByOutcome, otherSamples };
}

export interface RunFigures {
  release: Release;
  plan: Plan;
  setup: { bindMs: number; bindRetries: number; settleMs: number; reconcileRuns: number };
  echo: EchoStats;
  booking: BookingStats;
  echoAfter: EchoStats;
  verdict: Verdict;
}

/** The ratios: booking throughput against the echo around the burst (and each side), and by CPU. */
function ratios(f: RunFigures, N: number) {
  const { echo, booking, echoAfter } = f;
  // The echo's throughput around the burst: its 2N calls before and after it over their time.
  const echoAroundPerSec = r1((2 * N * 1000) / (echo.wallMs + echoAfter.wallMs));
  return {
    echoAroundPerSec,
    ratio: round3(booking.throughputPerSec / echoAroundPerSec),
    ratioEchoBefore: round3(booking.throughputPerSec / echo.throughputPerSec),
    ratioEchoAfter: round3(booking.throughputPerSec / echoAfter.throughputPerSec),
    // Echo CPU / booking CPU per call in the devstack child: the throughput ratio the devstack
    // would show if nothing else competed for the machine (less noisy than the wall-clock ratio).
    cpuRatio:
      booking.childCpuMsPerCall > 0
        ? round3((echo.childCpuMsPerCall + echoAfter.childCpuMsPerCall) / 2 / booking.childCpuMsPerCall)
        : null,
  };
}

/** The result document of a run (what stdout and the results file carry). */
export function buildResult(b: Bench, f: RunFigures) {
  const p = b.params;
  const { demand } = f.plan;
  const r = ratios(f, p.patients);
  return {
    bench: 'booking-burst',
    at: new Date().toISOString(),
    params: {
      seats: p.seats,
      patients: p.patients,
      concurrency: p.concurrency,
      hisFailRate: p.hisFailRate,
      hisDelayMs: p.hisDelayMs,
      hisLostRate: p.hisLostRate,
      pick: p.pick,
      replays: p.replays,
      instances: p.instances,
      hisInProcess: p.hisInProcess,
      warmup: p.warmup,
    },
    session: {
      sessionId: f.release.sessionId,
      timePoints: f.release.tps.map((t) => ({ ...t, demand: demand.get(t.time) ?? 0 })),
    },
    setup: f.setup,
    echo: f.echo,
    booking: f.booking,
    echoAfter: f.echoAfter,
    ...r,
    invariants: f.verdict.invariants,
    problems: f.verdict.problems,
    targets: { ratioAtLeastHalf: r.ratio >= 0.5, bookingP99Under250Ms: f.booking.p99Ms < 250 },
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', node: process.version },
    passed: f.verdict.holds && f.echo.errors === 0 && f.echoAfter.errors === 0,
  };
}

export type Result = ReturnType<typeof buildResult>;

/**
 * The commit measured: short HEAD, `+wip` when tracked files differ from it (bench/results aside);
 * null outside a git checkout.
 */
export function treeCommit(): string | null {
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const sha = git('rev-parse', '--short=7', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench/results') !== '';
    return dirty ? `${sha}+wip` : sha;
  } catch {
    return null;
  }
}

/** Appends the run as one JSON line: the result document with `commit` after `at`. */
export function appendResult(file: string, result: Result, commit: string | null): void {
  const { bench, at, ...rest } = result;
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify({ bench, at, commit, ...rest })}\n`);
}
