/**
 * HIS sandbox bookings through the cloud-side booking client: confirm / cancel / get / check-in /
 * queue, refusals, concurrency, staging, faults (incl. applied-then-lost) and client retries.
 * The sandbox and the clients share one fake clock (Friday 2026-11-27 10:00 Asia/Shanghai).
 */
import type { HisSandbox } from '../../../devstack/his';
import { createHisBookingClient } from '../../../server/adapters/his/booking-client';
import { silentLogger } from '../../../server/core/log';
import { HisError } from '../../../server/ports/his-error';
import type { HisBooking, HisConfirmBookingInput, HisSession } from '../../../server/ports/his-booking';
import {
  APP_ID,
  APP_SECRET,
  bookingClientFor,
  fakeClock,
  getJson,
  postJson,
  rawCall,
  rejection,
  startTestSandbox,
} from './helpers';

const START = '2026-11-27T02:00:00.000Z';
const MIN = 60_000;

let seq = 0;
const rid = (label: string): string => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
const patient = (n: number): string => `P${1_000_000_000 + n}`;

describe('HIS sandbox bookings', () => {
  let his: HisSandbox;
  const clock = fakeClock(START);
  const client = () => bookingClientFor(his, {}, { now: clock.ms });

  beforeAll(async () => {
    his = await startTestSandbox({ clock: clock.now });
  });
  afterAll(() => his.close());
  afterEach(() => {
    his.setFaults({});
    clock.set(START);
  });

  /** A fresh bookable session (staged; released now; starts 3 h or more from now). */
  async function stage(body: Record<string, unknown> = {}): Promise<{ session: HisSession; startsAt: string }> {
    const { status, json } = await postJson(his, '/sandbox/stage-session', {
      deptCode: '1001',
      kind: 'specialist',
      seats: 12,
      ...body,
    });
    expect(status).toBe(200);
    return json.data;
  }

  function input(session: HisSession, over: Partial<HisConfirmBookingInput> = {}): HisConfirmBookingInput {
    const tp = session.timePoints[0]!;
    return {
      requestId: rid('confirm'),
      sessionId: session.sessionId,
      time: tp.time,
      seatNo: tp.seatNos[0]!,
      patientId: patient(1),
      ...over,
    };
  }

  it('confirms a seeded seat; the schedule shows it taken; get reads it back', async () => {
    const c = client();
    const req = {
      requestId: rid('c'),
      sessionId: 'S20261127-1001-PM',
      time: '14:00',
      seatNo: 8,
      patientId: patient(2),
    };
    const booking = await c.confirmBooking(req);
    expect(booking).toEqual({
      hisBookingId: expect.stringMatching(/^B\d{12}$/),
      confirmRequestId: req.requestId,
      sessionId: 'S20261127-1001-PM',
      time: '14:00',
      seatNo: 8,
      patientId: patient(2),
      status: 'booked',
      queueNo: null,
      createdAt: START,
    });
    const [s] = await c
      .querySchedule({ fromDate: '2026-11-27', toDate: '2026-11-27', deptCode: '1001' })
      .then((x) => x.filter((y) => y.sessionId === 'S20261127-1001-PM'));
    expect(s!.timePoints[1]).toMatchObject({ time: '14:00', seatNos: [7, 8, 9, 10, 11, 12], takenSeatNos: [8] });
    expect(await c.getBooking(booking.hisBookingId)).toEqual(booking);
    expect(await c.getBooking('B999999999999')).toBeNull();
  });

  it('confirm is idempotent by requestId; another body with the same requestId is refused', async () => {
    const { session } = await stage();
    const c = client();
    const req = input(session);
    const first = await c.confirmBooking(req);
    expect(await c.confirmBooking(req)).toEqual(first);
    expect(await rejection(c.confirmBooking({ ...req, seatNo: req.seatNo + 1 }))).toMatchObject({
      kind: 'rejected',
      code: 'INVALID_REQUEST',
    });
    const listed = (await getJson(his, `/sandbox/bookings?sessionId=${session.sessionId}`)).json.data;
    expect(listed.counts).toMatchObject({ total: 1, active: 1 });
  });

  it('refusals: SEAT_TAKEN, DUPLICATE_BOOKING, NOT_FOUND, INVALID_REQUEST', async () => {
    const { session } = await stage();
    const c = client();
    const tp = session.timePoints[0]!;
    await c.confirmBooking(input(session, { seatNo: tp.seatNos[0], patientId: patient(3) }));
    const code = async (over: Partial<HisConfirmBookingInput>) =>
      (await rejection(c.confirmBooking(input(session, over)))).code;
    expect(await code({ seatNo: tp.seatNos[0], patientId: patient(4) })).toBe('SEAT_TAKEN');
    expect(await code({ seatNo: tp.seatNos[1], patientId: patient(3) })).toBe('DUPLICATE_BOOKING');
    expect(await code({ sessionId: 'S20261127-1001-XX' })).toBe('NOT_FOUND');
    expect(await code({ patientId: 'P9999999999', seatNo: tp.seatNos[2] })).toBe('NOT_FOUND');
    expect(await code({ time: '23:59' })).toBe('NOT_FOUND');
    // A seat of another time point.
    expect(await code({ seatNo: session.timePoints[1]!.seatNos[0], patientId: patient(5) })).toBe('INVALID_REQUEST');
    expect(await code({ patientId: 'not-a-patient' })).toBe('INVALID_REQUEST');
    // Business refusals carry HTTP 409.
    const raw = await rawCall(his, 'booking.confirm', input(session, { patientId: patient(4) }), {
      timestampMs: clock.ms(),
    });
    expect(raw).toMatchObject({ status: 409, json: { code: 'SEAT_TAKEN' } });
  });

  it('NOT_RELEASED before releaseAt; SESSION_CLOSED once started or when stopped (停诊)', async () => {
    const c = client();
    const future = await stage({ releaseAt: '2026-11-27T03:00:00.000Z' });
    expect((await rejection(c.confirmBooking(input(future.session)))).code).toBe('NOT_RELEASED');
    clock.set('2026-11-27T03:00:00.000Z');
    await expect(c.confirmBooking(input(future.session))).resolves.toMatchObject({ status: 'booked' });

    // The seeded morning session started at 08:00 (00:00Z); it is 10:00 now.
    const am = { sessionId: 'S20261127-1001-AM', time: '11:30', seatNo: 43 };
    expect((await rejection(c.confirmBooking(input(future.session, am)))).code).toBe('SESSION_CLOSED');

    const { session } = await stage();
    const booked = await c.confirmBooking(input(session));
    const stopped = (await postJson(his, '/sandbox/sessions/stop', { sessionId: session.sessionId })).json.data;
    expect(stopped.session.status).toBe('stopped');
    // 停诊退号: the session's active bookings are cancelled by the HIS.
    expect(stopped.cancelledBookings).toBe(1);
    expect(await c.getBooking(booked.hisBookingId)).toMatchObject({ status: 'cancelled' });
    expect((await rejection(c.confirmBooking(input(session)))).code).toBe('SESSION_CLOSED');
  });

  it('50 parallel confirms of the same seat: exactly one wins', async () => {
    const { session } = await stage({ seats: 6 });
    const c = client();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => c.confirmBooking(input(session, { patientId: patient(100 + i) }))),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as HisError).code)).toEqual(Array(49).fill('SEAT_TAKEN'));
    const listed = (await getJson(his, `/sandbox/bookings?sessionId=${session.sessionId}`)).json.data;
    expect(listed.counts.active).toBe(1);
    expect(listed.invariants).toEqual({ doubleBookedSeats: 0, patientsWithTwoBookings: 0 });
  });

  it('cancel by confirmRequestId: booked → cancelled, seat free again; idempotent', async () => {
    const { session } = await stage();
    const c = client();
    const req = input(session, { patientId: patient(6) });
    const booked = await c.confirmBooking(req);
    const cancelReq = { requestId: rid('cancel'), confirmRequestId: req.requestId };
    const cancelled = await c.cancelBooking(cancelReq);
    expect(cancelled).toEqual({ ...booked, status: 'cancelled' });
    expect(await c.cancelBooking(cancelReq)).toEqual(cancelled);
    expect(await c.cancelBooking({ requestId: rid('cancel'), confirmRequestId: req.requestId })).toEqual(cancelled);
    // A repeated confirm answers the same booking in its current state; it does not book again.
    expect(await c.confirmBooking(req)).toEqual(cancelled);
    // The seat is free for someone else.
    await expect(c.confirmBooking(input(session, { patientId: patient(7) }))).resolves.toMatchObject({
      seatNo: req.seatNo,
      status: 'booked',
    });
  });

  it('cancel of a confirm that never booked → null, and that confirm can never book later (CANCELLED)', async () => {
    const { session } = await stage();
    const c = client();
    const req = input(session, { patientId: patient(8) });
    expect(await c.cancelBooking({ requestId: rid('void'), confirmRequestId: req.requestId })).toBeNull();
    const err = await rejection(c.confirmBooking(req));
    expect(err).toMatchObject({ kind: 'rejected', code: 'CANCELLED' });
    expect((await getJson(his, '/sandbox/summary')).json.data.schedule.tombstones).toBeGreaterThanOrEqual(1);
    // Another requestId for the same seat books normally.
    await expect(c.confirmBooking({ ...req, requestId: rid('confirm') })).resolves.toMatchObject({ status: 'booked' });
  });

  it('TOO_LATE once the time point has started; a checked-in booking is INVALID_STATE', async () => {
    const { session, startsAt } = await stage();
    const c = client();
    const req = input(session, { patientId: patient(9) });
    await c.confirmBooking(req);
    clock.set(startsAt);
    expect((await rejection(c.cancelBooking({ requestId: rid('cancel'), confirmRequestId: req.requestId }))).code).toBe(
      'TOO_LATE',
    );

    clock.set(START);
    const other = await stage();
    const req2 = input(other.session, { patientId: patient(9) });
    const b = await c.confirmBooking(req2);
    clock.set(new Date(Date.parse(other.startsAt) - 10 * MIN).toISOString());
    await c.checkIn({ requestId: rid('checkin'), hisBookingId: b.hisBookingId });
    expect(
      (await rejection(c.cancelBooking({ requestId: rid('cancel'), confirmRequestId: req2.requestId }))).code,
    ).toBe('INVALID_STATE');
  });

  it('check-in: arrival window from 30 min before the time point until its end; queue numbers in check-in order', async () => {
    const { session, startsAt } = await stage({ seats: 12, seatsPerTimePoint: 6 });
    const c = client();
    const [tp1, tp2] = session.timePoints;
    const a = await c.confirmBooking(
      input(session, { time: tp1!.time, seatNo: tp1!.seatNos[0], patientId: patient(10) }),
    );
    const b = await c.confirmBooking(
      input(session, { time: tp2!.time, seatNo: tp2!.seatNos[0], patientId: patient(11) }),
    );
    const x = await c.confirmBooking(
      input(session, { time: tp1!.time, seatNo: tp1!.seatNos[1], patientId: patient(12) }),
    );
    await c.cancelBooking({ requestId: rid('cancel'), confirmRequestId: x.confirmRequestId });
    const start = Date.parse(startsAt);
    const at = (ms: number) => clock.set(new Date(ms).toISOString());

    at(start - 31 * MIN);
    expect((await rejection(c.checkIn({ requestId: rid('ci'), hisBookingId: a.hisBookingId }))).code).toBe(
      'NOT_IN_WINDOW',
    );
    // b's time point starts 30 min after a's: its window opens at `start`.
    at(start);
    const bIn = await c.checkIn({ requestId: rid('ci'), hisBookingId: b.hisBookingId });
    expect(bIn).toMatchObject({ status: 'checkedIn', queueNo: 1 });
    at(start + 29 * MIN);
    const aIn = await c.checkIn({ requestId: rid('ci'), hisBookingId: a.hisBookingId });
    expect(aIn).toMatchObject({ status: 'checkedIn', queueNo: 2 });
    // Repeating a check-in returns the same queue number.
    expect(await c.checkIn({ requestId: rid('ci'), hisBookingId: a.hisBookingId })).toEqual(aIn);
    expect((await rejection(c.checkIn({ requestId: rid('ci'), hisBookingId: x.hisBookingId }))).code).toBe(
      'INVALID_STATE',
    );
    expect((await rejection(c.checkIn({ requestId: rid('ci'), hisBookingId: 'B000000000000' }))).code).toBe(
      'NOT_FOUND',
    );
  });

  it('check-in after the time point ended → NOT_IN_WINDOW and the booking reads as missed', async () => {
    const { session, startsAt } = await stage();
    const c = client();
    const b = await c.confirmBooking(input(session, { patientId: patient(13) }));
    clock.set(new Date(Date.parse(startsAt) + 30 * MIN).toISOString());
    expect((await rejection(c.checkIn({ requestId: rid('ci'), hisBookingId: b.hisBookingId }))).code).toBe(
      'NOT_IN_WINDOW',
    );
    expect(await c.getBooking(b.hisBookingId)).toMatchObject({ status: 'missed' });
  });

  it('queue.status follows the clock (one patient per 5 min from the start) or /sandbox/queue/advance', async () => {
    const { session, startsAt } = await stage({ seats: 12, seatsPerTimePoint: 12 });
    const c = client();
    const start = Date.parse(startsAt);
    expect(await c.queueStatus(session.sessionId)).toEqual({ nowServing: null, checkedIn: 0 });
    const bookings: HisBooking[] = [];
    for (let i = 0; i < 3; i++) {
      bookings.push(await c.confirmBooking(input(session, { seatNo: i + 1, patientId: patient(20 + i) })));
    }
    clock.set(new Date(start - 20 * MIN).toISOString());
    for (const b of bookings) await c.checkIn({ requestId: rid('ci'), hisBookingId: b.hisBookingId });
    expect(await c.queueStatus(session.sessionId)).toEqual({ nowServing: null, checkedIn: 3 });
    clock.set(startsAt);
    expect(await c.queueStatus(session.sessionId)).toEqual({ nowServing: 1, checkedIn: 3 });
    clock.set(new Date(start + 6 * MIN).toISOString());
    expect(await c.queueStatus(session.sessionId)).toEqual({ nowServing: 2, checkedIn: 3 });
    // Number 1 has been called and the doctor moved on: that visit reads as completed.
    const statuses = async () => Promise.all(bookings.map(async (b) => (await c.getBooking(b.hisBookingId))!.status));
    expect(await statuses()).toEqual(['completed', 'checkedIn', 'checkedIn']);
    clock.set(new Date(start + 60 * MIN).toISOString());
    expect(await c.queueStatus(session.sessionId)).toEqual({ nowServing: 3, checkedIn: 3 });

    const adv = await postJson(his, '/sandbox/queue/advance', { sessionId: session.sessionId, to: 1 });
    expect(adv.json.data.queue).toEqual({ nowServing: 1, checkedIn: 3 });
    expect(await c.queueStatus(session.sessionId)).toEqual({ nowServing: 1, checkedIn: 3 });
    await postJson(his, '/sandbox/queue/advance', { sessionId: session.sessionId, to: null });
    expect(await c.queueStatus(session.sessionId)).toEqual({ nowServing: 3, checkedIn: 3 });
    expect((await rejection(c.queueStatus('S00000000-0000-AM'))).code).toBe('NOT_FOUND');
  });

  it('stages a 500-seat session released now, bookable at once', async () => {
    const { session, startsAt } = await stage({ seats: 500 });
    expect(session.releaseAt).toBe(START);
    expect(Date.parse(startsAt)).toBeGreaterThan(Date.parse(START));
    expect(session.timePoints).toHaveLength(8);
    const seats = session.timePoints.flatMap((t) => t.seatNos);
    expect(seats).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(session.timePoints[0]!.seatNos).toHaveLength(63);
    expect(session.sessionId).toMatch(/^S20261127-1001-PM-X\d+$/);
    const last = session.timePoints.at(-1)!;
    await expect(
      client().confirmBooking(input(session, { time: last.time, seatNo: 500, patientId: patient(30) })),
    ).resolves.toMatchObject({ seatNo: 500 });
    const listed = (await getJson(his, `/sandbox/sessions?sessionId=${session.sessionId}`)).json.data.items[0];
    expect(listed).toMatchObject({ origin: 'staged', seatsTotal: 500, seatsTaken: 1, startsAt });
  });

  it('staging validates its input; an expert session needs an expert of the department', async () => {
    const docs = await client().listDoctors('1002');
    const expert = docs.find((d) => d.level === 'expert')!;
    const ok = await postJson(his, '/sandbox/stage-session', {
      deptCode: '1002',
      kind: 'expert',
      doctorId: expert.doctorId,
      seats: 9,
      date: '2026-11-30',
    });
    expect(ok.status).toBe(200);
    expect(ok.json.data.session).toMatchObject({
      kind: 'expert',
      doctorId: expert.doctorId,
      date: '2026-11-30',
      period: 'AM',
      feeFen: expert.title === '主任医师' ? 5000 : 3000,
    });
    expect(ok.json.data.session.timePoints.map((t: { seatNos: number[] }) => t.seatNos.length)).toEqual([3, 3, 3]);
    expect(ok.json.data.startsAt).toBe('2026-11-30T00:00:00.000Z');
    for (const bad of [
      { deptCode: '1002', kind: 'expert', seats: 3 },
      { deptCode: '1001', kind: 'expert', doctorId: expert.doctorId, seats: 3 },
      { deptCode: '1001', kind: 'specialist', seats: 0 },
      { deptCode: '1001', kind: 'specialist', seats: 3, extra: true },
      { deptCode: '1001', kind: 'specialist', seats: 3, date: '2026-11-26' },
    ]) {
      const r = await postJson(his, '/sandbox/stage-session', bad);
      expect([r.status, r.json.code]).toEqual([400, 'INVALID_REQUEST']);
    }
    expect(
      (await postJson(his, '/sandbox/stage-session', { deptCode: '9999', kind: 'specialist', seats: 3 })).status,
    ).toBe(404);
  });

  it('mark-used takes seats at the window; the gateway then refuses them', async () => {
    const { session } = await stage({ seats: 6 });
    const used = await postJson(his, '/sandbox/bookings/mark-used', { sessionId: session.sessionId, count: 2 });
    expect(used.json.data.used).toEqual([1, 2]);
    expect((await rejection(client().confirmBooking(input(session, { seatNo: 2 })))).code).toBe('SEAT_TAKEN');
    const again = await postJson(his, '/sandbox/bookings/mark-used', { sessionId: session.sessionId, seatNos: [1] });
    expect(again.status).toBe(409);
    const listed = (await getJson(his, `/sandbox/bookings?sessionId=${session.sessionId}`)).json.data;
    expect(listed.counts).toMatchObject({ active: 2, usedAtWindow: 2 });
  });

  it('window-cancel cancels an app booking or a window use on a seat; the seat is free again', async () => {
    const { session } = await stage({ seats: 6 });
    await postJson(his, '/sandbox/bookings/mark-used', { sessionId: session.sessionId, seatNos: [2] });
    const b = await client().confirmBooking(input(session, { seatNo: 1, patientId: patient(43) }));
    const r = await postJson(his, '/sandbox/bookings/window-cancel', { sessionId: session.sessionId, seatNos: [1, 2] });
    expect(r.json.data.cancelled).toEqual([
      { seatNo: 1, hisBookingId: b.hisBookingId, source: 'gateway' },
      { seatNo: 2, hisBookingId: expect.any(String), source: 'window' },
    ]);
    expect((await client().getBooking(b.hisBookingId))?.status).toBe('cancelled');
    const listed = (await getJson(his, `/sandbox/bookings?sessionId=${session.sessionId}`)).json.data;
    expect(listed.counts).toMatchObject({ active: 0, cancelled: 2 });
    // A seat without an active booking, an unknown session, a bad body: refused, nothing changed.
    const none = await postJson(his, '/sandbox/bookings/window-cancel', { sessionId: session.sessionId, seatNos: [3] });
    expect([none.status, none.json.code]).toEqual([404, 'NOT_FOUND']);
    const unknown = await postJson(his, '/sandbox/bookings/window-cancel', { sessionId: 'S-none', seatNos: [1] });
    expect(unknown.status).toBe(404);
    const bad = await postJson(his, '/sandbox/bookings/window-cancel', { sessionId: session.sessionId, seatNos: [] });
    expect([bad.status, bad.json.code]).toEqual([400, 'INVALID_REQUEST']);
    // The seat can be booked again.
    const again = await client().confirmBooking(input(session, { seatNo: 1, patientId: patient(44) }));
    expect(again.status).toBe('booked');
  });

  describe('faults on booking methods', () => {
    it('failNext on booking.confirm: the client retries (requestId) and books once', async () => {
      const { session } = await stage();
      let calls = 0;
      const counting: typeof fetch = (i, init) => {
        calls += 1;
        return fetch(i, init);
      };
      his.setFaults({ failNext: 2, methods: ['booking.confirm'] });
      const b = await bookingClientFor(his, { retries: 2 }, { now: clock.ms, fetch: counting }).confirmBooking(
        input(session, { patientId: patient(40) }),
      );
      expect(b.status).toBe('booked');
      expect(calls).toBe(3);
      // Reads are untouched by a fault scoped to booking.confirm.
      his.setFaults({ failRate: 1, methods: ['booking.confirm'] });
      await expect(client().getBooking(b.hisBookingId)).resolves.toEqual(b);
      expect(
        (await rejection(client().confirmBooking(input(session, { seatNo: 2, patientId: patient(41) })))).kind,
      ).toBe('unavailable');
    });

    it('applyThenFail: the confirm is applied but its answer is lost; cancel by confirmRequestId voids it', async () => {
      const { session } = await stage();
      his.setFaults({ failNext: 1, applyThenFail: true, methods: ['booking.confirm'] });
      const req = input(session, { patientId: patient(42) });
      const c0 = bookingClientFor(his, { retries: 0 }, { now: clock.ms });
      expect(await rejection(c0.confirmBooking(req))).toMatchObject({ kind: 'unavailable', code: 'UNAVAILABLE' });
      const listed = (await getJson(his, `/sandbox/bookings?sessionId=${session.sessionId}`)).json.data;
      expect(listed.items).toEqual([expect.objectContaining({ confirmRequestId: req.requestId, status: 'booked' })]);
      const voided = await c0.cancelBooking({ requestId: rid('void'), confirmRequestId: req.requestId });
      expect(voided).toMatchObject({ confirmRequestId: req.requestId, status: 'cancelled' });
    });

    it('applyThenFail with retries: the retry returns the booking made by the lost attempt', async () => {
      const { session } = await stage();
      his.setFaults({ failNext: 1, applyThenFail: true, methods: ['booking.confirm'] });
      const b = await client().confirmBooking(input(session, { patientId: patient(43) }));
      expect(b.status).toBe('booked');
      expect((await getJson(his, `/sandbox/bookings?sessionId=${session.sessionId}`)).json.data.counts.total).toBe(1);
    });

    it('responseDelayMs beyond the client timeout: applied, caller sees TIMEOUT', async () => {
      const { session } = await stage();
      his.setFaults({ responseDelayMs: 300, methods: ['booking.confirm'] });
      const req = input(session, { patientId: patient(44) });
      const err = await rejection(
        bookingClientFor(his, { timeoutMs: 80, retries: 0 }, { now: clock.ms }).confirmBooking(req),
      );
      expect(err).toMatchObject({ kind: 'unavailable', code: 'TIMEOUT' });
      const listed = (await getJson(his, `/sandbox/bookings?sessionId=${session.sessionId}`)).json.data;
      expect(listed.counts.active).toBe(1);
    });

    it('delayMs beyond the client timeout, then a void: no booking either way', async () => {
      const { session } = await stage();
      his.setFaults({ delayMs: 250, methods: ['booking.confirm'] });
      const req = input(session, { patientId: patient(45) });
      const c = bookingClientFor(his, { timeoutMs: 60, retries: 0 }, { now: clock.ms });
      expect((await rejection(c.confirmBooking(req))).code).toBe('TIMEOUT');
      expect(await c.cancelBooking({ requestId: rid('void'), confirmRequestId: req.requestId })).toBeNull();
      await new Promise((r) => setTimeout(r, 400));
      his.setFaults({});
      expect((await rejection(c.confirmBooking(req))).code).toBe('CANCELLED');
      expect((await getJson(his, `/sandbox/bookings?sessionId=${session.sessionId}`)).json.data.counts.total).toBe(0);
    });

    it('POST /sandbox/faults accepts the new fields', async () => {
      const r = await postJson(his, '/sandbox/faults', {
        failRate: 0.1,
        methods: ['booking.confirm'],
        applyThenFail: true,
        responseDelayMs: 50,
      });
      expect(r.json.data.faults).toEqual({
        failRate: 0.1,
        delayMs: 0,
        methods: ['booking.confirm'],
        failNext: 0,
        applyThenFail: true,
        responseDelayMs: 50,
      });
    });
  });
});

