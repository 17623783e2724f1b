/**
 * Schedule generation (pure) and the sandbox's schedule window. Expectations are literal UTC
 * instants computed by hand from Asia/Shanghai (UTC+8, no DST), so they hold in any process TZ.
 */
import type { HisSandbox } from '../../../devstack/his';
import {
  addDays,
  expertWeekSlots,
  generateDaySessions,
  releaseAtFor,
  specialistFeeFen,
  type SessionSpec,
} from '../../../devstack/his/schedule';
import { DEFAULT_SEED, generateSeed } from '../../../devstack/his/seed';
import { bookingClientFor, fakeClock, getJson, startTestSandbox } from './helpers';

const seedData = generateSeed(DEFAULT_SEED);
const gen = (date: string, seed = DEFAULT_SEED, releaseTime?: string): SessionSpec[] =>
  generateDaySessions(seed, date, seedData.departments, seedData.doctors, releaseTime);

describe('schedule generation (pure)', () => {
  // 2026-11-27 is a Friday.
  const friday = gen('2026-11-27');

  it('is deterministic for seed + date, and the expert pattern depends on the seed', () => {
    expect(gen('2026-11-27')).toEqual(friday);
    const experts = (s: SessionSpec[]) => s.filter((x) => x.kind === 'expert').map((x) => x.sessionId);
    const weekA = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'].flatMap((d) =>
      experts(gen(d)),
    );
    const weekB = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'].flatMap((d) =>
      experts(gen(d, 7)),
    );
    expect(weekA).not.toEqual(weekB);
  });

  it('weekdays: one 专科号 session per department in the morning and the afternoon', () => {
    const specialist = friday.filter((s) => s.kind === 'specialist');
    expect(specialist).toHaveLength(seedData.departments.length * 2);
    const am = specialist.find((s) => s.sessionId === 'S20261127-1001-AM')!;
    expect(am).toMatchObject({
      date: '2026-11-27',
      period: 'AM',
      kind: 'specialist',
      deptCode: '1001',
      doctorId: null,
      status: 'open',
      // 07:00 Asia/Shanghai on 2026-11-20 = 2026-11-19T23:00Z
      releaseAt: '2026-11-19T23:00:00.000Z',
    });
    expect(am.location).toMatch(/^门诊楼2楼A区 \d{1,2}诊室$/);
    expect(am.feeFen).toBeGreaterThanOrEqual(1000);
    expect(am.feeFen).toBeLessThanOrEqual(2000);
    expect(am.timePoints.map((t) => t.time)).toEqual([
      '08:00',
      '08:30',
      '09:00',
      '09:30',
      '10:00',
      '10:30',
      '11:00',
      '11:30',
    ]);
    expect(am.timePoints[0]).toEqual({
      time: '08:00',
      endTime: '08:30',
      startsAt: '2026-11-27T00:00:00.000Z',
      endsAt: '2026-11-27T00:30:00.000Z',
      seatFrom: 1,
      seatCount: 6,
    });
    expect(am.timePoints[7]).toMatchObject({ time: '11:30', endTime: '12:00', seatFrom: 43, seatCount: 6 });

    const pm = specialist.find((s) => s.sessionId === 'S20261127-1001-PM')!;
    expect(pm.timePoints.map((t) => t.time)).toEqual(['13:30', '14:00', '14:30', '15:00', '15:30', '16:00', '16:30']);
    expect(pm.timePoints[0]!.startsAt).toBe('2026-11-27T05:30:00.000Z');
    expect(pm.timePoints[6]).toMatchObject({ endTime: '17:00', endsAt: '2026-11-27T09:00:00.000Z', seatFrom: 37 });
    expect(pm.feeFen).toBe(am.feeFen);
    expect(pm.feeFen).toBe(specialistFeeFen(DEFAULT_SEED, '1001'));
  });

  it('weekends: mornings only', () => {
    for (const date of ['2026-11-28', '2026-11-29']) {
      const sessions = gen(date);
      expect(sessions.filter((s) => s.kind === 'specialist')).toHaveLength(seedData.departments.length);
      expect(sessions.every((s) => s.period === 'AM')).toBe(true);
    }
    // Experts never work on Sundays.
    expect(gen('2026-11-29').filter((s) => s.kind === 'expert')).toEqual([]);
  });

  it('experts: 2–4 half-day sessions per week under their name, 3 seats per time point, fee by title', () => {
    const week = Array.from({ length: 7 }, (_, i) => addDays('2026-11-30', i));
    const sessions = week.flatMap((d) => gen(d)).filter((s) => s.kind === 'expert');
    const experts = seedData.doctors.filter((d) => d.level === 'expert');
    expect(experts.length).toBeGreaterThan(10);
    for (const doc of experts) {
      const mine = sessions.filter((s) => s.doctorId === doc.doctorId);
      expect(mine.length).toBeGreaterThanOrEqual(2);
      expect(mine.length).toBeLessThanOrEqual(4);
      expect(mine.length).toBe(expertWeekSlots(DEFAULT_SEED, doc.doctorId, '2026-12-02').size);
      for (const s of mine) {
        expect(s.sessionId).toBe(`S${s.date.replaceAll('-', '')}-${doc.doctorId}-${s.period}`);
        expect(s.deptCode).toBe(doc.deptCode);
        expect(s.feeFen).toBe(doc.title === '主任医师' ? 5000 : 3000);
        expect(s.timePoints.every((t) => t.seatCount === 3)).toBe(true);
        expect(s.timePoints.at(-1)!.seatFrom + 2).toBe(s.timePoints.length * 3);
      }
    }
    expect(sessions.every((s) => s.status === 'open' || s.status === 'stopped')).toBe(true);
  });

  it('release instants are date − 7 days at the release time, Asia/Shanghai', () => {
    expect(releaseAtFor('2026-12-04', '07:00')).toBe('2026-11-26T23:00:00.000Z');
    expect(releaseAtFor('2027-01-01', '07:00')).toBe('2026-12-24T23:00:00.000Z');
    expect(releaseAtFor('2026-12-04', '08:30')).toBe('2026-11-27T00:30:00.000Z');
    expect(gen('2026-12-04', DEFAULT_SEED, '08:30')[0]!.releaseAt).toBe('2026-11-27T00:30:00.000Z');
    // 00:30 Shanghai is still the previous UTC day.
    expect(releaseAtFor('2026-12-04', '00:30')).toBe('2026-11-26T16:30:00.000Z');
  });
});

