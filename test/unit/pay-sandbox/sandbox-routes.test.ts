/**
 * The sandbox-only routes: the payment sheet (paySign checked with the merchant key), order
 * inspection, faults on the v3 API, CORS; and the state dir: merchant.json made once and reused,
 * orders kept across restarts, `reset` wiping orders but not credentials.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPaySandbox } from '../../../devstack/pay';
import { newNonce, paySign } from '../../../server/core/wechatpay/crypto';
import { jsapiBody, placeOrder, sandbox, sandboxesForFile, v3, verifyWith } from './helpers';

jest.setTimeout(30_000);

const start = sandboxesForFile();
const NOTIFY = 'http://127.0.0.1:9/notify';

function sheetParams(
  merchant: { appid: string; merchantPrivateKey: string },
  prepayId: string,
  appid = merchant.appid,
) {
  const timeStamp = String(Math.floor(Date.now() / 1000));
  const nonceStr = newNonce();
  const pkg = `prepay_id=${prepayId}`;
  return {
    timeStamp,
    nonceStr,
    package: pkg,
    signType: 'RSA',
    paySign: paySign(merchant.merchantPrivateKey, appid, timeStamp, nonceStr, pkg),
  };
}

describe('the payment sheet: POST /sandbox/prepay/<prepay_id>/pay', () => {
  test('a valid paySign (appId on line 1) pays the order', async () => {
    const pay = await start();
    const { outTradeNo, prepayId } = await placeOrder(pay, NOTIFY, { amount: { total: 1999 } });
    const info = await sandbox<{ order: { total: number; description: string } }>(pay, 'GET', `prepay/${prepayId}`);
    expect(info.json.order).toMatchObject({ total: 1999, description: '门诊缴费-西药处方' });
    const r = await sandbox<{ order: { trade_state: string; out_trade_no: string } }>(
      pay,
      'POST',
      `prepay/${prepayId}/pay`,
      sheetParams(pay.merchant, prepayId),
    );
    expect(r.status).toBe(200);
    expect(r.json.order).toMatchObject({ out_trade_no: outTradeNo, trade_state: 'SUCCESS' });
  });

  test('paySign over the wrong fields, another package or signType → refused, nothing paid', async () => {
    const pay = await start();
    const { outTradeNo, prepayId } = await placeOrder(pay, NOTIFY);
    const good = sheetParams(pay.merchant, prepayId);
    const withoutAppId = sheetParams(pay.merchant, prepayId, '');
    for (const [params, code] of [
      [withoutAppId, 'SIGN_ERROR'],
      [{ ...good, paySign: good.paySign.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A')) }, 'SIGN_ERROR'],
      [{ ...good, nonceStr: `${good.nonceStr.slice(0, -1)}X` }, 'SIGN_ERROR'],
      [{ ...good, package: 'prepay_id=wx0' }, 'PARAM_ERROR'],
      [{ ...good, signType: 'HMAC-SHA256' }, 'PARAM_ERROR'],
    ] as const) {
      const r = await sandbox<{ code: string }>(pay, 'POST', `prepay/${prepayId}/pay`, params);
      expect(r.json.code).toBe(code);
    }
    const d = await sandbox<{ order: { trade_state: string } }>(pay, 'GET', `orders/${outTradeNo}`);
    expect(d.json.order.trade_state).toBe('NOTPAY');
    expect((await sandbox(pay, 'POST', `prepay/${prepayId}/refuse`)).status).toBe(200);
    expect((await sandbox(pay, 'POST', 'prepay/wx-nope/pay', good)).status).toBe(404);
  });
});

describe('inspection', () => {
  test('GET /sandbox/orders lists recent orders newest first; GET /sandbox/merchant gives merchant.json', async () => {
    const pay = await start();
    const a = await placeOrder(pay, NOTIFY);
    const b = await placeOrder(pay, NOTIFY);
    pay.pay(a.outTradeNo);
    const list = await sandbox<{ orders: { out_trade_no: string; trade_state: string }[] }>(
      pay,
      'GET',
      'orders?limit=10',
    );
    expect(list.json.orders.map((o) => [o.out_trade_no, o.trade_state])).toEqual([
      [b.outTradeNo, 'NOTPAY'],
      [a.outTradeNo, 'SUCCESS'],
    ]);
    const m = await sandbox<Record<string, string>>(pay, 'GET', 'merchant');
    expect(m.json).toMatchObject({
      mchid: '1900000109',
      appid: pay.merchant.appid,
      signWith: 'publicKey',
      baseUrl: pay.url,
    });
    expect(m.json.merchantPrivateKey).toContain('PRIVATE KEY');
    expect(m.json.wechatpayPublicKeyId).toMatch(/^PUB_KEY_ID_\d+$/);
    expect(m.json.merchantSerialNo).toMatch(/^[0-9A-F]{40}$/);
    expect(m.json.apiV3Key).toHaveLength(32);
  });

  test('CORS: preflight and answers carry Access-Control-Allow-Origin *', async () => {
    const pay = await start();
    const pre = await fetch(`${pay.url}/sandbox/orders/X/pay`, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    const r = await fetch(`${pay.url}/sandbox/orders`);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect((await fetch(`${pay.url}/sandbox/nothing`)).status).toBe(404);
  });
});

describe('faults on the v3 API', () => {
  test('failNext: the next calls answer 500 SYSTEM_ERROR (signed), then all is well again', async () => {
    const pay = await start();
    expect((await sandbox(pay, 'POST', 'faults', { failNext: 2 })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const r = await v3(pay, 'POST', '/v3/pay/transactions/jsapi', jsapiBody(pay, NOTIFY));
      expect([r.status, r.json.code]).toEqual([500, 'SYSTEM_ERROR']);
      expect(verifyWith(pay, r.headers, r.text)).toEqual({ ok: true });
    }
    expect((await v3(pay, 'POST', '/v3/pay/transactions/jsapi', jsapiBody(pay, NOTIFY))).status).toBe(200);
  });

  test('applyThenFail: the order is placed but the answer is an error; the retry gets the same prepay_id', async () => {
    const pay = await start();
    pay.setFaults({ failNext: 1, applyThenFail: true, failWith: 'FREQUENCY_LIMITED' });
    const body = jsapiBody(pay, NOTIFY);
    const lost = await v3(pay, 'POST', '/v3/pay/transactions/jsapi', body);
    expect([lost.status, lost.json.code]).toEqual([429, 'FREQUENCY_LIMITED']);
    const d = await sandbox<{ order: { prepay_id: string } }>(pay, 'GET', `orders/${body.out_trade_no}`);
    const retry = await v3(pay, 'POST', '/v3/pay/transactions/jsapi', body);
    expect(retry.json.prepay_id).toBe(d.json.order.prepay_id);
  });

  test('paths limit the faults; delayMs delays; DELETE clears', async () => {
    const pay = await start();
    await sandbox(pay, 'POST', 'faults', { failRate: 1, delayMs: 150, paths: ['/v3/refund'] });
    const began = Date.now();
    const { outTradeNo } = await placeOrder(pay, NOTIFY);
    expect(Date.now() - began).toBeLessThan(150);
    pay.pay(outTradeNo);
    const refundBody = {
      out_trade_no: outTradeNo,
      out_refund_no: `R${outTradeNo}`,
      amount: { refund: 1, total: 2580, currency: 'CNY' },
    };
    const t0 = Date.now();
    const failed = await v3(pay, 'POST', '/v3/refund/domestic/refunds', refundBody);
    expect(failed.status).toBe(500);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    const cleared = await sandbox<{ faults: { failRate: number } }>(pay, 'DELETE', 'faults');
    expect(cleared.json.faults.failRate).toBe(0);
    expect((await v3(pay, 'POST', '/v3/refund/domestic/refunds', refundBody)).status).toBe(200);
  });

  test('POST /sandbox/signing switches the signing key; a bad mode is refused', async () => {
    const pay = await start();
    expect((await sandbox(pay, 'POST', 'signing', { signWith: 'platformCert' })).status).toBe(200);
    expect(pay.signWith()).toBe('platformCert');
    expect((await sandbox(pay, 'POST', 'signing', { signWith: 'rsa' })).status).toBe(400);
  });
});

describe('state dir', () => {
  test('merchant.json is made once and reused; orders survive a restart; reset wipes orders only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pay-state-'));
    try {
      const first = await startPaySandbox({ port: 0, stateDir: dir, quiet: true });
      const file = join(dir, 'pay', 'merchant.json');
      expect(existsSync(file)).toBe(true);
      const onDisk = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      expect(onDisk).toEqual({ ...first.merchant });
      expect(Object.keys(onDisk).sort()).toEqual(
        [
          'apiV2Key',
          'apiV3Key',
          'appid',
          'baseUrl',
          'mchid',
          'merchantPrivateKey',
          'merchantPublicKey',
          'merchantSerialNo',
          'papayPlanId',
          'platformCertificate',
          'platformCertificateSerial',
          'wechatpayPublicKey',
          'wechatpayPublicKeyId',
        ].sort(),
      );
      expect(readFileSync(join(dir, 'pay', 'wechatpay-private.json'), 'utf8')).toContain('PRIVATE KEY');
      const { outTradeNo } = await placeOrder(first, NOTIFY);
      await first.close();

      const second = await startPaySandbox({ port: 0, stateDir: dir, quiet: true });
      expect(second.merchant.apiV3Key).toBe(first.merchant.apiV3Key);
      expect(JSON.parse(readFileSync(file, 'utf8')).baseUrl).toBe(second.url);
      expect((await sandbox(second, 'GET', `orders/${outTradeNo}`)).status).toBe(200);
      await second.close();

      const third = await startPaySandbox({ port: 0, stateDir: dir, quiet: true, reset: true });
      expect(third.merchant.merchantSerialNo).toBe(first.merchant.merchantSerialNo);
      expect((await sandbox(third, 'GET', `orders/${outTradeNo}`)).status).toBe(404);
      await third.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
