import { checkIdNumber, ID_NUMBER_MESSAGES } from '../../../common/idcard';
import { DEFAULT_PATIENT_RULES, patientRules } from '../../../server/config/patient-rules';
import {
  buildCardRecord,
  decideBind,
  decideLink,
  decideSetDefault,
  decideUnbind,
  EMPTY_USER_STATE,
  isValidName,
  maskSocialSecurityNo,
  normalizeName,
  sameName,
  toView,
  type BindCandidate,
  type PatientCardRecord,
} from '../../../server/domain/patient';
import { businessDate } from '../../../server/core/time';
import { makeIdNumber, makeIdNumberEndingX } from './fakes';
import type { Relation } from '../../../typings/patient';

const rules = patientRules();
const TODAY = '2026-06-15';

let n = 0;
function card(over: Partial<PatientCardRecord> = {}): PatientCardRecord {
  n += 1;
  return buildCardRecord({
    cardId: `pc_${n}`,
    openid: 'u1',
    hisPatientId: `P${n}`,
    cardNo: `C${n}`,
    name: '王小明',
    idNumber: makeIdNumber('1990-01-01', n),
    idNumberHash: `h${n}`,
    phone: '13800138000',
    gender: 'M',
    birthDate: '1990-01-01',
    relation: '父母',
    socialSecurityNo: null,
    isDefault: false,
    boundAt: new Date(Date.UTC(2026, 0, 1, 0, n)),
    ...(over as object),
  }) as PatientCardRecord & typeof over;
}

function cand(over: Partial<BindCandidate> = {}): BindCandidate {
  return { name: '李四', idNumberHash: 'new-hash', birthDate: '1980-05-05', relation: '配偶', ...over };
}

describe('decideBind', () => {
  it('accepts the first card and makes it default', () => {
    expect(decideBind([], cand(), rules, TODAY)).toEqual({ ok: true, isDefault: true });
  });

  it('accepts a later card, not default', () => {
    expect(decideBind([card()], cand(), rules, TODAY)).toEqual({ ok: true, isDefault: false });
  });

  it('refuses a duplicate by ID-number hash (before the HIS is asked)', () => {
    const c = card();
    const d = decideBind([c], cand({ idNumberHash: c.idNumberHash }), rules, TODAY);
    expect(d).toEqual({
      ok: false,
      refusal: { reason: 'duplicate', code: 'ALREADY_EXISTS', message: '该就诊人已绑定' },
    });
  });

  it('refuses a duplicate by HIS patient id', () => {
    const c = card();
    const d = decideBind([c], cand({ his: { patientId: c.hisPatientId, name: '李四', existed: true } }), rules, TODAY);
    expect(d.ok || d.refusal.reason).toBe('duplicate');
  });

  it('refuses the 6th card with RESOURCE_EXHAUSTED', () => {
    const five = [card(), card(), card(), card(), card()];
    const d = decideBind(five, cand(), rules, TODAY);
    expect(d).toEqual({
      ok: false,
      refusal: { reason: 'limit', code: 'RESOURCE_EXHAUSTED', message: '最多可绑定5位就诊人' },
    });
    expect(decideBind(five.slice(0, 4), cand(), rules, TODAY).ok).toBe(true);
  });

  it('duplicate wins over the limit (more useful message)', () => {
    const five = [card(), card(), card(), card(), card()];
    const d = decideBind(five, cand({ idNumberHash: five[2]!.idNumberHash }), rules, TODAY);
    expect(!d.ok && d.refusal.reason).toBe('duplicate');
  });

  it('the limit is configurable', () => {
    const d = decideBind([card(), card()], cand(), patientRules({ maxCardsPerUser: 2 }), TODAY);
    expect(!d.ok && d.refusal.message).toBe('最多可绑定2位就诊人');
  });

  it('refuses a second 本人 with FAILED_PRECONDITION', () => {
    const d = decideBind([card({ relation: '本人' })], cand({ relation: '本人' }), rules, TODAY);
    expect(!d.ok && d.refusal).toMatchObject({ reason: 'selfExists', code: 'FAILED_PRECONDITION' });
    expect(decideBind([card({ relation: '配偶' })], cand({ relation: '本人' }), rules, TODAY).ok).toBe(true);
  });

  it.each<Relation>(['本人', '父母', '配偶', '其他'])('refuses a child under 6 as %s', (relation) => {
    const d = decideBind([], cand({ relation, birthDate: '2021-06-16' }), rules, TODAY);
    expect(!d.ok && d.refusal).toEqual({
      reason: 'guardianRequired',
      code: 'FAILED_PRECONDITION',
      message: '6岁以下儿童请以“子女”关系绑定',
    });
  });

  it('accepts a child under 6 as 子女, and a 6-year-old (birthday today) in any relation', () => {
    expect(decideBind([], cand({ relation: '子女', birthDate: '2026-06-15' }), rules, TODAY).ok).toBe(true);
    expect(decideBind([], cand({ relation: '本人', birthDate: '2020-06-15' }), rules, TODAY).ok).toBe(true);
    expect(decideBind([], cand({ relation: '本人', birthDate: '2020-06-16' }), rules, TODAY).ok).toBe(false);
  });

  it('guardian relations are configurable', () => {
    const r = patientRules({ guardianRelations: ['子女', '其他'] });
    expect(decideBind([], cand({ relation: '其他', birthDate: '2024-01-01' }), r, TODAY).ok).toBe(true);
    const d = decideBind([], cand({ relation: '父母', birthDate: '2024-01-01' }), r, TODAY);
    expect(!d.ok && d.refusal.message).toBe('6岁以下儿童请以“子女”或“其他”关系绑定');
  });

  it('refuses a name that does not match an existing HIS record, without revealing it', () => {
    const d = decideBind(
      [],
      cand({ name: '李思', his: { patientId: 'P9', name: '李四', existed: true } }),
      rules,
      TODAY,
    );
    expect(!d.ok && d.refusal).toEqual({
      reason: 'realNameMismatch',
      code: 'FAILED_PRECONDITION',
      message: '姓名与身份证号不一致',
    });
    expect(JSON.stringify(d)).not.toContain('李四');
  });

  it('real-name check tolerates dot variants and Latin case; skipped for a record this bind created', () => {
    const his = { patientId: 'P9', name: '阿卜杜·热合曼', existed: true };
    expect(decideBind([], cand({ name: '阿卜杜•热合曼', his }), rules, TODAY).ok).toBe(true);
    expect(decideBind([], cand({ name: 'john smith', his: { ...his, name: 'JOHN SMITH' } }), rules, TODAY).ok).toBe(
      true,
    );
    expect(decideBind([], cand({ name: '别人', his: { ...his, existed: false } }), rules, TODAY).ok).toBe(true);
  });
});

