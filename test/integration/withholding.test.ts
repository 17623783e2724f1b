/**
 * 代扣 (withholding) through the devstack HTTP contract with the real parts: the payment function's
 * contract actions, WeChat's contract mini program (the pay sandbox's /sandbox/papay/sign), the v2
 * XML notifications to /http/payNotify, the HIS sandbox's charges.ready events into
 * /http/hisEvents, pappayapply, the HIS settlement, the fallback message, and a v3 refund of a
 * deduction at the sandbox.
 */
import { freshPerson } from '../../devstack/seed/identities';
import type {
  PaymentListOrdersResponse,
  PaymentListUnpaidResponse,
  PaymentOrderView,
  PaymentSignContractResponse,
  WithholdingContractView,
} from '../../typings/payment';
import {
  bindEvent,
  callFn,
  getJson,
  hisPatientsByQuery,
  stackForTests,
  type CardView,
  eventually as eventuallyWithin,
  post,
} from './helpers';

const eventually = <T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000) => eventuallyWithin(read, ok, ms);

jest.setTimeout(60_000);

const stack = stackForTests(60_000);
const OPENID = 'u-it-withholding';

async function call<T>(event: Record<string, unknown>, openid = OPENID) {
  return (await callFn<T>(stack(), 'payment', event, openid)).body;
}
async function data<T>(event: Record<string, unknown>, openid = OPENID): Promise<T> {
  const r = await call<T>(event, openid);
  if (!r.ok) throw new Error(`payment ${String(event.action)}: ${JSON.stringify(r.error)}`);
  return r.data;
}

type Msg = { _id: string; templateId: string; status: string; data: Record<string, { value: string }> };
const outbox = async (): Promise<Msg[]> =>
  (await getJson<{ documents: Msg[] }>(`${stack().url}/devstack/api/collections/message_outbox?limit=500`)).body
    .documents ?? [];

let card: CardView;
let patientId: string;

beforeAll(async () => {
  const bound = await callFn<CardView>(stack(), 'patient', bindEvent(freshPerson()), OPENID);
  if (!bound.body.ok) throw new Error(JSON.stringify(bound.body.error));
  card = bound.body.data;
  patientId = (await hisPatientsByQuery(stack(), card.cardNo)).items[0]!.patientId;
  for (const templateId of ['tmpl-payment-success', 'tmpl-refund-notice', 'tmpl-charges-ready']) {
    await post(`${stack().url}/devstack/api/consents`, { openid: OPENID, templateId, count: 20 });
  }
}, 30_000);

/** New HIS charges (one charges.ready event): their ids and the event id. */
async function charge(items: unknown[] | { kind: string }): Promise<{ itemIds: string[]; eventId: string }> {
  const body = Array.isArray(items) ? { patientId, items } : { patientId, ...items };
  const r = await post<{ data: { items: { itemId: string }[]; eventId: string } }>(
    `${stack().hisUrl}/sandbox/fees`,
    body,
  );
  expect(r.status).toBe(200);
  return { itemIds: r.body.data.items.map((i) => i.itemId), eventId: r.body.data.eventId };
}

type OrderDoc = { _id: string; itemIds: string[]; mode: string; status: string };

/** A reader of the withholding order of the given items (its document). */
const docOf = (itemIds: string[]) => async (): Promise<OrderDoc | undefined> => {
  const all =
    (await getJson<{ documents: OrderDoc[] }>(`${stack().url}/devstack/api/collections/payment_orders?limit=500`)).body
      .documents ?? [];
  return all.find((o) => o.mode === 'withholding' && o.itemIds.join() === itemIds.join());
};

/** The withholding order of the given items, once it is finished (settled, closed or refunded). */
async function deductionOf(itemIds: string[]): Promise<PaymentOrderView | undefined> {
  const doc = await eventually(docOf(itemIds), (d) => d !== undefined);
  if (!doc) return undefined;
  const done = ['settled', 'closed', 'refunded'];
  // The closed ones are not listed, but `get` answers them (the caller holds the card).
  return eventually(
    () => data<PaymentOrderView>({ action: 'get', orderId: doc._id }),
    (o) => done.includes(o.status),
  );
}

