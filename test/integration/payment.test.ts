/**
 * 门诊缴费 through the devstack HTTP contract with the real parts: the HIS sandbox (charges,
 * settlement, receipts), the pay sandbox (signed v3 API, real signed and encrypted notifications
 * to /http/payNotify), the kiosk API with a kiosk's own signature.
 */
import { signRequest } from '../../server/adapters/his/signature';
import { freshPerson } from '../../devstack/seed/identities';
import type { KioskAnswer } from '../../typings/kiosk';
import type {
  PaymentCreateOrderResponse,
  PaymentListOrdersResponse,
  PaymentListUnpaidResponse,
  PaymentOrderView,
} from '../../typings/payment';
import {
  bindEvent,
  callFn,
  getJson,
  hisPatientsByQuery,
  stackForTests,
  type CardView,
  eventually,
  post,
} from './helpers';

const stack = stackForTests(60_000);
const OPENID = 'u-it-payment';

async function data<T>(event: Record<string, unknown>, openid = OPENID): Promise<T> {
  const r = await callFn<T>(stack(), 'payment', event, openid);
  if (!r.body.ok) throw new Error(`payment ${String(event.action)}: ${JSON.stringify(r.body.error)}`);
  return r.body.data;
}

let card: CardView;
let patientId: string;

beforeAll(async () => {
  const bound = await callFn<CardView>(stack(), 'patient', bindEvent(freshPerson()), OPENID);
  if (!bound.body.ok) throw new Error(JSON.stringify(bound.body.error));
  card = bound.body.data;
  patientId = (await hisPatientsByQuery(stack(), card.cardNo)).items[0]!.patientId;
  for (const templateId of ['tmpl-payment-success', 'tmpl-refund-notice']) {
    await post(`${stack().url}/devstack/api/consents`, { openid: OPENID, templateId, count: 10 });
  }
}, 30_000);

async function charge(kind: string, count = 1): Promise<string[]> {
  const r = await post<{ data: { items: { itemId: string }[] } }>(`${stack().hisUrl}/sandbox/fees`, {
    patientId,
    kind,
    count,
  });
  expect(r.status).toBe(200);
  return r.body.data.items.map((i) => i.itemId);
}

async function payThroughSandbox(itemIds: string[]): Promise<PaymentOrderView> {
  const created = await data<PaymentCreateOrderResponse>({ action: 'createOrder', cardId: card.id, itemIds });
  expect(created.payParams?.signType).toBe('RSA');
  const paid = await post(`${stack().payUrl}/sandbox/orders/${created.order.orderId}/pay`, {});
  expect(paid.status).toBe(200);
  return eventually(
    () => data<PaymentOrderView>({ action: 'get', orderId: created.order.orderId }),
    (o) => o.status === 'settled' || o.status === 'refunding' || o.status === 'refunded',
  );
}

