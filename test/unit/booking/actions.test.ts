/**
 * The `booking` function end to end (createTimerAwareMain → service → devstack cloud emulator,
 * in-memory) with an in-memory HIS fake: booking, idempotency, the release burst, HIS faults,
 * rules, cancel + waitlist, timers, check-in and ownership.
 */
import type {
  BookingListResponse,
  BookingQueueResponse,
  BookingScheduleResponse,
  BookingView,
  WaitlistView,
} from '../../../typings/booking';
import { makeHarness, ok, type Harness } from './fakes';
import { HisError } from '../../../server/ports/his-error';
import type { Database } from '../../../server/ports/cloud-sdk';

// 2026-06-15 10:00 in Shanghai.
const NOW = new Date('2026-06-15T02:00:00Z');
const TOMORROW = '2026-06-16';
const at = (iso: string) => new Date(iso);

let h: Harness;
let seq = 0;
const key = () => `key-${++seq}-${Math.random().toString(36).slice(2, 10)}`;

async function setup(seatsPer = 2, times = ['09:00', '09:30'], random?: () => number) {
  h = makeHarness(NOW, undefined, random);
  h.his.addSession({ sessionId: 'S1', date: TOMORROW }, times, seatsPer);
  h.his.addSession({ sessionId: 'S2', date: '2026-06-17', kind: 'expert', doctorId: 'D001' }, ['14:00'], 2);
  ok(await h.timer('syncSchedule'));
}

const bookOn = (call: Harness['call'], openid: string, cardId: string, over: Record<string, unknown> = {}) =>
  call<BookingView>(openid, {
    action: 'book',
    cardId,
    sessionId: 'S1',
    time: '09:00',
    idempotencyKey: key(),
    ...over,
  });
const book = (openid: string, cardId: string, over: Record<string, unknown> = {}) =>
  bookOn(h.call, openid, cardId, over);

/** Cards of patients u1…un (HIS ids P0000000001…), one each. */
async function cards(n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) out.push(await h.addCard(`u${i}`, `P${String(i).padStart(10, '0')}`));
  return out;
}

/** The time point's counter document. */
const tp = (id = 'S1_0900') => h.docs('booking_timepoints').find((t) => t._id === id)!;

/** What the engine's first step does (remaining > 0 → −1), without anything after it. */
async function reserveOnly(tpId: string): Promise<void> {
  const _ = h.emulator.db.command;
  await h.emulator.db
    .collection('booking_timepoints')
    .where({ _id: tpId, remaining: _.gt(0) })
    .update({ data: { remaining: _.inc(-1) } });
}

/** The envelopes of the refusals these tests meet most (code, reason and message: what a page sees). */
const FULL = { ok: false, error: { code: 'FAILED_PRECONDITION', reason: 'full', message: '该时段已约满，可加入候补' } };
const CLOSED = { ok: false, error: { code: 'FAILED_PRECONDITION', reason: 'closed', message: '该时段已停止预约' } };
const NOT_RELEASED = {
  ok: false,
  error: { code: 'FAILED_PRECONDITION', reason: 'notReleased', message: '号源尚未开放，每日07:00放号' },
};
const refused = (code: string, reason: string) => ({ ok: false, error: { code, reason } });

function seatsHeld() {
  return h.docs('booking_seats').filter((s) => typeof s.holder === 'string' && s.holder !== 'his');
}
function confirmedCloud() {
  return h.docs('bookings').filter((b) => b.status === 'booked' || b.status === 'checkedIn');
}