describe('withholding over the devstack', () => {
  test('another user cannot see or sign the card: NOT_FOUND as for a missing card', async () => {
    for (const action of ['contract', 'signContract', 'cancelContract']) {
      const theirs = await call({ action, cardId: card.id }, 'u-someone-else');
      const missing = await call({ action, cardId: `${card.id.slice(0, -4)}0000` }, 'u-someone-else');
      expect(theirs.ok || theirs.error).toEqual(missing.ok || missing.error);
      expect(theirs.ok || theirs.error.code).toBe('NOT_FOUND');
    }
    const bad = await call({ action: 'contract', cardId: card.id, extra: 1 });
    expect(bad.ok || bad.error.code).toBe('INVALID_ARGUMENT');
  });

  test('sign through the contract mini program: the ADD notification makes it active; a second signing is refused', async () => {
    const before = await data<WithholdingContractView>({ action: 'contract', cardId: card.id });
    expect(before).toMatchObject({
      status: 'none',
      perDeductionLimitFen: 50_000,
      perDayLimitFen: 250_000,
      perDayCount: 5,
    });
    expect(before.displayAccount).toMatch(/^就诊卡尾号\d{4}$/);
    const signing = await data<PaymentSignContractResponse>({ action: 'signContract', cardId: card.id });
    expect(signing.contract.status).toBe('signing');
    expect(signing.miniProgram).toMatchObject({ appId: 'wxbd687630cd02ce1d', path: 'pages/index/index' });
    expect(signing.miniProgram.extraData.notify_url).toBe(`${stack().url}/http/payNotify`);
    const signed = await post<{ return_code: string; contract_id: string }>(`${stack().payUrl}/sandbox/papay/sign`, {
      extraData: signing.miniProgram.extraData,
      openid: OPENID,
      accept: true,
    });
    expect(signed.body.return_code).toBe('SUCCESS');
    const active = await eventually(
      () => data<WithholdingContractView>({ action: 'contract', cardId: card.id }),
      (c) => c.status === 'active',
    );
    expect(active.signedAt).not.toBeNull();
    const detail = await getJson<{ deliveries: { status: number; answer: string }[] }>(
      `${stack().payUrl}/sandbox/papay/contracts/${signed.body.contract_id}`,
    );
    expect(detail.body.deliveries[0]).toMatchObject({ status: 200, answer: expect.stringContaining('SUCCESS') });
    const again = await call({ action: 'signContract', cardId: card.id });
    expect(again.ok || again.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'contractLimit' });
  });

  test('charges.ready: deducted without a password, settled in the HIS, 缴费成功通知, no 待缴费提醒', async () => {
    const { itemIds, eventId } = await charge({ kind: 'prescription' });
    const order = await deductionOf(itemIds);
    expect(order).toMatchObject({ mode: 'withholding', status: 'settled' });
    expect(order!.pickup?.code).toMatch(/^\d{8}$/);
    const fees = await getJson<{ data: { items: { itemId: string; status: string }[] } }>(
      `${stack().hisUrl}/sandbox/fees?patientId=${patientId}`,
    );
    expect(fees.body.data.items.filter((i) => itemIds.includes(i.itemId)).map((i) => i.status)).toEqual(['paid']);
    const msgs = await outbox();
    expect(
      msgs.some(
        (m) => m.templateId === 'tmpl-payment-success' && m.data.character_string5?.value === order!.pickup!.code,
      ),
    ).toBe(true);
    expect(msgs.some((m) => m._id.startsWith(`chg_${eventId}`))).toBe(false);
    const wx = await getJson<{ deduction: { trade_state: string; total_fee: string } }>(
      `${stack().payUrl}/sandbox/papay/deductions/${order!.orderId}`,
    );
    expect(wx.body.deduction).toMatchObject({ trade_state: 'SUCCESS', total_fee: String(order!.split.totalFen) });
    // The event again changes nothing.
    const again = await post<{ data: { statuses: number[] } }>(
      `${stack().hisUrl}/sandbox/events/${eventId}/redeliver?times=2`,
      {},
    );
    expect(again.body.data.statuses).toEqual([200, 200]);
    const records = await data<PaymentListOrdersResponse>({ action: 'listOrders' });
    expect(records.orders.filter((o) => o.mode === 'withholding').map((o) => o.orderId)).toEqual([order!.orderId]);
  });

  test('the balance too low (NOTENOUGH): the order closes, the items are free again, the patient is told', async () => {
    await post(`${stack().payUrl}/sandbox/faults`, { papayDeductFail: true });
    try {
      const { itemIds } = await charge({ kind: 'lab' });
      const order = await deductionOf(itemIds);
      expect(order?.status).toBe('closed');
      const msg = await eventually(
        async () => (await outbox()).find((m) => m._id.startsWith(`chg_wh_${order!.orderId}`)),
        (m) => m?.status === 'sent',
      );
      expect(msg?.data.thing5?.value).toContain('自动扣费未成功');
      const unpaid = await data<PaymentListUnpaidResponse>({ action: 'listUnpaid', cardId: card.id });
      expect(unpaid.items.map((i) => i.itemId)).toEqual(expect.arrayContaining(itemIds));
    } finally {
      await post(`${stack().payUrl}/sandbox/faults`, {});
    }
  });

  test('over the per-deduction limit: no pappayapply, the 待缴费提醒 says so', async () => {
    const { itemIds } = await charge([
      { kind: 'exam', title: '胸部CT平扫', lines: [{ name: '胸部CT平扫', quantity: 1, unitPriceFen: 60_000 }] },
    ]);
    const order = await deductionOf(itemIds);
    expect(order?.status).toBe('closed');
    const wx = await getJson(`${stack().payUrl}/sandbox/papay/deductions/${order!.orderId}`);
    expect(wx.status).toBe(404);
    const msg = await eventually(
      async () => (await outbox()).find((m) => m._id.startsWith(`chg_wh_${order!.orderId}`)),
      (m) => m !== undefined,
    );
    expect(msg?.data.amount3?.value).toBe('¥600.00');
  });

  test('the HIS refusing the settlement: the deduction is refunded through the v3 refund API', async () => {
    // The HIS is slow to settle; meanwhile the items are paid at the window, so it refuses.
    await post(`${stack().hisUrl}/sandbox/faults`, { delayMs: 2000, methods: ['fee.settle'] });
    try {
      const { itemIds } = await charge({ kind: 'exam' });
      const paid = await eventually(docOf(itemIds), (d) => d?.status === 'paid');
      expect(paid?.status).toBe('paid');
      await post(`${stack().hisUrl}/sandbox/fees/pay-at-window`, { itemIds });
      const order = await deductionOf(itemIds);
      expect(order).toMatchObject({ status: 'refunded', failure: 'hisRefused' });
      expect(order!.refunds).toEqual([expect.objectContaining({ status: 'success', amountFen: order!.split.cashFen })]);
      const wx = await getJson<{ refunds: { status: string }[] }>(
        `${stack().payUrl}/sandbox/papay/deductions/${order!.orderId}`,
      );
      expect(wx.body.refunds.map((r) => r.status)).toEqual(['SUCCESS']);
    } finally {
      await post(`${stack().hisUrl}/sandbox/faults`, {});
    }
  });

  test('cancel: deletecontract at WeChat, terminated here; the next charges get the usual 待缴费提醒', async () => {
    const ended = await data<WithholdingContractView>({ action: 'cancelContract', cardId: card.id });
    expect(ended.status).toBe('terminated');
    expect(ended.terminatedAt).not.toBeNull();
    const { eventId } = await charge({ kind: 'lab' });
    const sent = await eventually(
      async () => (await outbox()).find((m) => m._id === `chg_${eventId}_${card.id}`),
      (m) => m !== undefined,
    );
    expect(sent).toBeDefined();
    expect(await data<WithholdingContractView>({ action: 'contract', cardId: card.id })).toMatchObject({
      status: 'terminated',
    });
  });
});

