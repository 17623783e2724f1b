/**
 * The chaos phase: HIS faults on `fee.settle`, tampered notification deliveries at the pay sandbox,
 * and N payments through the real flow — listUnpaid → createOrder (or orderLabTests; 医保: with an
 * authCode, ./insured.ts) → the payer pays at the pay sandbox, which delivers the signed
 * notifications to /http/payNotify — interleaved at random with extra deliveries of other orders'
 * notifications (`notify?times=k`: TRANSACTION.SUCCESS, and a 医保 order's MEDICAL_INSURANCE.SUCCESS).
 */
import { createPrng } from '../../devstack/his/prng';
import type { PaymentCreateOrderResponse, PaymentListUnpaidResponse } from '../../typings/payment';
import { log, pool } from '../booking/util';
import type { PayBench } from './api';
import { insuredEvents, medInsNotify, notInsured, payCreated } from './insured';
import { shuffle, type PlannedOrder } from './setup';
import { chargeForDeduction, redeliverEvent } from './withholding';

/** What one order's pay flow did. */
export interface PayResult {
  order: PlannedOrder;
  orderId: string | null;
  cashFen: number;
  /** How the order was paid: `insurance` (a mixed order), `selfPay`, or `withholding` (deducted). */
  mode: 'selfPay' | 'insurance' | 'withholding' | null;
  /** 代扣: the HIS's charges.ready event of its charge (the cloud's order id is derived from it). */
  eventId?: string;
  /** 医保: the mixed order, and the split createOrder showed. */
  mixTradeNo: string | null;
  split: { totalFen: number; fundFen: number; accountFen: number; cashFen: number } | null;
  /** 医保 refused before anything was paid (nothing covered: `notInsured`): paid 自费 instead. */
  insuranceFallback?: string;
  /** The answers of the flow's steps, client side. */
  ms: { listUnpaid: number; createOrder: number; pay: number };
  /** With a double tap: what the second tap got (`sameOrder`, `twoOrders`, `refused: …`). */
  doubleTap?: string;
  /** A second order the double tap made (paid too). */
  secondOrderId?: string;
  error: string | null;
}

/** One extra delivery request and what the pay sandbox answered per delivery. */
export interface ExtraDelivery {
  orderIndex: number;
  event: 'TRANSACTION.SUCCESS' | 'MEDICAL_INSURANCE.SUCCESS' | 'charges.ready';
  times: number;
  statuses: (number | null)[];
  error: string | null;
}

type Target = 'cash' | 'medIns';
type Event =
  { kind: 'pay'; order: PlannedOrder } | { kind: 'notify'; order: PlannedOrder; times: number; target: Target };

export interface ChaosResult {
  pays: PayResult[];
  extras: ExtraDelivery[];
  wallMs: number;
  events: number;
}

export async function setChaosFaults(b: PayBench, on: boolean): Promise<void> {
  const { hisFailRate, hisLostRate, tamperRate } = b.params;
  const failRate = hisFailRate || hisLostRate;
  const his = { failRate, applyThenFail: hisLostRate > 0, methods: ['fee.settle'] };
  await b.hisData(b.http.post(b.his('/sandbox/faults'), on && failRate > 0 ? his : {}));
  await b.payData(b.http.post(b.pay('/sandbox/faults'), on && tamperRate > 0 ? { tamperRate } : {}));
}

/**
 * The events in a random order: each order's payment, and its extra deliveries (deliveries − 1 in
 * total, in requests of 1–3; 医保: medInsDeliveries − 1 more of MEDICAL_INSURANCE.SUCCESS) — its
 * payment always first among its own events.
 */
function schedule(b: PayBench, orders: PlannedOrder[]): Event[] {
  const rng = createPrng(b.params.seed ^ 0x5eed);
  const events: Event[] = [];
  const extras = (order: PlannedOrder, total: number, target: Target) => {
    for (let left = total - 1; left > 0;) {
      const times = Math.min(left, rng.int(1, 3));
      events.push({ kind: 'notify', order, times, target });
      left -= times;
    }
  };
  for (const order of orders) {
    events.push({ kind: 'pay', order });
    extras(order, order.deliveries, 'cash');
    extras(order, order.medInsDeliveries, 'medIns');
  }
  shuffle(rng, events);
  // Within the shuffled positions of each order's events, its payment takes the first one.
  const firstAt = new Map<number, number>();
  events.forEach((e, i) => firstAt.has(e.order.index) || firstAt.set(e.order.index, i));
  events.forEach((e, i) => {
    const first = firstAt.get(e.order.index)!;
    if (e.kind === 'pay' && i !== first) [events[first], events[i]] = [e, events[first]!];
  });
  return events;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 300);

