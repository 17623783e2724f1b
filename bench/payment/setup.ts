/**
 * Setup (untimed): bind the patients through `patient.bind` (a share of them insured: bound with a
 * 社保卡 number), find each card's HIS patientId, grant the payment subscription consents, and plan
 * the N orders (a share of the uninsured patients sign a 代扣 contract: their orders are
 * `withholding`) — which kind, which HIS charges (created now through `POST /sandbox/fees`) or which
 * 自助检验 tests, how many times its notifications are delivered.
 */
import { freshPerson } from '../../devstack/seed/identities';
import { createPrng, type Prng } from '../../devstack/his/prng';
import type { PaymentLabCatalogResponse } from '../../typings/payment';
import { log, pool } from '../booking/util';
import type { PayBench } from './api';
import { signContract } from './withholding';

/**
 * The payment kinds: self-pay charges of the HIS by kind, a mix of kinds, 自助检验 (orderLabTests),
 * `insurance` — 1–3 charges of any kinds paid as a 医保 mixed order by an insured patient — and
 * `withholding` — a contracted patient's charge deducted on the HIS's charges.ready.
 */
export const ORDER_KINDS = [
  'registration',
  'prescription',
  'lab',
  'exam',
  'mixed',
  'labTests',
  'insurance',
  'withholding',
] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];
/** What the bench does not pay yet (reported as such): nothing left. */
export const NOT_YET_COVERED: readonly string[] = [];

/** The self-pay kinds' weights (an insured patient's order is `insurance` first with its own chance). */
const WEIGHTS: readonly (readonly [OrderKind, number])[] = [
  ['registration', 10],
  ['prescription', 25],
  ['lab', 15],
  ['exam', 15],
  ['mixed', 15],
  ['labTests', 20],
];
const FEE_KINDS = ['registration', 'prescription', 'lab', 'exam'] as const;

/**
 * The insured patients' 医保 standings, so that the splits vary: the HIS's default (职工 with a
 * 个人账户 that covers these fees: no cash part), a small 账户 balance (the cash pays the rest), the
 * year's deductible used up with an empty 账户 (统筹 pays its share, the cash the rest), 居民医保
 * with nothing used (no 账户, under the deductible: nothing covered — the patient pays 自费).
 */
const STANDINGS = [
  ['default', 4],
  ['lowBalance', 3],
  ['deductibleMet', 2],
  ['resident', 1],
] as const;
export type Standing = (typeof STANDINGS)[number][0];

const STANDING_BODY: Record<Standing, (rng: Prng) => Record<string, unknown> | null> = {
  default: () => null,
  lowBalance: (rng) => ({ scheme: 'employee', balanceFen: rng.int(0, 60) * 100 }),
  deductibleMet: () => ({ scheme: 'employee', balanceFen: 0, deductibleUsedFen: 50_000 }),
  resident: () => ({ scheme: 'resident', deductibleUsedFen: 0 }),
};

async function setStanding(b: PayBench, p: Patient, rng: Prng): Promise<void> {
  const body = p.standing && STANDING_BODY[p.standing](rng);
  if (body) await b.hisData(b.http.post(b.his('/sandbox/insurance/accounts'), { patientId: p.hisPatientId, ...body }));
}
const TEMPLATES = ['tmpl-payment-success', 'tmpl-refund-notice'];

export interface Patient {
  openid: string;
  cardId: string;
  cardNo: string;
  hisPatientId: string;
  /** Bound with a 社保卡 number: the HIS knows the patient as insured. */
  insured: boolean;
  /** An insured patient's 医保 standing at the HIS (see STANDINGS); null when not insured. */
  standing: Standing | null;
  /** Signed a 代扣 contract (uninsured patients only: the cloud never deducts an insured one). */
  contracted: boolean;
  /** The bound person (the 医保 authorisation must name them). */
  name: string;
  idNumber: string;
}

