import { maskIdNumber, maskMiddle, maskName, maskPhone } from '../../../common/mask';
import { isMainlandMobile } from '../../../common/phone';

describe('masking', () => {
  it('masks ID numbers keeping region and last four', () => {
    expect(maskIdNumber('330602199001011234')).toBe('330602********1234');
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
  });
  it('masks phones keeping the first three and last four digits', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
  });
  it('masks names by length', () => {
    expect(maskName('王小明')).toBe('王*明');
    expect(maskName('王明')).toBe('王*');
    expect(maskName('欧阳小明')).toBe('欧**明');
    expect(maskName('王')).toBe('*');
  });
  it('masks generic values and never reveals short ones', () => {
    expect(maskMiddle('ABC1234567', 2, 2)).toBe('AB******67');
    expect(maskMiddle('ABC', 2, 2)).toBe('***');
  });
});

describe('mainland mobiles', () => {
  it.each(['13800138000', '19912345678', '15000000000'])('accepts %s', (p) => expect(isMainlandMobile(p)).toBe(true));
  it.each(['12800138000', '1380013800', '138001380000', '+8613800138000', '1380013800a', ''])('refuses %s', (p) =>
    expect(isMainlandMobile(p)).toBe(false),
  );
});