describe('decideLink (inside the transaction)', () => {
  it('adds the card, first one default, tracks 本人', () => {
    const d = decideLink(EMPTY_USER_STATE, { cardId: 'a', relation: '本人' }, rules);
    expect(d).toEqual({ ok: true, isDefault: true, next: { cardIds: ['a'], selfCardId: 'a', defaultCardId: 'a' } });
  });
  it('refuses duplicate, limit, second 本人', () => {
    const s = { cardIds: ['a', 'b', 'c', 'd', 'e'], selfCardId: 'a', defaultCardId: 'a' };
    expect(decideLink(s, { cardId: 'a', relation: '父母' }, rules)).toMatchObject({
      ok: false,
      refusal: { reason: 'duplicate' },
    });
    expect(decideLink(s, { cardId: 'f', relation: '父母' }, rules)).toMatchObject({
      ok: false,
      refusal: { reason: 'limit' },
    });
    const s2 = { ...s, cardIds: ['a'] };
    expect(decideLink(s2, { cardId: 'f', relation: '本人' }, rules)).toMatchObject({
      ok: false,
      refusal: { reason: 'selfExists' },
    });
    expect(decideLink(s2, { cardId: 'f', relation: '子女' }, rules)).toMatchObject({ ok: true, isDefault: false });
  });
});

describe('decideUnbind / decideSetDefault', () => {
  const s = { cardIds: ['a', 'b', 'c'], selfCardId: 'a', defaultCardId: 'a' };
  it('unbinding the default promotes the most recently bound remaining card', () => {
    expect(decideUnbind(s, 'a')).toEqual({
      next: { cardIds: ['b', 'c'], selfCardId: null, defaultCardId: 'c' },
      newDefaultCardId: 'c',
    });
  });
  it('unbinding a non-default keeps the default', () => {
    expect(decideUnbind(s, 'c')).toEqual({
      next: { cardIds: ['a', 'b'], selfCardId: 'a', defaultCardId: 'a' },
      newDefaultCardId: null,
    });
  });
  it('unbinding the last card leaves no default', () => {
    expect(decideUnbind({ cardIds: ['a'], selfCardId: null, defaultCardId: 'a' }, 'a')).toEqual({
      next: { cardIds: [], selfCardId: null, defaultCardId: null },
      newDefaultCardId: null,
    });
  });
  it('setDefault switches, and is a no-op on the current default', () => {
    expect(decideSetDefault(s, 'b')).toEqual({
      next: { ...s, defaultCardId: 'b' },
      previousDefaultCardId: 'a',
      changed: true,
    });
    expect(decideSetDefault(s, 'a')).toEqual({ next: s, previousDefaultCardId: null, changed: false });
  });
});

