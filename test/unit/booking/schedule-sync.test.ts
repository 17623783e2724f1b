/**
 * What the pages read (schedule, departments, doctors) and the `syncSchedule` timer: 停诊, leaked
 * counts, window cancellations and seats the HIS gave back.
 */
import type { BookingListResponse, BookingScheduleResponse, BookingView } from '../../../typings/booking';
import { makeHarness, ok } from './fakes';
import { FULL, NOW, stackPerTest, TOMORROW } from './scenario';

const { setup, use, book, cards, tp, reserveOnly, seatsHeld, twoBookedOneWaiting } = stackPerTest();

describe('schedule and its sync', () => {
  it('schedule: window of 8 dates, sessions from the mirror with names and seats', async () => {
    const h = await setup();
    const s = ok(await h.call<BookingScheduleResponse>('u1', { action: 'schedule', deptCode: 'NK' }));
    expect(s.dates).toHaveLength(8);
    expect(s.dates[0]).toBe('2026-06-15');
    expect(s.releaseTime).toBe('07:00');
    const s1 = s.sessions.find((x) => x.sessionId === 'S1')!;
    expect(s1).toMatchObject({
      deptName: '心血管内科',
      seatsTotal: 4,
      seatsRemaining: 4,
      released: true,
      closedReason: null,
    });
    expect(s1.timePoints[0]).toMatchObject({
      time: '09:00',
      endTime: '09:30',
      arrival: { from: '08:30', to: '09:00' },
      bookable: true,
    });
    const s2 = s.sessions.find((x) => x.sessionId === 'S2')!;
    expect(s2).toMatchObject({ doctorName: '张建国', doctorTitle: '主任医师', kind: 'expert' });
    const experts = ok(
      await h.call<BookingScheduleResponse>('u1', { action: 'schedule', deptCode: 'NK', kind: 'expert' }),
    );
    expect(experts.sessions.map((x) => x.sessionId)).toEqual(['S2']);
  });

  it('schedule lazily syncs an empty mirror once per department per minute', async () => {
    const h = use(makeHarness(NOW));
    h.his.addSession({ sessionId: 'S1', date: TOMORROW }, ['09:00'], 2);
    const [a, b] = await Promise.all([
      h.call<BookingScheduleResponse>('u1', { action: 'schedule', deptCode: 'NK' }),
      h.call<BookingScheduleResponse>('u2', { action: 'schedule', deptCode: 'NK' }),
    ]);
    expect(h.his.calls.filter((c) => c === 'querySchedule')).toHaveLength(1);
    expect([ok(a).sessions.length, ok(b).sessions.length]).toContain(1);
  });

  it('departments and doctors from the HIS', async () => {
    const h = await setup();
    const d = ok(
      await h.call<{ departments: { code: string; doctorCount: number }[] }>('u1', { action: 'departments', q: '心' }),
    );
    expect(d.departments).toEqual([expect.objectContaining({ code: 'NK', doctorCount: 2 })]);
    const docs = ok(await h.call<{ doctors: { doctorId: string }[] }>('u1', { action: 'doctors', deptCode: 'NK' }));
    expect(docs.doctors.map((x) => x.doctorId)).toEqual(['D001', 'D002']);
    expect(await h.call('u1', { action: 'doctors', deptCode: 'XX' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: '科室不存在' },
    });
  });

  it('停诊 after booking: the next sync cancels the bookings (reason stopped), frees the rule claims, tells the patients, closes the waitlist', async () => {
    const h = await setup(1, ['09:00']);
    const [c1, c2] = [await h.addCard('u1', 'P0000000001'), await h.addCard('u2', 'P0000000002')];
    h.emulator.subscriptions.grant('u1', 'tmpl-booking-cancelled');
    const b1 = ok(await book('u1', c1));
    ok(await h.call('u2', { action: 'joinWaitlist', cardId: c2, sessionId: 'S1' }));
    h.his.stop('S1');

    const sync = ok(await h.timer<{ stopped: number; cancelledByStop: number }>('syncSchedule'));
    expect(sync).toMatchObject({ stopped: 1, cancelledByStop: 1 });
    const v = ok(await h.call<BookingView>('u1', { action: 'get', bookingId: b1.bookingId }));
    expect(v).toMatchObject({ status: 'cancelled', cancelReason: 'stopped', canCancel: false, canCheckIn: false });
    const msg = h.emulator.subscriptions.outbox().find((m) => m.templateId === 'tmpl-booking-cancelled')!;
    expect(msg).toMatchObject({ touser: 'u1', status: 'sent' });
    expect(msg.data).toMatchObject({
      thing4: { value: '医生停诊，预约已取消' },
      time3: { value: '2026年06月16日 09:00' },
    });
    const wl = ok(await h.call<BookingListResponse>('u2', { action: 'list', range: '1w' })).waitlist;
    expect(wl.map((w) => w.status)).toEqual(['expired']);
    expect(h.docs('booking_sessions').find((s) => s._id === 'S1')!.waiting).toBe(0);

    // The rule claim is free again: u1 may book another session of the department that day.
    h.his.addSession({ sessionId: 'S3', date: TOMORROW, period: 'PM' }, ['14:00'], 1);
    ok(await h.timer('syncSchedule'));
    ok(await book('u1', c1, { sessionId: 'S3', time: '14:00' }));
    // Syncing again changes nothing (idempotent) and sends nothing twice.
    expect(ok(await h.timer<{ cancelledByStop: number }>('syncSchedule')).cancelledByStop).toBe(0);
    expect(h.emulator.subscriptions.outbox().filter((m) => m.templateId === 'tmpl-booking-cancelled')).toHaveLength(1);
  });

  it('a leaked seat count (an instance died between reserving and claiming) is corrected by the second sync that sees it', async () => {
    const h = await setup(2, ['09:00']);
    await reserveOnly('S1_0900'); // the crash: the count is reserved, nothing else happens
    expect(tp().remaining).toBe(1);

    const first = ok(await h.timer<{ countsCorrected: number }>('syncSchedule'));
    expect(first.countsCorrected).toBe(0); // seen once: could be a booker between its two steps
    expect(tp()).toMatchObject({ remaining: 1, countCheck: { diff: -1 } });
    const second = ok(await h.timer<{ countsCorrected: number }>('syncSchedule'));
    expect(second.countsCorrected).toBe(1);
    expect(tp()).toMatchObject({ remaining: 2, countCheck: null });

    // Both seats can be booked again; a third patient finds it full.
    const [c1, c2, c3] = await cards(3);
    ok(await book('u1', c1!));
    ok(await book('u2', c2!));
    expect(await book('u3', c3!)).toEqual(FULL);
    expect(ok(await h.timer<{ countsCorrected: number }>('syncSchedule')).countsCorrected).toBe(0);
    expect(tp()).toMatchObject({ remaining: 0 });
  });

  it('a difference seen once and gone by the next sync is never "corrected"', async () => {
    const h = await setup(2, ['09:00']);
    await reserveOnly('S1_0900'); // a booker's first step
    ok(await h.timer('syncSchedule'));
    expect(tp().countCheck).toMatchObject({ diff: -1 });
    // The booker finishes its second step (claims a seat) before the next sync.
    await h.emulator.db
      .collection('booking_seats')
      .doc('S1_1')
      .update({ data: { holder: 'bk_in_flight' } });
    expect(ok(await h.timer<{ countsCorrected: number }>('syncSchedule')).countsCorrected).toBe(0);
    expect(tp()).toMatchObject({ remaining: 1, countCheck: null });
  });

  it('every sync: a booking cancelled at the window is mirrored at once and its seat goes to the waitlist; HIS down → kept', async () => {
    const { h, a, b } = await twoBookedOneWaiting();
    h.emulator.subscriptions.grant('u1', 'tmpl-booking-cancelled');
    // Nothing changed in the HIS: a sync asks it nothing about the bookings.
    const asked = () => h.his.calls.filter((c) => c === 'getBooking').length;
    expect(ok(await h.timer('syncSchedule'))).toMatchObject({ cancelledInHis: 0, seatsReturned: 0 });
    expect(asked()).toBe(0);

    h.his.bookingFor(a.bookingId).status = 'cancelled'; // u1 cancelled at the window
    h.his.bookingFor(b.bookingId).status = 'cancelled'; // u3 too, but the HIS cannot answer about it now
    h.his.unreachable.add(h.his.bookingFor(b.bookingId).hisBookingId);
    expect(ok(await h.timer('syncSchedule'))).toMatchObject({ cancelledInHis: 1, seatsReturned: 0 });
    expect(ok(await h.call<BookingView>('u1', { action: 'get', bookingId: a.bookingId }))).toMatchObject({
      status: 'cancelled',
      cancelReason: 'window',
    });
    // u1 is told where it was cancelled (预约取消通知, consented).
    expect(h.emulator.subscriptions.outbox().filter((m) => m.templateId === 'tmpl-booking-cancelled')).toEqual([
      expect.objectContaining({
        touser: 'u1',
        status: 'sent',
        data: expect.objectContaining({ thing4: { value: '已在医院窗口取消本次预约' } }),
      }),
    ]);
    expect(ok(await h.call<BookingView>('u3', { action: 'get', bookingId: b.bookingId })).status).toBe('booked');
    // u1's seat went to the waiting patient, who got the message.
    const list = ok(await h.call<BookingListResponse>('u2', { action: 'list', range: '1w' }));
    expect(list.bookings).toEqual([expect.objectContaining({ status: 'booked', time: '09:00', source: 'waitlist' })]);
    expect(h.his.active().map((x) => x.seatNo)).toEqual([a.seatNo]); // u2's booking on u1's old seat

    // The HIS answers again: the next sync mirrors u3's cancellation, seat back to the pool.
    h.his.unreachable.clear();
    expect(ok(await h.timer('syncSchedule'))).toMatchObject({ cancelledInHis: 1 });
    expect(ok(await h.call<BookingView>('u3', { action: 'get', bookingId: b.bookingId })).status).toBe('cancelled');
    expect(tp('S1_0930').remaining).toBe(1);
    expect(seatsHeld()).toHaveLength(1);
  });

  it('every sync: a seat the window used and gave back returns to the app (waitlist first, else the pool)', async () => {
    let h = await setup(1, ['09:00']);
    const [c1, c2] = await cards(2);
    h.his.external.add('S1_1'); // the only seat used at the window
    ok(await h.timer('syncSchedule'));
    expect(tp().remaining).toBe(0);
    expect(await book('u1', c1)).toEqual(FULL);
    ok(await h.call('u1', { action: 'joinWaitlist', cardId: c1, sessionId: 'S1' }));
    h.his.external.delete('S1_1'); // the window gave it back
    expect(ok(await h.timer('syncSchedule'))).toMatchObject({ seatsReturned: 1 });
    const list = ok(await h.call<BookingListResponse>('u1', { action: 'list', range: '1w' }));
    expect(list.bookings).toEqual([expect.objectContaining({ status: 'booked', time: '09:00', seatNo: 1 })]);
    expect(tp().remaining).toBe(0);
    expect(await book('u2', c2)).toEqual(FULL);

    // Nobody waiting: the seat is free for anyone.
    h.emulator.close();
    h = await setup(1, ['09:00']);
    const [d1] = await cards(1);
    h.his.external.add('S1_1');
    ok(await h.timer('syncSchedule'));
    expect(tp().remaining).toBe(0);
    h.his.external.delete('S1_1');
    expect(ok(await h.timer('syncSchedule'))).toMatchObject({ seatsReturned: 1 });
    expect(tp().remaining).toBe(1);
    expect(ok(await book('u1', d1)).seatNo).toBe(1);
    // Nothing left to return: a further sync changes nothing.
    expect(ok(await h.timer('syncSchedule'))).toMatchObject({ seatsReturned: 0, cancelledInHis: 0 });
    expect(tp().remaining).toBe(0);
  });

  it('every sync: a seat still held by a cancelled booking (its flow stopped half-way) is returned', async () => {
    const h = await setup(1, ['09:00']);
    const [c1, c2] = await cards(2);
    const a = ok(await book('u1', c1));
    // As if the cancel died after cancelling in the HIS and here, before giving the seat back.
    await h.his.cancelBooking({ requestId: 'cx', confirmRequestId: a.bookingId });
    await h.emulator.db
      .collection('bookings')
      .doc(a.bookingId)
      .update({ data: { status: 'cancelled' } });
    expect(await book('u2', c2)).toEqual(FULL);
    expect(ok(await h.timer('syncSchedule'))).toMatchObject({ seatsReturned: 1, cancelledInHis: 0 });
    expect(tp().remaining).toBe(1);
    h.clock.now = new Date(NOW.getTime() + 2000); // past the known-full memo
    expect(ok(await book('u2', c2)).seatNo).toBe(a.seatNo);
  });
});
