/**
 * Refund rules as WeChat applies them: the same out_refund_no refunds once (a repeat answers the
 * first refund even with another amount), at most 50 per order a minute apart, never more than
 * paid, amount.total = the order's total, paid orders only; PROCESSING → SUCCESS with a
 * REFUND.SUCCESS notification.
 */
import { MAX_REFUNDS_PER_ORDER } from '../../../devstack/pay/refunds';
import {
  decrypted,
  eventually,
  manualClock,
  placeOrder,
  receiver,
  sandbox,
  sandboxesForFile,
  v3,
  verifyWith,
  type CallOptions,
} from './helpers';
import type { PaySandbox } from '../../../devstack/pay';

jest.setTimeout(30_000);

const start = sandboxesForFile();
const NOTIFY = 'http://127.0.0.1:9/notify';
const REFUNDS = '/v3/refund/domestic/refunds';

async function paidOrder(pay: PaySandbox, total = 10_000, o: CallOptions = {}) {
  const order = await placeOrder(pay, NOTIFY, { amount: { total, currency: 'CNY' } }, o);
  const transaction = pay.pay(order.outTradeNo);
  return { ...order, transactionId: transaction.transaction_id as string, total };
}

let refundSeq = 0;
function refundBody(outTradeNo: string, refund: number, total: number, extra: Record<string, unknown> = {}) {
  refundSeq += 1;
  return {
    out_trade_no: outTradeNo,
    out_refund_no: `R${Date.now()}${refundSeq}`,
    reason: '医院未能完成收费，原路退回',
    amount: { refund, total, currency: 'CNY' },
    ...extra,
  };
}

