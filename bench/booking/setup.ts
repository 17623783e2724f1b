/**
 * Setup (untimed): bind the patients, stage the release in the HIS sandbox (the burst's session and
 * the warm-up's), mirror it with `syncSchedule`, and plan which time point each patient asks for.
 */
import { freshPerson } from '../../devstack/seed/identities';
import type { Bench } from './api';
import type { Params } from './params';
import { log, pool } from './util';

/** Sessions (departments) the booking warm-up books in, each patient once per session. */
export const WARMUP_ROUNDS = 8;

export interface Patient {
  openid: string;
  cardId: string;
}

export interface Patients {
  /** N burst patients, then WP warm-up patients. */
  all: Patient[];
  /** Warm-up patients: each books once in each of the WARMUP_ROUNDS warm-up sessions. */
  warmupCount: number;
  bindMs: number;
  bindFailures: number;
}

export interface TimePoint {
  time: string;
  seats: number;
}

export interface Release {
  deptCode: string;
  sessionId: string;
  tps: TimePoint[];
  /** The warm-up's sessions, in other departments (the burst's patients, seats and rules untouched). */
  warmups: { sessionId: string; timePoints: { time: string }[] }[];
}

/** Which time point each burst patient asks for, and how many seats that fills at most. */
export interface Plan {
  timeFor(i: number): string;
  demand: Map<string, number>;
  expectedConfirmed: number;
}

/** Binds patient `i` (one OPENID, one 本人 card; up to 5 fresh identities); false if all failed. */
async function bindOne(b: Bench, i: number, usedIds: Set<string>, p: Patients): Promise<boolean> {
  const openid = `obench${b.runId}${String(i).padStart(6, '0')}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    let person = freshPerson();
    while (usedIds.has(person.idNumber)) person = freshPerson();
    usedIds.add(person.idNumber);
    const { env } = await b.call('patient', openid, {
      action: 'bind',
      name: person.name,
      idNumber: person.idNumber,
      phone: person.phone,
      relation: '本人',
    });
    if (env.ok && typeof env.data?.id === 'string') {
      p.all[i] = { openid, cardId: env.data.id };
      return true;
    }
    p.bindFailures++;
    if (p.bindFailures <= 5)
      log(`bind failed (${env.error?.code}: ${env.error?.message}), retrying with another identity`);
  }
  return false;
}

/** Binds N patients for the burst and ⌈W / WARMUP_ROUNDS⌉ for the booking warm-up, concurrently. */
export async function bindPatients(b: Bench): Promise<Patients> {
  const { patients: N, warmup: W, setupConcurrency } = b.params;
  const started = performance.now();
  const WP = Math.ceil(W / WARMUP_ROUNDS);
  const p: Patients = { all: new Array<Patient>(N + WP), warmupCount: WP, bindMs: 0, bindFailures: 0 };
  const usedIds = new Set<string>();
  await pool(N + WP, setupConcurrency, async (i) => {
    if (!(await bindOne(b, i, usedIds, p))) throw new Error(`could not bind patient ${i}`);
  });
  p.bindMs = performance.now() - started;
  log(`bound ${N + WP} patients in ${(p.bindMs / 1000).toFixed(1)} s (${p.bindFailures} retried binds)`);
  return p;
}

type StagedSession = { sessionId: string; timePoints: { time: string; seatNos: number[] }[] };

async function stageSession(b: Bench, deptCode: string, seats: number): Promise<StagedSession> {
  const staged = await b.hisData<{ session: StagedSession; startsAt: string }>(
    b.http.post(b.his('/sandbox/stage-session'), { deptCode, kind: 'specialist', seats }),
  );
  return staged.session;
}

/** The cloud mirror must show the staged session with all S seats after `syncSchedule`. */
async function checkMirror(b: Bench, openid: string, deptCode: string, sessionId: string): Promise<void> {
  const S = b.params.seats;
  const schedule = await b.call('booking', openid, { action: 'schedule', deptCode });
  const mirrored = (
    schedule.env.data?.sessions as { sessionId: string; seatsRemaining: number; closedReason: unknown }[] | undefined
  )?.find((s) => s.sessionId === sessionId);
  if (!mirrored)
    throw new Error(
      `session ${sessionId} not in the cloud mirror after syncSchedule: ${JSON.stringify(schedule.env).slice(0, 300)}`,
    );
  if (mirrored.seatsRemaining !== S)
    throw new Error(`mirror says ${mirrored.seatsRemaining} seats remaining, staged ${S}`);
}

/**
 * Stages the warm-up's sessions (WARMUP_ROUNDS other departments, seats for half of the warm-up
 * patients each) and the burst's session of S seats released now, then fires `syncSchedule`.
 */
export async function stageRelease(b: Bench, patients: Patients): Promise<Release> {
  const { seats: S, warmup: W } = b.params;
  const WP = patients.warmupCount;
  const depts = (await b.hisData<{ items: { code: string }[] }>(b.http.get(b.his('/sandbox/departments')))).items;
  const deptCode = b.params.deptCode ?? depts[0]!.code;
  const warmupDepts = depts.filter((d) => d.code !== deptCode).slice(0, WARMUP_ROUNDS);
  if (W > 0 && warmupDepts.length < WARMUP_ROUNDS)
    throw new Error(`the warm-up needs ${WARMUP_ROUNDS + 1} departments, the HIS has ${depts.length}`);
  const warmups: Release['warmups'] = [];
  for (const d of W > 0 ? warmupDepts : []) warmups.push(await stageSession(b, d.code, Math.max(1, Math.ceil(WP / 2))));
  const staged = await stageSession(b, deptCode, S);
  const sessionId = staged.sessionId;
  const tps = staged.timePoints.map((t) => ({ time: t.time, seats: t.seatNos.length }));
  log(
    `staged ${sessionId}: ${S} seats in ${tps.length} time points (${tps.map((t) => `${t.time}×${t.seats}`).join(', ')})`,
  );
  const sync = await b.timer('syncSchedule');
  if (!sync.ok) throw new Error(`syncSchedule failed: ${JSON.stringify(sync)}`);
  await checkMirror(b, patients.all[0]!.openid, deptCode, sessionId);
  return { deptCode, sessionId, tps, warmups };
}

/**
 * `first-heavy` (default): 2 of every 5 patients want the first time point, the others round-robin
 * over the rest (every time point over-demanded when N ≫ S); `round-robin`: all round-robin.
 */
export function planDemand(params: Params, tps: TimePoint[]): Plan {
  const timeFor = (i: number): string => {
    if (params.pick === 'round-robin' || tps.length === 1) return tps[i % tps.length]!.time;
    return i % 5 < 2 ? tps[0]!.time : tps[1 + ((Math.floor(i / 5) * 3 + (i % 5) - 2) % (tps.length - 1))]!.time;
  };
  const demand = new Map<string, number>();
  for (let i = 0; i < params.patients; i++) demand.set(timeFor(i), (demand.get(timeFor(i)) ?? 0) + 1);
  const expectedConfirmed = tps.reduce((n, t) => n + Math.min(t.seats, demand.get(t.time) ?? 0), 0);
  return { timeFor, demand, expectedConfirmed };
}
