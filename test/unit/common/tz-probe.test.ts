// npm test runs the unit suites with TZ=UTC and the time-sensitive ones again with
// TZ=Asia/Shanghai: make sure the process time zone really is the one the run claims. Without a TZ
// there is no claim to check (a bare `npx jest`): the probe is skipped, and says so.

/** The UTC offset (minutes east, as getTimezoneOffset counts it: UTC − local) of `zone` at `at`. */
function offsetOf(zone: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')!.value; // `GMT+08:00`, or `GMT` for UTC
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!m) throw new Error(`unexpected offset name ${name} for ${zone}`);
  const east = m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  return 0 - east; // not -east: -0 is not 0 to toBe
}

const at = new Date('2026-11-27T00:00:00Z');
const tz = process.env.TZ;
const shanghaiPass = process.env.JEST_TZ_PASS === 'shanghai';

if (shanghaiPass) {
  it('the Shanghai pass runs with TZ=Asia/Shanghai', () => {
    expect(tz).toBe('Asia/Shanghai');
    expect(at.getTimezoneOffset()).toBe(-480);
  });
} else if (tz) {
  it(`runs in the time zone the test command set (TZ=${tz})`, () => {
    expect(at.getTimezoneOffset()).toBe(offsetOf(tz, at));
  });
} else {
  it.skip('runs in the time zone the test command set — skipped: TZ is not set (npm test sets TZ=UTC)', () => {});
}
