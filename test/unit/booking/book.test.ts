/**
 * `book` end to end (createTimerAwareMain → service → devstack cloud emulator, in-memory, with an
 * in-memory HIS fake): a booking and its message, idempotency, the release burst, the patient
 * rules, the count reserved with the first reads and given back, a closed session.
 */
import { makeHarness, ok } from './fakes';
import { at, CLOSED, FULL, key, NOT_RELEASED, NOW, refused, stackPerTest, TOMORROW } from './scenario';

const { setup, use, book, cards, tp, seatsHeld, confirmedCloud } = stackPerTest();

describe('book', () => {
  it('books: HIS confirmed, seat held, message sent when consented; same key → same booking', async () => {
    const h = await setup();
    const card = await h.addCard('u1', 'P0000000001');
    h.emulator.subscriptions.grant('u1', 'tmpl-booking-confirmed');
    const k = key();
    const v = ok(await book('u1', card, { idempotencyKey: k }));
    expect(v).toMatchObject({
      status: 'booked',
      cardId: card,
      patientName: '王小明',
      deptName: '心血管内科',
      date: TOMORROW,
      time: '09:00',
      display: `09:00（${v.seatNo}号）`,
      arrival: { from: '08:30', to: '09:00' },
      cancellableUntil: '2026-06-15T23:00:00.000Z',
      canCancel: true,
      canCheckIn: false,
      source: 'direct',
    });
    const again = ok(await book('u1', card, { idempotencyKey: k }));
    expect(again.bookingId).toBe(v.bookingId);
    expect(h.his.active()).toHaveLength(1);
    expect(seatsHeld()).toHaveLength(1);
    const out = h.emulator.subscriptions.outbox();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ touser: 'u1', templateId: 'tmpl-booking-confirmed', status: 'sent' });
    expect(out[0]!.data.thing6!.value).toContain('08:30至09:00');
    const tp = h.docs('booking_timepoints').find((t) => t.time === '09:00')!;
    expect(tp.remaining).toBe(1);
    // Another user replaying the key gets their own request, not this booking.
    const card2 = await h.addCard('u2', 'P0000000002');
    const other = ok(await book('u2', card2, { idempotencyKey: k }));
    expect(other.bookingId).not.toBe(v.bookingId);
  });

  it('no consent: booking still succeeds, message recorded as noConsent and not retried', async () => {
    const h = await setup();
    const card = await h.addCard('u1', 'P0000000001');
    ok(await book('u1', card));
    const msgs = h.docs('message_outbox');
    expect(msgs).toEqual([expect.objectContaining({ status: 'noConsent', lastErrCode: 43101, attempts: 1 })]);
    h.clock.now = at('2026-06-15T03:00:00Z');
    ok(await h.timer('sendMessages'));
    expect(h.emulator.subscriptions.outbox()).toHaveLength(1);
  });

  it('release burst: 200 patients, 50 seats → exactly 50 booked, 150 full, no seat twice, HIS == cloud', async () => {
    const h = use(makeHarness(NOW));
    h.his.addSession({ sessionId: 'S1', date: TOMORROW }, ['09:00'], 50);
    ok(await h.timer('syncSchedule'));
    const cards = await Promise.all(
      Array.from({ length: 200 }, (_, i) => h.addCard(`u${i}`, `P${String(i).padStart(10, '0')}`)),
    );
    const res = await Promise.all(cards.map((c, i) => book(`u${i}`, c)));
    const okCount = res.filter((r) => r.ok).length;
    const full = res.filter((r) => !r.ok && r.error.code === 'FAILED_PRECONDITION' && r.error.reason === 'full');
    expect(okCount).toBe(50);
    expect(full).toHaveLength(150);
    const held = seatsHeld();
    expect(held).toHaveLength(50);
    expect(new Set(held.map((s) => s.holder)).size).toBe(50);
    expect(h.his.active()).toHaveLength(50);
    expect(confirmedCloud()).toHaveLength(50);
    expect(new Set(h.his.active().map((b) => b.seatNo))).toEqual(new Set(held.map((s) => s.seatNo)));
    expect(h.docs('booking_timepoints')[0]!.remaining).toBe(0);
  }, 60_000);

  it('rules: one per dept per day, max 5 active, refusals change nothing', async () => {
    const h = use(makeHarness(NOW));
    for (let d = 0; d < 7; d++) {
      const date = `2026-06-${String(16 + d).padStart(2, '0')}`;
      h.his.addSession({ sessionId: `A${d}`, date }, ['09:00'], 3);
      h.his.addSession({ sessionId: `B${d}`, date, deptCode: 'EK' }, ['09:00'], 3);
    }
    ok(await h.timer('syncSchedule'));
    const card = await h.addCard('u1', 'P0000000001');
    ok(await book('u1', card, { sessionId: 'A0' }));
    const dup = await book('u1', card, { sessionId: 'A0' });
    expect(dup).toEqual({
      ok: false,
      error: { code: 'ALREADY_EXISTS', reason: 'perDeptDay', message: '您已预约该科室当日的号' },
    });
    ok(await book('u1', card, { sessionId: 'B0' })); // other department same day is fine
    for (const s of ['A1', 'A2', 'A3']) ok(await book('u1', card, { sessionId: s }));
    const before = JSON.stringify(h.docs('booking_seats'));
    const sixth = await book('u1', card, { sessionId: 'A4' });
    expect(sixth).toEqual({
      ok: false,
      error: { code: 'RESOURCE_EXHAUSTED', reason: 'maxActive', message: '每位就诊人最多可同时预约5个号' },
    });
    expect(JSON.stringify(h.docs('booking_seats'))).toBe(before);
    // The rule is per HIS patient, not per WeChat user: another user's card of the same patient.
    const card2 = await h.addCard('u2', 'P0000000001', '王小明', '父母');
    expect(await book('u2', card2, { sessionId: 'A5' })).toMatchObject(refused('RESOURCE_EXHAUSTED', 'maxActive'));
    // A card of a different patient is not affected.
    const card3 = await h.addCard('u1', 'P0000000003', '王小红', '子女');
    const v = ok(await book('u1', card3, { sessionId: 'A4' }));
    expect(v.patientName).toBe('王*红');
  });

  it('fail fast: full refused before the rules (answer stored as done, nothing claimed); a rules refusal gives the count back', async () => {
    let h = await setup(1, ['09:00']);
    const c1 = await h.addCard('u1', 'P0000000001');
    const c2 = await h.addCard('u2', 'P0000000002');
    ok(await book('u1', c1));
    const patientsBefore = JSON.stringify(h.docs('booking_patients'));
    const fullKey = key();
    const full = await book('u2', c2, { idempotencyKey: fullKey });
    expect(full).toEqual(FULL);
    expect(JSON.stringify(h.docs('booking_patients'))).toBe(patientsBefore);
    expect(h.docs('booking_requests').filter((r) => r.status !== 'done')).toEqual([]);
    // Same key again: the stored answer, reason included.
    expect(await book('u2', c2, { idempotencyKey: fullKey })).toEqual(FULL);

    // A rules refusal after the count was reserved gives it back.
    h.emulator.close();
    h = await setup(2, ['09:00']);
    const card = await h.addCard('u1', 'P0000000001');
    ok(await book('u1', card));
    const dup = await book('u1', card, { time: '09:00' });
    expect(dup).toMatchObject(refused('ALREADY_EXISTS', 'perDeptDay'));
    const tp = h.docs('booking_timepoints').find((t) => t.time === '09:00')!;
    expect(tp.remaining).toBe(1);
    expect(seatsHeld()).toHaveLength(1);
    const other = await h.addCard('u3', 'P0000000003');
    ok(await book('u3', other));
  });

  it('the count reserved with the first reads goes back whenever the request is not a new, valid one', async () => {
    const h = await setup(2, ['09:00']);
    const [c1, c2] = await cards(2);
    const foreign = await h.addCard('u9', 'P0000000009');
    const remaining = () => tp().remaining;

    // Not the caller's card.
    expect(await book('u1', foreign)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(remaining()).toBe(2);
    // A time point the session does not have (no counter to take) and an unknown session.
    expect(await book('u1', c1, { time: '10:00' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await book('u1', c1, { sessionId: 'S9' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(remaining()).toBe(2);
    // A replay of a booked key.
    const k = key();
    const first = ok(await book('u1', c1, { idempotencyKey: k }));
    expect(remaining()).toBe(1);
    expect(ok(await book('u1', c1, { idempotencyKey: k })).bookingId).toBe(first.bookingId);
    expect(remaining()).toBe(1);
    // A closed session (started).
    h.clock.now = at('2026-06-16T01:00:00Z');
    expect(await book('u2', c2)).toEqual(CLOSED);
    expect(remaining()).toBe(1);
    expect(seatsHeld()).toHaveLength(1);
    expect(h.docs('bookings')).toHaveLength(1);
  });

  it('the same key twice at once: one booking; the loser gives its seat and count back', async () => {
    const h = await setup(3, ['09:00']);
    const [c1] = await cards(1);
    const k = key();
    const answers = await Promise.all([
      book('u1', c1, { idempotencyKey: k }),
      book('u1', c1, { idempotencyKey: k }),
      book('u1', c1, { idempotencyKey: k }),
    ]);
    const booked = answers.filter((a) => a.ok);
    expect(booked.length).toBeGreaterThanOrEqual(1);
    for (const a of answers) {
      if (!a.ok) expect(a.error).toMatchObject({ code: 'ABORTED', message: '正在处理，请稍候' });
    }
    expect(confirmedCloud()).toHaveLength(1);
    expect(h.his.active()).toHaveLength(1);
    expect(seatsHeld()).toHaveLength(1);
    expect(tp().remaining).toBe(2);
  });

  it('closed: after the session started, and before release', async () => {
    const h = await setup();
    const card = await h.addCard('u1', 'P0000000001');
    h.clock.now = at('2026-06-16T01:00:00Z'); // 09:00 tomorrow = session start
    expect(await book('u1', card)).toEqual(CLOSED);
    h.clock.now = at('2026-06-08T22:59:59Z'); // 06:59:59 on 06-09 Shanghai, release at 07:00
    expect(await book('u1', card)).toEqual(NOT_RELEASED);
    h.clock.now = at('2026-06-08T23:00:00Z');
    ok(await book('u1', card));
  });
});
