/**
 * 门诊缴费 flows against the emulator with fake HIS and WeChat Pay: one order per set of items,
 * the state machine under duplicated notifications, settlement, refunds, expiry and ownership.
 */
import type { PaymentCreateOrderResponse, PaymentListUnpaidResponse, PaymentOrderView } from '../../../typings/payment';
import { makePaymentHarness, ok, transactionNotice, type PaymentHarness } from './fakes';

const NOW = new Date('2026-12-04T01:00:00.000Z');
const ALICE = 'o-alice';
const BOB = 'o-bob';

async function setup(): Promise<{ h: PaymentHarness; cardId: string; a: string; b: string }> {
  const h = makePaymentHarness(NOW);
  const cardId = await h.addCard(ALICE, 'P100');
  h.emulator.subscriptions.grant(ALICE, 'tmpl-payment-success');
  h.emulator.subscriptions.grant(ALICE, 'tmpl-refund-notice');
  const a = h.his.addItem('P100', 1250);
  const b = h.his.addItem('P100', 3800, '血常规');
  return { h, cardId, a, b };
}

const create = async (h: PaymentHarness, cardId: string, itemIds: string[], who = ALICE) =>
  ok<PaymentCreateOrderResponse>(await h.call(who, { action: 'createOrder', cardId, itemIds }));
const get = async (h: PaymentHarness, orderId: string) =>
  ok<PaymentOrderView>(await h.call(ALICE, { action: 'get', orderId }));
const outbox = (h: PaymentHarness) => h.emulator.admin.listDocuments('message_outbox', { limit: 100 });