/** createOrder/orderLabTests answered `processing` (ABORTED): the request again, shortly. */
async function retryProcessing<T>(run: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run(attempt);
    } catch (err) {
      if (attempt >= 4 || !/"reason":"processing"/.test(message(err))) throw err;
      await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
    }
  }
}

type EventOf = (attempt: number) => Record<string, unknown> | Promise<Record<string, unknown>>;

/**
 * The create call, or with `doubleTap` the same call twice at once (a double tap, two phones): the
 * first answer, and what the second tap got — the same order, another order, or an error.
 */
async function createTapped(b: PayBench, o: PlannedOrder, event: EventOf, r: PayResult) {
  const once = (): Promise<PaymentCreateOrderResponse> =>
    retryProcessing(async (n) => b.payment<PaymentCreateOrderResponse>(o.patient.openid, await event(n)));
  if (!o.doubleTap) return once();
  const [a, c] = await Promise.allSettled([once(), once()]);
  const ok = [a, c].filter((x) => x.status === 'fulfilled').map((x) => x.value);
  if (ok.length === 0) throw (a as PromiseRejectedResult).reason;
  const other = [a, c].find((x) => x.status === 'rejected');
  if (other) r.doubleTap = `refused: ${message(other.reason)}`;
  else if (ok[1]!.order.orderId === ok[0]!.order.orderId) r.doubleTap = 'sameOrder';
  else {
    r.doubleTap = 'twoOrders';
    if (ok[1]!.payParams) r.secondOrderId = ok[1]!.order.orderId;
  }
  return ok[0]!;
}

/** 医保: createOrder with an authorisation; nothing covered (`notInsured`) → the same items 自费. */
async function createInsured(b: PayBench, o: PlannedOrder, r: PayResult): Promise<PaymentCreateOrderResponse> {
  try {
    return await createTapped(b, o, insuredEvents(b, o), r);
  } catch (err) {
    if (!notInsured(message(err))) throw err;
    r.insuranceFallback = message(err);
    r.doubleTap = undefined;
    const event = { action: 'createOrder', cardId: o.patient.cardId, itemIds: o.itemIds };
    return createTapped(b, o, () => event, r);
  }
}

/** listUnpaid (it must offer the planned items), then the create call of the order's kind. */
async function create(b: PayBench, o: PlannedOrder, r: PayResult): Promise<PaymentCreateOrderResponse> {
  const { openid, cardId } = o.patient;
  if (o.kind === 'labTests') {
    const event = { action: 'orderLabTests', cardId, codes: o.labCodes, idempotencyKey: `lab-${b.runId}-${o.index}` };
    const created = await createTapped(b, o, () => event, r);
    o.itemIds = created.order.items.map((i) => i.itemId);
    return created;
  }
  const t = performance.now();
  const unpaid = await b.payment<PaymentListUnpaidResponse>(openid, { action: 'listUnpaid', cardId });
  r.ms.listUnpaid = performance.now() - t;
  const listed = new Set(unpaid.items.map((i) => i.itemId));
  const missing = o.itemIds.filter((id) => !listed.has(id));
  if (missing.length > 0) throw new Error(`listUnpaid does not offer ${missing.join(', ')}`);
  if (o.kind === 'insurance') return createInsured(b, o, r);
  const event = { action: 'createOrder', cardId, itemIds: o.itemIds };
  return createTapped(b, o, () => event, r);
}

/** 代扣: the doctor's charge, its charges.ready delivered (the deduction begins); paid at the window meanwhile, maybe. */
async function deductFlow(b: PayBench, o: PlannedOrder, r: PayResult): Promise<PayResult> {
  try {
    const t = performance.now();
    const kind = o.index % 2 === 0 ? 'prescription' : 'lab';
    const { itemIds, eventId } = await chargeForDeduction(b, o.patient.hisPatientId, kind);
    r.ms.pay = performance.now() - t;
    o.itemIds = itemIds;
    r.eventId = eventId;
    r.mode = 'withholding';
    if (o.paidAtWindow) await b.hisData(b.http.post(b.his('/sandbox/fees/pay-at-window'), { itemIds }));
  } catch (err) {
    r.error = message(err);
  }
  return r;
}

