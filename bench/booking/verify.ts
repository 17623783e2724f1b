/**
 * Settle and verify: faults off, `reconcile` until nothing is pending, then the invariants against
 * the HIS (/sandbox/bookings) and the cloud DB (devstack API) — no overbooking, no lost booking
 * (booked on one side only), no duplicates, seat accounting, all seats filled (fault-free) — and a
 * sample of the book requests re-sent with the same keys: same answers, no new bookings.
 */
import type { Bench } from './api';
import { setFaults, type BookCall, type Faults } from './load';
import type { Plan, Release } from './setup';
import { log, pool } from './util';

export interface CloudBooking {
  _id: string;
  status: string;
  sessionId: string;
  time: string;
  seatNo: number;
  cardId: string;
  hisPatientId: string;
  hisBookingId: string | null;
  confirmRequestId: string;
  _openid: string;
}

interface HisBookingItem {
  hisBookingId: string;
  source: string;
  confirmRequestId: string | null;
  sessionId: string;
  time: string;
  seatNo: number;
  patientId: string | null;
  status: string;
}

interface HisBookings {
  counts: { active: number; total: number };
  invariants: { doubleBookedSeats: number; patientsWithTwoBookings: number };
  items: HisBookingItem[];
}

export interface Settled {
  cloudBookings: CloudBooking[];
  pendingAfterBurst: number;
  settleMs: number;
  reconcileRuns: number;
}

/** Faults cleared; while a booking of the session is `pending`, waits and fires `reconcile` (≤ 120 s). */
export async function settle(b: Bench, sessionId: string, faults: Faults): Promise<Settled> {
  if (faults) await setFaults(b, {});
  const started = performance.now();
  const pending = (list: CloudBooking[]): CloudBooking[] =>
    list.filter((x) => x.sessionId === sessionId && x.status === 'pending');
  let reconcileRuns = 0;
  let cloudBookings = (await b.listCloud('bookings')) as unknown as CloudBooking[];
  const pendingAfterBurst = pending(cloudBookings).length;
  while (pending(cloudBookings).length > 0) {
    if (performance.now() - started > 120_000) break;
    // reconcile only touches bookings older than pendingResumeAfterMs (30 s): wait for them to age.
    await new Promise((r) => setTimeout(r, 5_000));
    const res = await b.timer('reconcile');
    reconcileRuns++;
    log(`reconcile: ${JSON.stringify(res.data ?? res.error)}`);
    cloudBookings = (await b.listCloud('bookings')) as unknown as CloudBooking[];
  }
  return { cloudBookings, pendingAfterBurst, settleMs: Math.round(performance.now() - started), reconcileRuns };
}

/** What went wrong, in words (the first 20). */
class Problems {
  readonly list: string[] = [];
  note(s: string): void {
    if (this.list.length < 20) this.list.push(s);
  }
}

/** How many entries repeat a key already seen. */
function repeats<T>(list: T[], key: (x: T) => unknown): number {
  const seen = new Set<unknown>();
  let dup = 0;
  for (const x of list) {
    if (seen.has(key(x))) dup++;
    seen.add(key(x));
  }
  return dup;
}

/** The session's bookings on both sides, indexed. */
interface Sides {
  his: HisBookings;
  hisActive: HisBookingItem[];
  cloudOfSession: CloudBooking[];
  cloudBooked: CloudBooking[];
}

function sidesOf(his: HisBookings, cloudBookings: CloudBooking[], sessionId: string): Sides {
  const cloudOfSession = cloudBookings.filter((x) => x.sessionId === sessionId);
  return {
    his,
    hisActive: his.items.filter((x) => x.status !== 'cancelled'),
    cloudOfSession,
    cloudBooked: cloudOfSession.filter((x) => x.status === 'booked'),
  };
}