function kiosk(code: string) {
  const [id, secret] = Object.entries(stack().kioskKeys)[0]!;
  const body = JSON.stringify({ action: 'redeem', code });
  return getJson<KioskAnswer>(`${stack().url}/http/kiosk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signRequest({ appId: id, appSecret: secret, rawBody: body }) },
    body,
  });
}

describe('payment over the devstack', () => {
  test('pay self-pay items: settled in the HIS with a receipt, a pickup code message, redeemed once at a kiosk', async () => {
    const itemIds = await charge('prescription', 2);
    const unpaid = await data<PaymentListUnpaidResponse>({ action: 'listUnpaid', cardId: card.id });
    expect(unpaid.items.map((i) => i.itemId).sort()).toEqual([...itemIds].sort());
    const order = await payThroughSandbox(itemIds);
    expect(order.status).toBe('settled');
    expect(order.receipt?.number).toMatch(/^\d{10}$/);
    expect(order.pickup?.code).toMatch(/^\d{8}$/);
    const fees = await getJson<{ data: { items: { itemId: string; status: string }[] } }>(
      `${stack().hisUrl}/sandbox/fees?patientId=${patientId}`,
    );
    expect(fees.body.data.items.filter((i) => itemIds.includes(i.itemId)).map((i) => i.status)).toEqual([
      'paid',
      'paid',
    ]);
    const outbox = await getJson<{ templateId: string; data: Record<string, { value: string }> }[]>(
      `${stack().url}/outbox`,
    );
    const msg = outbox.body.find((m) => m.templateId === 'tmpl-payment-success');
    expect(msg?.data.character_string5?.value).toBe(order.pickup!.code);

    const first = await kiosk(order.pickup!.code);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ code: 'OK', data: { orderId: order.orderId } });
    expect((await kiosk(order.pickup!.code)).body.code).toBe('ALREADY_REDEEMED');

    const records = await data<PaymentListOrdersResponse>({ action: 'listOrders' });
    expect(records.orders.map((o) => o.orderId)).toContain(order.orderId);
  });

  test('the notification delivered again and again changes nothing', async () => {
    const order = await payThroughSandbox(await charge('lab'));
    const again = await post<{ answers?: { status: number }[] }>(
      `${stack().payUrl}/sandbox/orders/${order.orderId}/notify?times=5`,
      {},
    );
    expect(again.status).toBe(200);
    const after = await data<PaymentOrderView>({ action: 'get', orderId: order.orderId });
    expect(after).toMatchObject({ status: 'settled', pickup: order.pickup, settledAt: order.settledAt });
  });

  test('the HIS refusing the settlement: refunded automatically through the sandbox, the patient told', async () => {
    const itemIds = await charge('exam');
    const created = await data<PaymentCreateOrderResponse>({ action: 'createOrder', cardId: card.id, itemIds });
    // Paid at the window while the patient was paying on the phone: the HIS refuses the settlement.
    await post(`${stack().hisUrl}/sandbox/fees/pay-at-window`, { itemIds });
    await post(`${stack().payUrl}/sandbox/orders/${created.order.orderId}/pay`, {});
    const refunded = await eventually(
      () => data<PaymentOrderView>({ action: 'get', orderId: created.order.orderId }),
      (o) => o.status === 'refunded',
    );
    expect(refunded).toMatchObject({ status: 'refunded', failure: 'hisRefused' });
    expect(refunded.refunds).toEqual([
      expect.objectContaining({ amountFen: created.order.split.cashFen, status: 'success' }),
    ]);
    const wx = await getJson<{ refunds: { out_refund_no: string; status: string }[] }>(
      `${stack().payUrl}/sandbox/orders/${created.order.orderId}`,
    );
    expect(wx.body.refunds.map((r) => r.status)).toEqual(['SUCCESS']);
    const outbox = await getJson<{ templateId: string }[]>(`${stack().url}/outbox`);
    expect(outbox.body.some((m) => m.templateId === 'tmpl-refund-notice')).toBe(true);
  });

  test('the same items twice at once: one order', async () => {
    const itemIds = await charge('lab', 2);
    const [a, b] = await Promise.all([
      data<PaymentCreateOrderResponse>({ action: 'createOrder', cardId: card.id, itemIds }),
      data<PaymentCreateOrderResponse>({ action: 'createOrder', cardId: card.id, itemIds: [...itemIds].reverse() }),
    ]);
    expect(a.order.orderId).toBe(b.order.orderId);
    expect((await data<PaymentOrderView>({ action: 'cancel', orderId: a.order.orderId })).status).toBe('closed');
  });

  test('another user cannot read or cancel the order', async () => {
    const order = await payThroughSandbox(await charge('lab'));
    const theirs = await callFn(stack(), 'payment', { action: 'get', orderId: order.orderId }, 'u-someone-else');
    expect(theirs.body.ok || theirs.body.error.code).toBe('NOT_FOUND');
  });
});

describe('HIS events over the devstack', () => {
  test('charges created in the HIS reach /http/hisEvents signed, and the patient gets a 待缴费提醒 once', async () => {
    await post(`${stack().url}/devstack/api/consents`, { openid: OPENID, templateId: 'tmpl-charges-ready', count: 5 });
    const r = await post<{ data: { eventId: string } }>(`${stack().hisUrl}/sandbox/fees`, { patientId, kind: 'exam' });
    const eventId = r.body.data.eventId;
    expect(eventId).toMatch(/^EV/);
    const docs = async (c: string) =>
      (
        await getJson<{ documents: Record<string, unknown>[] }>(
          `${stack().url}/devstack/api/collections/${c}?limit=200`,
        )
      ).body.documents ?? [];
    const mine = async () => (await docs('message_outbox')).filter((m) => m._id === `chg_${eventId}_${card.id}`);
    const sent = await eventually(mine, (list) => list[0]?.status === 'sent');
    expect(sent).toEqual([expect.objectContaining({ status: 'sent', page: expect.stringContaining(card.id) })]);
    const again = await post<{ data: { statuses: number[] } }>(
      `${stack().hisUrl}/sandbox/events/${eventId}/redeliver?times=3`,
      {},
    );
    expect(again.body.data.statuses).toEqual([200, 200, 200]);
    expect(await mine()).toEqual(sent);
    const event = (await docs('his_events')).find((e) => e._id === eventId);
    expect(event).toMatchObject({ type: 'charges.ready', deliveries: 4 });
  });
});

describe('reconciliation over the devstack', () => {
  // After the payments above (same stack): they are the day's trades.
  test("today's bill (made available early) against the orders and the HIS: a clean day", async () => {
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect((await post(`${stack().payUrl}/sandbox/bills/${today}/ready`, {})).status).toBe(200);
    const r = await getJson<{ result: { ok: boolean; data: { issues: unknown[]; counts: Record<string, number> } } }>(
      `${stack().url}/timers/payment?trigger=reconcileDaily&message=${encodeURIComponent(JSON.stringify({ date: today }))}`,
      { method: 'POST' },
    );
    expect(r.status).toBe(200);
    expect(r.body.result.ok).toBe(true);
    expect(r.body.result.data.issues).toEqual([]);
    expect(r.body.result.data.counts.billPayments).toBeGreaterThanOrEqual(4);
    expect(r.body.result.data.counts.billRefunds).toBe(1);
  });
});
