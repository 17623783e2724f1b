/**
 * Sequential platform calls per `book` (database operations and message sends: each one a network
 * round trip on CloudBase), as docs/architecture.md states them: 8 for a booking, 2 for a refusal
 * as full, 1 when this instance already knows the time point is full. A call's place in the
 * sequence is one after the latest call that had finished when it started, so calls sent together
 * share a place.
 */
import type { BookingView } from '../../../typings/booking';
import type { Database, OpenApi } from '../../../server/ports/cloud-sdk';
import { makeHarness, ok } from './fakes';
import { NOW, stackPerTest } from './scenario';

class RoundTrips {
  /** The place of the latest call that has finished. */
  private finished = 0;
  calls = 0;
  sequential = 0;

  reset(): void {
    this.finished = 0;
    this.calls = 0;
    this.sequential = 0;
  }

  track<T>(p: Promise<T>): Promise<T> {
    const place = this.finished + 1;
    this.calls++;
    this.sequential = Math.max(this.sequential, place);
    const done = (): void => {
      this.finished = Math.max(this.finished, place);
    };
    return p.then(
      (v) => (done(), v),
      (err: unknown) => {
        done();
        throw err;
      },
    );
  }
}

/** Every promise the collection chain answers (get, update, add, remove) is one platform call. */
function tracked<T extends object>(target: T, trips: RoundTrips): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const r = (v as (...a: unknown[]) => unknown).apply(t, args);
        if (r instanceof Promise) return trips.track(r);
        return r && typeof r === 'object' ? tracked(r, trips) : r;
      };
    },
  });
}

const trackDb =
  (trips: RoundTrips) =>
  (db: Database): Database =>
    new Proxy(db, {
      get(target, prop, receiver) {
        if (prop !== 'collection') return Reflect.get(target, prop, receiver) as unknown;
        return (name: string) => tracked(target.collection(name), trips);
      },
    });

const trackOpenapi =
  (trips: RoundTrips) =>
  (openapi: Pick<OpenApi, 'subscribeMessage'>): Pick<OpenApi, 'subscribeMessage'> => ({
    subscribeMessage: { send: (params) => trips.track(openapi.subscribeMessage.send(params)) },
  });

const { use } = stackPerTest();

describe('platform round trips per book call', () => {
  it('8 for a booking (the free-seat hint filled), 2 for a refusal as full, 1 when known full', async () => {
    const trips = new RoundTrips();
    const h = use(makeHarness(NOW, undefined, undefined, trackDb(trips), trackOpenapi(trips)));
    h.his.addSession({ sessionId: 'S1', date: '2026-06-16' }, ['09:00'], 3);
    ok(await h.timer('syncSchedule'));
    const cards: string[] = [];
    for (let i = 1; i <= 5; i++) cards.push(await h.addCard(`u${i}`, `P${String(i).padStart(10, '0')}`));
    let n = 0;
    const book = (i: number) =>
      h.call<BookingView>(`u${i + 1}`, {
        action: 'book',
        cardId: cards[i],
        sessionId: 'S1',
        time: '09:00',
        idempotencyKey: `round-trips-${++n}`,
      });
    const measure = async (i: number) => {
      trips.reset();
      const answer = await book(i);
      const { calls, sequential } = trips;
      return { ok: answer.ok, reason: answer.ok ? null : answer.error.reason, sequential, calls };
    };

    // The instance's first booking of the time point also reads its seats (the hint): 2 more.
    expect(await measure(0)).toEqual({ ok: true, reason: null, sequential: 10, calls: 16 });
    expect(await measure(1)).toEqual({ ok: true, reason: null, sequential: 8, calls: 14 });
    expect(await measure(2)).toEqual({ ok: true, reason: null, sequential: 8, calls: 14 });
    // The count refused with the first reads; the refusal stored as the key's answer.
    expect(await measure(3)).toEqual({ ok: false, reason: 'full', sequential: 2, calls: 5 });
    // Known full, a card id issued to the caller: the stored answer only.
    expect(await measure(4)).toEqual({ ok: false, reason: 'full', sequential: 1, calls: 1 });
  });
});