describe('sandbox schedule window', () => {
  let his: HisSandbox;
  // Friday 2026-11-27 10:00 Asia/Shanghai.
  const clock = fakeClock('2026-11-27T02:00:00.000Z');
  beforeAll(async () => {
    his = await startTestSandbox({ clock: clock.now });
  });
  afterAll(() => his.close());

  it('is seeded for today − 1 … today + 7 at startup', async () => {
    const summary = (await getJson(his, '/sandbox/summary')).json.data;
    expect(summary.schedule).toMatchObject({ releaseTime: '07:00', days: 9, bookings: 0, tombstones: 0 });
    // The patient counts are unchanged by the schedule tables.
    expect(summary.counts).toEqual({ departments: 16, doctors: 48, patients: 500, idempotency: 0 });
    const first = (await getJson(his, '/sandbox/sessions?date=2026-11-26&deptCode=1001')).json.data.items;
    expect(first.map((s: { sessionId: string }) => s.sessionId)).toContain('S20261126-1001-AM');
  });

  it('schedule.query answers sessions in the range, filtered, with the protocol shape', async () => {
    const client = bookingClientFor(his, {}, { now: clock.ms });
    const sessions = await client.querySchedule({ fromDate: '2026-11-27', toDate: '2026-11-28', deptCode: '1001' });
    expect(sessions.every((s) => s.deptCode === '1001')).toBe(true);
    expect(sessions.map((s) => `${s.date} ${s.period} ${s.kind}`)).toEqual(
      expect.arrayContaining(['2026-11-27 AM specialist', '2026-11-27 PM specialist', '2026-11-28 AM specialist']),
    );
    const am = sessions.find((s) => s.sessionId === 'S20261127-1001-AM')!;
    expect(am.timePoints[0]).toEqual({
      time: '08:00',
      endTime: '08:30',
      seatNos: [1, 2, 3, 4, 5, 6],
      takenSeatNos: [],
    });
    const docs = await client.listDoctors('1001');
    const expert = docs.find((d) => d.level === 'expert')!;
    const mine = await client.querySchedule({
      fromDate: '2026-11-30',
      toDate: '2026-12-04',
      doctorId: expert.doctorId,
    });
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine.every((s) => s.doctorId === expert.doctorId && s.kind === 'expert')).toBe(true);
  });

  it('refuses more than 14 days, reversed ranges and bad dates', async () => {
    const client = bookingClientFor(his, {}, { now: clock.ms });
    await expect(client.querySchedule({ fromDate: '2026-11-27', toDate: '2026-12-10' })).resolves.toBeDefined();
    for (const q of [
      { fromDate: '2026-11-27', toDate: '2026-12-11' },
      { fromDate: '2026-11-28', toDate: '2026-11-27' },
      { fromDate: '2026-02-30', toDate: '2026-03-01' },
    ]) {
      await expect(client.querySchedule(q)).rejects.toMatchObject({ kind: 'rejected', code: 'INVALID_REQUEST' });
    }
  });

  it('generates missing future days lazily, identical to a fresh sandbox seeded later', async () => {
    // Its own sandbox: moving the clock and generating days must not change the shared one.
    const c = fakeClock('2026-11-27T02:00:00.000Z');
    const aged = await startTestSandbox({ clock: c.now });
    let fresh: HisSandbox | undefined;
    try {
      c.set('2026-12-02T02:00:00.000Z');
      const client = bookingClientFor(aged, {}, { now: c.ms });
      const late = await client.querySchedule({ fromDate: '2026-12-09', toDate: '2026-12-09' });
      expect(late.length).toBeGreaterThan(16);
      // Beyond today + 7 nothing is generated.
      expect(await client.querySchedule({ fromDate: '2026-12-10', toDate: '2026-12-10' })).toEqual([]);
      fresh = await startTestSandbox({ clock: c.now });
      const other = await bookingClientFor(fresh, {}, { now: c.ms }).querySchedule({
        fromDate: '2026-12-09',
        toDate: '2026-12-09',
      });
      expect(other).toEqual(late);
    } finally {
      await fresh?.close();
      await aged.close();
    }
  });

  it('honours the releaseTime option', async () => {
    const c = fakeClock('2026-11-27T02:00:00.000Z');
    const other = await startTestSandbox({ clock: c.now, releaseTime: '08:30' });
    try {
      const [s] = await bookingClientFor(other, {}, { now: c.ms }).querySchedule({
        fromDate: '2026-12-04',
        toDate: '2026-12-04',
        deptCode: '1001',
      });
      expect(s!.releaseAt).toBe('2026-11-27T00:30:00.000Z');
    } finally {
      await other.close();
    }
  });

  it('lists departments and doctors through the gateway', async () => {
    const client = bookingClientFor(his, {}, { now: clock.ms });
    const departments = await client.listDepartments();
    expect(departments).toHaveLength(16);
    expect(departments[0]).toEqual({
      code: '1001',
      name: '内科',
      location: '门诊楼2楼A区',
      intro: expect.any(String),
      sort: 1,
    });
    expect(await client.listDoctors()).toHaveLength(48);
    expect(await client.listDoctors('9999')).toEqual([]);
  });
});
