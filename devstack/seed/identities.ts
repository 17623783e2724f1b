/**
 * Test identities for local work: OPENIDs the devstack accepts in `X-WX-OPENID`, and helpers that
 * make fresh, valid (checksum-correct) resident ID numbers for 建档 tests.
 *
 * Everything here is fake. Real patient data never belongs in the repository.
 */
import { idCheckChar } from '../../common/idcard';

export interface TestIdentity {
  openid: string;
  /** Role label shown in the console. */
  role: string;
  note: string;
}

export const TEST_IDENTITIES: readonly TestIdentity[] = [
  { openid: 'u1', role: '患者 (patient)', note: 'Generic WeChat user #1, used by the integration tests.' },
  { openid: 'u2', role: '患者 (patient)', note: 'Generic WeChat user #2; must never see u1’s cards.' },
  { openid: 'patient-zhang', role: '患者 (patient)', note: 'Binds a family: 本人 + 父母 + 子女.' },
  { openid: 'patient-li', role: '患者 (patient)', note: 'Inpatient journeys (押金, 出院结算) once they exist.' },
  {
    openid: 'nurse-wang',
    role: '护士 (nurse)',
    note: 'Staff pages: 准许出院 (needs a staff record bound to this OPENID).',
  },
  { openid: 'billing-zhao', role: '收费处 (billing office)', note: 'Staff pages: 准许结算.' },
];

/** Region codes (行政区划代码) used for generated numbers: real prefixes, fake people. */
const REGIONS = ['330602', '330102', '310101', '110105', '440305', '320106'] as const;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export interface GenerateIdOptions {
  /** Random source in [0, 1); defaults to Math.random. */
  random?: () => number;
  /** Birth year range, inclusive. */
  fromYear?: number;
  toYear?: number;
  gender?: 'M' | 'F';
}

/** A valid 18-digit resident ID number (birth date in the past, correct check character). */
export function generateIdNumber(opts: GenerateIdOptions = {}): string {
  const rnd = opts.random ?? Math.random;
  const fromYear = opts.fromYear ?? 1950;
  const toYear = opts.toYear ?? 2000;
  const region = REGIONS[Math.floor(rnd() * REGIONS.length)]!;
  const year = fromYear + Math.floor(rnd() * (toYear - fromYear + 1));
  const month = 1 + Math.floor(rnd() * 12);
  const day = 1 + Math.floor(rnd() * 28);
  let seq = Math.floor(rnd() * 1000);
  // The 17th digit's parity is the gender: odd = M, even = F.
  if (opts.gender === 'M' && seq % 2 === 0) seq = (seq + 1) % 1000;
  if (opts.gender === 'F' && seq % 2 === 1) seq = (seq + 1) % 1000;
  const first17 = `${region}${year}${pad(month, 2)}${pad(day, 2)}${pad(seq, 3)}`;
  return first17 + idCheckChar(first17);
}

/** The same number with a wrong check character (for validation tests). */
export function withWrongChecksum(idNumber: string): string {
  const chars = '0123456789X';
  const right = idNumber[17];
  const wrong = chars[(chars.indexOf(right ?? '0') + 1) % chars.length]!;
  return idNumber.slice(0, 17) + wrong;
}

/** A valid-looking mainland mobile number. */
export function generatePhone(random: () => number = Math.random): string {
  const prefixes = ['138', '139', '150', '186', '177', '199'];
  return prefixes[Math.floor(random() * prefixes.length)]! + pad(Math.floor(random() * 1e8), 8);
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超'];

/** A fake Chinese name of 2–3 characters. */
export function generateName(random: () => number = Math.random): string {
  const pick = (a: string[]): string => a[Math.floor(random() * a.length)]!;
  return pick(SURNAMES) + pick(GIVEN) + (random() < 0.6 ? pick(GIVEN) : '');
}

export interface FreshPerson {
  name: string;
  idNumber: string;
  phone: string;
  gender: 'M' | 'F';
  birthDate: string;
}

/** A fresh fake person to 建档 (not in the HIS sandbox with overwhelming probability). */
export function freshPerson(random: () => number = Math.random): FreshPerson {
  const idNumber = generateIdNumber({ random });
  return {
    name: generateName(random),
    idNumber,
    phone: generatePhone(random),
    gender: Number(idNumber[16]) % 2 === 1 ? 'M' : 'F',
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
  };
}
