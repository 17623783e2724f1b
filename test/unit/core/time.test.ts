import { BUSINESS_TZ, businessDate, dayjs, FIXED_OFFSET_SINCE_MS } from '../../../server/core/time';
import { addDays, businessInstantMs, clockOf, daysBetween } from '../../../server/domain/booking/time';

/** The fixed-offset fast paths against dayjs-tz (the tz database), incl. the 1990–1992 boundary. */
describe('business time fast paths match dayjs-tz', () => {
  const from = Date.UTC(1990, 0, 1);
  const to = Date.UTC(2040, 11, 31);
  // A prime step (~3.7 days + 13 min) so instants fall at every hour/minute of the day over the range.
  const step = 3 * 86_400_000 + 17 * 3_600_000 + 13 * 60_000 + 7_001;
  const instants: number[] = [];
  for (let ms = from; ms <= to; ms += step) instants.push(ms);
  // Around midnight Shanghai of 1991-09-15 (end of the last DST period) and the fast-path switch.
  for (const edge of [Date.UTC(1991, 8, 14, 15), Date.UTC(1991, 3, 13, 16), FIXED_OFFSET_SINCE_MS]) {
    for (let d = -3 * 3_600_000; d <= 3 * 3_600_000; d += 15 * 60_000) instants.push(edge + d);
  }

  it('businessDate', () => {
    for (const ms of instants) {
      expect(businessDate(new Date(ms))).toBe(dayjs(ms).tz(BUSINESS_TZ).format('YYYY-MM-DD'));
    }
  });

  it('clockOf', () => {
    for (const ms of instants) expect(clockOf(ms)).toBe(dayjs(ms).tz(BUSINESS_TZ).format('HH:mm'));
  });

  it('businessInstantMs', () => {
    for (const ms of instants) {
      const wall = dayjs(ms).tz(BUSINESS_TZ);
      const date = wall.format('YYYY-MM-DD');
      const time = wall.format('HH:mm');
      expect(businessInstantMs(date, time)).toBe(dayjs.tz(`${date} ${time}`, BUSINESS_TZ).valueOf());
    }
  });

  it('addDays / daysBetween', () => {
    for (const ms of instants.slice(0, 2000)) {
      const date = dayjs.utc(ms).format('YYYY-MM-DD');
      for (const n of [-400, -31, -1, 0, 1, 7, 29, 366]) {
        const expected = dayjs.utc(date).add(n, 'day').format('YYYY-MM-DD');
        expect(addDays(date, n)).toBe(expected);
        expect(daysBetween(date, expected)).toBe(dayjs.utc(expected).diff(dayjs.utc(date), 'day'));
      }
    }
  });

  it('falls back to dayjs for odd input', () => {
    expect(businessDate(new Date(Date.UTC(1990, 5, 1, 20)))).toBe('1990-06-02');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(businessInstantMs('2027-02-25', '08:00')).toBe(Date.UTC(2027, 1, 25, 0));
    expect(clockOf(Date.UTC(2027, 1, 25, 16, 5))).toBe('00:05');
  });
});
