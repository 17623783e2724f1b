/**
 * Mainland resident ID numbers (GB 11643-1999): 17 digits + a check character (0-9 or X).
 * Pure and isomorphic: used by the server's validation, the HIS sandbox's seed and the
 * mini program's inline form checks (copied into miniprogram/common by the build).
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

export type IdNumberProblem = 'format' | 'region' | 'birthDate' | 'futureBirthDate' | 'checksum';

export interface IdNumberInfo {
  /** Normalised: upper-case X. */
  idNumber: string;
  /** YYYY-MM-DD */
  birthDate: string;
  gender: 'M' | 'F';
}

/** The check character for the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

function isValidDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1]!;
}

/**
 * Checks an ID number. `today` is the business date (YYYY-MM-DD, Asia/Shanghai) against which a
 * birth date in the future is refused.
 */
export function checkIdNumber(
  raw: string,
  today: string,
): { ok: true; info: IdNumberInfo } | { ok: false; problem: IdNumberProblem } {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, problem: 'format' };
  // First digit is the region class (1-8 for provinces/municipalities), never 0 or 9.
  if (!/^[1-8]\d{5}/.test(id)) return { ok: false, problem: 'region' };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1900 || !isValidDate(y, m, d)) return { ok: false, problem: 'birthDate' };
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (birthDate > today) return { ok: false, problem: 'futureBirthDate' };
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return { ok: false, problem: 'checksum' };
  const gender = Number(id[16]) % 2 === 1 ? 'M' : 'F';
  return { ok: true, info: { idNumber: id, birthDate, gender } };
}

/** Patient-readable Chinese text for each problem. */
export const ID_NUMBER_MESSAGES: Record<IdNumberProblem, string> = {
  format: '身份证号应为18位，末位可为数字或X',
  region: '身份证号地区码不正确',
  birthDate: '身份证号中的出生日期不正确',
  futureBirthDate: '身份证号中的出生日期晚于今天',
  checksum: '身份证号校验位不正确，请核对',
};

/** Whole years between birthDate and today (both YYYY-MM-DD). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age -= 1;
  return age;
}
