// npm test runs the unit suites with TZ=UTC and the time-sensitive ones again with
// TZ=Asia/Shanghai: make sure the process time zone really is the one the run claims.
it('runs in the time zone the test command set', () => {
  const offsetMin = new Date('2026-11-27T00:00:00Z').getTimezoneOffset();
  const expected: Record<string, number> = { UTC: 0, 'Asia/Shanghai': -480 };
  if (process.env.TZ !== undefined && process.env.TZ in expected) expect(offsetMin).toBe(expected[process.env.TZ]);
  if (process.env.JEST_TZ_PASS === 'shanghai') expect(process.env.TZ).toBe('Asia/Shanghai');
});
