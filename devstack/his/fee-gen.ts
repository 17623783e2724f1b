/**
 * Believable outpatient charges for the HIS sandbox: a visit (就诊) of a patient to a department
 * yields a registration fee (挂号费, the department's 专科号 fee or the doctor's 专家号 fee, as in
 * schedule.ts), prescriptions (西药处方 / 中成药处方 with drug lines), lab orders (检验, with one
 * 静脉采血 per visit) and exam orders (检查), each with the place to go once it is paid. Amounts are
 * integer fen and always the sum of the lines (quantity × unit price).
 *
 * Seeding (`seedFees`, once per database): about 75 % of the seeded patients have one recent visit
 * with unpaid charges (some voided, 作废), about 20 % an older visit paid at the window. The charges
 * depend on the seed and on the instant the database was seeded (their orderedAt is recent then).
 */
import type { FeeItemKind } from '../../typings/payment';
import type { HisFeeLine } from '../../server/ports/his-payment';
import { businessDate } from '../../server/core/time';
import type { SandboxDb } from './db';
import {
  BLOOD_DRAW_LINE,
  DEPT_FEE_MENUS,
  DRUGS,
  EXAMS,
  HERBAL_PHARMACY_GUIDE,
  LABS,
  PHARMACY_GUIDE,
  type DeptFeeMenu,
  type PanelSeed,
} from './fee-data';
import { feeLine, insertFeeItem, type NewFeeItem } from './fee-store';
import { createPrng, type Prng } from './prng';
import { addDays, expertFeeFen, shanghaiInstant, specialistFeeFen } from './schedule';

export interface FeeDept {
  code: string;
  name: string;
  location: string;
}

export interface FeeDoctor {
  name: string;
  title: string;
  level: 'expert' | 'specialist';
  deptCode: string;
}

export interface FeePatient {
  patientId: string;
  gender: 'M' | 'F';
  birthDate: string;
}

/** A charge before it is stored: the protocol's item without id, patient and amount. */
export type ChargeDraft = Omit<NewFeeItem, 'patientId' | 'origin'>;

export interface ChargeContext {
  seed: number;
  dept: FeeDept;
  doctor: FeeDoctor;
  orderedAt: Date;
  /** A 静脉采血 line was already billed in this visit. */
  bloodDrawn?: boolean;
}

const MIN = 60_000;
export const PEDIATRICS = '4001';
export const GYNECOLOGY = '3001';

function menuOf(deptCode: string): DeptFeeMenu {
  return DEPT_FEE_MENUS[deptCode] ?? DEPT_FEE_MENUS['1001']!;
}

/** Up to `n` distinct picks. */
function pickSome<T>(rnd: Prng, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(rnd.int(0, pool.length - 1), 1)[0]!);
  return out;
}

function panelLines(panel: PanelSeed): HisFeeLine[] {
  return panel.lines.map(([name, spec, price]) => feeLine(name, spec, 1, price));
}

