/**
 * Setup (untimed): bind the patients through `patient.bind`, find each card's HIS patientId, grant
 * the payment subscription consents, and plan the N orders — which kind, which HIS charges (created
 * now through `POST /sandbox/fees`) or which 自助检验 tests, how many times its notification is
 * delivered.
 */
import { freshPerson } from '../../devstack/seed/identities';
import { createPrng, type Prng } from '../../devstack/his/prng';
import type { PaymentLabCatalogResponse } from '../../typings/payment';
import { log, pool } from '../booking/util';
import type { PayBench } from './api';

/** Today's payment kinds: self-pay charges of the HIS by kind, a mix of kinds, 自助检验 (orderLabTests). */
export const ORDER_KINDS = ['registration', 'prescription', 'lab', 'exam', 'mixed', 'labTests'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];
/** What the payment flow cannot do yet, so the bench cannot cover it (reported as such). */
export const NOT_YET_COVERED = ['insurance', 'withholding'] as const;

const WEIGHTS: readonly (readonly [OrderKind, number])[] = [
  ['registration', 10],
  ['prescription', 25],
  ['lab', 15],
  ['exam', 15],
  ['mixed', 15],
  ['labTests', 20],
];
const FEE_KINDS = ['registration', 'prescription', 'lab', 'exam'] as const;
const TEMPLATES = ['tmpl-payment-success', 'tmpl-refund-notice'];

export interface Patient {
  openid: string;
  cardId: string;
  cardNo: string;
  hisPatientId: string;
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
  /** Deliveries of its TRANSACTION.SUCCESS notification in total (1 = only the sandbox's own). */
  deliveries: number;
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
async function bindOne(b: PayBench, i: number, retries: { n: number }): Promise<Patient> {
  const openid = `opay${b.runId}${String(i).padStart(5, '0')}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    const person = freshPerson();
    const { env } = await b.call('patient', openid, {
      action: 'bind',
      name: person.name,
      idNumber: person.idNumber,
      phone: person.phone,
      relation: '本人',
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
    return { openid, cardId: card.id, cardNo: card.cardNo, hisPatientId: await hisPatientId(b, card.cardNo) };
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

/** The HIS charges of one order: 1–2 of its kind, or 2–3 of different kinds for `mixed`. */
async function createCharges(b: PayBench, o: PlannedOrder, rng: Prng): Promise<string[]> {
  let body: Record<string, unknown>;
  if (o.kind === 'mixed') {
    const kinds = shuffle(rng, [...FEE_KINDS]).slice(0, rng.int(2, 3));
    body = { patientId: o.patient.hisPatientId, items: kinds.map((kind) => ({ kind })) };
  } else {
    body = { patientId: o.patient.hisPatientId, kind: o.kind, count: rng.int(1, 2) };
  }
  const r = await b.hisData<{ items: { itemId: string }[] }>(b.http.post(b.his('/sandbox/fees'), body));
  return r.items.map((i) => i.itemId);
}

/** Kinds and deliveries of the N orders (seeded); at most one 自助检验 order per card (the daily limit). */
function planKinds(b: PayBench, patients: Patient[], rng: Prng): PlannedOrder[] {
  const { orders: N, maxDeliveries, windowRate, doubleTapRate } = b.params;
  const withLab = new Set<number>();
  return Array.from({ length: N }, (_, index) => {
    const pi = index % patients.length;
    let kind = rng.weighted(WEIGHTS);
    if (kind === 'labTests' && withLab.has(pi)) kind = 'lab';
    if (kind === 'labTests') withLab.add(pi);
    const deliveries = rng.int(1, maxDeliveries);
    const paidAtWindow = rng.chance(windowRate);
    const doubleTap = rng.chance(doubleTapRate);
    return { index, patient: patients[pi]!, kind, itemIds: [], labCodes: [], doubleTap, paidAtWindow, deliveries };
  });
}

export async function setUp(b: PayBench): Promise<Setup> {
  const { orders: N, ordersPerPatient, setupConcurrency } = b.params;
  const rng = createPrng(b.params.seed);
  const P = Math.ceil(N / ordersPerPatient);
  const started = performance.now();
  const patients = new Array<Patient>(P);
  const retries = { n: 0 };
  await pool(P, setupConcurrency, async (i) => {
    patients[i] = await bindOne(b, i, retries);
  });
  const bindMs = performance.now() - started;
  log(`bound ${P} patients in ${(bindMs / 1000).toFixed(1)} s (${retries.n} retried binds)`);

  const orders = planKinds(b, patients, rng);
  // The random choices are drawn in order (seeded), the HIS calls then run concurrently.
  const choices = orders.map(() => createPrng(Math.floor(rng.next() * 2 ** 31)));
  const chargesStarted = performance.now();
  await pool(N, setupConcurrency, async (i) => {
    const o = orders[i]!;
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
