/**
 * 自助检验, pure: age on the business date, eligibility by age and sex, the default rules, and the
 * daily limit over a card's quota (repeats never count twice, other days never count).
 */
import { DEFAULT_LAB_RULES, labRules } from '../../../server/config/lab-rules';
import {
  ageOn,
  decideLabReserve,
  labEligibility,
  recordLabOrder,
  releaseLabEntry,
  usedOn,
  type LabQuota,
  type LabQuotaEntry,
  type LabReserveInput,
} from '../../../server/domain/payment/lab';

describe('ageOn', () => {
  it('counts whole years, a year more on the birthday', () => {
    expect(ageOn('2008-12-05', '2026-12-04')).toBe(17);
    expect(ageOn('2008-12-05', '2026-12-05')).toBe(18);
    expect(ageOn('1990-03-07', '2026-03-06')).toBe(35);
    expect(ageOn('2026-12-04', '2026-12-04')).toBe(0);
  });

  it('born on 02-29: older on 03-01 of a common year, on 02-29 of a leap year', () => {
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
    expect(ageOn('2008-02-29', '2028-02-29')).toBe(20);
  });

  it('null for a malformed or future birth date', () => {
    expect(ageOn('1990/03/07', '2026-12-04')).toBeNull();
    expect(ageOn('', '2026-12-04')).toBeNull();
    expect(ageOn('2026-12-05', '2026-12-04')).toBeNull();
  });
});

describe('labEligibility', () => {
  const adult = { gender: 'M' as const, birthDate: '1990-03-07' };
  const rule = { preparation: '', turnaround: '次日', minAge: 18, maxAge: 75 };

  it('both age bounds are included', () => {
    const at = (birthDate: string) => labEligibility(rule, { gender: 'F', birthDate }, '2026-12-04');
    expect(at('2008-12-04')).toEqual({ eligible: true });
    expect(at('2008-12-05')).toEqual({ eligible: false, reason: expect.stringContaining('18周岁及以上') });
    expect(at('1951-12-04')).toEqual({ eligible: true });
    expect(at('1950-12-04')).toEqual({ eligible: false, reason: expect.stringContaining('75周岁以上') });
  });

  it('a rule of sex admits only that sex (and not a card that does not say)', () => {
    const female = { ...rule, sex: 'F' as const };
    expect(labEligibility(female, { ...adult, gender: 'F' }, '2026-12-04')).toEqual({ eligible: true });
    expect(labEligibility(female, adult, '2026-12-04')).toEqual({ eligible: false, reason: '该项目仅限女性自助申请' });
    expect(labEligibility(female, { ...adult, gender: null }, '2026-12-04').eligible).toBe(false);
  });

  it('an age rule needs the birth date; a test without one does not', () => {
    const unknown = { gender: null, birthDate: null };
    expect(labEligibility(rule, unknown, '2026-12-04')).toEqual({ eligible: false, reason: expect.any(String) });
    expect(labEligibility({ preparation: '', turnaround: '次日' }, unknown, '2026-12-04')).toEqual({ eligible: true });
  });
});

describe('DEFAULT_LAB_RULES', () => {
  it('offers the ten tests to adults, with notes, 3 orders a day, and the sampling site', () => {
    const codes = Object.keys(DEFAULT_LAB_RULES.tests);
    expect(codes).toEqual(['GLU', 'HBA1C', 'LFT', 'RFT', 'CBC', 'LIP4', 'THY3', 'URT', 'HCY', 'UA']);
    for (const code of codes) {
      const r = DEFAULT_LAB_RULES.tests[code]!;
      expect(r.minAge).toBe(18);
      expect(r.turnaround).not.toBe('');
      expect(r.sex).toBeUndefined();
    }
    expect(DEFAULT_LAB_RULES.tests.GLU!.preparation).toMatch(/^需空腹8小时（可少量饮水）/);
    expect(DEFAULT_LAB_RULES.tests.LIP4!.preparation).toMatch(/空腹12小时、前一天清淡饮食/);
    expect(DEFAULT_LAB_RULES.tests.URT!.preparation).toMatch(/^留取晨起中段尿/);
    expect(DEFAULT_LAB_RULES.tests.CBC!.preparation).toBe('');
    expect(DEFAULT_LAB_RULES.perDayLimit).toBe(3);
    expect(DEFAULT_LAB_RULES.site).toMatchObject({
      location: '门诊楼3楼检验科采血处',
      hours: '周一至周日 07:30-11:30、13:30-16:30',
    });
    expect(DEFAULT_LAB_RULES.site.notes.length).toBeGreaterThan(0);
  });

  it('a deployment overrides parts, the rest stays', () => {
    const r = labRules({ perDayLimit: 1 });
    expect(r.perDayLimit).toBe(1);
    expect(r.tests).toBe(DEFAULT_LAB_RULES.tests);
  });
});

