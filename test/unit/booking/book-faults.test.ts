/**
 * `book` when the HIS refuses, gives a seat away or times out, and when the database fails on the
 * way: everything taken is given back, and the key answers what happened.
 */
import type { BookingListResponse } from '../../../typings/booking';
import { makeHarness, ok } from './fakes';
import { HisError } from '../../../server/ports/his-error';
import type { Database } from '../../../server/ports/cloud-sdk';
import { at, CLOSED, FULL, key, NOT_RELEASED, NOW, refused, stackPerTest, TOMORROW } from './scenario';

const { setup, use, book, tp, seatsHeld, confirmedCloud } = stackPerTest();

describe('book: HIS and database faults', () => {
  it('HIS refusal gives the seat back and says why', async () => {
    const h = await setup();
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
    const h = await setup(3, ['09:00', '09:30']);
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
    const h = await setup(2, ['09:00']);
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
    const h = await setup(2, ['09:00'], () => 0); // the seat search starts at seat 1
    const card = await h.addCard('u1', 'P0000000001');
    h.his.external.add('S1_1');
    const v = ok(await book('u1', card));
    expect(v.seatNo).toBe(2);
    expect(h.docs('booking_seats').find((x) => x.seatNo === 1)!.holder).toBe('his');
    expect(h.his.active()).toHaveLength(1);
    expect(h.docs('booking_timepoints').find((t) => t.sessionId === 'S1')!.remaining).toBe(0);
  });

  it('timeout with applied-then-lost: voided in the HIS, seat back, counts balance', async () => {
    const h = await setup();
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
    const h = await setup();
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
    const h = use(makeHarness(NOW, undefined, undefined, failFinishOnce));
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
    const h = use(makeHarness(NOW, undefined, undefined, failSessionRead));
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
});