describe('HIS booking client (fake fetch)', () => {
  const config = { baseUrl: 'http://his.invalid', appId: APP_ID, appSecret: APP_SECRET, timeoutMs: 1000, retries: 2 };
  const replies = (...answers: (() => Response)[]) => {
    const calls: { url: string; body: string }[] = [];
    const f = (async (url: string, init: RequestInit) => {
      calls.push({ url, body: String(init.body) });
      return answers[Math.min(calls.length - 1, answers.length - 1)]!();
    }) as unknown as typeof fetch;
    return { f, calls };
  };
  const json = (status: number, body: unknown) => () =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const make = (f: typeof fetch) =>
    createHisBookingClient(config, { fetch: f, sleep: async () => {}, log: silentLogger });
  const booking: HisBooking = {
    hisBookingId: 'B100000000001',
    confirmRequestId: 'confirm-00000001',
    sessionId: 'S20261127-1001-PM',
    time: '14:00',
    seatNo: 8,
    patientId: 'P1000000002',
    status: 'booked',
    queueNo: null,
    createdAt: START,
  };
  const req: HisConfirmBookingInput = {
    requestId: 'confirm-00000001',
    sessionId: booking.sessionId,
    time: booking.time,
    seatNo: booking.seatNo,
    patientId: booking.patientId,
  };

  it('retries confirm on 503 and timeouts (it carries a requestId), posting the same body each time', async () => {
    const { f, calls } = replies(
      json(503, { code: 'UNAVAILABLE', message: 'x' }),
      json(200, { code: 'OK', data: { booking } }),
    );
    expect(await make(f).confirmBooking(req)).toEqual(booking);
    expect(calls.map((c) => c.url)).toEqual([
      'http://his.invalid/api/v1/booking.confirm',
      'http://his.invalid/api/v1/booking.confirm',
    ]);
    expect(calls[0]!.body).toBe(calls[1]!.body);
    expect(JSON.parse(calls[0]!.body)).toEqual(req);
  });

  it.each(['SEAT_TAKEN', 'NOT_RELEASED', 'SESSION_CLOSED', 'DUPLICATE_BOOKING', 'CANCELLED'])(
    'never retries the business refusal %s',
    async (code) => {
      const { f, calls } = replies(json(409, { code, message: 'no' }));
      expect(await rejection(make(f).confirmBooking(req))).toMatchObject({ kind: 'rejected', code });
      expect(calls).toHaveLength(1);
    },
  );

  it('validates responses: a malformed booking → unavailable BAD_RESPONSE, not retried', async () => {
    const { f, calls } = replies(json(200, { code: 'OK', data: { booking: { ...booking, seatNo: '8' } } }));
    expect(await rejection(make(f).confirmBooking(req))).toMatchObject({ kind: 'unavailable', code: 'BAD_RESPONSE' });
    expect(calls).toHaveLength(1);
    const bad = replies(json(200, { code: 'OK', data: { sessions: [{ sessionId: 'x' }] } }));
    expect(await rejection(make(bad.f).querySchedule({ fromDate: '2026-11-27', toDate: '2026-11-27' }))).toMatchObject({
      code: 'BAD_RESPONSE',
    });
  });

  it('gives up after bounded attempts on a HIS that stays down → unavailable (outcome unknown for confirm)', async () => {
    const { f, calls } = replies(() => {
      throw new TypeError('fetch failed');
    });
    expect(await rejection(make(f).confirmBooking(req))).toMatchObject({ kind: 'unavailable', code: 'NETWORK' });
    expect(calls).toHaveLength(3);
  });

  it('sends only the defined filters; getBooking NOT_FOUND → null; cancel may answer null', async () => {
    const { f, calls } = replies(
      json(200, { code: 'OK', data: { sessions: [] } }),
      json(404, { code: 'NOT_FOUND', message: 'x' }),
      json(200, { code: 'OK', data: { booking: null } }),
      json(200, { code: 'OK', data: { nowServing: null, checkedIn: 0 } }),
    );
    const c = make(f);
    expect(await c.querySchedule({ fromDate: '2026-11-27', toDate: '2026-11-28', deptCode: '1001' })).toEqual([]);
    expect(JSON.parse(calls[0]!.body)).toEqual({ fromDate: '2026-11-27', toDate: '2026-11-28', deptCode: '1001' });
    expect(await c.getBooking('B1')).toBeNull();
    expect(await c.cancelBooking({ requestId: 'cancel-0001', confirmRequestId: 'confirm-0001' })).toBeNull();
    expect(await c.queueStatus('S1')).toEqual({ nowServing: null, checkedIn: 0 });
  });
});
