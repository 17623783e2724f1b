/**
 * JSAPI orders: field rules, the same out_trade_no (same parameters → same prepay_id, others →
 * 201 商户订单号重复), prepay_id lifetime, time_expire, query by out_trade_no and transaction_id,
 * close (a paid order cannot be), and the payer paying or cancelling.
 */
import { DEFAULT_ORDER_TTL_MS, PREPAY_TTL_MS } from '../../../devstack/pay/orders';
import { rfc3339 } from '../../../devstack/pay/time';
import { jsapiBody, manualClock, placeOrder, sandbox, sandboxesForFile, v3 } from './helpers';

jest.setTimeout(30_000);

const start = sandboxesForFile();
const NOTIFY = 'http://127.0.0.1:9/notify';
const JSAPI = '/v3/pay/transactions/jsapi';

const queryPath = (no: string, mchid: string): string => `/v3/pay/transactions/out-trade-no/${no}?mchid=${mchid}`;

describe('POST /v3/pay/transactions/jsapi field rules', () => {
  test.each([
    ['description of 128 bytes', { description: 'a'.repeat(128) }, '/description'],
    ['description of 43 Chinese characters (129 bytes)', { description: '缴'.repeat(43) }, '/description'],
    ['out_trade_no of 33', { out_trade_no: 'A'.repeat(33) }, '/out_trade_no'],
    ['out_trade_no with a dot', { out_trade_no: 'ABC.123456' }, '/out_trade_no'],
    ['out_trade_no of 5', { out_trade_no: 'A1234' }, '/out_trade_no'],
    ['attach of 129 bytes', { attach: 'x'.repeat(129) }, '/attach'],
    ['http notify_url off the machine', { notify_url: 'http://example.com/notify' }, '/notify_url'],
    ['notify_url with a query', { notify_url: 'https://example.com/notify?a=1' }, '/notify_url'],
    ['amount.total as a string', { amount: { total: '2580', currency: 'CNY' } }, '/amount/total'],
    ['amount.total of 0', { amount: { total: 0 } }, '/amount/total'],
    ['amount in yuan', { amount: { total: 25.8 } }, '/amount/total'],
    ['currency USD', { amount: { total: 1, currency: 'USD' } }, '/amount/currency'],
    ['no payer', { payer: undefined }, '/payer'],
    ['time_expire without an offset', { time_expire: '2030-01-01T10:00:00' }, '/time_expire'],
  ])('%s → 400 PARAM_ERROR naming the field', async (_name, extra, field) => {
    const pay = await start();
    const r = await v3(pay, 'POST', JSAPI, jsapiBody(pay, NOTIFY, extra));
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('PARAM_ERROR');
    expect((r.json.detail as { field: string }).field).toBe(field);
  });

  test('127 bytes of description, https and loopback http notify URLs are fine', async () => {
    const pay = await start();
    for (const extra of [
      { description: 'b'.repeat(127) },
      { notify_url: 'https://hospital.example.com/pay/notify' },
      { notify_url: 'http://localhost:7300/http/payNotify' },
      { out_trade_no: 'ab_-*CD123' },
    ]) {
      expect((await v3(pay, 'POST', JSAPI, jsapiBody(pay, NOTIFY, extra))).status).toBe(200);
    }
  });

  test('another appid → APPID_MCHID_NOT_MATCH; another mchid in the body → INVALID_REQUEST', async () => {
    const pay = await start();
    const appid = await v3(pay, 'POST', JSAPI, jsapiBody(pay, NOTIFY, { appid: 'wx1111111111111111' }));
    expect([appid.status, appid.json.code]).toEqual([400, 'APPID_MCHID_NOT_MATCH']);
    const mchid = await v3(pay, 'POST', JSAPI, jsapiBody(pay, NOTIFY, { mchid: '1900000001' }));
    expect([mchid.status, mchid.json.code]).toEqual([400, 'INVALID_REQUEST']);
  });

  test('a body that is not JSON → PARAM_ERROR', async () => {
    const pay = await start();
    const r = await v3(pay, 'POST', JSAPI, '{not json');
    expect([r.status, r.json.code]).toEqual([400, 'PARAM_ERROR']);
  });
});

