/**
 * The 代扣 (withholding) side of the bench: a contracted patient signs the contract in setup
 * (`signContract` → WeChat's contract mini program, the pay sandbox's `POST /sandbox/papay/sign`
 * → the ADD notification makes it active); in the chaos the doctor's new charges
 * (`POST {his}/sandbox/fees`) emit `charges.ready`, which the cloud deducts without a password;
 * the event is redelivered (`POST {his}/sandbox/events/<id>/redeliver?times=k`) like the other
 * notifications; the verdict reads each deduction (`GET /sandbox/papay/deductions/<out_trade_no>`).
 */
import type { PaymentSignContractResponse, WithholdingContractView } from '../../typings/payment';
import { pool } from '../booking/util';
import type { PayBench } from './api';
import type { PayRefund } from './sides';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Signs the card's withholding contract and waits (bounded) until the cloud has it active. */
export async function signContract(b: PayBench, openid: string, cardId: string): Promise<void> {
  const signing = await b.payment<PaymentSignContractResponse>(openid, { action: 'signContract', cardId });
  const body = { extraData: signing.miniProgram.extraData, openid, accept: true };
  const signed = await b.payData<{ return_code: string }>(b.http.post(b.pay('/sandbox/papay/sign'), body));
  if (signed.return_code !== 'SUCCESS') throw new Error(`papay sign: ${JSON.stringify(signed)}`);
  for (let i = 0; i < 200; i++) {
    const c = await b.payment<WithholdingContractView>(openid, { action: 'contract', cardId });
    if (c.status === 'active') return;
    await sleep(25);
  }
  throw new Error(`contract of card ${cardId} not active after signing`);
}

/**
 * The doctor finished: one charge (1 item, of a kind priced under the per-deduction limit) and its
 * charges.ready event, delivered once more right away and waited for — so the deduction has begun
 * (its order exists) when this returns. The item ids and the event id.
 */
export async function chargeForDeduction(
  b: PayBench,
  patientId: string,
  kind: string,
): Promise<{ itemIds: string[]; eventId: string }> {
  const r = await b.hisData<{ items: { itemId: string }[]; eventId: string }>(
    b.http.post(b.his('/sandbox/fees'), { patientId, kind, count: 1 }),
  );
  await redeliverEvent(b, r.eventId, 1);
  return { itemIds: r.items.map((i) => i.itemId), eventId: r.eventId };
}

/** `times` more deliveries of a HIS event to /http/hisEvents; the answers. */
export async function redeliverEvent(b: PayBench, eventId: string, times: number): Promise<(number | null)[]> {
  const url = b.his(`/sandbox/events/${encodeURIComponent(eventId)}/redeliver?times=${times}`);
  return (await b.hisData<{ statuses: (number | null)[] }>(b.http.post(url, {}))).statuses;
}

/** `GET /sandbox/papay/deductions/<out_trade_no>`: WeChat's deduction (v2 fields, strings), its v3 refunds. */
export interface DeductionDetail {
  deduction: { out_trade_no: string; trade_state: string; total_fee: string; transaction_id?: string };
  refunds: PayRefund[];
  deliveries: { status: number | null; ms: number; acknowledged: boolean }[];
}

/** The deductions of the cloud's withholding orders (an order never deducted has none). */
export async function readDeductions(b: PayBench, orderIds: string[]): Promise<Map<string, DeductionDetail>> {
  const out = new Map<string, DeductionDetail>();
  await pool(orderIds.length, Math.min(b.params.concurrency, 16), async (i) => {
    const id = orderIds[i]!;
    const r = await b.http.get(b.pay(`/sandbox/papay/deductions/${encodeURIComponent(id)}`));
    if (r.status === 404) return;
    if (r.status !== 200) throw new Error(`pay sandbox deduction ${id}: HTTP ${r.status}`);
    out.set(id, r.body as DeductionDetail);
  });
  return out;
}
