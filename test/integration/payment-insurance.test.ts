/**
 * 医保 mobile payment through the devstack with the real parts: the 医保 authorisation gateway and
 * the mixed orders of the pay sandbox, the HIS sandbox's 医保 calls (upload, pre-settlement with
 * its deductible/ratio/account rules, settlement with the split, revoke), MEDICAL_INSURANCE.SUCCESS
 * notifications signed and encrypted to /http/payNotify.
 */
import { freshPerson, type FreshPerson } from '../../devstack/seed/identities';
import type { PaymentCreateOrderResponse, PaymentOrderView } from '../../typings/payment';
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
const OPENID = 'u-it-medins';

async function call<T>(event: Record<string, unknown>, openid = OPENID) {
  return (await callFn<T>(stack(), 'payment', event, openid)).body;
}

async function data<T>(event: Record<string, unknown>, openid = OPENID): Promise<T> {
  const b = await call<T>(event, openid);
  if (!b.ok) throw new Error(`payment ${String(event.action)}: ${JSON.stringify(b.error)}`);
  return b.data;
}

interface Insured {
  person: FreshPerson;
  card: CardView;
  patientId: string;
}

async function bindCard(openid: string, insured: boolean): Promise<Insured> {
  const person = freshPerson();
  const extra = insured ? { socialSecurityNo: `A${person.idNumber.slice(6, 14)}` } : {};
  const bound = await callFn<CardView>(stack(), 'patient', bindEvent(person, extra), openid);
  if (!bound.body.ok) throw new Error(JSON.stringify(bound.body.error));
  const patientId = (await hisPatientsByQuery(stack(), bound.body.data.cardNo)).items[0]!.patientId;
  return { person, card: bound.body.data, patientId };
}

/** What the 医保 mini program hands back after the user 授权 (the sandbox's fake of it). */
async function authCode(who: { name: string; idNumber: string }, openid = OPENID): Promise<string> {
  const r = await post<{ authCode: string }>(`${stack().payUrl}/sandbox/med-ins/auth-codes`, { openid, ...who });
  expect(r.status).toBe(200);
  return r.body.authCode;
}

async function charge(patientId: string, kind: string, count = 1): Promise<string[]> {
  const r = await post<{ data: { items: { itemId: string }[] } }>(`${stack().hisUrl}/sandbox/fees`, {
    patientId,
    kind,
    count,
  });
  expect(r.status).toBe(200);
  return r.body.data.items.map((i) => i.itemId);
}

const get = (orderId: string) => data<PaymentOrderView>({ action: 'get', orderId });
const until = (orderId: string, statuses: string[]) =>
  eventually(
    () => get(orderId),
    (o) => statuses.includes(o.status),
  );

async function hisInsurance(patientId: string) {
  const r = await getJson<{ data: { orders: { payOrdId: string; status: string; split: unknown }[] } }>(
    `${stack().hisUrl}/sandbox/insurance?patientId=${patientId}`,
  );
  return r.body.data.orders;
}

let me: Insured;

beforeAll(async () => {
  me = await bindCard(OPENID, true);
  for (const templateId of ['tmpl-payment-success', 'tmpl-refund-notice']) {
    await post(`${stack().url}/devstack/api/consents`, { openid: OPENID, templateId, count: 20 });
  }
}, 30_000);