describe('the daily limit', () => {
  const entry = (requestId: string, date: string, over: Partial<LabQuotaEntry> = {}): LabQuotaEntry => ({
    requestId,
    cardId: 'pc_1',
    codes: ['CBC'],
    date,
    atMs: 0,
    orderId: null,
    ...over,
  });
  const req = (requestId: string, over: Partial<LabReserveInput> = {}): LabReserveInput => ({
    requestId,
    cardId: 'pc_1',
    codes: ['CBC', 'GLU'],
    today: '2026-12-04',
    keepFrom: '2026-12-03',
    nowMs: 42,
    ...over,
  });

  it('counts a new request on today, and keeps yesterday for repeats but drops older days', () => {
    const state: LabQuota = { entries: [entry('a', '2026-12-02'), entry('b', '2026-12-03')] };
    const d = decideLabReserve(state, req('c'), 3);
    expect(d).toEqual({
      kind: 'new',
      entry: entry('c', '2026-12-04', { codes: ['CBC', 'GLU'], atMs: 42 }),
      next: { entries: [entry('b', '2026-12-03'), entry('c', '2026-12-04', { codes: ['CBC', 'GLU'], atMs: 42 })] },
    });
    if (d.kind === 'new') expect(usedOn(d.next, '2026-12-04')).toBe(1);
  });

  it('refuses once today holds the limit; other days do not count', () => {
    const today = [entry('a', '2026-12-04'), entry('b', '2026-12-04')];
    expect(decideLabReserve({ entries: today }, req('c'), 2)).toEqual({ kind: 'limit', used: 2 });
    expect(decideLabReserve({ entries: today }, req('c'), 3).kind).toBe('new');
    const yesterday = [entry('a', '2026-12-03'), entry('b', '2026-12-03')];
    expect(decideLabReserve({ entries: yesterday }, req('c'), 2).kind).toBe('new');
  });

  it('the same request again is a repeat, also at the limit and in any code order', () => {
    const prior = entry('a', '2026-12-04', { codes: ['GLU', 'CBC'], orderId: 'P1' });
    const state = { entries: [prior, entry('b', '2026-12-04')] };
    expect(decideLabReserve(state, req('a'), 2)).toEqual({ kind: 'repeat', entry: prior });
    expect(decideLabReserve(state, req('a', { today: '2026-12-05', keepFrom: '2026-12-04' }), 2).kind).toBe('repeat');
  });

  it('the same request id with other codes or another card is a mismatch', () => {
    const state = { entries: [entry('a', '2026-12-04')] };
    expect(decideLabReserve(state, req('a', { codes: ['CBC', 'URT'] }), 3)).toEqual({ kind: 'mismatch' });
    expect(decideLabReserve(state, req('a', { codes: ['CBC'], cardId: 'pc_2' }), 3)).toEqual({ kind: 'mismatch' });
  });

  it('a release gives the count back; recording the order writes once', () => {
    const state = { entries: [entry('a', '2026-12-04'), entry('b', '2026-12-04')] };
    expect(releaseLabEntry(state, 'a')).toEqual({ entries: [entry('b', '2026-12-04')] });
    expect(releaseLabEntry(state, 'x')).toBeNull();
    const recorded = recordLabOrder(state, 'b', 'P9');
    expect(recorded?.entries[1]).toEqual(entry('b', '2026-12-04', { orderId: 'P9' }));
    expect(recordLabOrder(recorded!, 'b', 'P9')).toBeNull();
    expect(recordLabOrder(state, 'x', 'P9')).toBeNull();
  });
});