describe('the same out_trade_no again', () => {
  test('identical parameters (any key order) → the same prepay_id; different ones → 201 商户订单号重复', async () => {
    const pay = await start();
    const body = jsapiBody(pay, NOTIFY);
    const first = await v3(pay, 'POST', JSAPI, body);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await v3(pay, 'POST', JSAPI, reordered);
    expect(again.json.prepay_id).toBe(first.json.prepay_id);
    const other = await v3(pay, 'POST', JSAPI, { ...body, amount: { total: 2581, currency: 'CNY' } });
    expect(other.status).toBe(400);
    expect(other.json).toEqual({ code: 'INVALID_REQUEST', message: '201 商户订单号重复' });
  });

  test('after 2 h the prepay_id lapses: paying with it is refused, ordering again gives a new one', async () => {
    const c = manualClock();
    const pay = await start({ clock: c.clock });
    const { outTradeNo, prepayId, body } = await placeOrder(pay, NOTIFY, {}, { clock: c.clock });
    c.advance(PREPAY_TTL_MS + 1000);
    const lapsed = await sandbox(pay, 'POST', `orders/${outTradeNo}/pay`);
    expect([lapsed.status, (lapsed.json as { code: string }).code]).toEqual([400, 'PREPAY_EXPIRED']);
    const again = await v3(pay, 'POST', JSAPI, body, { clock: c.clock });
    expect(again.status).toBe(200);
    expect(again.json.prepay_id).not.toBe(prepayId);
    expect((await sandbox(pay, 'POST', `orders/${outTradeNo}/pay`)).status).toBe(200);
  });

  test('a paid order → ORDERPAID; a closed one → ORDER_CLOSED', async () => {
    const pay = await start();
    const paid = await placeOrder(pay, NOTIFY);
    pay.pay(paid.outTradeNo);
    const r1 = await v3(pay, 'POST', JSAPI, paid.body);
    expect([r1.status, r1.json.code]).toEqual([400, 'ORDERPAID']);
    const closed = await placeOrder(pay, NOTIFY);
    await v3(pay, 'POST', `/v3/pay/transactions/out-trade-no/${closed.outTradeNo}/close`, {
      mchid: pay.merchant.mchid,
    });
    const r2 = await v3(pay, 'POST', JSAPI, closed.body);
    expect([r2.status, r2.json.code]).toEqual([400, 'ORDER_CLOSED']);
  });
});

describe('time_expire and the 7-day default', () => {
  test('an order closes itself at time_expire: the query says CLOSED and paying is refused', async () => {
    const c = manualClock();
    const pay = await start({ clock: c.clock });
    const { outTradeNo } = await placeOrder(
      pay,
      NOTIFY,
      { time_expire: rfc3339(c.ms() + 15 * 60_000) },
      { clock: c.clock },
    );
    c.advance(15 * 60_000);
    const q = await v3(pay, 'GET', queryPath(outTradeNo, pay.merchant.mchid), undefined, { clock: c.clock });
    expect(q.json).toMatchObject({ trade_state: 'CLOSED', trade_state_desc: '订单已关闭' });
    const paid = await sandbox(pay, 'POST', `orders/${outTradeNo}/pay`);
    expect([paid.status, (paid.json as { code: string }).code]).toEqual([400, 'ORDER_CLOSED']);
  });

  test('a time_expire in the past is refused; without one the order lives 7 days', async () => {
    const c = manualClock();
    const pay = await start({ clock: c.clock });
    const past = await v3(pay, 'POST', JSAPI, jsapiBody(pay, NOTIFY, { time_expire: rfc3339(c.ms() - 1000) }), {
      clock: c.clock,
    });
    expect([past.status, past.json.code]).toEqual([400, 'INVALID_REQUEST']);
    const { outTradeNo } = await placeOrder(pay, NOTIFY, {}, { clock: c.clock });
    c.advance(DEFAULT_ORDER_TTL_MS - 1000);
    const open = await v3(pay, 'GET', queryPath(outTradeNo, pay.merchant.mchid), undefined, { clock: c.clock });
    expect(open.json.trade_state).toBe('NOTPAY');
    c.advance(2000);
    const closed = await v3(pay, 'GET', queryPath(outTradeNo, pay.merchant.mchid), undefined, { clock: c.clock });
    expect(closed.json.trade_state).toBe('CLOSED');
  });
});

