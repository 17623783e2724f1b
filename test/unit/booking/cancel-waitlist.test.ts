/**
 * `cancel`, the waitlist (join, leave, expiry) and the hand-over of a cancelled seat to the first
 * waiting patient.
 */
import type { BookingListResponse, BookingScheduleResponse, BookingView, WaitlistView } from '../../../typings/booking';
import { ok } from './fakes';
import { at, stackPerTest } from './scenario';

const { setup, book, seatsHeld } = stackPerTest();

describe('cancel and waitlist', () => {
  it('cancel: until time point − 2 h; frees the seat; ownership', async () => {
    const h = await setup();
    const card = await h.addCard('u1', 'P0000000001');
    const v = ok(await book('u1', card));
    expect(await h.call('u2', { action: 'cancel', bookingId: v.bookingId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await h.call('u2', { action: 'get', bookingId: v.bookingId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    h.clock.now = at('2026-06-15T23:00:01Z');
    expect(await h.call('u1', { action: 'cancel', bookingId: v.bookingId })).toMatchObject({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', reason: 'tooLateToCancel', message: '就诊前2小时内不可取消预约' },
    });
    h.clock.now = at('2026-06-15T23:00:00Z'); // exactly −2 h (07:00): allowed
    const c = ok(await h.call<BookingView>('u1', { action: 'cancel', bookingId: v.bookingId }));
    expect(c).toMatchObject({ status: 'cancelled', canCancel: false });
    expect(seatsHeld()).toHaveLength(0);
    expect(h.his.active()).toHaveLength(0);
    expect(h.docs('booking_timepoints').find((t) => t.time === '09:00')!.remaining).toBe(2);
  });

  it('waitlist: join when full, cancellation hands the seat to the first waiting patient, message sent', async () => {
    const h = await setup(1, ['09:00']);
    const a = await h.addCard('ua', 'P0000000001');
    const b = await h.addCard('ub', 'P0000000002');
    const c = await h.addCard('uc', 'P0000000003');
    const va = ok(await book('ua', a));
    expect(await h.call('ub', { action: 'joinWaitlist', cardId: b, sessionId: 'S2' })).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', reason: 'waitlistNotFull', message: '该号源尚有余号，请直接预约' },
    });
    const wb = ok(await h.call<WaitlistView>('ub', { action: 'joinWaitlist', cardId: b, sessionId: 'S1' }));
    expect(wb).toMatchObject({ status: 'waiting', position: 1, closesAt: '2026-06-15T23:00:00.000Z' });
    expect(await h.call('ub', { action: 'joinWaitlist', cardId: b, sessionId: 'S1' })).toEqual({
      ok: false,
      error: { code: 'ALREADY_EXISTS', reason: 'waitlistDuplicate', message: '您已在该号源的候补队列中' },
    });
    const wc = ok(await h.call<WaitlistView>('uc', { action: 'joinWaitlist', cardId: c, sessionId: 'S1' }));
    expect(wc.position).toBe(2);
    const sched = ok(await h.call<BookingScheduleResponse>('ua', { action: 'schedule', deptCode: 'NK' }));
    expect(sched.sessions.find((s) => s.sessionId === 'S1')).toMatchObject({
      closedReason: 'full',
      waitlist: { open: true, waiting: 2 },
    });
    expect(await h.call('ua', { action: 'leaveWaitlist', waitlistId: wb.waitlistId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });

    h.emulator.subscriptions.grant('ub', 'tmpl-waitlist-success');
    ok(await h.call('ua', { action: 'cancel', bookingId: va.bookingId }));
    const listB = ok(await h.call<BookingListResponse>('ub', { action: 'list', range: '1w' }));
    expect(listB.bookings).toEqual([
      expect.objectContaining({ status: 'booked', source: 'waitlist', seatNo: va.seatNo }),
    ]);
    expect(listB.waitlist).toEqual([
      expect.objectContaining({ status: 'fulfilled', bookingId: listB.bookings[0]!.bookingId }),
    ]);
    const sent = h.emulator.subscriptions.outbox().filter((m) => m.status === 'sent');
    expect(sent).toEqual([expect.objectContaining({ touser: 'ub', templateId: 'tmpl-waitlist-success' })]);
    expect(h.his.active()).toHaveLength(1);
    expect(seatsHeld()).toHaveLength(1);
    const listC = ok(await h.call<BookingListResponse>('uc', { action: 'list', range: '1w' }));
    expect(listC.waitlist[0]).toMatchObject({ status: 'waiting', position: 1 });
    ok(await h.call('uc', { action: 'leaveWaitlist', waitlistId: wc.waitlistId }));
    expect(await h.call('uc', { action: 'leaveWaitlist', waitlistId: wc.waitlistId })).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', reason: 'waitlistNotWaiting', message: '该候补已结束' },
    });
  });

  it('a patient cancelling gets a 预约取消通知 (reason patient) when consented', async () => {
    const h = await setup();
    const card = await h.addCard('u1', 'P0000000001');
    h.emulator.subscriptions.grant('u1', 'tmpl-booking-cancelled');
    const b = ok(await book('u1', card));
    const v = ok(await h.call<BookingView>('u1', { action: 'cancel', bookingId: b.bookingId }));
    expect(v).toMatchObject({ status: 'cancelled', cancelReason: 'patient' });
    expect(h.emulator.subscriptions.outbox()[0]).toMatchObject({
      templateId: 'tmpl-booking-cancelled',
      status: 'sent',
      data: expect.objectContaining({ thing4: { value: '您已取消本次预约' } }),
    });
  });

  it('waitlist entries expire 2 h before the session', async () => {
    const h = await setup(1, ['09:00']);
    const a = await h.addCard('ua', 'P0000000001');
    const b = await h.addCard('ub', 'P0000000002');
    ok(await book('ua', a));
    ok(await h.call('ub', { action: 'joinWaitlist', cardId: b, sessionId: 'S1' }));
    h.clock.now = at('2026-06-15T22:59:00Z');
    expect(ok(await h.timer('expireWaitlist'))).toEqual({ expired: 0 });
    h.clock.now = at('2026-06-15T23:00:00Z');
    expect(ok(await h.timer('expireWaitlist'))).toEqual({ expired: 1 });
    const c = await h.addCard('uc', 'P0000000003');
    expect(await h.call('uc', { action: 'joinWaitlist', cardId: c, sessionId: 'S1' })).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', reason: 'waitlistClosed', message: '候补已截止' },
    });
  });
});