/** The patient's flow up to the payment at the pay sandbox. */
async function payFlow(b: PayBench, o: PlannedOrder): Promise<PayResult> {
  const r: PayResult = {
    order: o,
    orderId: null,
    cashFen: 0,
    mode: null,
    mixTradeNo: null,
    split: null,
    ms: { listUnpaid: 0, createOrder: 0, pay: 0 },
    error: null,
  };
  if (o.kind === 'withholding') return deductFlow(b, o, r);
  const payAt = (id: string) => b.payData(b.http.post(b.pay(`/sandbox/orders/${encodeURIComponent(id)}/pay`), {}));
  try {
    let t = performance.now();
    const created = await create(b, o, r);
    r.ms.createOrder = performance.now() - t - r.ms.listUnpaid;
    r.orderId = created.order.orderId;
    r.cashFen = created.order.split.cashFen;
    r.mode = created.medInsPayParams ? 'insurance' : 'selfPay';
    r.mixTradeNo = created.medInsPayParams?.mixTradeNo ?? null;
    const { totalFen, fundFen, accountFen, cashFen } = created.order.split;
    r.split = { totalFen, fundFen, accountFen, cashFen };
    if (!created.payParams && !created.medInsPayParams)
      throw new Error(`order ${r.orderId} (${created.order.status}) has no pay parameters`);
    // Paid at the window while the patient pays on the phone: the settle will be refused.
    if (o.paidAtWindow) await b.hisData(b.http.post(b.his('/sandbox/fees/pay-at-window'), { itemIds: o.itemIds }));
    t = performance.now();
    await payCreated(b, created);
    r.ms.pay = performance.now() - t;
    // Two orders for one set of items: the other phone pays too (the verdict must see it refunded).
    if (r.secondOrderId) await payAt(r.secondOrderId).catch((err: unknown) => (r.doubleTap += ` (${message(err)})`));
  } catch (err) {
    r.error = message(err);
  }
  return r;
}

/** The extra deliveries an event asks for, unless the order has no such notification (null). */
async function extraDelivery(b: PayBench, p: PayResult, e: { times: number; target: Target }) {
  const medIns = e.target === 'medIns';
  // A 医保 order paid 自费 after all has no mixed order; one without a cash part no TRANSACTION.SUCCESS.
  if (medIns ? p.mode !== 'insurance' : p.mode === 'insurance' && p.cashFen === 0) return null;
  // 代扣: the notification the bench can repeat is the HIS's charges.ready (the sandbox has no redelivery of the v2 ones).
  const wh = p.mode === 'withholding';
  const event = wh ? 'charges.ready' : medIns ? 'MEDICAL_INSURANCE.SUCCESS' : 'TRANSACTION.SUCCESS';
  const x: ExtraDelivery = { orderIndex: p.order.index, event, times: e.times, statuses: [], error: null };
  try {
    if (wh) x.statuses = await redeliverEvent(b, p.eventId!, e.times);
    else if (medIns) x.statuses = await medInsNotify(b, p.mixTradeNo!, e.times);
    else {
      const url = b.pay(`/sandbox/orders/${encodeURIComponent(p.orderId!)}/notify?times=${e.times}`);
      const answer = await b.payData<{ answers: { status: number | null }[] }>(b.http.post(url, {}));
      x.statuses = answer.answers.map((a) => a.status);
    }
  } catch (err) {
    x.error = message(err);
  }
  return x;
}

/** Faults on, the interleaved events at concurrency C, faults left on (the drain clears them). */
export async function runChaos(b: PayBench, orders: PlannedOrder[]): Promise<ChaosResult> {
  const events = schedule(b, orders);
  const pays: PayResult[] = new Array<PayResult>(orders.length);
  const paid = orders.map(() => {
    let resolve!: (r: PayResult) => void;
    const promise = new Promise<PayResult>((r) => (resolve = r));
    return { promise, resolve };
  });
  const extras: ExtraDelivery[] = [];
  await setChaosFaults(b, true);
  const started = performance.now();
  let done = 0;
  await pool(events.length, b.params.concurrency, async (i) => {
    const e = events[i]!;
    if (e.kind === 'pay') {
      const r = await payFlow(b, e.order);
      pays[e.order.index] = r;
      paid[e.order.index]!.resolve(r);
      if (++done % 100 === 0) log(`chaos: ${done}/${orders.length} paid`);
      return;
    }
    // Started after its payment (earlier in the queue): wait until the pay sandbox has the notification.
    const p = await paid[e.order.index]!.promise;
    if ((!p.orderId && !p.eventId) || p.error) return;
    const x = await extraDelivery(b, p, e);
    if (x) extras.push(x);
  });
  const wallMs = performance.now() - started;
  const failed = pays.filter((p) => p.error);
  log(
    `chaos: ${orders.length} pay flows (${failed.length} failed), ${extras.length} extra delivery requests, ${events.length} events in ${(wallMs / 1000).toFixed(1)} s`,
  );
  for (const f of failed.slice(0, 5)) log(`  pay flow ${f.order.index} (${f.order.kind}) failed: ${f.error}`);
  return { pays, extras, wallMs, events: events.length };
}