/** Told "booked" without being booked on both sides, booked on one side only, booked but told it failed. */
function countLost(calls: BookCall[], s: Sides, problems: Problems): { lost: number; bookedButToldFailed: number } {
  const cloudById = new Map(s.cloudOfSession.map((x) => [x._id, x]));
  const hisByHisId = new Map(s.hisActive.map((x) => [x.hisBookingId, x]));
  const cloudByHisId = new Map(s.cloudBooked.filter((x) => x.hisBookingId).map((x) => [x.hisBookingId!, x]));
  let lost = 0;
  for (const c of calls) {
    if (!c.env!.ok) continue;
    const v = c.env!.data as { bookingId: string; seatNo: number; status: string };
    const cb = cloudById.get(v.bookingId);
    const hb = cb?.hisBookingId ? hisByHisId.get(cb.hisBookingId) : undefined;
    if (
      !cb ||
      cb.status !== 'booked' ||
      !hb ||
      hb.seatNo !== v.seatNo ||
      cb.seatNo !== v.seatNo ||
      hb.time !== c.time
    ) {
      lost++;
      problems.note(
        `told booked but not booked on both sides: ${v.bookingId} seat ${v.seatNo} (cloud ${cb?.status ?? 'none'}, HIS ${hb ? `seat ${hb.seatNo}` : 'none'})`,
      );
    }
  }
  for (const hb of s.hisActive) {
    const cb = cloudByHisId.get(hb.hisBookingId);
    if (hb.source !== 'gateway' || !cb || cb.seatNo !== hb.seatNo || cb.hisPatientId !== hb.patientId) {
      lost++;
      problems.note(`HIS booking without a cloud booking: ${hb.hisBookingId} seat ${hb.seatNo} (${hb.source})`);
    }
  }
  for (const cb of s.cloudBooked) {
    if (!cb.hisBookingId || !hisByHisId.has(cb.hisBookingId)) {
      lost++;
      problems.note(`cloud booking without a HIS booking: ${cb._id} seat ${cb.seatNo}`);
    }
  }
  const okIds = new Set(calls.filter((c) => c.env!.ok).map((c) => (c.env!.data as { bookingId: string }).bookingId));
  const bookedButToldFailed = s.cloudBooked.filter((x) => !okIds.has(x._id)).length;
  if (bookedButToldFailed > 0) problems.note(`${bookedButToldFailed} booked while the patient was told it failed`);
  return { lost: lost + bookedButToldFailed, bookedButToldFailed };
}

/** The cloud mirror's seats: counter + booked = seats, and no seat held by a non-booking. */
async function seatAccounting(b: Bench, sessionId: string, s: Sides, problems: Problems) {
  const S = b.params.seats;
  const ofSession = (d: Record<string, unknown>): boolean => String(d._id).startsWith(`${sessionId}_`);
  const tpDocs = (await b.listCloud('booking_timepoints')).filter(ofSession);
  const remaining = tpDocs.reduce((n, d) => n + Number(d.remaining ?? 0), 0);
  const seatDocs = (await b.listCloud('booking_seats')).filter(ofSession);
  const bookedIds = new Set(s.cloudBooked.map((x) => x._id));
  const seatsHeldByNonBooked = seatDocs.filter((d) => d.holder !== null && !bookedIds.has(String(d.holder))).length;
  const leakedSeats = S - s.cloudBooked.length - remaining;
  if (leakedSeats !== 0)
    problems.note(`seat counter: ${S} seats − ${s.cloudBooked.length} booked ≠ ${remaining} remaining`);
  if (seatsHeldByNonBooked !== 0) problems.note(`${seatsHeldByNonBooked} seats held by a booking that is not booked`);
  return { leakedSeats, seatsHeldByNonBooked };
}

/** Whether a replay's answer is the first answer: the same booking and seat, or the same error code. */
function sameAnswer(a: NonNullable<BookCall['env']>, env: NonNullable<BookCall['env']>): boolean {
  if (!a.ok) return !env.ok && env.error?.code === a.error?.code;
  const first = a.data as { bookingId: string; seatNo: number };
  const again = env.data as { bookingId: string; seatNo: number; status: string } | undefined;
  return env.ok && again!.bookingId === first.bookingId && again!.seatNo === first.seatNo && again!.status === 'booked';
}

/** Re-sends a sample (ok answers first, then refusals) with the same keys: identical answers, no new HIS booking. */
async function checkReplays(b: Bench, calls: BookCall[], sessionId: string, s: Sides, problems: Problems) {
  const { replays, concurrency: C } = b.params;
  const sample = [
    ...calls.filter((c) => c.env!.ok).slice(0, Math.ceil(replays / 2)),
    ...calls.filter((c) => !c.env!.ok),
  ].slice(0, replays);
  let identical = 0;
  const diffs: string[] = [];
  await pool(sample.length, Math.min(C, 50), async (i) => {
    const c = sample[i]!;
    const { env } = await b.call('booking', c.patient.openid, {
      action: 'book',
      cardId: c.patient.cardId,
      sessionId,
      time: c.time,
      idempotencyKey: c.key,
    });
    if (sameAnswer(c.env!, env)) identical++;
    else if (diffs.length < 5)
      diffs.push(`${JSON.stringify(c.env!).slice(0, 120)} → ${JSON.stringify(env).slice(0, 120)}`);
  });
  const after = await b.hisData<{ counts: { active: number; total: number } }>(
    b.http.get(b.his(`/sandbox/bookings?sessionId=${encodeURIComponent(sessionId)}&limit=1`)),
  );
  const newHisBookings = after.counts.total - s.his.counts.total + (after.counts.active - s.hisActive.length);
  const ok = identical === sample.length && newHisBookings === 0;
  if (!ok)
    problems.note(
      `idempotency: ${identical}/${sample.length} replays identical, ${newHisBookings} new HIS bookings; ${diffs.join(' | ')}`,
    );
  return { idempotentReplays: { sent: sample.length, identical, newHisBookings }, ok };
}

