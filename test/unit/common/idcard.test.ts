import { ageOn, checkIdNumber, idCheckChar } from '../../../common/idcard';

const TODAY = '2026-11-27';

/** Builds a valid ID number from region, birth date (YYYYMMDD) and a 3-digit sequence. */
function makeId(region: string, birth: string, seq: string): string {
  const first17 = region + birth + seq;
  return first17 + idCheckChar(first17);
}

describe('GB 11643 ID numbers', () => {
  it('computes the check character of the standard example', () => {
    // The worked example of GB 11643-1999: 11010519491231002X.
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(checkIdNumber('11010519491231002X', TODAY)).toEqual({
      ok: true,
      info: { idNumber: '11010519491231002X', birthDate: '1949-12-31', gender: 'F' },
    });
  });

  it('accepts a lower-case x and normalises it', () => {
    const r = checkIdNumber('11010519491231002x', TODAY);
    expect(r.ok && r.info.idNumber).toBe('11010519491231002X');
  });

  it('derives gender from the 17th digit', () => {
    const male = makeId('330602', '19900101', '123');
    const female = makeId('330602', '19900101', '124');
    expect(checkIdNumber(male, TODAY)).toMatchObject({ ok: true, info: { gender: 'M' } });
    expect(checkIdNumber(female, TODAY)).toMatchObject({ ok: true, info: { gender: 'F' } });
  });

  it.each([
    ['too short', '33060219900101123', 'format'],
    ['too long', '3306021990010112345', 'format'],
    ['letter inside', '3306021990A1011234', 'format'],
    ['X not last', 'X30602199001011234', 'format'],
    ['region class 0', makeId('030602', '19900101', '123'), 'region'],
    ['region class 9', makeId('930602', '19900101', '123'), 'region'],
    ['month 13', makeId('330602', '19901301', '123'), 'birthDate'],
    ['29 Feb of a common year', makeId('330602', '19900229', '123'), 'birthDate'],
    ['before 1900', makeId('330602', '18991231', '123'), 'birthDate'],
    ['born tomorrow', makeId('330602', '20261128', '123'), 'futureBirthDate'],
  ])('refuses %s', (_label, id, problem) => {
    expect(checkIdNumber(id, TODAY)).toEqual({ ok: false, problem });
  });

  it('accepts 29 Feb of a leap year and a birth date of today', () => {
    expect(checkIdNumber(makeId('330602', '20000229', '123'), TODAY).ok).toBe(true);
    expect(checkIdNumber(makeId('330602', '20261127', '123'), TODAY).ok).toBe(true);
  });

  it('refuses every wrong check character', () => {
    const valid = makeId('330602', '19900101', '123');
    for (const c of '0123456789X') {
      if (c === valid[17]) continue;
      expect(checkIdNumber(valid.slice(0, 17) + c, TODAY)).toEqual({ ok: false, problem: 'checksum' });
    }
  });

  it('computes age in whole years across the birthday', () => {
    expect(ageOn('2020-11-28', '2026-11-27')).toBe(5);
    expect(ageOn('2020-11-27', '2026-11-27')).toBe(6);
    expect(ageOn('2000-02-29', '2026-02-28')).toBe(25);
  });
});
