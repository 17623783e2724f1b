/**
 * Pure booking rules (server/domain/booking) at their boundaries. Instants are written in UTC
 * with the Shanghai wall time in comments, so the expectations hold whatever TZ jest runs with.
 */
import { DEFAULT_BOOKING_RULES, bookingRules } from '../../../server/config/booking-rules';
import { bookingTemplatesFromEnv } from '../../../server/config/templates';
import {
  arrivalTip,
  blockedUntil,
  bookingWindow,
  closedReason,
  decideBook,
  decideCancel,
  decideCheckIn,
  decideJoinWaitlist,
  decideSessionOpen,
  fitThing,
  peopleAhead,
  recordNoShow,
  releaseAtFor,
  renderBookingConfirmed,
  renderVisitReminder,
  renderWaitlistSuccess,
  type ActiveEntry,
  type BookingRecord,
} from '../../../server/domain/booking';
import { valueProblem, keyType } from '../../../devstack/cloud/subscribe';
import { DEVSTACK_TEMPLATES } from '../../../devstack/seed/subscribe-templates';

const rules = bookingRules();
const ms = (iso: string) => Date.parse(iso);
const NOW = ms('2026-06-15T02:00:00Z'); // 10:00 Shanghai
const TODAY = '2026-06-15';

const entry = (i: number, over: Partial<ActiveEntry> = {}): ActiveEntry => ({
  bookingId: `b${i}`,
  deptCode: `D${i}`,
  date: '2026-06-16',
  endMs: ms('2026-06-16T01:30:00Z'),
  ...over,
});
const cand = { bookingId: 'new', deptCode: 'NK', date: '2026-06-17', endMs: ms('2026-06-17T01:30:00Z') };

describe('release and window', () => {
  it('releases date − 7 days at 07:00 Asia/Shanghai', () => {
    expect(new Date(releaseAtFor('2026-06-16', rules)).toISOString()).toBe('2026-06-08T23:00:00.000Z');
    expect(bookingWindow(TODAY, rules)).toEqual([
      '2026-06-15',
      '2026-06-16',
      '2026-06-17',
      '2026-06-18',
      '2026-06-19',
      '2026-06-20',
      '2026-06-21',
      '2026-06-22',
    ]);
  });

  it('session open: not released before 07:00:00, open at 07:00, closed at the start', () => {
    const s = {
      releaseAtMs: releaseAtFor('2026-06-16', rules),
      startsAtMs: ms('2026-06-16T00:00:00Z'),
      status: 'open' as const,
    };
    expect(decideSessionOpen(s, rules, s.releaseAtMs - 1)).toMatchObject({
      ok: false,
      refusal: { reason: 'notReleased', message: '号源尚未开放，每日07:00放号' },
    });
    expect(decideSessionOpen(s, rules, s.releaseAtMs).ok).toBe(true);
    expect(decideSessionOpen(s, rules, s.startsAtMs - 1).ok).toBe(true);
    expect(decideSessionOpen(s, rules, s.startsAtMs)).toMatchObject({
      ok: false,
      refusal: { reason: 'closed', message: '该时段已停止预约' },
    });
    expect(decideSessionOpen({ ...s, status: 'stopped' }, rules, s.releaseAtMs)).toMatchObject({
      ok: false,
      refusal: { reason: 'closed', message: '该医生已停诊' },
    });
    // The message names this deployment's release time.
    expect(decideSessionOpen(s, { releaseTime: '08:30' }, s.releaseAtMs - 1)).toMatchObject({
      refusal: { message: '号源尚未开放，每日08:30放号' },
    });
    expect(closedReason(s, 0, s.releaseAtMs)).toBe('full');
    expect(closedReason(s, 3, s.startsAtMs)).toBe('started');
    expect(closedReason(s, 3, s.releaseAtMs - 1)).toBe('notReleased');
    expect(closedReason(s, 1, s.releaseAtMs)).toBeNull();
  });
});