/** One believable charge of `kind` ordered by `c.doctor`; says whether it billed the visit's blood draw. */
export function draftCharge(
  rnd: Prng,
  kind: FeeItemKind,
  c: ChargeContext,
): { draft: ChargeDraft; bloodDrawn: boolean } {
  const menu = menuOf(c.dept.code);
  const base = {
    kind,
    deptCode: c.dept.code,
    deptName: c.dept.name,
    doctorName: c.doctor.name,
    orderedAt: c.orderedAt.toISOString(),
  };
  let bloodDrawn = c.bloodDrawn ?? false;
  switch (kind) {
    case 'registration': {
      const expert = c.doctor.level === 'expert';
      const fee = expert ? expertFeeFen(c.doctor.title) : specialistFeeFen(c.seed, c.dept.code);
      const name = expert ? `专家门诊诊查费（${c.doctor.title}）` : '专科门诊诊查费';
      return {
        draft: {
          ...base,
          title: `挂号费·${c.dept.name}`,
          lines: [feeLine(name, '次', 1, fee)],
          guide: `${c.dept.location}分诊台`,
        },
        bloodDrawn,
      };
    }
    case 'prescription': {
      const drugs = pickSome(
        rnd,
        menu.drugs,
        rnd.weighted([
          [1, 3],
          [2, 4],
          [3, 2],
        ] as const),
      );
      const lines = drugs.map((key) => {
        const drug = DRUGS[key];
        return feeLine(drug.name, drug.spec, rnd.int(1, drug.maxQty), drug.unitPriceFen);
      });
      const herbal = menu.herbal === true;
      return {
        draft: {
          ...base,
          title: herbal ? '中成药处方' : '西药处方',
          lines,
          guide: herbal ? HERBAL_PHARMACY_GUIDE : PHARMACY_GUIDE,
        },
        bloodDrawn,
      };
    }
    case 'lab': {
      const panel: PanelSeed = LABS[rnd.pick(menu.labs)];
      const lines = panelLines(panel);
      if (panel.blood && !bloodDrawn) {
        lines.push(feeLine(BLOOD_DRAW_LINE[0], BLOOD_DRAW_LINE[1], 1, BLOOD_DRAW_LINE[2]));
        bloodDrawn = true;
      }
      return { draft: { ...base, title: panel.title, lines, guide: panel.guide }, bloodDrawn };
    }
    case 'exam': {
      const panel: PanelSeed = EXAMS[rnd.pick(menu.exams)];
      return { draft: { ...base, title: panel.title, lines: panelLines(panel), guide: panel.guide }, bloodDrawn };
    }
  }
}

export function randomKind(rnd: Prng): FeeItemKind {
  return rnd.weighted<FeeItemKind>([
    ['prescription', 45],
    ['lab', 30],
    ['exam', 15],
    ['registration', 10],
  ]);
}

