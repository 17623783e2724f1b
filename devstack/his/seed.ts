/**
 * Deterministic seed data for the HIS sandbox: the same seed always yields the same hospital,
 * departments, doctors and patients. Pure (no I/O, no clock).
 */
import { idCheckChar } from '../../common/idcard';
import type { HisPatient } from '../../server/ports/his-patient';
import { createPrng, type Prng } from './prng';
import {
  DEPARTMENTS,
  DOCTOR_TITLES,
  GIVEN_CHARS,
  HOSPITAL,
  MOBILE_PREFIXES,
  REGIONS,
  SURNAMES,
  eraOf,
} from './seed-data';

export const DEFAULT_SEED = 20261127;
export const SEED_PATIENT_COUNT = 500;
export const DOCTORS_PER_DEPARTMENT = 3;

export interface DepartmentRow {
  code: string;
  name: string;
  location: string;
  intro: string;
  sort: number;
}

export interface DoctorRow {
  doctorId: string;
  name: string;
  gender: 'M' | 'F';
  title: string;
  /** 'expert' = 专家门诊 (主任/副主任医师), 'specialist' = 专科门诊 (主治医师). */
  level: 'expert' | 'specialist';
  deptCode: string;
  specialty: string;
  intro: string;
}

/** A seeded patient: the HIS record plus its insertion sequence. */
export interface PatientRow extends HisPatient {
  seq: number;
}

export interface SeedData {
  hospital: typeof HOSPITAL;
  departments: DepartmentRow[];
  doctors: DoctorRow[];
  patients: PatientRow[];
}

/** `P` + 10 digits, from the patient's sequence number. */
export function patientIdFor(seq: number): string {
  return `P${String(1_000_000_000 + seq)}`;
}

export function chineseName(rnd: Prng, gender: 'M' | 'F', birthYear: number): string {
  const surname = rnd.weighted(SURNAMES);
  const pool = GIVEN_CHARS[gender][eraOf(birthYear)];
  // Compound surnames take a one-character given name so names stay 2–3 characters.
  const givenLength = surname.length === 2 ? 1 : rnd.chance(0.72) ? 2 : 1;
  let given = rnd.pick(pool);
  if (givenLength === 2) {
    let second = rnd.pick(pool);
    if (second === given) second = rnd.pick(pool);
    given += second;
  }
  return surname + given;
}

export function mobile(rnd: Prng): string {
  return rnd.pick(MOBILE_PREFIXES) + rnd.digits(8);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

const DAY_MS = 86_400_000;
const BIRTH_FROM = Date.UTC(1935, 0, 1);
const BIRTH_TO = Date.UTC(2024, 11, 31);
/** Seeded records were created between these instants (fixed, so the seed does not depend on the clock). */
const CREATED_FROM = Date.UTC(2012, 0, 1);
const CREATED_TO = Date.UTC(2026, 9, 31, 16, 0, 0);

/** A valid 18-digit ID number: region + birth date + 2-digit sequence + gender digit + check character. */
export function idNumberFor(region: string, birthDate: string, seq2: number, gender: 'M' | 'F', rnd: Prng): string {
  const genderDigit = 2 * rnd.int(0, 4) + (gender === 'M' ? 1 : 0);
  const first17 = `${region}${birthDate.replaceAll('-', '')}${pad(seq2, 2)}${genderDigit}`;
  return first17 + idCheckChar(first17);
}

/**
 * About a quarter of the patients without a 社保卡号 from the main sequence have one too (about 70 %
 * insured in all, see insurance-gen.ts); drawn from their own source so nothing else changes.
 */
function socialSecurityNoLater(rnd: Prng): string | null {
  const has = rnd.chance(0.25);
  const no = `${rnd.pick(['A', 'B', 'C', 'D'])}${rnd.digits(8)}`;
  return has ? no : null;
}

export function generateSeed(seed: number = DEFAULT_SEED): SeedData {
  const rnd = createPrng(seed);

  const departments: DepartmentRow[] = DEPARTMENTS.map((d, i) => ({
    code: d.code,
    name: d.name,
    location: d.location,
    intro: d.intro,
    sort: i + 1,
  }));

  const doctors: DoctorRow[] = [];
  const doctorNames = new Set<string>();
  let doctorSeq = 0;
  for (const dept of DEPARTMENTS) {
    for (let i = 0; i < DOCTORS_PER_DEPARTMENT; i++) {
      doctorSeq += 1;
      // One 主任医师 per department, then a weighted mix.
      const t = i === 0 ? DOCTOR_TITLES[0] : rnd.weighted(DOCTOR_TITLES.map((x) => [x, x.weight] as const));
      const gender: 'M' | 'F' = dept.name === '妇产科' ? (rnd.chance(0.85) ? 'F' : 'M') : rnd.chance(0.5) ? 'M' : 'F';
      const birthYear = t.level === 'expert' ? rnd.int(1962, 1980) : rnd.int(1982, 1992);
      let name = chineseName(rnd, gender, birthYear);
      while (doctorNames.has(name)) name = chineseName(rnd, gender, birthYear);
      doctorNames.add(name);
      const specialty = [rnd.pick(dept.specialties), rnd.pick(dept.specialties)]
        .filter((s, k, a) => a.indexOf(s) === k)
        .join('、');
      const years = 2026 - birthYear - 24;
      doctors.push({
        doctorId: `D${pad(doctorSeq, 5)}`,
        name,
        gender,
        title: t.title,
        level: t.level,
        deptCode: dept.code,
        specialty,
        intro: `${dept.name}${t.title}，从事临床工作${years}年，擅长${specialty}。`,
      });
    }
  }

  const patients: PatientRow[] = [];
  // A second source for the later 社保卡号s, so every other field stays what this seed always gave.
  const ssRnd = createPrng((seed ^ 0x55ec) >>> 0);
  const idNumbers = new Set<string>();
  const cardNos = new Set<string>();
  for (let seq = 1; seq <= SEED_PATIENT_COUNT; seq++) {
    const gender: 'M' | 'F' = rnd.chance(0.49) ? 'M' : 'F';
    const birthMs = BIRTH_FROM + rnd.int(0, Math.floor((BIRTH_TO - BIRTH_FROM) / DAY_MS)) * DAY_MS;
    const birthDate = new Date(birthMs).toISOString().slice(0, 10);
    const region = rnd.weighted(REGIONS);
    let idNumber = idNumberFor(region, birthDate, rnd.int(0, 99), gender, rnd);
    while (idNumbers.has(idNumber)) idNumber = idNumberFor(region, birthDate, rnd.int(0, 99), gender, rnd);
    idNumbers.add(idNumber);
    let cardNo = `3${rnd.digits(9)}`;
    while (cardNos.has(cardNo)) cardNo = `3${rnd.digits(9)}`;
    cardNos.add(cardNo);
    const name = chineseName(rnd, gender, Number(birthDate.slice(0, 4)));
    const phone = mobile(rnd);
    const socialSecurityNo = rnd.chance(0.6)
      ? `${rnd.pick(['A', 'B', 'C', 'D'])}${rnd.digits(8)}`
      : socialSecurityNoLater(ssRnd);
    const createdFrom = Math.max(CREATED_FROM, birthMs);
    const createdAt = new Date(createdFrom + Math.floor(rnd.next() * (CREATED_TO - createdFrom))).toISOString();
    patients.push({
      seq,
      patientId: patientIdFor(seq),
      cardNo,
      name,
      idNumber,
      phone,
      gender,
      birthDate,
      socialSecurityNo,
      createdAt,
    });
  }

  return { hospital: HOSPITAL, departments, doctors, patients };
}