describe('toView masking', () => {
  const base = card({
    name: '王小明',
    relation: '本人',
  });
  it('keeps the whole name only for 本人', () => {
    expect(toView(base, TODAY).name).toBe('王小明');
    expect(toView({ ...base, relation: '父母' }, TODAY).name).toBe('王*明');
    expect(toView({ ...base, relation: '子女', name: '王明' }, TODAY).name).toBe('王*');
    expect(toView({ ...base, relation: '配偶', name: '欧阳小明' }, TODAY).name).toBe('欧**明');
  });
  it('masks ID number, phone and social security number at storage time', () => {
    const rec = buildCardRecord({
      cardId: 'x',
      openid: 'u1',
      hisPatientId: 'P1',
      cardNo: 'C1',
      name: '王小明',
      idNumber: '33060219900101123X',
      idNumberHash: 'h',
      phone: '13800138000',
      gender: 'M',
      birthDate: '1990-01-01',
      relation: '本人',
      socialSecurityNo: 'AB1234567890',
      isDefault: true,
      boundAt: new Date('2026-01-01T00:00:00Z'),
    });
    expect(rec.idNumberMasked).toBe('330602********123X');
    expect(rec.phoneMasked).toBe('138****8000');
    expect(rec.socialSecurityMasked).toBe('AB******7890');
    expect(JSON.stringify(rec)).not.toContain('33060219900101123X');
    expect(JSON.stringify(rec)).not.toContain('13800138000');
    const v = toView(rec, TODAY);
    expect(v).toEqual({
      id: 'x',
      cardNo: 'C1',
      name: '王小明',
      idNumberMasked: '330602********123X',
      phoneMasked: '138****8000',
      gender: 'M',
      age: 36,
      relation: '本人',
      isDefault: true,
      socialSecurityMasked: 'AB******7890',
      boundAt: '2026-01-01T00:00:00.000Z',
    });
    expect(maskSocialSecurityNo('123456')).toBe('******');
  });
  it('age turns over at midnight Asia/Shanghai whatever the process TZ', () => {
    const child = { ...base, birthDate: '2020-11-27' };
    // 2026-11-26T15:30Z is 23:30 on the 26th in Shanghai; 16:30Z is 00:30 on the 27th.
    expect(businessDate(new Date('2026-11-26T15:30:00Z'))).toBe('2026-11-26');
    expect(businessDate(new Date('2026-11-26T16:30:00Z'))).toBe('2026-11-27');
    expect(toView(child, businessDate(new Date('2026-11-26T15:30:00Z'))).age).toBe(5);
    expect(toView(child, businessDate(new Date('2026-11-26T16:30:00Z'))).age).toBe(6);
  });
});

describe('ID numbers', () => {
  it('accepts valid numbers, with X or x, normalised to upper case', () => {
    const x = makeIdNumberEndingX('1985-03-09');
    expect(checkIdNumber(x, TODAY)).toEqual({
      ok: true,
      info: { idNumber: x, birthDate: '1985-03-09', gender: expect.any(String) },
    });
    expect(checkIdNumber(x.toLowerCase(), TODAY)).toMatchObject({ ok: true, info: { idNumber: x } });
    const m = makeIdNumber('2000-02-29', 131);
    expect(checkIdNumber(m, TODAY)).toMatchObject({ ok: true, info: { gender: 'M', birthDate: '2000-02-29' } });
    expect(checkIdNumber(makeIdNumber('2000-02-29', 132), TODAY)).toMatchObject({ ok: true, info: { gender: 'F' } });
  });
  it.each([
    ['format: too short', '33060219900101123', 'format'],
    ['format: letter inside', '3306021990A101123X', 'format'],
    ['region', makeIdNumber('1990-01-01', 1, '030602'), 'region'],
    ['birthDate: Feb 30', makeIdNumber('1990-02-30', 1), 'birthDate'],
    ['birthDate: before 1900', makeIdNumber('1899-12-31', 1), 'birthDate'],
    ['futureBirthDate', makeIdNumber('2026-06-16', 1), 'futureBirthDate'],
  ] as const)('%s', (_label, id, problem) => {
    expect(checkIdNumber(id, TODAY)).toEqual({ ok: false, problem });
    expect(ID_NUMBER_MESSAGES[problem]).toMatch(/身份证号/);
  });
  it('checksum', () => {
    const good = makeIdNumber('1990-01-01', 7);
    const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    expect(checkIdNumber(bad, TODAY)).toEqual({ ok: false, problem: 'checksum' });
  });
  it('a birth date of today is not in the future', () => {
    expect(checkIdNumber(makeIdNumber(TODAY, 1), TODAY).ok).toBe(true);
  });
});

describe('names', () => {
  it.each(['王明', '欧阳小明', '阿卜杜·热合曼', 'John Smith', '王'.repeat(20)])('valid: %s', (v) => {
    expect(isValidName(normalizeName(v))).toBe(true);
  });
  it.each(['王', '王'.repeat(21), '王1明', '王_明', '·王明', 'J0hn', '张三!'])('invalid: %s', (v) => {
    expect(isValidName(normalizeName(v))).toBe(false);
  });
  it('normalizes dots and blanks', () => {
    expect(normalizeName('  阿卜杜 • 热合曼 ')).toBe('阿卜杜·热合曼');
    expect(normalizeName('王 小明')).toBe('王小明');
    expect(normalizeName(' John   Smith ')).toBe('John Smith');
    expect(sameName('john smith', 'JOHN  SMITH')).toBe(true);
  });
  it('defaults are in one place', () => {
    expect(DEFAULT_PATIENT_RULES).toEqual({ maxCardsPerUser: 5, childGuardianAge: 6, guardianRelations: ['子女'] });
  });
});
