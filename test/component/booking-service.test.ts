/** packageBooking/services/booking.ts: `rules` once per app session (a failed load not kept), `session` by id. */
import type { BookingRulesResponse, SessionView } from '../../typings/booking';
import { mpRequire } from './helpers';
import { fail, installWx, networkDown, ok } from './wx-mock';
import { rules, session, withRules } from './booking-fixtures';

interface BookingService {
  getRules(): Promise<BookingRulesResponse>;
  getSession(sessionId: string): Promise<SessionView>;
}

/** A fresh module per test: its cache is the app session's. */
let service: BookingService;
beforeEach(() => {
  jest.resetModules();
  service = mpRequire<BookingService>('packageBooking/services/booking');
});

test('rules: asked once for the app session, the same answer for every caller', async () => {
  const wx = installWx({ backend: withRules({}) });
  const [a, b] = await Promise.all([service.getRules(), service.getRules()]);
  await expect(service.getRules()).resolves.toBe(a);
  expect(b).toBe(a);
  expect(a).toEqual(rules());
  expect(wx.eventsTo('booking')).toEqual([{ action: 'rules' }]);
});

test('rules: a failed load is not kept; the next call asks again', async () => {
  let down = true;
  const wx = installWx({ backend: withRules({ 'booking.rules': () => (down ? networkDown() : ok(rules())) }) });
  await expect(service.getRules()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  down = false;
  await expect(service.getRules()).resolves.toEqual(rules());
  await service.getRules();
  expect(wx.eventsTo('booking')).toEqual([{ action: 'rules' }, { action: 'rules' }]);
});

test('session: one session by id; NOT_FOUND passed on', async () => {
  const wx = installWx({
    backend: withRules({
      'booking.session': (call) => (call.event.sessionId === 's-am' ? ok(session()) : fail('NOT_FOUND', '号源不存在')),
    }),
  });
  await expect(service.getSession('s-am')).resolves.toMatchObject({ sessionId: 's-am' });
  await expect(service.getSession('gone')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  expect(wx.eventsTo('booking')).toEqual([
    { action: 'session', sessionId: 's-am' },
    { action: 'session', sessionId: 'gone' },
  ]);
});