export interface PlannedOrder {
  index: number;
  patient: Patient;
  kind: OrderKind;
  /** The HIS charges of the order (for labTests: created by orderLabTests, known once it answered). */
  itemIds: string[];
  /** 自助检验: the catalog codes to order. */
  labCodes: string[];
  /** Its create call is sent twice at once (a double tap). */
  doubleTap: boolean;
  /** Its items are paid at the window too, right before the payment (the HIS then refuses the settle). */
  paidAtWindow: boolean;
  /** Deliveries of its TRANSACTION.SUCCESS notification in total (1 = only the sandbox's own; 医保: its cash part's, if any). */
  deliveries: number;
  /** 医保: deliveries of its MEDICAL_INSURANCE.SUCCESS in total (0 for the other kinds). */
  medInsDeliveries: number;
}

export interface Setup {
  patients: Patient[];
  orders: PlannedOrder[];
  bindMs: number;
  chargeMs: number;
  bindRetries: number;
}

/** Fisher–Yates, in place, with the seeded PRNG; the array. */
export function shuffle<T>(rng: Prng, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

async function hisPatientId(b: PayBench, cardNo: string): Promise<string> {
  const found = await b.hisData<{ items: { patientId: string; cardNo: string }[] }>(
    b.http.get(b.his(`/sandbox/patients?q=${encodeURIComponent(cardNo)}`)),
  );
  const p = found.items.find((x) => x.cardNo === cardNo);
  if (!p) throw new Error(`card ${cardNo} not found in the HIS sandbox`);
  return p.patientId;
}

/** Binds one patient (a fresh identity, up to 5 tries), finds its HIS id, grants the consents. */
async function bindOne(b: PayBench, i: number, standing: Standing | null, retries: { n: number }): Promise<Patient> {
  const insured = standing !== null;
  const openid = `opay${b.runId}${String(i).padStart(5, '0')}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    const person = freshPerson();
    const { env } = await b.call('patient', openid, {
      action: 'bind',
      name: person.name,
      idNumber: person.idNumber,
      phone: person.phone,
      relation: '本人',
      ...(insured ? { socialSecurityNo: `A${person.idNumber.slice(6, 14)}` } : {}),
    });
    const card = env.data as { id?: string; cardNo?: string } | undefined;
    if (!env.ok || !card?.id || !card.cardNo) {
      if (++retries.n <= 5) log(`bind failed (${env.error?.code}: ${env.error?.message}), another identity`);
      continue;
    }
    const count = b.params.ordersPerPatient * 2 + 2;
    for (const templateId of TEMPLATES) {
      const r = await b.http.post(`${b.child.url}/devstack/api/consents`, { openid, templateId, count });
      if (r.status !== 200) throw new Error(`consents: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    }
    const hisId = await hisPatientId(b, card.cardNo);
    const { name, idNumber } = person;
    const who = { insured, standing, contracted: false, name, idNumber };
    return { openid, cardId: card.id, cardNo: card.cardNo, hisPatientId: hisId, ...who };
  }
  throw new Error(`could not bind patient ${i}`);
}