describe('decideBook', () => {
  it('allows the 5th active booking, refuses the 6th', () => {
    const four = { active: [1, 2, 3, 4].map((i) => entry(i)), noShows: [] };
    const d = decideBook(four, cand, rules, NOW, TODAY);
    expect(d.ok && d.value.active).toHaveLength(5);
    const five = { active: [1, 2, 3, 4, 5].map((i) => entry(i)), noShows: [] };
    expect(decideBook(five, cand, rules, NOW, TODAY)).toMatchObject({
      ok: false,
      refusal: { code: 'RESOURCE_EXHAUSTED', reason: 'maxActive', message: '每位就诊人最多可同时预约5个号' },
    });
  });

  it('past time points no longer count as active', () => {
    const five = { active: [1, 2, 3, 4, 5].map((i) => entry(i, { endMs: i === 1 ? NOW : NOW + 1 })), noShows: [] };
    expect(decideBook(five, cand, rules, NOW, TODAY).ok).toBe(true);
  });

  it('one per department per date', () => {
    const s = { active: [entry(1, { deptCode: 'NK', date: '2026-06-17' })], noShows: [] };
    expect(decideBook(s, cand, rules, NOW, TODAY)).toMatchObject({
      ok: false,
      refusal: { code: 'ALREADY_EXISTS', reason: 'perDeptDay', message: '您已预约该科室当日的号' },
    });
    expect(decideBook(s, { ...cand, date: '2026-06-18' }, rules, NOW, TODAY).ok).toBe(true);
    expect(decideBook(s, cand, { ...rules, onePerDeptPerDay: false }, NOW, TODAY).ok).toBe(true);
  });

  it('3 no-shows within 90 days block for 90 days from the 3rd: day 89 blocks, day 90 and 91 do not', () => {
    expect(blockedUntil(['2026-01-01', '2026-02-01', '2026-03-31'], rules)).toBe('2026-06-29'); // day 89
    expect(blockedUntil(['2026-01-01', '2026-02-01', '2026-04-01'], rules)).toBeNull(); // day 90
    expect(blockedUntil(['2026-01-01', '2026-02-01', '2026-04-02'], rules)).toBeNull(); // day 91
    expect(blockedUntil(['2026-01-01', '2026-02-01'], rules)).toBeNull();
    const blocked = { active: [], noShows: ['2026-01-01', '2026-02-01', '2026-03-31'] };
    expect(decideBook(blocked, cand, rules, NOW, TODAY)).toMatchObject({
      ok: false,
      refusal: {
        code: 'FAILED_PRECONDITION',
        reason: 'noShowBlocked',
        message: '近90天内爽约3次，2026年06月29日前暂停预约',
      },
    });
    expect(decideBook(blocked, cand, rules, ms('2026-06-28T16:00:00Z'), '2026-06-29').ok).toBe(true);
    expect(decideBook(blocked, cand, rules, ms('2026-06-28T15:59:59Z'), '2026-06-28').ok).toBe(false);
  });

  it('recordNoShow drops the active entry and keeps dates sorted', () => {
    const s = recordNoShow({ active: [entry(1)], noShows: ['2026-06-10'] }, 'b1', '2026-06-01');
    expect(s).toEqual({ active: [], noShows: ['2026-06-01', '2026-06-10'] });
  });
});

describe('cancel / check-in / waitlist', () => {
  const b = { status: 'booked' as const, startMs: ms('2026-06-16T01:00:00Z'), date: '2026-06-16', time: '09:00' };

  it('cancellation allowed until exactly time point − 2 h', () => {
    expect(decideCancel(b, rules, ms('2026-06-15T23:00:00Z')).ok).toBe(true);
    expect(decideCancel(b, rules, ms('2026-06-15T23:00:00.001Z'))).toMatchObject({
      ok: false,
      refusal: { code: 'FAILED_PRECONDITION', reason: 'tooLateToCancel', message: '就诊前2小时内不可取消预约' },
    });
    expect(decideCancel({ ...b, status: 'cancelled' }, rules, NOW)).toMatchObject({
      ok: false,
      refusal: { code: 'FAILED_PRECONDITION', reason: 'notCancellable' },
    });
  });

  it('check-in from 30 min before the time point until it starts', () => {
    expect(decideCheckIn(b, rules, ms('2026-06-16T00:29:59.999Z'))).toMatchObject({
      ok: false,
      refusal: { reason: 'outsideArrivalWindow', message: '请于08:30至09:00之间签到' },
    });
    expect(decideCheckIn(b, rules, ms('2026-06-16T00:30:00Z')).ok).toBe(true);
    expect(decideCheckIn(b, rules, ms('2026-06-16T00:59:59Z')).ok).toBe(true);
    expect(decideCheckIn(b, rules, ms('2026-06-16T01:00:00Z'))).toMatchObject({
      ok: false,
      refusal: { reason: 'outsideArrivalWindow' },
    });
    expect(decideCheckIn({ ...b, status: 'cancelled' }, rules, ms('2026-06-16T00:30:00Z'))).toMatchObject({
      ok: false,
      refusal: { code: 'FAILED_PRECONDITION', reason: 'notCheckInnable' },
    });
  });

  it('waitlist: only when full, closes 2 h before the session', () => {
    const s = { releaseAtMs: 0, startsAtMs: ms('2026-06-16T01:00:00Z'), status: 'open' as const };
    expect(decideJoinWaitlist(s, 0, rules, ms('2026-06-15T22:59:59Z')).ok).toBe(true);
    expect(decideJoinWaitlist(s, 0, rules, ms('2026-06-15T23:00:00Z'))).toMatchObject({
      ok: false,
      refusal: { reason: 'waitlistClosed' },
    });
    expect(decideJoinWaitlist(s, 1, rules, NOW)).toMatchObject({ ok: false, refusal: { reason: 'waitlistNotFull' } });
  });

  it('people ahead', () => {
    expect(peopleAhead(5, null)).toBe(4);
    expect(peopleAhead(5, 3)).toBe(1);
    expect(peopleAhead(5, 5)).toBe(0);
    expect(peopleAhead(5, 9)).toBe(0);
  });
});

