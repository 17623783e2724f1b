/**
 * The three sides the verdict compares, read after the drain: the pay sandbox (each order with its
 * refunds, notifications and delivery log; each 医保 mixed order with its cash part, 医保 refunds
 * and delivery log; each 代扣 deduction with its refunds), the HIS sandbox (`GET /sandbox/fees`: items, settlements, invariants;
 * `GET /sandbox/insurance`: its 医保 invariants, and each insured patient's 医保 orders) and the
 * cloud DB (`payment_orders`, read by the drain).
 */
import { pool } from '../booking/util';
import type { PayBench } from './api';
import type { CloudOrder } from './drain';
import { readDeductions, type DeductionDetail } from './withholding';

export interface PayDelivery {
  notification_id: string;
  event_type: string;
  kind: string;
  attempt: number;
  at: string;
  status: number | null;
  ms: number;
  error: string | null;
  tampered: string | null;
  answer: string | null;
}

export interface PayRefund {
  out_refund_no: string;
  refund_id: string;
  status: string;
  amount: { refund: number; total: number };
}

export interface PayOrder {
  order: {
    out_trade_no: string;
    total: number;
    trade_state: string;
    transaction_id: string | null;
    success_time: string | null;
  };
  refunds: PayRefund[];
  notifications: { id: string; event_type: string; state: string; attempts: number }[];
  deliveries: PayDelivery[];
}

/** `GET /sandbox/med-ins/<mix_trade_no>`: the mixed order (WeChat's fields) and what hangs off it. */
export interface MedInsDetail {
  order: {
    mix_trade_no: string;
    out_trade_no: string;
    mix_pay_status: string;
    self_pay_status: string;
    med_ins_pay_status: string;
    total_fee: number;
    med_ins_gov_fee: number;
    med_ins_self_fee: number;
    med_ins_other_fee: number;
    wechat_pay_cash_fee: number;
  };
  med_refunds: { out_refund_no: string; total_fee: number; gov_fee: number; self_fee: number; other_fee: number }[];
  deliveries: PayDelivery[];
}

/** One 医保 order of the HIS (`GET /sandbox/insurance?patientId=`). */
export interface HisInsuranceOrder {
  payOrdId: string;
  patientId: string;
  status: string;
  feeSumamt: number;
  settlementId: string | null;
}

export interface HisInsurance {
  counts: { insuredPatients: number; orders: Record<string, number> };
  invariants: { splitIdentityViolations: number; settledOrdersNotPaid: number; settlementTotalMismatches: number };
  /** The insured patients' orders (their latest 50 each). */
  orders: HisInsuranceOrder[];
}

export interface HisItem {
  itemId: string;
  patientId: string;
  amountFen: number;
  status: string;
  paidVia: string | null;
  settlementId: string | null;
}

export interface HisSettlementView {
  settlementId: string;
  requestId: string;
  patientId: string;
  itemIds: string[];
  totalFen: number;
  transactionId: string;
}

export interface HisFees {
  counts: Record<string, number>;
  invariants: { settlementTotalMismatches: number; settledItemsNotPaid: number };
  items: HisItem[];
  settlements: HisSettlementView[];
}

export interface Sides {
  cloud: CloudOrder[];
  /** Pay sandbox orders by out_trade_no (an order never placed there is absent; 医保: the cash part). */
  pay: Map<string, PayOrder>;
  /** 医保 mixed orders by out_trade_no (the order id). */
  med: Map<string, MedInsDetail>;
  /** 代扣 deductions by out_trade_no (the order id). */
  wh: Map<string, DeductionDetail>;
  his: HisFees;
  hisInsurance: HisInsurance;
}

const HIS_LIMIT = 10_000;

/** GET `url` at the pay sandbox: the body, or null for 404 (never placed there). */
async function payGet<T>(b: PayBench, url: string): Promise<T | null> {
  const r = await b.http.get(b.pay(url));
  if (r.status === 404) return null;
  if (r.status !== 200) throw new Error(`pay sandbox ${url}: HTTP ${r.status}`);
  return r.body as T;
}

/** The mixed orders of the cloud's 医保 orders and of the bench's (by order id). */
async function readMixed(b: PayBench, cloud: CloudOrder[], benchMixed: Map<string, string>) {
  const mixOf = new Map(benchMixed);
  for (const o of cloud) if (o.insurance?.mixTradeNo) mixOf.set(o._id, o.insurance.mixTradeNo);
  const entries = [...mixOf];
  const med = new Map<string, MedInsDetail>();
  await pool(entries.length, Math.min(b.params.concurrency, 16), async (i) => {
    const [id, mix] = entries[i]!;
    const d = await payGet<MedInsDetail>(b, `/sandbox/med-ins/${encodeURIComponent(mix)}`);
    if (d) med.set(id, d);
  });
  return med;
}

async function readHisInsurance(b: PayBench, patientIds: string[]): Promise<HisInsurance> {
  const summary = await b.hisData<Omit<HisInsurance, 'orders'>>(b.http.get(b.his('/sandbox/insurance')));
  const orders: HisInsuranceOrder[] = [];
  await pool(patientIds.length, Math.min(b.params.concurrency, 16), async (i) => {
    const url = b.his(`/sandbox/insurance?patientId=${encodeURIComponent(patientIds[i]!)}`);
    orders.push(...(await b.hisData<{ orders: HisInsuranceOrder[] }>(b.http.get(url))).orders);
  });
  return { ...summary, orders };
}

export interface BenchOrders {
  /** Every order id the bench paid. */
  ids: string[];
  /** The bench's 医保 orders: order id → mix_trade_no. */
  mixed: Map<string, string>;
  /** The HIS patientIds of the insured patients. */
  insuredPatients: string[];
}

export async function readSides(b: PayBench, cloud: CloudOrder[], bench: BenchOrders): Promise<Sides> {
  const ids = [...new Set([...cloud.map((o) => o._id), ...bench.ids])];
  const pay = new Map<string, PayOrder>();
  await pool(ids.length, Math.min(b.params.concurrency, 16), async (i) => {
    // Absent: a candidate that lost the race, or a 医保 order without a cash part.
    const p = await payGet<PayOrder>(b, `/sandbox/orders/${encodeURIComponent(ids[i]!)}`);
    if (p) pay.set(ids[i]!, p);
  });
  const med = await readMixed(b, cloud, bench.mixed);
  const wh = await readDeductions(
    b,
    cloud.filter((o) => o.mode === 'withholding').map((o) => o._id),
  );
  const his = await b.hisData<HisFees>(b.http.get(b.his(`/sandbox/fees?limit=${HIS_LIMIT}`)));
  if ((his.counts.items ?? 0) > HIS_LIMIT || (his.counts.settlements ?? 0) > HIS_LIMIT)
    throw new Error(`the HIS holds more than ${HIS_LIMIT} items or settlements: the bench reads one page only`);
  const hisInsurance = await readHisInsurance(b, bench.insuredPatients);
  return { cloud, pay, med, wh, his, hisInsurance };
}
