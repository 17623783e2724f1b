/**
 * The `rules` and `session` actions: what the pages show comes from the server (rules, template
 * ids), and one session is read without the whole schedule.
 */
import type { BookingRulesResponse, BookingScheduleResponse, SessionView } from '../../../typings/booking';
import { DEVSTACK_BOOKING_TEMPLATES } from '../../../devstack/seed/subscribe-templates';
import { DEFAULT_BOOKING_RULES } from '../../../server/config/booking-rules';
import { makeHarness, ok } from './fakes';
import { NOW, stackPerTest } from './scenario';

const { use } = stackPerTest();

describe('rules', () => {
  it('answers the rules and template ids of this deployment to any WeChat user', async () => {
    const h = use(makeHarness(NOW));
    const answer = ok(await h.call<BookingRulesResponse>('u1', { action: 'rules' }));
    // The server-only settings stay on the server; the rest is what the config says.
    const {
      pendingResumeAfterMs: _resume,
      lazySyncIntervalMs: _sync,
      fullMemoMs: _memo,
      messageMaxAttempts: _attempts,
      messageRetryBaseMs: _retry,
      ...shown
    } = DEFAULT_BOOKING_RULES;
    const t = DEVSTACK_BOOKING_TEMPLATES;
    expect(answer).toEqual({
      ...shown,
      templates: t,
      consent: {
        book: [t.bookingConfirmed, t.visitReminder, t.bookingCancelled],
        waitlist: [t.waitlistSuccess, t.visitReminder, t.bookingCancelled],
      },
    });
    // What the pages used to copy: 5 active bookings, 2 h, 3 no-shows, the 07:00 release, 30 min.
    expect(answer).toMatchObject({ maxActivePerPatient: 5, cancelBeforeMinutes: 120, noShowLimit: 3 });
    expect(answer).toMatchObject({ releaseTime: '07:00', arrivalBeforeMinutes: 30 });
  });

  it('follows the configured rules (no copy anywhere to drift)', async () => {
    const h = use(makeHarness(NOW, { maxActivePerPatient: 3, cancelBeforeMinutes: 60, releaseTime: '08:00' }));
    expect(ok(await h.call<BookingRulesResponse>('u1', { action: 'rules' }))).toMatchObject({
      maxActivePerPatient: 3,
      cancelBeforeMinutes: 60,
      releaseTime: '08:00',
    });
  });

  it('needs a WeChat user and takes no payload', async () => {
    const h = use(makeHarness(NOW));
    expect(await h.call('', { action: 'rules' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await h.call('u1', { action: 'rules', all: true })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', field: 'all' },
    });
  });
});

describe('session', () => {
  it('answers one session exactly as schedule shows it', async () => {
    const h = use(makeHarness(NOW));
    h.his.addSession({ sessionId: 'S1', date: '2026-06-16' }, ['09:00', '09:30'], 2);
    h.his.addSession({ sessionId: 'S2', date: '2026-06-17', kind: 'expert', doctorId: 'D001' }, ['14:00'], 2);
    ok(await h.timer('syncSchedule'));
    const schedule = ok(await h.call<BookingScheduleResponse>('u1', { action: 'schedule', deptCode: 'NK' }));
    for (const id of ['S1', 'S2']) {
      const one = ok(await h.call<SessionView>('u1', { action: 'session', sessionId: id }));
      expect(one).toEqual(schedule.sessions.find((s) => s.sessionId === id));
    }
  });

  it('an unknown or stopped session is NOT_FOUND; a malformed id names the field', async () => {
    const h = use(makeHarness(NOW));
    h.his.addSession({ sessionId: 'S1', date: '2026-06-16' }, ['09:00'], 2);
    ok(await h.timer('syncSchedule'));
    const notFound = { ok: false, error: { code: 'NOT_FOUND', message: '该号源不存在或已停诊' } };
    expect(await h.call('u1', { action: 'session', sessionId: 'S9' })).toEqual(notFound);
    h.his.stop('S1');
    ok(await h.timer('syncSchedule'));
    expect(await h.call('u1', { action: 'session', sessionId: 'S1' })).toEqual(notFound);
    expect(await h.call('u1', { action: 'session', sessionId: '../x' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', field: 'sessionId' },
    });
  });
});
