/**
 * The `booking` function through the devstack HTTP contract, against the HIS sandbox: timer sync,
 * schedule, session, book (idempotent), list, cancel; the rules the devstack configures.
 */
import { freshPerson } from '../../devstack/seed/identities';
import { DEVSTACK_BOOKING_TEMPLATES } from '../../devstack/seed/subscribe-templates';
import type {
  BookingListResponse,
  BookingRulesResponse,
  BookingScheduleResponse,
  BookingView,
  SessionView,
} from '../../typings/booking';
import { bindEvent, callFn, stackForTests } from './helpers';

describe('booking through the devstack', () => {
  const stack = stackForTests(30_000);

  /** A fresh 本人 card for `openid` (bound through the patient function); its id. */
  async function bindSelf(openid: string): Promise<string> {
    const p = freshPerson();
    const bound = await callFn<{ id: string }>(stack(), 'patient', bindEvent(p), openid);
    expect(bound.body.ok).toBe(true);
    return bound.body.ok ? bound.body.data.id : '';
  }

  test('sync → schedule → book (same key twice) → list → cancel', async () => {
    const sync = await fetch(`${stack().url}/timers/booking?trigger=syncSchedule`, { method: 'POST' });
    expect(sync.status).toBe(200);

    const cardId = await bindSelf('it-u1');

    const depts = await callFn<{ departments: { code: string }[] }>(
      stack(),
      'booking',
      { action: 'departments' },
      'it-u1',
    );
    expect(depts.body.ok).toBe(true);
    const codes = depts.body.ok ? depts.body.data.departments.map((x) => x.code) : [];
    let target: { sessionId: string; time: string } | null = null;
    let shown: SessionView | undefined;
    for (const deptCode of codes) {
      const s = await callFn<BookingScheduleResponse>(stack(), 'booking', { action: 'schedule', deptCode }, 'it-u1');
      if (!s.body.ok) continue;
      for (const session of s.body.data.sessions) {
        const tp = session.timePoints.find((t) => t.bookable && t.seatsRemaining > 0);
        // Far enough ahead that cancelling is still allowed.
        if (tp && Date.parse(session.startsAt) - Date.now() > 3 * 3_600_000) {
          target = { sessionId: session.sessionId, time: tp.time };
          shown = session;
          break;
        }
      }
      if (target) break;
    }
    expect(target).not.toBeNull();
    // The confirm page reads just this session: as the schedule showed it.
    const one = await callFn<SessionView>(
      stack(),
      'booking',
      { action: 'session', sessionId: target!.sessionId },
      'it-u1',
    );
    expect(one.body).toEqual({ ok: true, data: shown });
    const ev = { action: 'book', cardId, ...target!, idempotencyKey: `it-${Date.now()}` };
    const first = await callFn<BookingView>(stack(), 'booking', ev, 'it-u1');
    expect(first.body).toMatchObject({ ok: true, data: { status: 'booked' } });
    const again = await callFn<BookingView>(stack(), 'booking', ev, 'it-u1');
    expect(again.body.ok && first.body.ok && again.body.data.bookingId === first.body.data.bookingId).toBe(true);

    const list = await callFn<BookingListResponse>(stack(), 'booking', { action: 'list', range: '1w' }, 'it-u1');
    expect(list.body.ok && list.body.data.bookings).toHaveLength(1);
    const bookingId = first.body.ok ? first.body.data.bookingId : '';
    expect((await callFn(stack(), 'booking', { action: 'get', bookingId }, 'it-u2')).body).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const cancelled = await callFn<BookingView>(stack(), 'booking', { action: 'cancel', bookingId }, 'it-u1');
    expect(cancelled.body).toMatchObject({ ok: true, data: { status: 'cancelled', cancelReason: 'patient' } });
  }, 60_000);

  test('rules: the devstack configures the seeded template ids (TMPL_*), and the pages get them', async () => {
    const r = await callFn<BookingRulesResponse>(stack(), 'booking', { action: 'rules' }, 'it-u5');
    expect(r.body).toMatchObject({
      ok: true,
      data: { maxActivePerPatient: 5, releaseTime: '07:00', templates: DEVSTACK_BOOKING_TEMPLATES },
    });
  });

  test('停诊 in the HIS sandbox → the next sync cancels the booking (reason stopped)', async () => {
    const cardId = await bindSelf('it-u3');
    const deptCode = (
      (await (await fetch(`${stack().hisUrl}/sandbox/departments`)).json()) as { data: { items: { code: string }[] } }
    ).data.items[1]!.code;
    const staged = (await (
      await fetch(`${stack().hisUrl}/sandbox/stage-session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ deptCode, kind: 'specialist', seats: 4 }),
      })
    ).json()) as { data: { session: { sessionId: string; timePoints: { time: string }[] } } };
    const { sessionId, timePoints } = staged.data.session;
    expect((await fetch(`${stack().url}/timers/booking?trigger=syncSchedule`, { method: 'POST' })).status).toBe(200);
    const ev = {
      action: 'book',
      cardId,
      sessionId,
      time: timePoints[0]!.time,
      idempotencyKey: `it-stop-${Date.now()}`,
    };
    const booked = await callFn<BookingView>(stack(), 'booking', ev, 'it-u3');
    expect(booked.body).toMatchObject({ ok: true, data: { status: 'booked' } });
    const bookingId = booked.body.ok ? booked.body.data.bookingId : '';

    const stop = await fetch(`${stack().hisUrl}/sandbox/sessions/stop`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sessionId }),
    });
    expect(((await stop.json()) as { data: { cancelledBookings: number } }).data.cancelledBookings).toBe(1);
    const sync = await fetch(`${stack().url}/timers/booking?trigger=syncSchedule`, { method: 'POST' });
    expect(((await sync.json()) as { result: { data: { cancelledByStop: number } } }).result.data.cancelledByStop).toBe(
      1,
    );
    const v = await callFn<BookingView>(stack(), 'booking', { action: 'get', bookingId }, 'it-u3');
    expect(v.body).toMatchObject({
      ok: true,
      data: { status: 'cancelled', cancelReason: 'stopped', canCancel: false },
    });
  }, 60_000);

  test('cancelled at the window (HIS sandbox) → the next sync mirrors it and frees the seat; a window seat given back returns', async () => {
    const cardId = await bindSelf('it-u4');
    const post = async <T>(path: string, body: unknown): Promise<T> => {
      const r = await fetch(`${stack().hisUrl}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(r.status).toBe(200);
      return ((await r.json()) as { data: T }).data;
    };
    const deptCode = (
      (await (await fetch(`${stack().hisUrl}/sandbox/departments`)).json()) as { data: { items: { code: string }[] } }
    ).data.items[2]!.code;
    const staged = await post<{ session: { sessionId: string; timePoints: { time: string; seatNos: number[] }[] } }>(
      '/sandbox/stage-session',
      { deptCode, kind: 'specialist', seats: 2, seatsPerTimePoint: 2 },
    );
    const { sessionId, timePoints } = staged.session;
    const [seatA, seatB] = timePoints[0]!.seatNos as [number, number];
    await post('/sandbox/bookings/mark-used', { sessionId, seatNos: [seatB] }); // the window took one
    const sync = async (): Promise<Record<string, number>> => {
      const r = await fetch(`${stack().url}/timers/booking?trigger=syncSchedule`, { method: 'POST' });
      return ((await r.json()) as { result: { data: Record<string, number> } }).result.data;
    };
    const remaining = async (): Promise<number> => {
      const s = await callFn<BookingScheduleResponse>(stack(), 'booking', { action: 'schedule', deptCode }, 'it-u4');
      const session = s.body.ok ? s.body.data.sessions.find((x) => x.sessionId === sessionId) : undefined;
      return session?.seatsRemaining ?? -1;
    };
    await sync();
    expect(await remaining()).toBe(1);
    const booked = await callFn<BookingView>(
      stack(),
      'booking',
      { action: 'book', cardId, sessionId, time: timePoints[0]!.time, idempotencyKey: `it-win-${Date.now()}` },
      'it-u4',
    );
    expect(booked.body).toMatchObject({ ok: true, data: { status: 'booked', seatNo: seatA } });
    const bookingId = booked.body.ok ? booked.body.data.bookingId : '';
    expect(await remaining()).toBe(0);

    // The patient cancels at the window; the window gives its seat back too.
    await post('/sandbox/bookings/window-cancel', { sessionId, seatNos: [seatA, seatB] });
    expect(await sync()).toMatchObject({ cancelledInHis: 1, seatsReturned: 1 });
    const v = await callFn<BookingView>(stack(), 'booking', { action: 'get', bookingId }, 'it-u4');
    expect(v.body).toMatchObject({ ok: true, data: { status: 'cancelled' } });
    expect(await remaining()).toBe(2);
    // Settled: the next sync has nothing to do.
    expect(await sync()).toMatchObject({ cancelledInHis: 0, seatsReturned: 0 });
    expect(await remaining()).toBe(2);
  }, 60_000);
});
