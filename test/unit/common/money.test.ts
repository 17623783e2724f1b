/** Integer fen → yuan text, by integer arithmetic (the one formatter of pages, messages, sandboxes). */
import { formatYuan, yuanDigits } from '../../../common/money';

test.each([
  [0, '0.00', '¥0.00'],
  [5, '0.05', '¥0.05'],
  [1250, '12.50', '¥12.50'],
  [100_000_001, '1000000.01', '¥1000000.01'],
  [-1250, '-12.50', '-¥12.50'],
  [-5, '-0.05', '-¥0.05'],
])('%d fen → %s / %s', (fen, digits, text) => {
  expect(yuanDigits(fen)).toBe(digits);
  expect(formatYuan(fen)).toBe(text);
});

test('not a finite number reads as zero; a fraction of a fen is rounded', () => {
  expect(formatYuan(Number.NaN)).toBe('¥0.00');
  expect(formatYuan(Number.POSITIVE_INFINITY)).toBe('¥0.00');
  expect(yuanDigits(1249.6)).toBe('12.50');
});