describe('query, pay, close', () => {
  test('NOTPAY answers WeChat’s shape (no payer, no trade_type); SUCCESS the full transaction', async () => {
    const pay = await start();
    const { outTradeNo } = await placeOrder(pay, NOTIFY, { attach: 'order-1' });
    const m = pay.merchant;
    const unpaid = await v3(pay, 'GET', queryPath(outTradeNo, m.mchid));
    expect(unpaid.json).toEqual({
      appid: m.appid,
      mchid: m.mchid,
      out_trade_no: outTradeNo,
      attach: 'order-1',
      trade_state: 'NOTPAY',
      trade_state_desc: '订单未支付',
      amount: { total: 2580, payer_currency: 'CNY' },
    });
    const r = await sandbox(pay, 'POST', `orders/${outTradeNo}/pay`, { bank_type: 'CMB_DEBIT' });
    expect(r.status).toBe(200);
    const paid = await v3(pay, 'GET', queryPath(outTradeNo, m.mchid));
    expect(paid.json).toEqual({
      appid: m.appid,
      mchid: m.mchid,
      out_trade_no: outTradeNo,
      attach: 'order-1',
      transaction_id: expect.stringMatching(/^\d{28}$/),
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'CMB_DEBIT',
      success_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
      payer: { openid: 'o-test-openid-0001' },
      amount: { total: 2580, payer_total: 2580, currency: 'CNY', payer_currency: 'CNY' },
    });
    const byId = await v3(pay, 'GET', `/v3/pay/transactions/id/${paid.json.transaction_id}?mchid=${m.mchid}`);
    expect(byId.json).toEqual(paid.json);
  });

  test('unknown orders → 404 ORDER_NOT_EXIST; a query without mchid → PARAM_ERROR', async () => {
    const pay = await start();
    const missing = await v3(pay, 'GET', queryPath('NOPE123456', pay.merchant.mchid));
    expect([missing.status, missing.json.code]).toEqual([404, 'ORDER_NOT_EXIST']);
    const byId = await v3(
      pay,
      'GET',
      `/v3/pay/transactions/id/4200000000000000000000000000?mchid=${pay.merchant.mchid}`,
    );
    expect([byId.status, byId.json.code]).toEqual([404, 'ORDER_NOT_EXIST']);
    const { outTradeNo } = await placeOrder(pay, NOTIFY);
    const noMchid = await v3(pay, 'GET', `/v3/pay/transactions/out-trade-no/${outTradeNo}`);
    expect([noMchid.status, noMchid.json.code]).toEqual([400, 'PARAM_ERROR']);
  });

  test('close: unpaid → 204 and CLOSED (again: 204); paid → 400 ORDERPAID; unknown → 404', async () => {
    const pay = await start();
    const body = { mchid: pay.merchant.mchid };
    const closePath = (no: string): string => `/v3/pay/transactions/out-trade-no/${no}/close`;
    const unpaid = await placeOrder(pay, NOTIFY);
    expect((await v3(pay, 'POST', closePath(unpaid.outTradeNo), body)).status).toBe(204);
    expect((await v3(pay, 'POST', closePath(unpaid.outTradeNo), body)).status).toBe(204);
    expect((await v3(pay, 'GET', queryPath(unpaid.outTradeNo, body.mchid))).json.trade_state).toBe('CLOSED');
    const paid = await placeOrder(pay, NOTIFY);
    pay.pay(paid.outTradeNo);
    const r = await v3(pay, 'POST', closePath(paid.outTradeNo), body);
    expect([r.status, r.json.code]).toEqual([400, 'ORDERPAID']);
    expect((await v3(pay, 'POST', closePath('NOPE123456'), body)).status).toBe(404);
    const noBody = await v3(pay, 'POST', closePath(unpaid.outTradeNo), {});
    expect([noBody.status, noBody.json.code]).toEqual([400, 'PARAM_ERROR']);
  });

  test('the payer cancels: the order stays NOTPAY and nothing is notified; paying twice → ORDERPAID', async () => {
    const pay = await start();
    const { outTradeNo } = await placeOrder(pay, NOTIFY);
    const refused = await sandbox<{ order: { trade_state: string; user_cancelled_at: string | null } }>(
      pay,
      'POST',
      `orders/${outTradeNo}/refuse`,
    );
    expect(refused.json.order.trade_state).toBe('NOTPAY');
    expect(refused.json.order.user_cancelled_at).not.toBeNull();
    const detail = await sandbox<{ notifications: unknown[] }>(pay, 'GET', `orders/${outTradeNo}`);
    expect(detail.json.notifications).toEqual([]);
    expect((await sandbox(pay, 'POST', `orders/${outTradeNo}/pay`)).status).toBe(200);
    const twice = await sandbox<{ code: string }>(pay, 'POST', `orders/${outTradeNo}/pay`);
    expect([twice.status, twice.json.code]).toEqual([400, 'ORDERPAID']);
    expect((await sandbox(pay, 'POST', 'orders/NOPE123456/pay')).status).toBe(404);
  });
});
