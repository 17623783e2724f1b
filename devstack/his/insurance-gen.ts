/**
 * Seeded 医保 accounts (once per database, meta `insuranceSeed`): every seeded patient with a
 * 社保卡号 (about 70 %, ./seed.ts) gets an account — children 城乡居民, adults mostly 职工医保 (retired
 * from 60 / 55), some 城乡居民 — with a believable 个人账户 balance, and a standing for the seeding
 * year: some have used nothing yet, some part of the deductible, some all of it plus fund payments.
 * A database seeded before 医保 existed first gets the 社保卡号 the current seed gives its patients.
 */
import type { SandboxDb } from './db';
import { OUTPATIENT_POLICY, RETIREMENT_AGE, type InsuranceScheme } from './insurance-data';
import { ageOn, businessYear, setYearUsage, upsertAccount } from './insurance-store';
import { createPrng, type Prng } from './prng';
import { SEED_PATIENT_COUNT, generateSeed } from './seed';

interface SeededPatient {
  patientId: string;
  gender: 'M' | 'F';
  birthDate: string;
}

function schemeFor(rnd: Prng, p: SeededPatient, now: Date): InsuranceScheme {
  const age = ageOn(p.birthDate, now);
  if (age < 18) return 'resident';
  // Farmers, the self-employed and students are in 城乡居民医保.
  if (rnd.chance(0.25)) return 'resident';
  return age >= RETIREMENT_AGE[p.gender] ? 'retiree' : 'employee';
}

/** 个人账户 balance: 0 for 城乡居民; ¥20–¥4 800 in service, ¥200–¥9 000 retired (more is credited to them). */
function balanceFor(rnd: Prng, scheme: InsuranceScheme): number {
  if (scheme === 'resident') return 0;
  return scheme === 'employee' ? rnd.int(2_000, 480_000) : rnd.int(20_000, 900_000);
}

/** This year's standing: 45 % nothing used, 25 % part of the deductible, 30 % all of it and some fund. */
function usageFor(rnd: Prng, scheme: InsuranceScheme): { deductibleUsedFen: number; fundPaidFen: number } {
  const policy = OUTPATIENT_POLICY[scheme];
  const r = rnd.next();
  if (r < 0.45) return { deductibleUsedFen: 0, fundPaidFen: 0 };
  if (r < 0.7) return { deductibleUsedFen: rnd.int(1, policy.deductibleFen - 1), fundPaidFen: 0 };
  return { deductibleUsedFen: policy.deductibleFen, fundPaidFen: rnd.int(0, Math.floor(policy.annualCapFen * 0.6)) };
}

/** Gives seeded patients the 社保卡号 the seed gives them, where their record has none (older databases). */
function backfillSocialSecurityNos(db: SandboxDb, seed: number): void {
  const st = db.prepare(
    'UPDATE patients SET social_security_no = ? WHERE patient_id = ? AND social_security_no IS NULL AND seq <= ?',
  );
  for (const p of generateSeed(seed).patients) {
    if (p.socialSecurityNo !== null) st.run(p.socialSecurityNo, p.patientId, SEED_PATIENT_COUNT);
  }
}

/** Seeds the seeded patients' 医保 accounts once per database; no-op afterwards. */
export function seedInsurance(db: SandboxDb, seed: number, now: Date): void {
  if (db.prepare("SELECT 1 FROM meta WHERE key = 'insuranceSeed'").get()) return;
  const rnd = createPrng((seed ^ 0x0e1b0a0) >>> 0);
  const year = businessYear(now);
  db.transaction(() => {
    backfillSocialSecurityNos(db, seed);
    const insured = db
      .prepare(
        `SELECT patient_id AS patientId, gender, birth_date AS birthDate FROM patients
         WHERE social_security_no IS NOT NULL AND seq <= ? ORDER BY seq`,
      )
      .all(SEED_PATIENT_COUNT) as SeededPatient[];
    for (const p of insured) {
      const scheme = schemeFor(rnd, p, now);
      upsertAccount(db, { patient_id: p.patientId, scheme, balance_fen: balanceFor(rnd, scheme), origin: 'seed' });
      const usage = usageFor(rnd, scheme);
      if (usage.deductibleUsedFen > 0) setYearUsage(db, p.patientId, year, usage);
    }
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('insuranceSeed', ?)").run(now.toISOString());
  })();
}