/** Completed years of age at `now` (Asia/Shanghai dates). */
function ageAt(birthDate: string, now: Date): number {
  const today = businessDate(now);
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

/** A department such a patient plausibly visits: children mostly 儿科, 妇产科 only for women. */
export function pickDept(rnd: Prng, depts: readonly FeeDept[], p: FeePatient, now: Date): FeeDept {
  const age = ageAt(p.birthDate, now);
  const peds = depts.find((d) => d.code === PEDIATRICS);
  if (age < 14 && peds && rnd.chance(0.85)) return peds;
  const eligible = depts.filter(
    (d) =>
      (age >= 14 || d.code !== GYNECOLOGY) &&
      (age < 14 || d.code !== PEDIATRICS) &&
      (p.gender === 'F' || d.code !== GYNECOLOGY),
  );
  return rnd.pick(eligible.length > 0 ? eligible : depts);
}

/** A visit's charges: maybe the registration fee, then 1–3 orders a few minutes apart. */
export function draftVisit(
  rnd: Prng,
  c: { seed: number; dept: FeeDept; doctor: FeeDoctor; start: Date },
  withRegistration: boolean,
): ChargeDraft[] {
  const out: ChargeDraft[] = [];
  let at = c.start.getTime();
  let bloodDrawn = false;
  if (withRegistration) {
    out.push(draftCharge(rnd, 'registration', { ...c, orderedAt: new Date(at) }).draft);
  }
  const orders = rnd.weighted([
    [1, 40],
    [2, 35],
    [3, 25],
  ] as const);
  const kinds: FeeItemKind[] = [];
  for (let i = 0; i < orders; i++) {
    kinds.push(
      rnd.weighted<FeeItemKind>([
        ['prescription', kinds.includes('prescription') ? 0 : 45],
        ['lab', 35],
        ['exam', kinds.includes('exam') ? 5 : 20],
      ]),
    );
  }
  const seen = new Set<string>();
  for (const kind of kinds) {
    at += rnd.int(8, 20) * MIN;
    const r = draftCharge(rnd, kind, { ...c, orderedAt: new Date(at), bloodDrawn });
    // Two orders of the same panel in one visit are not believable.
    if (seen.has(r.draft.title)) continue;
    seen.add(r.draft.title);
    bloodDrawn = r.bloodDrawn;
    out.push(r.draft);
  }
  return out;
}

/**
 * When today's (or else yesterday's) clinic visit started: 08:00–17:00 Asia/Shanghai, at least
 * 70 minutes before `now` so that all its orders lie in the past.
 */
function recentVisitStart(rnd: Prng, now: Date): Date {
  const today = businessDate(now);
  const latest = Math.min(shanghaiInstant(today, '17:00').getTime(), now.getTime() - 70 * MIN);
  const opens = shanghaiInstant(today, '08:00').getTime();
  const day = latest > opens && rnd.chance(0.7) ? today : addDays(today, -1);
  const from = shanghaiInstant(day, '08:00').getTime();
  const to = day === today ? latest : shanghaiInstant(day, '17:00').getTime();
  return new Date(from + rnd.int(0, Math.floor((to - from) / MIN)) * MIN);
}

function pastVisitStart(rnd: Prng, now: Date): Date {
  const day = addDays(businessDate(now), -rnd.int(3, 90));
  return new Date(shanghaiInstant(day, '08:00').getTime() + rnd.int(0, 8 * 60) * MIN);
}

export function loadFeeDepts(db: SandboxDb): FeeDept[] {
  return db.prepare('SELECT code, name, location FROM departments ORDER BY sort').all() as FeeDept[];
}

export function loadFeeDoctors(db: SandboxDb, deptCode?: string): FeeDoctor[] {
  return db
    .prepare(
      `SELECT name, title, level, dept_code AS deptCode FROM doctors WHERE (? IS NULL OR dept_code = ?)
       ORDER BY doctor_id`,
    )
    .all(deptCode ?? null, deptCode ?? null) as FeeDoctor[];
}

/** Seeds the charges of the seeded patients once per database (meta `feeSeed`); no-op afterwards. */
export function seedFees(db: SandboxDb, seed: number, now: Date): void {
  if (db.prepare("SELECT 1 FROM meta WHERE key = 'feeSeed'").get()) return;
  const rnd = createPrng((seed ^ 0x0fee5eed) >>> 0);
  const depts = loadFeeDepts(db);
  const doctors = loadFeeDoctors(db);
  const patients = db
    .prepare('SELECT patient_id AS patientId, gender, birth_date AS birthDate FROM patients ORDER BY seq LIMIT 500')
    .all() as FeePatient[];
  db.transaction(() => {
    for (const p of patients) {
      const visit = (start: Date): ChargeDraft[] => {
        const dept = pickDept(rnd, depts, p, now);
        const doctor = rnd.pick(doctors.filter((d) => d.deptCode === dept.code));
        return draftVisit(rnd, { seed, dept, doctor, start }, rnd.chance(0.6));
      };
      if (rnd.chance(0.2)) {
        for (const draft of visit(pastVisitStart(rnd, now))) {
          const paidAt = new Date(Date.parse(draft.orderedAt) + rnd.int(5, 40) * MIN).toISOString();
          insertFeeItem(db, {
            ...draft,
            patientId: p.patientId,
            origin: 'seed',
            status: 'paid',
            paidVia: 'window',
            paidAt,
          });
        }
      }
      if (rnd.chance(0.75)) {
        for (const draft of visit(recentVisitStart(rnd, now))) {
          // 作废: the doctor withdrew the order before it was paid.
          const voided = draft.kind !== 'registration' && rnd.chance(0.05);
          const cancelledAt = voided ? new Date(Date.parse(draft.orderedAt) + 3 * MIN).toISOString() : undefined;
          insertFeeItem(db, {
            ...draft,
            patientId: p.patientId,
            origin: 'seed',
            status: voided ? 'cancelled' : 'unpaid',
            cancelledAt,
          });
        }
      }
    }
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('feeSeed', ?)").run(now.toISOString());
  })();
}