/** 1–3 tests of the card's eligible ones (none: the card cannot order any). */
async function pickLabCodes(b: PayBench, p: Patient, rng: Prng): Promise<string[]> {
  const cat = await b.payment<PaymentLabCatalogResponse>(p.openid, { action: 'labCatalog', cardId: p.cardId });
  const eligible = cat.tests.filter((t) => t.eligible).map((t) => t.code);
  if (eligible.length === 0 || cat.remainingToday < 1) return [];
  const n = Math.min(eligible.length, rng.int(1, 3));
  const out: string[] = [];
  while (out.length < n) {
    const c = rng.pick(eligible);
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

/** The HIS charges of one order: 1–2 of its kind, 2–3 of different kinds for `mixed`, 1–3 for `insurance`. */
async function createCharges(b: PayBench, o: PlannedOrder, rng: Prng): Promise<string[]> {
  let body: Record<string, unknown>;
  if (o.kind === 'mixed' || o.kind === 'insurance') {
    const kinds = shuffle(rng, [...FEE_KINDS]).slice(0, rng.int(o.kind === 'mixed' ? 2 : 1, 3));
    body = { patientId: o.patient.hisPatientId, items: kinds.map((kind) => ({ kind })) };
  } else {
    body = { patientId: o.patient.hisPatientId, kind: o.kind, count: rng.int(1, 2) };
  }
  const r = await b.hisData<{ items: { itemId: string }[] }>(b.http.post(b.his('/sandbox/fees'), body));
  return r.items.map((i) => i.itemId);
}

/**
 * Kinds and deliveries of the N orders (seeded); at most one 自助检验 order per card (the daily
 * limit). An insured patient's order is `insurance` with the chance that makes `--insurance-share`
 * of all orders (its other orders are self-pay: the patient may decline 医保).
 */
function planKinds(b: PayBench, patients: Patient[], rng: Prng): PlannedOrder[] {
  const { orders: N, maxDeliveries, windowRate, doubleTapRate, insuranceShare, insuranceWindowRate } = b.params;
  const insuredOrders = Array.from({ length: N }, (_, i) => i).filter((i) => patients[i % patients.length]!.insured);
  const insuranceChance = Math.min(1, (insuranceShare * N) / Math.max(1, insuredOrders.length));
  const withLab = new Set<number>();
  return Array.from({ length: N }, (_, index) => {
    const pi = index % patients.length;
    const patient = patients[pi]!;
    let kind: OrderKind = patient.insured && rng.chance(insuranceChance) ? 'insurance' : rng.weighted(WEIGHTS);
    if (patient.contracted) kind = 'withholding';
    if (kind === 'labTests' && withLab.has(pi)) kind = 'lab';
    if (kind === 'labTests') withLab.add(pi);
    const deliveries = rng.int(1, maxDeliveries);
    const medInsDeliveries = kind === 'insurance' ? rng.int(1, maxDeliveries) : 0;
    const paidAtWindow = rng.chance(kind === 'insurance' ? Math.max(windowRate, insuranceWindowRate) : windowRate);
    const doubleTap = rng.chance(doubleTapRate);
    const itemIds: string[] = [];
    return { index, patient, kind, itemIds, labCodes: [], doubleTap, paidAtWindow, deliveries, medInsDeliveries };
  });
}

export async function setUp(b: PayBench): Promise<Setup> {
  const { orders: N, ordersPerPatient, setupConcurrency } = b.params;
  const rng = createPrng(b.params.seed);
  const P = Math.ceil(N / ordersPerPatient);
  const standings = Array.from({ length: P }, () =>
    rng.chance(b.params.insuredShare) ? rng.weighted(STANDINGS) : null,
  );
  const standingRngs = standings.map(() => createPrng(Math.floor(rng.next() * 2 ** 31)));
  const contracted = standings.map((x) => x === null && rng.chance(b.params.contractedShare));
  const started = performance.now();
  const patients = new Array<Patient>(P);
  const retries = { n: 0 };
  await pool(P, setupConcurrency, async (i) => {
    patients[i] = await bindOne(b, i, standings[i]!, retries);
    await setStanding(b, patients[i], standingRngs[i]!);
    if (contracted[i]) {
      await signContract(b, patients[i].openid, patients[i].cardId);
      patients[i].contracted = true;
    }
  });
  const bindMs = performance.now() - started;
  const nInsured = standings.filter((x) => x !== null).length;
  const nContracted = contracted.filter(Boolean).length;
  log(
    `bound ${P} patients (${nInsured} insured, ${nContracted} with a 代扣 contract) in ${(bindMs / 1000).toFixed(1)} s (${retries.n} retried binds)`,
  );

  const orders = planKinds(b, patients, rng);
  // The random choices are drawn in order (seeded), the HIS calls then run concurrently.
  const choices = orders.map(() => createPrng(Math.floor(rng.next() * 2 ** 31)));
  const chargesStarted = performance.now();
  await pool(N, setupConcurrency, async (i) => {
    const o = orders[i]!;
    if (o.kind === 'withholding') return; // its charge is made in the chaos: the deduction follows at once
    if (o.kind === 'labTests') {
      o.labCodes = await pickLabCodes(b, o.patient, choices[i]!);
      if (o.labCodes.length > 0) return;
      o.kind = 'lab'; // the card may order none of them (age, sex): an ordinary lab charge instead
    }
    o.itemIds = await createCharges(b, o, choices[i]!);
  });
  const chargeMs = performance.now() - chargesStarted;
  log(`planned ${N} orders, charges created in ${(chargeMs / 1000).toFixed(1)} s`);
  return { patients, orders, bindMs, chargeMs, bindRetries: retries.n };
}
