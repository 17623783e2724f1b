/**
 * The three sides the verdict compares, read after the drain: the pay sandbox (each order with its
 * refunds, notifications and delivery log), the HIS sandbox (`GET /sandbox/fees`: items,
 * settlements, invariants) and the cloud DB (`payment_orders`, read by the drain).
 */
import { pool } from '../booking/util';
import type { PayBench } from './api';
import type { CloudOrder } from './drain';

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
  /** Pay sandbox orders by out_trade_no (an order never placed there is absent). */
  pay: Map<string, PayOrder>;
  his: HisFees;
}

const HIS_LIMIT = 10_000;

export async function readSides(b: PayBench, cloud: CloudOrder[], benchOrderIds: string[]): Promise<Sides> {
  const ids = [...new Set([...cloud.map((o) => o._id), ...benchOrderIds])];
  const pay = new Map<string, PayOrder>();
  await pool(ids.length, Math.min(b.params.concurrency, 16), async (i) => {
    const r = await b.http.get(b.pay(`/sandbox/orders/${encodeURIComponent(ids[i]!)}`));
    if (r.status === 404) return; // a candidate that lost the race: never placed at WeChat Pay
    if (r.status !== 200) throw new Error(`pay sandbox order ${ids[i]}: HTTP ${r.status}`);
    pay.set(ids[i]!, r.body as PayOrder);
  });
  const his = await b.hisData<HisFees>(b.http.get(b.his(`/sandbox/fees?limit=${HIS_LIMIT}`)));
  if ((his.counts.items ?? 0) > HIS_LIMIT || (his.counts.settlements ?? 0) > HIS_LIMIT)
    throw new Error(`the HIS holds more than ${HIS_LIMIT} items or settlements: the bench reads one page only`);
  return { cloud, pay, his };
}