describe('payment: orders', () => {
  it('pays and settles: amounts from the HIS, a pickup code, one message, the items no longer offered', async () => {
    const { h, cardId, a, b } = await setup();
    const { order, payParams } = await create(h, cardId, [a, b]);
    expect(order.split).toEqual({ totalFen: 5050, fundFen: 0, accountFen: 0, cashFen: 5050 });
    expect(order.status).toBe('paying');
    expect(payParams?.package).toMatch(/^prepay_id=/);
    expect(h.pay.orders.get(order.orderId)?.input.totalFen).toBe(5050);

    expect(await h.notify(transactionNotice(h.pay.pay(order.orderId)))).toBe(204);
    const done = await get(h, order.orderId);
    expect(done.status).toBe('settled');
    expect(done.pickup?.code).toMatch(/^\d{8}$/);
    expect(done.receipt?.number).toBe('0000000001');
    expect(
      outbox(h)
        .filter((m) => m.kind === 'paymentSuccess')
        .map((m) => m.status),
    ).toEqual(['sent']);
    const unpaid = ok<PaymentListUnpaidResponse>(await h.call(ALICE, { action: 'listUnpaid', cardId }));
    expect(unpaid.items).toEqual([]);
  });

  it('the same items twice at once yield one order; an overlapping set is refused', async () => {
    const { h, cardId, a, b } = await setup();
    const [x, y] = await Promise.all([create(h, cardId, [a, b]), create(h, cardId, [b, a])]);
    expect(x.order.orderId).toBe(y.order.orderId);
    expect(h.pay.orders.size).toBe(1);
    const env = await h.call(ALICE, { action: 'createOrder', cardId, itemIds: [a] });
    expect(env.ok || env.error).toMatchObject({ code: 'ALREADY_EXISTS', reason: 'itemsInOtherOrder' });
    const open = ok<PaymentListUnpaidResponse>(await h.call(ALICE, { action: 'listUnpaid', cardId }));
    expect(open.items).toEqual([]);
    expect(open.openOrders.map((o) => o.orderId)).toEqual([x.order.orderId]);
  });

  it('a notification delivered many times, at once and again later, settles once and messages once', async () => {
    const { h, cardId, a } = await setup();
    const { order } = await create(h, cardId, [a]);
    const n = transactionNotice(h.pay.pay(order.orderId));
    const codes = await Promise.all(Array.from({ length: 6 }, () => h.notify(n)));
    expect(codes).toEqual(Array(6).fill(204));
    expect(await h.notify(n)).toBe(204);
    expect(h.his.settlements.size).toBe(1);
    expect((await get(h, order.orderId)).status).toBe('settled');
    expect(
      outbox(h)
        .filter((m) => m.kind === 'paymentSuccess')
        .map((m) => m.status),
    ).toEqual(['sent']);
  });

  it('a transaction whose amount differs from the order is not applied', async () => {
    const { h, cardId, a } = await setup();
    const { order } = await create(h, cardId, [a]);
    h.pay.pay(order.orderId);
    expect(await h.notify(transactionNotice(h.pay.tx(order.orderId, 1)))).toBe(204);
    expect((await get(h, order.orderId)).status).toBe('paying');
  });

  it('a notification that fails verification is answered 401 and changes nothing', async () => {
    const { h, cardId, a } = await setup();
    const { order } = await create(h, cardId, [a]);
    const n = transactionNotice(h.pay.pay(order.orderId));
    expect(await h.notify(n, { 'x-fake-bad': '1' })).toBe(401);
    expect((await get(h, order.orderId)).status).toBe('paying');
  });

  it('the HIS refusing the settlement refunds once, tells the patient, and offers the items again', async () => {
    const { h, cardId, a, b } = await setup();
    h.his.settleMode = { reject: 'ITEM_NOT_PAYABLE' };
    const { order } = await create(h, cardId, [a]);
    await h.notify(transactionNotice(h.pay.pay(order.orderId)));
    let view = await get(h, order.orderId);
    expect(view.status).toBe('refunding');
    expect(view.failure).toBe('hisRefused');
    expect(view.refunds).toEqual([expect.objectContaining({ refundId: `${order.orderId}R1`, amountFen: 1250 })]);
    await h.timer('paymentDue');
    const done = h.pay.finishRefund(`${order.orderId}R1`);
    expect(await h.notify(done)).toBe(204);
    expect(await h.notify(done)).toBe(204);
    view = await get(h, order.orderId);
    expect(view.status).toBe('refunded');
    expect(h.pay.orders.get(order.orderId)!.refunds).toHaveLength(1);
    expect(
      outbox(h)
        .filter((m) => m.kind === 'refund')
        .map((m) => m.status),
    ).toEqual(['sent']);
    const unpaid = ok<PaymentListUnpaidResponse>(await h.call(ALICE, { action: 'listUnpaid', cardId }));
    expect(unpaid.items.map((i) => i.itemId)).toEqual([a, b]);
  });

  it('a CLOSED refund is sent again under a new number, never more than paid', async () => {
    const { h, cardId, a } = await setup();
    h.his.settleMode = { reject: 'AMOUNT_MISMATCH' };
    const { order } = await create(h, cardId, [a]);
    await h.notify(transactionNotice(h.pay.pay(order.orderId)));
    await h.notify(h.pay.finishRefund(`${order.orderId}R1`, 'CLOSED'));
    h.clock.now = new Date(NOW.getTime() + 5 * 60_000);
    await h.timer('paymentDue');
    const refunds = h.pay.orders.get(order.orderId)!.refunds;
    expect(refunds.map((r) => [r.out_refund_no, r.amount.refund])).toEqual([
      [`${order.orderId}R1`, 1250],
      [`${order.orderId}R2`, 1250],
    ]);
    await h.notify(h.pay.finishRefund(`${order.orderId}R2`));
    expect((await get(h, order.orderId)).status).toBe('refunded');
  });

  it('the HIS unavailable: settling is retried by the timer, and a lost answer is found, not refunded', async () => {
    const { h, cardId, a } = await setup();
    h.his.settleMode = 'unavailable';
    const { order } = await create(h, cardId, [a]);
    await h.notify(transactionNotice(h.pay.pay(order.orderId)));
    expect((await get(h, order.orderId)).status).toBe('paid');
    h.his.settleMode = 'lost';
    h.clock.now = new Date(NOW.getTime() + 60_000);
    await h.timer('paymentDue');
    expect((await get(h, order.orderId)).status).toBe('paid');
    h.his.settleMode = 'ok';
    h.clock.now = new Date(NOW.getTime() + 5 * 60_000);
    await h.timer('paymentDue');
    expect((await get(h, order.orderId)).status).toBe('settled');
    expect(h.pay.refundCalls).toBe(0);
  });

  it('no settlement within the limit: the money goes back (settleTimeout)', async () => {
    const { h, cardId, a } = await setup();
    h.his.settleMode = 'unavailable';
    const { order } = await create(h, cardId, [a]);
    await h.notify(transactionNotice(h.pay.pay(order.orderId)));
    h.his.settleMode = { reject: 'NEVER' };
    // getSettlement answers (null) once the HIS is back, and settle keeps failing as unavailable:
    h.his.settle = async () => {
      throw new (await import('../../../server/ports/his-error')).HisError('unavailable', 'TIMEOUT', 'x');
    };
    h.clock.now = new Date(NOW.getTime() + 31 * 60_000);
    await h.timer('paymentDue');
    const view = await get(h, order.orderId);
    expect(view.status).toBe('refunding');
    expect(view.failure).toBe('settleTimeout');
  });

  it('a lost notification: the timer asks WeChat Pay and settles', async () => {
    const { h, cardId, a } = await setup();
    const { order } = await create(h, cardId, [a]);
    h.pay.pay(order.orderId);
    h.clock.now = new Date(NOW.getTime() + 2 * 60_000);
    await h.timer('paymentDue');
    expect((await get(h, order.orderId)).status).toBe('settled');
  });

  it('an abandoned order is asked about with back-off (1, 2, 4 … min), not every minute', async () => {
    const { h, cardId, a } = await setup();
    await create(h, cardId, [a]);
    let queries = 0;
    const query = h.pay.queryOrder.bind(h.pay);
    h.pay.queryOrder = async (no) => {
      queries++;
      return query(no);
    };
    for (let minute = 1; minute <= 29; minute++) {
      h.clock.now = new Date(NOW.getTime() + minute * 60_000);
      await h.timer('paymentDue');
    }
    expect(queries).toBeGreaterThanOrEqual(4);
    expect(queries).toBeLessThanOrEqual(6);
  });

  it('an unpaid order expires: closed at WeChat Pay first, then here, and its items are offered again', async () => {
    const { h, cardId, a } = await setup();
    const { order } = await create(h, cardId, [a]);
    h.clock.now = new Date(NOW.getTime() + 31 * 60_000);
    await h.timer('paymentDue');
    expect(h.pay.orders.get(order.orderId)?.state).toBe('CLOSED');
    expect((await get(h, order.orderId)).status).toBe('closed');
    const again = await create(h, cardId, [a]);
    expect(again.order.orderId).not.toBe(order.orderId);
  });

  it('cancel closes an unpaid order; cancelling one paid meanwhile records the payment', async () => {
    const { h, cardId, a, b } = await setup();
    const first = await create(h, cardId, [a]);
    const closed = ok<PaymentOrderView>(await h.call(ALICE, { action: 'cancel', orderId: first.order.orderId }));
    expect(closed.status).toBe('closed');
    const second = await create(h, cardId, [b]);
    h.pay.pay(second.order.orderId);
    const paid = ok<PaymentOrderView>(await h.call(ALICE, { action: 'cancel', orderId: second.order.orderId }));
    expect(paid.status).toBe('settled');
  });

  it('WeChat Pay down at prepay: payUnavailable, nothing charged; pay later gets the same order', async () => {
    const { h, cardId, a } = await setup();
    h.pay.down = true;
    const env = await h.call(ALICE, { action: 'createOrder', cardId, itemIds: [a] });
    expect(env.ok || env.error).toMatchObject({ code: 'UNAVAILABLE', reason: 'payUnavailable' });
    h.pay.down = false;
    const again = await create(h, cardId, [a]);
    expect(again.payParams).not.toBeNull();
    expect(h.docs('payment_orders').filter((o) => o.status !== 'closed')).toHaveLength(1);
  });

  it("another user's order or card answers exactly like a missing one", async () => {
    const { h, cardId, a } = await setup();
    const { order } = await create(h, cardId, [a]);
    for (const ev of [
      { action: 'get', orderId: order.orderId },
      { action: 'cancel', orderId: order.orderId },
      { action: 'confirm', orderId: order.orderId },
      { action: 'pay', orderId: order.orderId },
    ]) {
      const theirs = await h.call(BOB, ev);
      const missing = await h.call(BOB, { ...ev, orderId: 'P20261204AAAAAAAAAAAAAAAA' });
      expect(theirs).toEqual(missing);
      expect(theirs.ok || theirs.error.code).toBe('NOT_FOUND');
    }
    const card = await h.call(BOB, { action: 'listUnpaid', cardId });
    expect(card.ok || card.error.code).toBe('NOT_FOUND');
    expect(ok<{ orders: unknown[] }>(await h.call(BOB, { action: 'listOrders' })).orders).toEqual([]);
  });

  it('bad input is INVALID_ARGUMENT naming the field, and stores nothing', async () => {
    const { h, cardId, a } = await setup();
    for (const itemIds of [[], [a, a], 'x', Array.from({ length: 21 }, (_, i) => `F${i}`)]) {
      const env = await h.call(ALICE, { action: 'createOrder', cardId, itemIds });
      expect(env.ok || env.error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'itemIds' });
    }
    const extra = await h.call(ALICE, { action: 'createOrder', cardId, itemIds: [a], amountFen: 1 });
    expect(extra.ok || extra.error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'amountFen' });
    expect(h.docs('payment_orders')).toEqual([]);
  });

  it('items not unpaid in the HIS: itemsChanged', async () => {
    const { h, cardId } = await setup();
    const env = await h.call(ALICE, { action: 'createOrder', cardId, itemIds: ['F999'] });
    expect(env.ok || env.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'itemsChanged' });
  });
});
