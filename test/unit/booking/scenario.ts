/**
 * What the booking flow tests share: the instant they run at, a stack with sessions S1 (tomorrow)
 * and S2, the book call and the probes of the stored state, and the refusals they meet most.
 */
import type { BookingView } from '../../../typings/booking';
import { makeHarness, ok, type Harness } from './fakes';

// 2026-06-15 10:00 in Shanghai.
export const NOW = new Date('2026-06-15T02:00:00Z');
export const TOMORROW = '2026-06-16';
export const at = (iso: string) => new Date(iso);

let seq = 0;
export const key = () => `key-${++seq}-${Math.random().toString(36).slice(2, 10)}`;

/** A harness with S1 (tomorrow, `times` × `seatsPer` seats) and S2 (the day after, 专家号), synced. */
export async function openStack(seatsPer = 2, times = ['09:00', '09:30'], random?: () => number): Promise<Harness> {
  const h = makeHarness(NOW, undefined, random);
  h.his.addSession({ sessionId: 'S1', date: TOMORROW }, times, seatsPer);
  h.his.addSession({ sessionId: 'S2', date: '2026-06-17', kind: 'expert', doctorId: 'D001' }, ['14:00'], 2);
  ok(await h.timer('syncSchedule'));
  return h;
}

/**
 * One harness per test, closed after it (call at the top of a test file): `setup(...)` opens the
 * stack of openStack, `use(h)` adopts one the test made itself, and the probes read whichever the
 * running test has.
 */
export function stackPerTest() {
  let current: Harness | undefined;
  afterEach(() => {
    current?.emulator.close();
    current = undefined;
  });
  const use = (h: Harness): Harness => (current = h);
  const harness = (): Harness => {
    if (!current) throw new Error('no harness: call setup() or use() first');
    return current;
  };
  const p = probes(harness);
  const setup = async (...args: Parameters<typeof openStack>): Promise<Harness> => use(await openStack(...args));
  return {
    ...p,
    use,
    setup,
    /** S1 with one seat at 09:00 and one at 09:30: u1 booked the first (`a`), u3 the second (`b`), u2 waits. */
    async twoBookedOneWaiting() {
      const h = await setup(1, ['09:00', '09:30']);
      const [c1, c2, c3] = await p.cards(3);
      const a = ok(await p.book('u1', c1));
      const b = ok(await p.book('u3', c3, { time: '09:30' }));
      ok(await h.call('u2', { action: 'joinWaitlist', cardId: c2, sessionId: 'S1' }));
      return { h, a, b };
    },
    /** Sessions `<prefix>0`…`<prefix>3` on the four days from tomorrow (09:00, 2 seats), synced; u1's card. */
    async fourDays(prefix: string) {
      const h = use(makeHarness(NOW));
      const dates = ['2026-06-16', '2026-06-17', '2026-06-18', '2026-06-19'];
      dates.forEach((d, i) => h.his.addSession({ sessionId: `${prefix}${i}`, date: d }, ['09:00'], 2));
      ok(await h.timer('syncSchedule'));
      return { h, card: await h.addCard('u1', 'P0000000001') };
    },
  };
}

/** The envelopes of the refusals these tests meet most (code, reason and message: what a page sees). */
export const FULL = {
  ok: false,
  error: { code: 'FAILED_PRECONDITION', reason: 'full', message: '该时段已约满，可加入候补' },
};
export const CLOSED = {
  ok: false,
  error: { code: 'FAILED_PRECONDITION', reason: 'closed', message: '该时段已停止预约' },
};
export const NOT_RELEASED = {
  ok: false,
  error: { code: 'FAILED_PRECONDITION', reason: 'notReleased', message: '号源尚未开放，每日07:00放号' },
};
export const refused = (code: string, reason: string) => ({ ok: false, error: { code, reason } });

/** The calls and probes over the harness a test file is using now. */
export function probes(harness: () => Harness) {
  const bookOn = (call: Harness['call'], openid: string, cardId: string, over: Record<string, unknown> = {}) =>
    call<BookingView>(openid, {
      action: 'book',
      cardId,
      sessionId: 'S1',
      time: '09:00',
      idempotencyKey: key(),
      ...over,
    });
  return {
    bookOn,
    book: (openid: string, cardId: string, over: Record<string, unknown> = {}) =>
      bookOn(harness().call, openid, cardId, over),
    /** Cards of patients u1…un (HIS ids P0000000001…), one each. */
    async cards(n: number): Promise<string[]> {
      const out: string[] = [];
      for (let i = 1; i <= n; i++) out.push(await harness().addCard(`u${i}`, `P${String(i).padStart(10, '0')}`));
      return out;
    },
    /** The time point's counter document. */
    tp: (id = 'S1_0900') =>
      harness()
        .docs('booking_timepoints')
        .find((t) => t._id === id)!,
    /** What the seat flow's first step does (remaining > 0 → −1), without anything after it. */
    async reserveOnly(tpId: string): Promise<void> {
      const db = harness().emulator.db;
      const _ = db.command;
      await db
        .collection('booking_timepoints')
        .where({ _id: tpId, remaining: _.gt(0) })
        .update({ data: { remaining: _.inc(-1) } });
    },
    seatsHeld: () =>
      harness()
        .docs('booking_seats')
        .filter((s) => typeof s.holder === 'string' && s.holder !== 'his'),
    confirmedCloud: () =>
      harness()
        .docs('bookings')
        .filter((b) => b.status === 'booked' || b.status === 'checkedIn'),
  };
}