describe('医保 payment over the devstack', () => {
  test('the split before paying; paid as a mixed order; settled in the HIS with the split and a pickup code', async () => {
    const itemIds = await charge(me.patientId, 'prescription', 2);
    const created = await data<PaymentCreateOrderResponse>({
      action: 'createOrder',
      cardId: me.card.id,
      itemIds,
      insuranceAuthCode: await authCode(me.person),
    });
    const { order, medInsPayParams } = created;
    expect(order).toMatchObject({ mode: 'insurance', status: 'paying' });
    expect(created.payParams).toBeNull();
    const s = order.split;
    expect(s.fundFen + s.accountFen + s.cashFen).toBe(s.totalFen);
    expect(s.fundFen + s.accountFen).toBeGreaterThan(0);
    expect(order.insurance).toEqual(expect.objectContaining({ ownExpenseFen: expect.any(Number) }));
    expect(medInsPayParams?.mixTradeNo).toMatch(/\S/);
    if (s.cashFen > 0) expect(medInsPayParams?.package).toMatch(/^prepay_id=/);
    else expect(medInsPayParams).toEqual({ mixTradeNo: medInsPayParams?.mixTradeNo });

    // The patient pays in WeChat's sheet (cash now, 医保 settled a moment later, then notified).
    const paid = await post(`${stack().payUrl}/sandbox/med-ins/${medInsPayParams!.mixTradeNo}/pay`, {});
    expect(paid.status).toBe(200);
    const settled = await until(order.orderId, ['settled', 'refunding', 'refunded']);
    expect(settled).toMatchObject({ status: 'settled', mode: 'insurance', split: s });
    expect(settled.pickup?.code).toMatch(/^\d{8}$/);
    const his = (await hisInsurance(me.patientId)).find((o) => o.status === 'settled');
    expect(his).toBeDefined();

    // MEDICAL_INSURANCE.SUCCESS delivered again and again changes nothing.
    const more = await post(`${stack().payUrl}/sandbox/med-ins/${medInsPayParams!.mixTradeNo}/notify?times=4`, {});
    expect(more.status).toBe(200);
    expect(await get(order.orderId)).toEqual(settled);

    // `pay` again on a settled order: nothing to pay.
    const again = await data<PaymentCreateOrderResponse>({ action: 'pay', orderId: order.orderId });
    expect(again).toMatchObject({ payParams: null, medInsPayParams: null });
  });

  test('an authorisation is single use, and must be the card patient’s own', async () => {
    const itemIds = await charge(me.patientId, 'lab');
    const code = await authCode(me.person);
    const first = await data<PaymentCreateOrderResponse>({
      action: 'createOrder',
      cardId: me.card.id,
      itemIds,
      insuranceAuthCode: code,
    });
    const reused = await call({ action: 'createOrder', cardId: me.card.id, itemIds, insuranceAuthCode: code });
    expect(reused.ok || reused.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'insuranceAuthInvalid' });
    const stranger = freshPerson();
    const other = await call({
      action: 'createOrder',
      cardId: me.card.id,
      itemIds,
      insuranceAuthCode: await authCode(stranger),
    });
    expect(other.ok || other.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'insuranceAuthInvalid' });
    // Neither changed the first order.
    expect((await get(first.order.orderId)).status).toBe('paying');
    await data({ action: 'cancel', orderId: first.order.orderId });
  });

  test('declining 医保: the 医保 order is given up (HIS upload revoked) and the same items are paid 自费', async () => {
    const itemIds = await charge(me.patientId, 'exam');
    const insured = await data<PaymentCreateOrderResponse>({
      action: 'createOrder',
      cardId: me.card.id,
      itemIds,
      insuranceAuthCode: await authCode(me.person),
    });
    const selfPay = await data<PaymentCreateOrderResponse>({ action: 'createOrder', cardId: me.card.id, itemIds });
    expect(selfPay.order.orderId).not.toBe(insured.order.orderId);
    expect(selfPay.order).toMatchObject({ mode: 'selfPay', split: { cashFen: insured.order.split.totalFen } });
    expect(selfPay.payParams?.signType).toBe('RSA');
    expect((await get(insured.order.orderId)).status).toBe('closed');
    const revoked = await eventually(
      () => hisInsurance(me.patientId),
      (list) => list.some((o) => o.status === 'revoked'),
    );
    expect(revoked.some((o) => o.status === 'revoked')).toBe(true);
    await data({ action: 'cancel', orderId: selfPay.order.orderId });
  });

  test('the HIS refusing the settlement: the cash refunded and the 医保 part given back', async () => {
    const itemIds = await charge(me.patientId, 'prescription');
    const created = await data<PaymentCreateOrderResponse>({
      action: 'createOrder',
      cardId: me.card.id,
      itemIds,
      insuranceAuthCode: await authCode(me.person),
    });
    // Paid at the window meanwhile: the HIS refuses to settle the phone payment.
    await post(`${stack().hisUrl}/sandbox/fees/pay-at-window`, { itemIds });
    await post(`${stack().payUrl}/sandbox/med-ins/${created.medInsPayParams!.mixTradeNo}/pay`, {});
    const refunded = await until(created.order.orderId, ['refunded']);
    expect(refunded).toMatchObject({ status: 'refunded', failure: 'hisRefused' });
    const wx = await getJson<{
      data?: unknown;
      med_refunds: { out_refund_no: string }[];
      order: { mix_pay_status: string };
    }>(`${stack().payUrl}/sandbox/med-ins/${created.medInsPayParams!.mixTradeNo}`);
    expect(wx.body.med_refunds).toHaveLength(1);
    if (created.order.split.cashFen > 0) {
      expect(refunded.refunds).toEqual([
        expect.objectContaining({ amountFen: created.order.split.cashFen, status: 'success' }),
      ]);
      expect(wx.body.order.mix_pay_status).toBe('MIX_PAY_REFUND');
    }
  });

  test('notifications lost (all tampered): confirm polls the mixed order and settles it', async () => {
    const itemIds = await charge(me.patientId, 'lab');
    const created = await data<PaymentCreateOrderResponse>({
      action: 'createOrder',
      cardId: me.card.id,
      itemIds,
      insuranceAuthCode: await authCode(me.person),
    });
    await post(`${stack().payUrl}/sandbox/faults`, { tamperRate: 1 });
    try {
      await post(`${stack().payUrl}/sandbox/med-ins/${created.medInsPayParams!.mixTradeNo}/pay`, {});
      const done = await eventually(
        () => data<PaymentOrderView>({ action: 'confirm', orderId: created.order.orderId }),
        (o) => o.status === 'settled',
      );
      expect(done).toMatchObject({ status: 'settled', split: created.order.split });
    } finally {
      await post(`${stack().payUrl}/sandbox/faults`, {});
    }
  });

  test('the 医保 part timing out (WeChat reverses the order): closed, nothing settled, items offered again', async () => {
    const itemIds = await charge(me.patientId, 'exam');
    const created = await data<PaymentCreateOrderResponse>({
      action: 'createOrder',
      cardId: me.card.id,
      itemIds,
      insuranceAuthCode: await authCode(me.person),
    });
    await post(`${stack().payUrl}/sandbox/faults`, { medInsTimeout: true });
    try {
      await post(`${stack().payUrl}/sandbox/med-ins/${created.medInsPayParams!.mixTradeNo}/pay`, {});
      await eventually(
        () =>
          getJson<{ order: { mix_pay_status: string } }>(
            `${stack().payUrl}/sandbox/med-ins/${created.medInsPayParams!.mixTradeNo}`,
          ),
        (r) => r.body.order.mix_pay_status === 'MIX_PAY_FAIL',
      );
      const closed = await data<PaymentOrderView>({ action: 'cancel', orderId: created.order.orderId });
      expect(closed.status).toBe('closed');
      const unpaid = await data<{ items: { itemId: string }[] }>({ action: 'listUnpaid', cardId: me.card.id });
      expect(unpaid.items.map((i) => i.itemId)).toEqual(expect.arrayContaining(itemIds));
    } finally {
      await post(`${stack().payUrl}/sandbox/faults`, {});
    }
  });

  test('an uninsured card is told to pay 自费, and nothing is written', async () => {
    const plain = await bindCard('u-it-medins-plain', false);
    const itemIds = await charge(plain.patientId, 'lab');
    const r = await call(
      { action: 'createOrder', cardId: plain.card.id, itemIds, insuranceAuthCode: await authCode(plain.person) },
      'u-it-medins-plain',
    );
    expect(r.ok || r.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'notInsured' });
    const unpaid = await data<{ items: { itemId: string }[]; openOrders: unknown[] }>(
      { action: 'listUnpaid', cardId: plain.card.id },
      'u-it-medins-plain',
    );
    expect(unpaid.openOrders).toEqual([]);
    expect(unpaid.items.map((i) => i.itemId)).toEqual(itemIds);
  });

  test("another user's card answers NOT_FOUND, before any authorisation is used", async () => {
    const itemIds = await charge(me.patientId, 'lab');
    const code = await authCode(me.person, 'u-it-someone-else');
    const r = await call(
      { action: 'createOrder', cardId: me.card.id, itemIds, insuranceAuthCode: code },
      'u-it-someone-else',
    );
    expect(r.ok || r.error).toMatchObject({ code: 'NOT_FOUND' });
  });
});