describe('withholding of an insured patient: 医保 by the card at the 医生站, the cash part deducted', () => {
  const ME = 'u-it-withholding-insured';
  let insured: CardView;
  let insuredId: string;

  beforeAll(async () => {
    const person = freshPerson();
    const bound = await callFn<CardView>(
      stack(),
      'patient',
      bindEvent(person, { socialSecurityNo: `B${person.idNumber.slice(6, 14)}` }),
      ME,
    );
    if (!bound.body.ok) throw new Error(JSON.stringify(bound.body.error));
    insured = bound.body.data;
    insuredId = (await hisPatientsByQuery(stack(), insured.cardNo)).items[0]!.patientId;
    for (const templateId of ['tmpl-payment-success', 'tmpl-refund-notice', 'tmpl-charges-ready']) {
      await post(`${stack().url}/devstack/api/consents`, { openid: ME, templateId, count: 20 });
    }
    // A standing with cash left after 医保 (the deductible used up, little in the account).
    const standing = await getJson<{ data: { policy: { deductibleFen: number } } }>(
      `${stack().hisUrl}/sandbox/insurance?patientId=${insuredId}`,
    );
    await post(`${stack().hisUrl}/sandbox/insurance/accounts`, {
      patientId: insuredId,
      balanceFen: 100,
      deductibleUsedFen: standing.body.data.policy.deductibleFen,
    });
    const signing = await data<PaymentSignContractResponse>({ action: 'signContract', cardId: insured.id }, ME);
    await post(`${stack().payUrl}/sandbox/papay/sign`, {
      extraData: signing.miniProgram.extraData,
      openid: ME,
      accept: true,
    });
    await eventually(
      () => data<WithholdingContractView>({ action: 'contract', cardId: insured.id }, ME),
      (c) => c.status === 'active',
    );
  }, 30_000);

  async function deskCharges(medInsCard: boolean) {
    const r = await post<{ data: { items: { itemId: string }[]; eventId: string; payOrdId: string | null } }>(
      `${stack().hisUrl}/sandbox/fees`,
      { patientId: insuredId, kind: 'prescription', count: 2, medInsCard },
    );
    expect(r.status).toBe(200);
    return { itemIds: r.body.data.items.map((i) => i.itemId), ...r.body.data };
  }

  const hisOrder = async (payOrdId: string) =>
    (
      await getJson<{ data: { orders: { payOrdId: string; status: string }[] } }>(
        `${stack().hisUrl}/sandbox/insurance?patientId=${insuredId}`,
      )
    ).body.data.orders.find((o) => o.payOrdId === payOrdId);

  test('pre-settled with the 医保 card: only the cash is deducted, settled in the HIS with the split', async () => {
    const { itemIds, payOrdId } = await deskCharges(true);
    expect(payOrdId).toEqual(expect.any(String));
    const docs = async () =>
      (
        await getJson<{ documents: OrderDoc[] }>(`${stack().url}/devstack/api/collections/payment_orders?limit=500`)
      ).body.documents?.find((o) => o.mode === 'withholding' && o.itemIds.join() === itemIds.join());
    const doc = await eventually(docs, (d) => d?.status === 'settled');
    const order = await data<PaymentOrderView>({ action: 'get', orderId: doc!._id }, ME);
    expect(order).toMatchObject({ mode: 'withholding', status: 'settled' });
    const s = order.split;
    expect(s.fundFen + s.accountFen).toBeGreaterThan(0);
    expect(s.cashFen).toBeGreaterThan(0);
    expect(s.fundFen + s.accountFen + s.cashFen).toBe(s.totalFen);
    expect(order.insurance).not.toBeNull();
    const wx = await getJson<{ deduction?: { total_fee: number }; total_fee?: number }>(
      `${stack().payUrl}/sandbox/papay/deductions/${order.orderId}`,
    );
    expect(JSON.stringify(wx.body)).toContain(`${s.cashFen}`);
    expect((await hisOrder(payOrdId!))?.status).toBe('settled');
  });

  test('no 医保 card at the 医生站: nothing deducted, the usual 待缴费提醒', async () => {
    const { eventId } = await deskCharges(false);
    const sent = await eventually(
      async () => (await outbox()).find((m) => m._id === `chg_${eventId}_${insured.id}`),
      (m) => m !== undefined,
    );
    expect(sent).toBeDefined();
  });

  test('the deduction failing: closed, the 医生站 upload voided, the patient told to pay in the app', async () => {
    await post(`${stack().payUrl}/sandbox/faults`, { papayDeductFail: true });
    try {
      const { itemIds, payOrdId } = await deskCharges(true);
      const docs = async () =>
        (
          await getJson<{ documents: OrderDoc[] }>(`${stack().url}/devstack/api/collections/payment_orders?limit=500`)
        ).body.documents?.find((o) => o.mode === 'withholding' && o.itemIds.join() === itemIds.join());
      expect((await eventually(docs, (d) => d?.status === 'closed'))?.status).toBe('closed');
      expect(
        (
          await eventually(
            () => hisOrder(payOrdId!),
            (o) => o?.status === 'revoked',
          )
        )?.status,
      ).toBe('revoked');
      const unpaid = await data<PaymentListUnpaidResponse>({ action: 'listUnpaid', cardId: insured.id }, ME);
      expect(unpaid.items.map((i) => i.itemId)).toEqual(expect.arrayContaining(itemIds));
    } finally {
      await post(`${stack().payUrl}/sandbox/faults`, {});
    }
  });
});