describe('POST /v3/refund/domestic/refunds', () => {
  test('accepted as PROCESSING, then SUCCESS with a signed REFUND.SUCCESS notification', async () => {
    const rx = await receiver([200]);
    const pay = await start({ refundDelayMs: 30 });
    try {
      const o = await paidOrder(pay);
      const body = refundBody(o.outTradeNo, 3000, o.total, { notify_url: rx.url });
      const r = await v3(pay, 'POST', REFUNDS, body);
      expect(r.status).toBe(200);
      expect(verifyWith(pay, r.headers, r.text)).toEqual({ ok: true });
      expect(r.json).toMatchObject({
        out_refund_no: body.out_refund_no,
        out_trade_no: o.outTradeNo,
        transaction_id: o.transactionId,
        refund_id: expect.stringMatching(/^\d{29}$/),
        status: 'PROCESSING',
        channel: 'ORIGINAL',
        amount: { total: 10_000, refund: 3000, payer_refund: 3000, currency: 'CNY' },
      });
      expect(r.json.success_time).toBeUndefined();
      const [note] = await rx.waitFor(1);
      expect(verifyWith(pay, note!.headers as Record<string, string>, note!.raw)).toEqual({ ok: true });
      const { event, resource } = decrypted(pay, note!);
      expect(event).toMatchObject({
        event_type: 'REFUND.SUCCESS',
        summary: '退款成功',
        resource_type: 'encrypt-resource',
      });
      expect((event.resource as { associated_data: string }).associated_data).toBe('refund');
      expect(resource).toMatchObject({
        out_refund_no: body.out_refund_no,
        refund_status: 'SUCCESS',
        amount: { total: 10_000, refund: 3000 },
      });
      const q = await v3(pay, 'GET', `${REFUNDS}/${body.out_refund_no}`);
      expect(q.json).toMatchObject({ status: 'SUCCESS', success_time: expect.stringMatching(/\+08:00$/) });
      const order = await v3(
        pay,
        'GET',
        `/v3/pay/transactions/out-trade-no/${o.outTradeNo}?mchid=${pay.merchant.mchid}`,
      );
      expect(order.json).toMatchObject({ trade_state: 'REFUND', trade_state_desc: '订单发生过退款' });
    } finally {
      await rx.close();
    }
  });

  test('the same out_refund_no refunds once: a repeat (even with another amount) answers the first refund', async () => {
    const c = manualClock();
    const pay = await start({ clock: c.clock });
    const o = await paidOrder(pay, 10_000, { clock: c.clock });
    const body = refundBody(o.outTradeNo, 1000, o.total);
    const first = await v3(pay, 'POST', REFUNDS, body, { clock: c.clock });
    c.advance(120_000);
    const again = await v3(
      pay,
      'POST',
      REFUNDS,
      { ...body, amount: { refund: 5000, total: 10_000, currency: 'CNY' } },
      { clock: c.clock },
    );
    expect(again.status).toBe(200);
    expect(again.json.refund_id).toBe(first.json.refund_id);
    expect((again.json.amount as { refund: number }).refund).toBe(1000);
    const detail = await sandbox<{ refunds: unknown[] }>(pay, 'GET', `orders/${o.outTradeNo}`);
    expect(detail.json.refunds).toHaveLength(1);
  });

  test('never more than paid in all; partial refunds add up to the total exactly', async () => {
    const c = manualClock();
    const pay = await start({ clock: c.clock });
    const o = await paidOrder(pay, 10_000, { clock: c.clock });
    for (const amount of [4000, 6000]) {
      expect(
        (await v3(pay, 'POST', REFUNDS, refundBody(o.outTradeNo, amount, o.total), { clock: c.clock })).status,
      ).toBe(200);
      c.advance(61_000);
    }
    const over = await v3(pay, 'POST', REFUNDS, refundBody(o.outTradeNo, 1, o.total), { clock: c.clock });
    expect([over.status, over.json.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(over.json.message).toContain('可退金额');
  });

  test('at most 50 refunds per order; two of one order need a minute between them (429)', async () => {
    const c = manualClock();
    const pay = await start({ clock: c.clock });
    const o = await paidOrder(pay, 100_000, { clock: c.clock });
    expect((await v3(pay, 'POST', REFUNDS, refundBody(o.outTradeNo, 1, o.total), { clock: c.clock })).status).toBe(200);
    const soon = await v3(pay, 'POST', REFUNDS, refundBody(o.outTradeNo, 1, o.total), { clock: c.clock });
    expect([soon.status, soon.json.code]).toEqual([429, 'FREQUENCY_LIMITED']);
    for (let i = 1; i < MAX_REFUNDS_PER_ORDER; i++) {
      c.advance(60_000);
      const r = await v3(pay, 'POST', REFUNDS, refundBody(o.outTradeNo, 1, o.total), { clock: c.clock });
      expect([i, r.status]).toEqual([i, 200]);
    }
    c.advance(60_000);
    const fiftyFirst = await v3(pay, 'POST', REFUNDS, refundBody(o.outTradeNo, 1, o.total), { clock: c.clock });
    expect([fiftyFirst.status, fiftyFirst.json.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(fiftyFirst.json.message).toContain('50');
  });

  test('amount.total must be the order’s total; unpaid and unknown orders are refused', async () => {
    const pay = await start();
    const o = await paidOrder(pay);
    const wrongTotal = await v3(pay, 'POST', REFUNDS, refundBody(o.outTradeNo, 100, 9999));
    expect([wrongTotal.status, wrongTotal.json.code]).toEqual([400, 'INVALID_REQUEST']);
    const unpaid = await placeOrder(pay, NOTIFY);
    const r = await v3(pay, 'POST', REFUNDS, refundBody(unpaid.outTradeNo, 100, 2580));
    expect([r.status, r.json.code]).toEqual([400, 'INVALID_REQUEST']);
    const missing = await v3(pay, 'POST', REFUNDS, refundBody('NOPE123456', 100, 2580));
    expect([missing.status, missing.json.code]).toEqual([404, 'RESOURCE_NOT_EXISTS']);
    const noCurrency = await v3(pay, 'POST', REFUNDS, {
      ...refundBody(o.outTradeNo, 100, o.total),
      amount: { refund: 100, total: o.total },
    });
    expect([noCurrency.status, noCurrency.json.code]).toEqual([400, 'PARAM_ERROR']);
    const neither = await v3(pay, 'POST', REFUNDS, {
      ...refundBody(o.outTradeNo, 100, o.total),
      out_trade_no: undefined,
    });
    expect([neither.status, neither.json.code]).toEqual([400, 'PARAM_ERROR']);
  });

  test('by transaction_id; refund query of an unknown number → 404 RESOURCE_NOT_EXISTS', async () => {
    const pay = await start();
    const o = await paidOrder(pay);
    const body = {
      ...refundBody(o.outTradeNo, 500, o.total),
      out_trade_no: undefined,
      transaction_id: o.transactionId,
    };
    const r = await v3(pay, 'POST', REFUNDS, body);
    expect(r.json).toMatchObject({ out_trade_no: o.outTradeNo, status: 'PROCESSING' });
    const missing = await v3(pay, 'GET', `${REFUNDS}/NOPE`);
    expect([missing.status, missing.json.code]).toEqual([404, 'RESOURCE_NOT_EXISTS']);
  });

  test('faults: NOT_ENOUGH (403), and refunds that end CLOSED give their amount back', async () => {
    const c = manualClock();
    const pay = await start({ clock: c.clock, refundDelayMs: 10 });
    const o = await paidOrder(pay, 1000, { clock: c.clock });
    pay.setFaults({ refundNotEnough: true });
    const short = await v3(pay, 'POST', REFUNDS, refundBody(o.outTradeNo, 1000, o.total), { clock: c.clock });
    expect([short.status, short.json.code]).toEqual([403, 'NOT_ENOUGH']);
    pay.setFaults({ refundResult: 'CLOSED' });
    const body = refundBody(o.outTradeNo, 1000, o.total);
    await v3(pay, 'POST', REFUNDS, body, { clock: c.clock });
    await eventually(
      () => v3(pay, 'GET', `${REFUNDS}/${body.out_refund_no}`, undefined, { clock: c.clock }),
      (q) => q.json.status === 'CLOSED',
    );
    pay.clearFaults();
    c.advance(61_000);
    const again = await v3(pay, 'POST', REFUNDS, refundBody(o.outTradeNo, 1000, o.total), { clock: c.clock });
    expect(again.status).toBe(200);
  });
});