describe('booking function (devstack emulator)', () => {
  afterEach(() => h?.emulator.close());

  it('schedule: window of 8 dates, sessions from the mirror with names and seats', async () => {
    await setup();
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
    h = makeHarness(NOW);
    h.his.addSession({ sessionId: 'S1', date: TOMORROW }, ['09:00'], 2);
    const [a, b] = await Promise.all([
      h.call<BookingScheduleResponse>('u1', { action: 'schedule', deptCode: 'NK' }),
      h.call<BookingScheduleResponse>('u2', { action: 'schedule', deptCode: 'NK' }),
    ]);
    expect(h.his.calls.filter((c) => c === 'querySchedule')).toHaveLength(1);
    expect([ok(a).sessions.length, ok(b).sessions.length]).toContain(1);
  });

  it('departments and doctors from the HIS', async () => {
    await setup();
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

  it('books: HIS confirmed, seat held, message sent when consented; same key → same booking', async () => {
    await setup();
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
    await setup();
    const card = await h.addCard('u1', 'P0000000001');
    ok(await book('u1', card));
    const msgs = h.docs('message_outbox');
    expect(msgs).toEqual([expect.objectContaining({ status: 'noConsent', lastErrCode: 43101, attempts: 1 })]);
    h.clock.now = at('2026-06-15T03:00:00Z');
    ok(await h.timer('sendMessages'));
    expect(h.emulator.subscriptions.outbox()).toHaveLength(1);
  });

  it('release burst: 200 patients, 50 seats → exactly 50 booked, 150 full, no seat twice, HIS == cloud', async () => {
    h = makeHarness(NOW);
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

  it('HIS refusal gives the seat back and says why', async () => {
    await setup();
    const card = await h.addCard('u1', 'P0000000001');
    h.his.confirmMode = { reject: 'NOT_RELEASED' };
    const r = await book('u1', card);
    expect(r).toEqual(NOT_RELEASED);
    expect(seatsHeld()).toHaveLength(0);
    expect(h.docs('booking_timepoints').find((t) => t.time === '09:00')!.remaining).toBe(2);
    h.his.confirmMode = 'ok';
    ok(await book('u1', card)); // the rule claim was undone too
  });

  it('each HIS refusal of a confirm, cancel or check-in has its code and reason', async () => {
    await setup(3, ['09:00', '09:30']);
    const card = await h.addCard('u1', 'P0000000001');
    const confirmRefusals: [string, Record<string, unknown>][] = [
      ['SESSION_CLOSED', CLOSED],
      [
        'NOT_FOUND',
        { ok: false, error: { code: 'FAILED_PRECONDITION', reason: 'hisRefused', message: '该号源不存在或已停诊' } },
      ],
      [
        'DUPLICATE_BOOKING',
        {
          ok: false,
          error: { code: 'FAILED_PRECONDITION', reason: 'hisRefused', message: '医院系统未能受理该预约，请稍后重试' },
        },
      ],
    ];
    for (const [code, answer] of confirmRefusals) {
      h.his.confirmMode = { reject: code };
      expect(await book('u1', card)).toEqual(answer);
    }
    h.his.confirmMode = 'ok';
    const v = ok(await book('u1', card));

    h.his.cancelMode = 'tooLate'; // the HIS's deadline passed before ours
    expect(await h.call('u1', { action: 'cancel', bookingId: v.bookingId })).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', reason: 'tooLateToCancel', message: '就诊前2小时内不可取消预约' },
    });
    h.his.cancelMode = 'unavailable';
    expect(await h.call('u1', { action: 'cancel', bookingId: v.bookingId })).toEqual({
      ok: false,
      error: { code: 'UNAVAILABLE', reason: 'hisUnavailable', message: '医院系统繁忙，请稍后再试' },
    });
    h.his.cancelMode = 'ok';
    ok(await h.call('u1', { action: 'cancel', bookingId: v.bookingId }));
    expect(await h.call('u1', { action: 'checkIn', bookingId: v.bookingId })).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', reason: 'notCheckInnable', message: '该预约当前状态不可签到' },
    });

    const w = ok(await book('u1', card, { time: '09:30' }));
    h.clock.now = at('2026-06-16T01:00:00Z'); // the arrival window of 09:30
    h.his.checkIn = async () => {
      throw new HisError('rejected', 'NOT_IN_WINDOW', 'not in window');
    };
    expect(await h.call('u1', { action: 'checkIn', bookingId: w.bookingId })).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', reason: 'hisRefused', message: '医院系统暂时无法办理，请到医院窗口办理' },
    });
  });

  it('SEAT_TAKEN by the window: seat marked his, another seat taken', async () => {
    await setup(2, ['09:00']);
    const card = await h.addCard('u1', 'P0000000001');
    h.his.external.add('S1_1');
    h.his.external.add('S1_2');
    // Mirror thinks both free; the HIS refuses both: full, nothing held by the cloud.
    expect(await book('u1', card)).toEqual(FULL);
    expect(seatsHeld()).toHaveLength(0);
    expect(h.his.active()).toHaveLength(0);
    expect(
      h
        .docs('booking_seats')
        .filter((x) => x.sessionId === 'S1')
        .map((x) => x.holder),
    ).toEqual(['his', 'his']);
    expect(h.docs('booking_timepoints').find((t) => t.sessionId === 'S1')!.remaining).toBe(0);
  });

  it('SEAT_TAKEN on one seat: retried once on another seat and booked', async () => {
    await setup(2, ['09:00'], () => 0); // the seat search starts at seat 1
    const card = await h.addCard('u1', 'P0000000001');
    h.his.external.add('S1_1');
    const v = ok(await book('u1', card));
    expect(v.seatNo).toBe(2);
    expect(h.docs('booking_seats').find((x) => x.seatNo === 1)!.holder).toBe('his');
    expect(h.his.active()).toHaveLength(1);
    expect(h.docs('booking_timepoints').find((t) => t.sessionId === 'S1')!.remaining).toBe(0);
  });

  it('seats another function instance took meanwhile (this one hints them free) are skipped, never double-held', async () => {
    await setup(3, ['09:00']);
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
    await setup(1, ['09:00']);
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
    await setup(1, ['09:00']);
    const [c1, c2, c3] = await cards(3);
    const a = ok(await book('u1', c1));
    expect(await book('u2', c2)).toEqual(FULL);
    ok(await h.call('u1', { action: 'cancel', bookingId: a.bookingId }));
    expect(ok(await book('u3', c3)).seatNo).toBe(a.seatNo);
    expect(h.his.active()).toHaveLength(1);
  });

  it('timeout with applied-then-lost: voided in the HIS, seat back, counts balance', async () => {
    await setup();
    const card = await h.addCard('u1', 'P0000000001');
    h.his.confirmMode = 'appliedThenLost';
    const r = await book('u1', card);
    expect(r).toEqual({
      ok: false,
      error: { code: 'UNAVAILABLE', reason: 'hisUnavailable', message: '医院系统繁忙，预约未成功，请稍后重试' },
    });
    expect(h.his.active()).toHaveLength(0);
    expect(seatsHeld()).toHaveLength(0);
    expect(h.docs('booking_timepoints').find((t) => t.time === '09:00')!.remaining).toBe(2);
  });

  it('timeout and void fails: stays pending (seat held) until reconcile voids it', async () => {
    await setup();
    const card = await h.addCard('u1', 'P0000000001');
    h.his.confirmMode = 'appliedThenLost';
    h.his.cancelMode = 'unavailable';
    const k = key();
    const r = await book('u1', card, { idempotencyKey: k });
    // The HIS may have booked it: 确认中, not "try again".
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'UNAVAILABLE',
        reason: 'pending',
        message: '医院系统繁忙，预约结果确认中，请稍后在“我的预约”中查看',
      },
    });
    expect(seatsHeld()).toHaveLength(1);
    expect(h.his.active()).toHaveLength(1);
    expect(ok(await h.call<BookingListResponse>('u1', { action: 'list', range: '1w' })).bookings).toHaveLength(0);
    // Same key while young: still processing.
    expect(await book('u1', card, { idempotencyKey: k })).toEqual({
      ok: false,
      error: { code: 'ABORTED', reason: 'processing', message: '正在处理，请稍候' },
    });
    h.his.cancelMode = 'ok';
    h.clock.now = at('2026-06-15T02:01:00Z');
    expect(ok(await h.timer('reconcile'))).toMatchObject({ voided: 1 });
    expect(h.his.active()).toHaveLength(0);
    expect(seatsHeld()).toHaveLength(0);
    // Voided: the key's answer is now "not booked, try again".
    expect(await book('u1', card, { idempotencyKey: k })).toMatchObject(refused('UNAVAILABLE', 'hisUnavailable'));
  });

  it('a fault after the HIS confirmed (the final request write fails): told busy, booking kept, the key answers it', async () => {
    // The database as the function sees it fails the first "request done with a booking" write.
    let failed = false;
    const failFinishOnce = (db: Database): Database =>
      new Proxy(db, {
        get(target, prop, receiver) {
          if (prop !== 'collection') return Reflect.get(target, prop, receiver) as unknown;
          return (name: string) => {
            const col = target.collection(name);
            if (name !== 'booking_requests') return col;
            return new Proxy(col, {
              get(c, p2, r2) {
                if (p2 !== 'where') return Reflect.get(c, p2, r2) as unknown;
                return (cond: unknown) => {
                  const q = c.where(cond as never);
                  return new Proxy(q, {
                    get(qq, p3, r3) {
                      if (p3 !== 'update') return Reflect.get(qq, p3, r3) as unknown;
                      return (opts: { data: { status?: string } }) => {
                        if (!failed && opts.data.status === 'done') {
                          failed = true;
                          return Promise.reject(new Error('database connection reset'));
                        }
                        return qq.update(opts);
                      };
                    },
                  });
                };
              },
            });
          };
        },
      });
    h = makeHarness(NOW, undefined, undefined, failFinishOnce);
    h.his.addSession({ sessionId: 'S1', date: TOMORROW }, ['09:00'], 2);
    ok(await h.timer('syncSchedule'));
    const card = await h.addCard('u1', 'P0000000001');
    const k = key();
    const r = await book('u1', card, { idempotencyKey: k });
    expect(failed).toBe(true);
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(confirmedCloud()).toHaveLength(1);
    expect(h.his.active()).toHaveLength(1);
    // Not "busy" under the key: the same key answers the booking that exists.
    const again = ok(await book('u1', card, { idempotencyKey: k }));
    expect(again).toMatchObject({ status: 'booked', bookingId: confirmedCloud()[0]!._id });
    expect(h.his.active()).toHaveLength(1);
  });

  it('rules: one per dept per day, max 5 active, refusals change nothing', async () => {
    h = makeHarness(NOW);
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
    await setup(1, ['09:00']);
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
    await setup(2, ['09:00']);
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
    await setup(2, ['09:00']);
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
    await setup(3, ['09:00']);
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

  it('a read of the first round trip fails: the count it reserved goes back, nothing else is written', async () => {
    let failSessions = 0;
    // Queries on booking_sessions (where → limit → get, whatever the chain) fail while failSessions > 0.
    const failingGet = <T extends object>(q: T): T =>
      new Proxy(q, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver) as unknown;
          if (typeof v !== 'function') return v;
          if (prop === 'get' && failSessions > 0) {
            failSessions--;
            return () => Promise.reject(new Error('database connection reset'));
          }
          return (...args: unknown[]) => {
            const r = (v as (...a: unknown[]) => unknown).apply(target, args);
            return r && typeof r === 'object' && !(r instanceof Promise) ? failingGet(r) : r;
          };
        },
      });
    const failSessionRead = (db: Database): Database =>
      new Proxy(db, {
        get(target, prop, receiver) {
          if (prop !== 'collection') return Reflect.get(target, prop, receiver) as unknown;
          return (name: string) =>
            name === 'booking_sessions' ? failingGet(target.collection(name)) : target.collection(name);
        },
      });
    h = makeHarness(NOW, undefined, undefined, failSessionRead);
    h.his.addSession({ sessionId: 'S1', date: TOMORROW }, ['09:00'], 2);
    ok(await h.timer('syncSchedule'));
    const card = await h.addCard('u1', 'P0000000001');
    failSessions = 1;
    const k = key();
    expect(await book('u1', card, { idempotencyKey: k })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(failSessions).toBe(0);
    expect(tp().remaining).toBe(2);
    expect(h.docs('booking_requests')).toEqual([]);
    expect(seatsHeld()).toEqual([]);
    // The same key again, the database back: booked.
    expect(ok(await book('u1', card, { idempotencyKey: k })).status).toBe('booked');
    expect(tp().remaining).toBe(1);
  });

  it('known full and not the caller\'s card: "not found" (also under that key), count untouched', async () => {
    await setup(1, ['09:00']);
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
    h = makeHarness(NOW, undefined, undefined, countCardReads);
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

  it('closed: after the session started, and before release', async () => {
    await setup();
    const card = await h.addCard('u1', 'P0000000001');
    h.clock.now = at('2026-06-16T01:00:00Z'); // 09:00 tomorrow = session start
    expect(await book('u1', card)).toEqual(CLOSED);
    h.clock.now = at('2026-06-08T22:59:59Z'); // 06:59:59 on 06-09 Shanghai, release at 07:00
    expect(await book('u1', card)).toEqual(NOT_RELEASED);
    h.clock.now = at('2026-06-08T23:00:00Z');
    ok(await book('u1', card));
  });

  it('cancel: until time point − 2 h; frees the seat; ownership', async () => {
    await setup();
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
    await setup(1, ['09:00']);
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

  it('停诊 after booking: the next sync cancels the bookings (reason stopped), frees the rule claims, tells the patients, closes the waitlist', async () => {
    await setup(1, ['09:00']);
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

  it('a patient cancelling gets a 预约取消通知 (reason patient) when consented', async () => {
    await setup();
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
    await setup(1, ['09:00']);
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

  it('no-shows: missed after the time point, seat not returned; the 3rd blocks with the end date', async () => {
    h = makeHarness(NOW);
    const dates = ['2026-06-16', '2026-06-17', '2026-06-18', '2026-06-19'];
    dates.forEach((d, i) => h.his.addSession({ sessionId: `N${i}`, date: d }, ['09:00'], 2));
    ok(await h.timer('syncSchedule'));
    const card = await h.addCard('u1', 'P0000000001');
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
    h = makeHarness(NOW);
    const dates = ['2026-06-16', '2026-06-17', '2026-06-18', '2026-06-19'];
    dates.forEach((d, i) => h.his.addSession({ sessionId: `K${i}`, date: d }, ['09:00'], 2));
    ok(await h.timer('syncSchedule'));
    const card = await h.addCard('u1', 'P0000000001');
    // b0 (the kiosk patient) is the latest visit: its completion is watched for a day after it.
    const [b3, b1, b2, b0] = [
      ok(await book('u1', card, { sessionId: 'K0' })),
      ok(await book('u1', card, { sessionId: 'K1' })),
      ok(await book('u1', card, { sessionId: 'K2' })),
      ok(await book('u1', card, { sessionId: 'K3' })),
    ];
    const inHis = (bookingId: string) => [...h.his.bookings.values()].find((x) => x.confirmRequestId === bookingId)!;
    inHis(b0.bookingId).status = 'checkedIn'; // took a number at the kiosk
    inHis(b0.bookingId).queueNo = 7;
    inHis(b1.bookingId).status = 'completed'; // checked in at the window and was seen
    inHis(b2.bookingId).status = 'cancelled'; // cancelled at the window
    h.clock.now = at('2026-06-19T01:30:00Z'); // all four time points over

    const realGet = h.his.getBooking.bind(h.his);
    h.his.getBooking = async (id: string) => {
      if (id === inHis(b3.bookingId).hisBookingId) throw new HisError('unavailable', 'TIMEOUT', 'timeout');
      return realGet(id);
    };
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
    h.his.getBooking = realGet;
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

  it('a leaked seat count (an instance died between reserving and claiming) is corrected by the second sync that sees it', async () => {
    await setup(2, ['09:00']);
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
    await setup(2, ['09:00']);
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

  it('reminders: the day before, once per booking', async () => {
    await setup();
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
    await setup(1, ['09:00', '09:30']);
    const [c1, c2, c3] = await cards(3);
    const a = ok(await book('u1', c1));
    const b = ok(await book('u3', c3, { time: '09:30' }));
    ok(await h.call('u2', { action: 'joinWaitlist', cardId: c2, sessionId: 'S1' }));
    h.emulator.subscriptions.grant('u1', 'tmpl-visit-reminder');
    h.emulator.subscriptions.grant('u3', 'tmpl-visit-reminder');
    const inHis = (id: string) => [...h.his.bookings.values()].find((x) => x.confirmRequestId === id)!;
    inHis(a.bookingId).status = 'cancelled'; // u1 cancelled at the window
    const realGet = h.his.getBooking.bind(h.his);
    h.his.getBooking = async (id: string) => {
      if (id === inHis(b.bookingId).hisBookingId) throw new HisError('unavailable', 'TIMEOUT', 'timeout');
      return realGet(id);
    };
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

  it('every sync: a booking cancelled at the window is mirrored at once and its seat goes to the waitlist; HIS down → kept', async () => {
    await setup(1, ['09:00', '09:30']);
    const [c1, c2, c3] = await cards(3);
    const a = ok(await book('u1', c1));
    const b = ok(await book('u3', c3, { time: '09:30' }));
    ok(await h.call('u2', { action: 'joinWaitlist', cardId: c2, sessionId: 'S1' }));
    h.emulator.subscriptions.grant('u1', 'tmpl-booking-cancelled');
    const inHis = (id: string) => [...h.his.bookings.values()].find((x) => x.confirmRequestId === id)!;
    // Nothing changed in the HIS: a sync asks it nothing about the bookings.
    const asked = () => h.his.calls.filter((c) => c === 'getBooking').length;
    expect(ok(await h.timer('syncSchedule'))).toMatchObject({ cancelledInHis: 0, seatsReturned: 0 });
    expect(asked()).toBe(0);

    inHis(a.bookingId).status = 'cancelled'; // u1 cancelled at the window
    inHis(b.bookingId).status = 'cancelled'; // u3 too, but the HIS cannot answer about it now
    const realGet = h.his.getBooking.bind(h.his);
    h.his.getBooking = async (id: string) => {
      if (id === inHis(b.bookingId).hisBookingId) throw new HisError('unavailable', 'TIMEOUT', 'timeout');
      return realGet(id);
    };
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
    h.his.getBooking = realGet;
    expect(ok(await h.timer('syncSchedule'))).toMatchObject({ cancelledInHis: 1 });
    expect(ok(await h.call<BookingView>('u3', { action: 'get', bookingId: b.bookingId })).status).toBe('cancelled');
    expect(tp('S1_0930').remaining).toBe(1);
    expect(seatsHeld()).toHaveLength(1);
  });

  it('every sync: a seat the window used and gave back returns to the app (waitlist first, else the pool)', async () => {
    await setup(1, ['09:00']);
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
    await setup(1, ['09:00']);
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
    await setup(1, ['09:00']);
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

  it('check-in within the arrival window, then queue', async () => {
    await setup();
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
    h = makeHarness(NOW, { listLimit: 3 });
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
    await setup();
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
