/**
 * What one function instance remembers about seats (server/services/booking/seat-pool.ts): time
 * points it found full, the seats it believes free — and what another instance did meanwhile; the
 * known-full refusal without a card read (owner tag).
 */
import { makeHarness, ok } from './fakes';
import type { Database } from '../../../server/ports/cloud-sdk';
import { FULL, key, NOW, stackPerTest, TOMORROW } from './scenario';

const { setup, use, book, bookOn, cards, tp } = stackPerTest();

describe('book: what an instance remembers', () => {
  it('seats another function instance took meanwhile (this one hints them free) are skipped, never double-held', async () => {
    const h = await setup(3, ['09:00']);
    const [c1, c2, c3, c4] = await cards(4);
    const other = h.otherInstance();
    // This instance books once: the two other seats are what it now believes free.
    const first = ok(await book('u1', c1));
    // The other instance books both of them, then cancels the first booking: one seat is free
    // again, and it is not one this instance believes free.
    ok(await bookOn(other.call, 'u2', c2));
    ok(await bookOn(other.call, 'u3', c3));
    ok(await other.call('u1', { action: 'cancel', bookingId: first.bookingId }));

    // This instance tries the seats it believed free, finds them taken, looks again: the free one.
    expect(ok(await book('u4', c4)).seatNo).toBe(first.seatNo);
    const holders = h
      .docs('booking_seats')
      .filter((x) => x.sessionId === 'S1')
      .map((x) => x.holder);
    expect(holders).not.toContain(null);
    expect(new Set(holders).size).toBe(3);
    expect(h.his.active()).toHaveLength(3);
    expect(tp().remaining).toBe(0);
  });

  it('known full: answered from memory for fullMemoMs (no counter touched), then asked again; a replay still gets its booking', async () => {
    const h = await setup(1, ['09:00']);
    const [c1, c2, c3] = await cards(3);
    const k1 = key();
    const first = ok(await book('u1', c1, { idempotencyKey: k1 }));
    expect(await book('u2', c2)).toEqual(FULL); // the counter refused: remembered
    // Another instance frees the seat (its patient cancelled): count and seat back in the database.
    const db = h.emulator.db;
    const _ = db.command;
    await h.his.cancelBooking({ requestId: 'other-instance-cancel', confirmRequestId: first.bookingId });
    await db
      .collection('bookings')
      .doc(first.bookingId)
      .update({ data: { status: 'cancelled' } });
    await db
      .collection('booking_seats')
      .doc(`S1_${first.seatNo}`)
      .update({ data: { holder: null } });
    await db
      .collection('booking_timepoints')
      .doc('S1_0900')
      .update({ data: { remaining: _.inc(1) } });

    const k3 = key();
    const memo = await book('u3', c3, { idempotencyKey: k3 });
    expect(memo).toEqual(FULL);
    expect(h.docs('booking_timepoints').find((t) => t._id === 'S1_0900')!.remaining).toBe(1);
    // The replay of u1's key (full by memory too) still finds u1's booking, not a refusal.
    expect(ok(await book('u1', c1, { idempotencyKey: k1 })).bookingId).toBe(first.bookingId);

    h.clock.now = new Date(NOW.getTime() + 1000); // fullMemoMs (default 1000) later: asked again
    const v = ok(await book('u3', c3));
    expect(v.seatNo).toBe(first.seatNo);
    expect(await book('u3', c3, { idempotencyKey: k3 })).toEqual(FULL); // k3 keeps its first answer
  });

  it('a cancelled seat is offered again at once: the instance forgets "known full" and tops up its free-seat hint', async () => {
    const h = await setup(1, ['09:00']);
    const [c1, c2, c3] = await cards(3);
    const a = ok(await book('u1', c1));
    expect(await book('u2', c2)).toEqual(FULL);
    ok(await h.call('u1', { action: 'cancel', bookingId: a.bookingId }));
    expect(ok(await book('u3', c3)).seatNo).toBe(a.seatNo);
    expect(h.his.active()).toHaveLength(1);
  });

  it('known full and not the caller\'s card: "not found" (also under that key), count untouched', async () => {
    const h = await setup(1, ['09:00']);
    const [c1, c2] = await cards(2);
    const foreign = await h.addCard('u9', 'P0000000009');
    ok(await book('u1', c1));
    expect(await book('u2', c2)).toEqual(FULL); // the counter refused: remembered
    const k = key();
    const r = await book('u2', foreign, { idempotencyKey: k });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: '就诊人不存在' } });
    expect(await book('u2', foreign, { idempotencyKey: k })).toEqual(r);
    expect(tp().remaining).toBe(0);
    expect(h.docs('booking_requests').filter((q) => q.status !== 'done')).toEqual([]);
  });

  it('known full and a card id issued to the caller: refused without reading the card (also one unbound meanwhile); other ids are read', async () => {
    let cardReads = 0;
    const countCardReads = (db: Database): Database =>
      new Proxy(db, {
        get(target, prop, receiver) {
          if (prop !== 'collection') return Reflect.get(target, prop, receiver) as unknown;
          return (name: string) => {
            if (name === 'patient_cards') cardReads += 1;
            return target.collection(name);
          };
        },
      });
    const h = use(makeHarness(NOW, undefined, undefined, countCardReads));
    h.his.addSession({ sessionId: 'S1', date: TOMORROW }, ['09:00', '09:30'], 1);
    ok(await h.timer('syncSchedule'));
    const [c1, c2] = await cards(2);
    ok(await book('u1', c1));
    expect(await book('u2', c2)).toEqual(FULL); // the counter refused: remembered
    const full = FULL;

    cardReads = 0;
    const k = key();
    expect(await book('u2', c2, { idempotencyKey: k })).toEqual(full);
    expect(await book('u2', c2, { idempotencyKey: k })).toEqual(full); // the stored answer
    expect(cardReads).toBe(0);
    expect(h.docs('booking_requests').find((q) => q.status === 'done' && q.patientKey === null)).toBeDefined();

    // Unbound meanwhile: the refusal is still only "full" — nothing of the card is used or told…
    await h.emulator.db.collection('patient_cards').doc(c2).remove();
    expect(await book('u2', c2)).toEqual(full);
    expect(cardReads).toBe(0);
    // …while where the card matters (a time point with a seat) it is read: "not found", seat kept.
    expect(await book('u2', c2, { time: '09:30' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(cardReads).toBe(1);
    expect(tp('S1_0930').remaining).toBe(1);

    // Ids not issued to the caller are read, and answer "not found": another user's card, and that
    // card's id with its owner tag altered.
    const forged = c1.slice(0, -1) + (c1.endsWith('0') ? '1' : '0');
    for (const id of [c1, forged]) {
      cardReads = 0;
      expect(await book('u2', id)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: '就诊人不存在' } });
      expect(cardReads).toBe(1);
    }
    expect(tp().remaining).toBe(0);
    expect(h.docs('booking_requests').filter((q) => q.status !== 'done')).toEqual([]);
  });
});
