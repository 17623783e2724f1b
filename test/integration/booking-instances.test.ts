/**
 * Concurrent booking through the devstack over HTTP (real HIS sandbox, real signatures, SQLite),
 * more patients than seats — once with the functions in the devstack's thread and once with two
 * instances of every function on worker threads (as CloudBase scales a function under load: each
 * instance has its own memory — free-seat hint, known-full memo — and its own database
 * connection). Either way: exactly as many bookings as seats, in the cloud and in the HIS, no seat
 * twice, no patient twice, and every idempotency key answers the same when sent again.
 */
import { freshPerson } from '../../devstack/seed/identities';
import { startDevstack, type Devstack } from '../../devstack/stack';
import type { BookingView } from '../../typings/booking';
import { bindEvent, callFn, freshStateDir, removeStateDir, type Env } from './helpers';

const PATIENTS = 36;
const SEATS = 9;

async function bindPatients(stack: Devstack, n: number): Promise<{ openid: string; cardId: string }[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const openid = `it-inst-${i}`;
      for (let attempt = 0; attempt < 5; attempt++) {
        const p = freshPerson();
        const r = await callFn<{ id: string }>(stack, 'patient', bindEvent(p), openid);
        if (r.body.ok) return { openid, cardId: r.body.data.id };
      }
      throw new Error(`could not bind a card for ${openid}`);
    }),
  );
}

async function hisJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const body = (await res.json()) as { data: T };
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body.data;
}

/** The answer reduced to what must be identical on a replay. */
function outcome(r: Env<BookingView>): string {
  return r.ok ? `ok ${r.data.bookingId} ${r.data.seatNo}` : `${r.error.code} ${r.error.message}`;
}

describe.each([
  { instances: 0, label: 'functions in the devstack thread' },
  { instances: 2, label: 'two instances per function on worker threads' },
])('concurrent booking through the devstack: $label', ({ instances }) => {
  let stack: Devstack;
  let dir: string;

  beforeAll(async () => {
    dir = freshStateDir();
    stack = await startDevstack({ port: 0, hisPort: 0, stateDir: dir, reset: true, quiet: true, instances });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    removeStateDir(dir);
  });

  test(`${PATIENTS} patients, ${SEATS} seats → exactly ${SEATS} booked in the cloud and the HIS`, async () => {
    expect(stack.functions.summaries().find((f) => f.name === 'booking')?.instances).toBe(instances);
    const patients = await bindPatients(stack, PATIENTS);
    const depts = await hisJson<{ items: { code: string }[] }>(`${stack.hisUrl}/sandbox/departments`);
    const staged = await hisJson<{ session: { sessionId: string; timePoints: { time: string }[] } }>(
      `${stack.hisUrl}/sandbox/stage-session`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          deptCode: depts.items[0]!.code,
          kind: 'specialist',
          seats: SEATS,
          seatsPerTimePoint: SEATS,
        }),
      },
    );
    const { sessionId, timePoints } = staged.session;
    expect(timePoints).toHaveLength(1);
    expect((await fetch(`${stack.url}/timers/booking?trigger=syncSchedule`, { method: 'POST' })).status).toBe(200);

    const events = patients.map((p, i) => ({
      openid: p.openid,
      event: {
        action: 'book',
        cardId: p.cardId,
        sessionId,
        time: timePoints[0]!.time,
        idempotencyKey: `it-inst-key-${i}`,
      },
    }));
    const answers = await Promise.all(events.map((e) => callFn<BookingView>(stack, 'booking', e.event, e.openid)));
    const bodies = answers.map((a) => a.body);
    const booked = bodies.filter((b): b is { ok: true; data: BookingView } => b.ok);
    const refused = bodies.filter((b) => !b.ok);
    expect(booked).toHaveLength(SEATS);
    expect(refused).toHaveLength(PATIENTS - SEATS);
    for (const r of refused) expect(r).toMatchObject({ ok: false, error: { code: 'FAILED_PRECONDITION' } });
    expect(new Set(booked.map((b) => b.data.seatNo)).size).toBe(SEATS);
    expect(new Set(booked.map((b) => b.data.cardId)).size).toBe(SEATS);

    const his = await hisJson<{
      invariants: { doubleBookedSeats: number; patientsWithTwoBookings: number };
      items: { status: string; seatNo: number }[];
    }>(`${stack.hisUrl}/sandbox/bookings?sessionId=${encodeURIComponent(sessionId)}&limit=1000`);
    const active = his.items.filter((b) => b.status !== 'cancelled');
    expect(active).toHaveLength(SEATS);
    expect(his.invariants).toEqual({ doubleBookedSeats: 0, patientsWithTwoBookings: 0 });
    expect(new Set(active.map((b) => b.seatNo))).toEqual(new Set(booked.map((b) => b.data.seatNo)));

    // Every key again, concurrently (lands on any instance): the same answers, nothing new in the HIS.
    const replays = await Promise.all(events.map((e) => callFn<BookingView>(stack, 'booking', e.event, e.openid)));
    expect(replays.map((r) => outcome(r.body))).toEqual(bodies.map(outcome));
    const after = await hisJson<{ items: { status: string }[] }>(
      `${stack.hisUrl}/sandbox/bookings?sessionId=${encodeURIComponent(sessionId)}&limit=1000`,
    );
    expect(after.items.filter((b) => b.status !== 'cancelled')).toHaveLength(SEATS);
  }, 120_000);
});