export interface Verdict {
  invariants: {
    minSeatsPatients: number;
    expectedConfirmed: number;
    confirmedCloud: number;
    okAnswers: number;
    activeHis: number;
    overbooked: number;
    lost: number;
    duplicates: number;
    bookedButToldFailed: number;
    leakedSeats: number;
    seatsHeldByNonBooked: number;
    pendingAfterBurst: number;
    pendingLeft: number;
    allSeatsFilled: boolean;
    hisDoubleBookedSeats: number;
    hisPatientsWithTwoBookings: number;
    idempotentReplays: { sent: number; identical: number; newHisBookings: number };
  };
  problems: string[];
  /** Every invariant holds (all seats filled and as many ok answers as expected: without faults only). */
  holds: boolean;
}

export interface VerifyInput {
  calls: BookCall[];
  release: Release;
  plan: Plan;
  settled: Settled;
  faults: Faults;
}

/** Overbooked: a seat twice (HIS or cloud), more active bookings than seats. Duplicates: a card twice. */
function overAndDuplicates(S: number, s: Sides, problems: Problems) {
  const { doubleBookedSeats, patientsWithTwoBookings } = s.his.invariants;
  const overbooked =
    doubleBookedSeats +
    repeats(s.cloudBooked, (x) => x.seatNo) +
    Math.max(0, s.hisActive.length - S) +
    Math.max(0, s.cloudBooked.length - S);
  if (overbooked > 0)
    problems.note(`overbooked: HIS doubleBookedSeats ${doubleBookedSeats}, active ${s.hisActive.length}/${S}`);
  const cardDup = repeats(s.cloudBooked, (x) => x.cardId);
  const duplicates = patientsWithTwoBookings + cardDup;
  if (duplicates > 0) problems.note(`duplicates: HIS ${patientsWithTwoBookings}, cloud ${cardDup}`);
  return { overbooked, duplicates };
}

/** Every invariant holds; all seats filled and as many ok answers as expected are required without faults. */
function allHold(inv: Verdict['invariants'], replaysOk: boolean, faults: Faults): boolean {
  return (
    inv.overbooked === 0 &&
    inv.lost === 0 &&
    inv.duplicates === 0 &&
    inv.leakedSeats === 0 &&
    inv.seatsHeldByNonBooked === 0 &&
    inv.pendingLeft === 0 &&
    replaysOk &&
    (faults !== null || (inv.allSeatsFilled && inv.okAnswers === inv.expectedConfirmed))
  );
}

export async function verify(b: Bench, input: VerifyInput): Promise<Verdict> {
  const { seats: S, patients: N } = b.params;
  const { calls, release, plan, settled, faults } = input;
  const { sessionId } = release;
  const his = await b.hisData<HisBookings>(
    b.http.get(b.his(`/sandbox/bookings?sessionId=${encodeURIComponent(sessionId)}&limit=10000`)),
  );
  const s = sidesOf(his, settled.cloudBookings, sessionId);
  const problems = new Problems();
  const { overbooked, duplicates } = overAndDuplicates(S, s, problems);
  const { lost, bookedButToldFailed } = countLost(calls, s, problems);
  const { leakedSeats, seatsHeldByNonBooked } = await seatAccounting(b, sessionId, s, problems);
  const pendingLeft = s.cloudOfSession.filter((x) => x.status === 'pending').length;
  if (pendingLeft > 0) problems.note(`${pendingLeft} bookings still pending after settle`);
  const replays = await checkReplays(b, calls, sessionId, s, problems);
  const { expectedConfirmed } = plan;
  const okAnswers = calls.filter((c) => c.env!.ok).length;
  const confirmedCloud = s.cloudBooked.length;
  const allSeatsFilled = confirmedCloud === expectedConfirmed;
  if (!faults && !allSeatsFilled) problems.note(`confirmed ${confirmedCloud} ≠ expected ${expectedConfirmed}`);
  if (!faults && okAnswers !== expectedConfirmed)
    problems.note(`ok answers ${okAnswers} ≠ expected ${expectedConfirmed}`);
  const invariants = {
    minSeatsPatients: Math.min(S, N),
    expectedConfirmed,
    confirmedCloud,
    okAnswers,
    activeHis: s.hisActive.length,
    overbooked,
    lost,
    duplicates,
    bookedButToldFailed,
    leakedSeats,
    seatsHeldByNonBooked,
    pendingAfterBurst: settled.pendingAfterBurst,
    pendingLeft,
    allSeatsFilled,
    hisDoubleBookedSeats: his.invariants.doubleBookedSeats,
    hisPatientsWithTwoBookings: his.invariants.patientsWithTwoBookings,
    idempotentReplays: replays.idempotentReplays,
  };
  return { invariants, problems: problems.list, holds: allHold(invariants, replays.ok, faults) };
}
