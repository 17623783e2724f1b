/**
 * After booking: no-shows and visits settled against the HIS, reminders, check-in and the queue,
 * the records list; ownership and forged timers.
 */
import type { BookingListResponse, BookingQueueResponse, BookingView } from '../../../typings/booking';
import { makeHarness, ok } from './fakes';
import { at, NOT_RELEASED, NOW, stackPerTest } from './scenario';

const { setup, use, book, seatsHeld, twoBookedOneWaiting, fourDays } = stackPerTest();

describe('visits and records', () => {
  it('no-shows: missed after the time point, seat not returned; the 3rd blocks with the end date', async () => {
    const { h, card } = await fourDays('N');
    for (let i = 0; i < 3; i++) ok(await book('u1', card, { sessionId: `N${i}` }));
    const none = { missed: 0, checkedIn: 0, completed: 0, cancelled: 0, unknown: 0 };
    h.clock.now = at('2026-06-16T01:29:59Z');
    expect(ok(await h.timer('markNoShows'))).toEqual(none);
    h.clock.now = at('2026-06-18T01:30:00Z'); // 09:30 on 06-18: all three over
    expect(ok(await h.timer('markNoShows'))).toEqual({ ...none, missed: 3 });
    expect(seatsHeld()).toHaveLength(3);
    const list = ok(await h.call<BookingListResponse>('u1', { action: 'list', range: '1w' }));
    expect(list.bookings.map((b) => b.status)).toEqual(['missed', 'missed', 'missed']);
    const r = await book('u1', card, { sessionId: 'N3' });
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'FAILED_PRECONDITION',
        reason: 'noShowBlocked',
        message: '近90天内爽约3次，2026年09月16日前暂停预约',
      },
    });
  });

  it('after the visit the HIS decides: kiosk check-in, seen, cancelled at the window → no strike; HIS down → left for later', async () => {
    const { h, card } = await fourDays('K');
    // b0 (the kiosk patient) is the latest visit: its completion is watched for a day after it.
    const [b3, b1, b2, b0] = [
      ok(await book('u1', card, { sessionId: 'K0' })),
      ok(await book('u1', card, { sessionId: 'K1' })),
      ok(await book('u1', card, { sessionId: 'K2' })),
      ok(await book('u1', card, { sessionId: 'K3' })),
    ];
    const inHis = (bookingId: string) => h.his.bookingFor(bookingId);
    inHis(b0.bookingId).status = 'checkedIn'; // took a number at the kiosk
    inHis(b0.bookingId).queueNo = 7;
    inHis(b1.bookingId).status = 'completed'; // checked in at the window and was seen
    inHis(b2.bookingId).status = 'cancelled'; // cancelled at the window
    h.clock.now = at('2026-06-19T01:30:00Z'); // all four time points over

    h.his.unreachable.add(inHis(b3.bookingId).hisBookingId);
    expect(ok(await h.timer('markNoShows'))).toEqual({
      missed: 0,
      checkedIn: 1,
      completed: 1,
      cancelled: 1,
      unknown: 1,
    });
    const get = async (id: string) => ok(await h.call<BookingView>('u1', { action: 'get', bookingId: id }));
    expect(await get(b0.bookingId)).toMatchObject({ status: 'checkedIn', queueNo: 7 });
    expect((await get(b1.bookingId)).status).toBe('completed');
    expect(await get(b2.bookingId)).toMatchObject({ status: 'cancelled', cancelReason: 'window' });
    expect((await get(b3.bookingId)).status).toBe('booked'); // unknown: nobody is punished

    // Later: the HIS answers again (b3 a no-show), and the kiosk patient has been seen.
    h.his.unreachable.clear();
    inHis(b0.bookingId).status = 'completed';
    expect(ok(await h.timer('markNoShows'))).toEqual({
      missed: 1,
      checkedIn: 0,
      completed: 1,
      cancelled: 0,
      unknown: 0,
    });
    expect((await get(b0.bookingId)).status).toBe('completed');
    expect((await get(b3.bookingId)).status).toBe('missed');

    // A checked-in visit the HIS never reports completed is asked about for a day, then left alone.
    h.his.addSession({ sessionId: 'K4', date: '2026-06-20' }, ['09:00'], 2);
    ok(await h.timer('syncSchedule'));
    const b4 = ok(await book('u1', card, { sessionId: 'K4' }));
    inHis(b4.bookingId).status = 'checkedIn';
    h.clock.now = at('2026-06-20T01:30:00Z');
    expect(ok(await h.timer('markNoShows'))).toMatchObject({ checkedIn: 1 });
    const asked = () => h.his.calls.filter((c) => c === 'getBooking').length;
    const before = asked();
    ok(await h.timer('markNoShows'));
    expect(asked()).toBe(before + 1); // still watched
    h.clock.now = at('2026-06-21T01:31:00Z'); // more than a day after its time point
    ok(await h.timer('markNoShows'));
    expect(asked()).toBe(before + 1);
    expect((await get(b4.bookingId)).status).toBe('checkedIn');
    const patient = h.docs('booking_patients')[0]!;
    expect(patient.noShows).toEqual(['2026-06-16']); // one strike, for the real no-show only
  });

  it('reminders: the day before, once per booking', async () => {
    const h = await setup();
    const card = await h.addCard('u1', 'P0000000001');
    ok(await book('u1', card));
    h.emulator.subscriptions.grant('u1', 'tmpl-visit-reminder', 2);
    h.clock.now = at('2026-06-15T10:00:00Z'); // 18:00
    expect(ok(await h.timer('remindTomorrow'))).toEqual({ reminded: 1, cancelledInHis: 0 });
    expect(ok(await h.timer('remindTomorrow'))).toEqual({ reminded: 0, cancelledInHis: 0 });
    const sent = h.emulator.subscriptions.outbox().filter((m) => m.templateId === 'tmpl-visit-reminder');
    expect(sent).toEqual([expect.objectContaining({ status: 'sent', touser: 'u1' })]);
  });

  it('reminders: a booking cancelled at the window is mirrored (seat to the waitlist) and not reminded; HIS down → reminded anyway', async () => {
    const { h, a, b } = await twoBookedOneWaiting();
    h.emulator.subscriptions.grant('u1', 'tmpl-visit-reminder');
    h.emulator.subscriptions.grant('u3', 'tmpl-visit-reminder');
    h.his.bookingFor(a.bookingId).status = 'cancelled'; // u1 cancelled at the window
    h.his.unreachable.add(h.his.bookingFor(b.bookingId).hisBookingId);
    h.clock.now = at('2026-06-15T10:00:00Z'); // 18:00
    expect(ok(await h.timer('remindTomorrow'))).toEqual({ reminded: 1, cancelledInHis: 1 });
    expect(ok(await h.call<BookingView>('u1', { action: 'get', bookingId: a.bookingId }))).toMatchObject({
      status: 'cancelled',
      cancelReason: 'window',
    });
    // The seat went to the waiting patient, who is now booked for 09:00.
    const list = ok(await h.call<BookingListResponse>('u2', { action: 'list', range: '1w' }));
    expect(list.bookings).toEqual([expect.objectContaining({ status: 'booked', time: '09:00', source: 'waitlist' })]);
    const reminders = h.emulator.subscriptions.outbox().filter((m) => m.templateId === 'tmpl-visit-reminder');
    expect(reminders.map((m) => m.touser)).toEqual(['u3']);
  });

  it('check-in within the arrival window, then queue', async () => {
    const h = await setup();
    const card = await h.addCard('u1', 'P0000000001');
    const v = ok(await book('u1', card));
    h.clock.now = at('2026-06-16T00:29:59Z'); // 08:29:59
    expect(await h.call('u1', { action: 'checkIn', bookingId: v.bookingId })).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', reason: 'outsideArrivalWindow', message: '请于08:30至09:00之间签到' },
    });
    expect(await h.call('u1', { action: 'queue', bookingId: v.bookingId })).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', reason: 'notCheckedIn', message: '请先签到取号' },
    });
    h.clock.now = at('2026-06-16T00:30:00Z');
    const c = ok(await h.call<BookingView>('u1', { action: 'checkIn', bookingId: v.bookingId }));
    expect(c).toMatchObject({ status: 'checkedIn', queueNo: 1, canCheckIn: false });
    h.his.nowServing = null;
    expect(ok(await h.call<BookingQueueResponse>('u1', { action: 'queue', bookingId: v.bookingId }))).toEqual({
      bookingId: v.bookingId,
      queueNo: 1,
      nowServing: null,
      ahead: 0,
    });
    expect(await h.call('u2', { action: 'queue', bookingId: v.bookingId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('list: internal attempts never take a place; cut at listLimit, newest first, and says so', async () => {
    const h = use(makeHarness(NOW, { listLimit: 3 }));
    for (let d = 0; d < 4; d++) h.his.addSession({ sessionId: `A${d}`, date: `2026-06-${16 + d}` }, ['09:00'], 2);
    ok(await h.timer('syncSchedule'));
    const card = await h.addCard('u1', 'P0000000001');
    // A failed attempt (the HIS refused) leaves an internal `failed` booking behind.
    h.his.confirmMode = { reject: 'NOT_RELEASED' };
    expect(await book('u1', card, { sessionId: 'A0' })).toEqual(NOT_RELEASED);
    h.his.confirmMode = 'ok';
    expect(h.docs('bookings').map((b) => b.status)).toEqual(['failed']);
    const ids: string[] = [];
    for (let d = 0; d < 3; d++) {
      h.clock.now = new Date(NOW.getTime() + d * 1000);
      ids.push(ok(await book('u1', card, { sessionId: `A${d}` })).bookingId);
    }
    const three = ok(await h.call<BookingListResponse>('u1', { action: 'list', range: '1w' }));
    expect(three.bookings.map((b) => b.bookingId)).toEqual([...ids].reverse());
    expect(three.truncated).toBe(false);
    h.clock.now = new Date(NOW.getTime() + 5000);
    ids.push(ok(await book('u1', card, { sessionId: 'A3' })).bookingId);
    const cut = ok(await h.call<BookingListResponse>('u1', { action: 'list', range: '1w' }));
    expect(cut.bookings.map((b) => b.bookingId)).toEqual([ids[3], ids[2], ids[1]]);
    expect(cut.truncated).toBe(true);
    const one = ok(await h.call<BookingListResponse>('u1', { action: 'list', range: '1w', cardId: card }));
    expect(one.bookings).toHaveLength(3);
    const other = await h.addCard('u1', 'P0000000002', '王小红', '子女');
    const none = ok(await h.call<BookingListResponse>('u1', { action: 'list', range: '1w', cardId: other }));
    expect(none).toMatchObject({ bookings: [], truncated: false });
  });

  it('list ranges and card filter; validation; timers cannot be forged by a user', async () => {
    const h = await setup();
    const card = await h.addCard('u1', 'P0000000001');
    ok(await book('u1', card));
    expect(
      ok(await h.call<BookingListResponse>('u1', { action: 'list', range: '3m', cardId: card })).bookings,
    ).toHaveLength(1);
    expect(
      ok(await h.call<BookingListResponse>('u1', { action: 'list', range: '1w', cardId: 'pc_other' })).bookings,
    ).toHaveLength(0);
    expect(ok(await h.call<BookingListResponse>('u2', { action: 'list', range: '1w' })).bookings).toHaveLength(0);
    expect(await h.call('u1', { action: 'list', range: '2w' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', field: 'range' },
    });
    expect(await book('u1', card, { time: '9:00' })).toMatchObject({ ok: false, error: { field: 'time' } });
    expect(await book('u2', card)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: '就诊人不存在' } });
    const forged = await h.call('u1', { Type: 'Timer', TriggerName: 'markNoShows' });
    expect(forged).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
  });
});