describe('messages within WeChat value rules', () => {
  const booking = (over: Partial<BookingRecord> = {}): BookingRecord =>
    ({
      _id: 'bk_1',
      _openid: 'u1',
      patientName: '欧阳*明',
      deptName: '心血管内科',
      doctorName: '张建国',
      doctorTitle: '主任医师',
      date: '2026-06-16',
      time: '09:00',
      seatNo: 16,
      location: '门诊楼3层A区',
      ...over,
    }) as BookingRecord;

  function checkAgainstTemplate(templateId: string, data: Record<string, { value: string }>) {
    const t = DEVSTACK_TEMPLATES.find((x) => x.id === templateId)!;
    expect(Object.keys(data).sort()).toEqual(Object.keys(t.keys).sort());
    for (const [k, v] of Object.entries(data)) expect([k, valueProblem(keyType(k)!, v.value)]).toEqual([k, null]);
  }

  it('confirmed message: keys, time format and the arrival tip', () => {
    const d = renderBookingConfirmed(booking(), rules);
    checkAgainstTemplate('tmpl-booking-confirmed', d);
    expect(d.time4!.value).toBe('2026年06月16日 09:00');
    expect(d.thing3!.value).toBe('张建国 主任医师');
    expect(d.thing6!.value).toBe('16号 请于08:30至09:00签到');
    expect(arrivalTip({ date: '2026-06-16', time: '09:00', seatNo: 16 }, { ...rules })).toHaveLength(19);
  });

  it('long department / doctor / location names are cut to 20 characters', () => {
    const long = '中西医结合心血管内科与介入治疗中心特需门诊专家组';
    const d = renderBookingConfirmed(
      booking({ deptName: long, location: long + long, doctorName: '阿卜杜热合曼·艾尼瓦尔江' }),
      rules,
    );
    checkAgainstTemplate('tmpl-booking-confirmed', d);
    expect(Array.from(d.thing2!.value)).toHaveLength(20);
    expect(d.thing2!.value.endsWith('…')).toBe(true);
    expect(fitThing('𠀀'.repeat(25))).toBe(`${'𠀀'.repeat(19)}…`);
    expect(fitThing('  ')).toBe('-');
    checkAgainstTemplate(
      'tmpl-waitlist-success',
      renderWaitlistSuccess(booking({ doctorName: null, doctorTitle: null }), rules),
    );
    checkAgainstTemplate('tmpl-visit-reminder', renderVisitReminder(booking({ seatNo: 123 }), rules));
  });
});

describe('configuration', () => {
  it('rule defaults', () => {
    expect(DEFAULT_BOOKING_RULES).toMatchObject({
      maxActivePerPatient: 5,
      noShowLimit: 3,
      noShowWindowDays: 90,
      cancelBeforeMinutes: 120,
    });
  });

  const ALL = {
    TMPL_BOOKING_CONFIRMED: 'abc',
    TMPL_VISIT_REMINDER: 'def',
    TMPL_WAITLIST_SUCCESS: 'ghi',
    TMPL_BOOKING_CANCELLED: ' xyz ',
  };

  it('template ids come from the environment, trimmed', () => {
    expect(bookingTemplatesFromEnv(ALL)).toEqual({
      bookingConfirmed: 'abc',
      visitReminder: 'def',
      waitlistSuccess: 'ghi',
      bookingCancelled: 'xyz',
    });
  });

  it('template ids are required: no fallback to the devstack ids, every missing one named', () => {
    expect(() => bookingTemplatesFromEnv({})).toThrow(
      /TMPL_BOOKING_CONFIRMED, TMPL_VISIT_REMINDER, TMPL_WAITLIST_SUCCESS, TMPL_BOOKING_CANCELLED/,
    );
    expect(() => bookingTemplatesFromEnv({ ...ALL, TMPL_VISIT_REMINDER: '  ' })).toThrow(
      /not set: TMPL_VISIT_REMINDER \(/,
    );
  });
});
