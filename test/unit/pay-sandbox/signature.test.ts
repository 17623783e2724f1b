/**
 * The v3 signatures both ways: requests are accepted only with the merchant's valid signature over
 * the exact body and path; every answer (errors and 204 included) is signed and verifies with
 * crypto.ts's verifySigned under the key its Wechatpay-Serial names.
 */
import { X509Certificate } from 'node:crypto';
import { decryptResource } from '../../../server/core/wechatpay/crypto';
import { jsapiBody, placeOrder, sandboxesForFile, v3, verifyWith } from './helpers';

jest.setTimeout(30_000);

const start = sandboxesForFile();
const NOTIFY = 'http://127.0.0.1:9/notify';

describe('request signatures', () => {
  test('a correctly signed request is accepted; its answer verifies with the WeChat Pay public key', async () => {
    const pay = await start();
    const r = await v3(pay, 'POST', '/v3/pay/transactions/jsapi', jsapiBody(pay, NOTIFY));
    expect(r.status).toBe(200);
    expect(r.json.prepay_id).toMatch(/^wx\d{14}[0-9a-f]{20}$/);
    expect(r.headers['wechatpay-serial']).toBe(pay.merchant.wechatpayPublicKeyId);
    expect(r.headers['request-id']).toMatch(/^[0-9A-F]{32}$/);
    expect(verifyWith(pay, r.headers, r.text)).toEqual({ ok: true });
  });

  test('one flipped byte in the body → 401 SIGN_ERROR (itself signed)', async () => {
    const pay = await start();
    const body = JSON.stringify(jsapiBody(pay, NOTIFY));
    const flipped = body.replace('"amount":{"total":2580', '"amount":{"total":2581');
    const r = await v3(pay, 'POST', '/v3/pay/transactions/jsapi', body, { sendBody: flipped });
    expect(r.status).toBe(401);
    expect(r.json.code).toBe('SIGN_ERROR');
    expect(verifyWith(pay, r.headers, r.text)).toEqual({ ok: true });
  });

  test('a re-serialised body (same JSON, other bytes) is refused: the signature covers the raw bytes', async () => {
    const pay = await start();
    const body = jsapiBody(pay, NOTIFY);
    const r = await v3(pay, 'POST', '/v3/pay/transactions/jsapi', JSON.stringify(body), {
      sendBody: JSON.stringify(body, null, 1),
    });
    expect(r.status).toBe(401);
  });

  test('another path or query than the signed one → 401', async () => {
    const pay = await start();
    const { outTradeNo } = await placeOrder(pay, NOTIFY);
    const path = `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${pay.merchant.mchid}`;
    expect((await v3(pay, 'GET', path)).status).toBe(200);
    const r = await v3(pay, 'GET', path, undefined, { sendPath: `${path}&x=1` });
    expect(r.status).toBe(401);
  });

  test('wrong serial, wrong mchid, no Authorization → 401 SIGN_ERROR', async () => {
    const pay = await start();
    const body = jsapiBody(pay, NOTIFY);
    const serial = await v3(pay, 'POST', '/v3/pay/transactions/jsapi', body, { serialNo: '0'.repeat(40) });
    expect([serial.status, serial.json.code]).toEqual([401, 'SIGN_ERROR']);
    expect(serial.json.message).toContain('序列号');
    const mchid = await v3(pay, 'POST', '/v3/pay/transactions/jsapi', body, { mchid: '1900000001' });
    expect([mchid.status, mchid.json.code]).toEqual([401, 'SIGN_ERROR']);
    const none = await fetch(`${pay.url}/v3/pay/transactions/jsapi`, { method: 'POST', body: JSON.stringify(body) });
    expect(none.status).toBe(401);
    expect(verifyWith(pay, Object.fromEntries(none.headers), await none.text())).toEqual({ ok: true });
  });

  test('a timestamp more than 5 minutes off → 401; within 5 minutes → accepted', async () => {
    const pay = await start();
    const now = Math.floor(Date.now() / 1000);
    for (const [offset, status] of [
      [-301, 401],
      [301, 401],
      [-290, 200],
      [290, 200],
    ] as const) {
      const r = await v3(pay, 'POST', '/v3/pay/transactions/jsapi', jsapiBody(pay, NOTIFY), {
        timestamp: String(now + offset),
      });
      expect([offset, r.status]).toEqual([offset, status]);
      if (status === 401) expect(r.json.message).toContain('5分钟');
    }
  });

  test('a 204 (close) is signed over the empty body', async () => {
    const pay = await start();
    const { outTradeNo } = await placeOrder(pay, NOTIFY);
    const r = await v3(pay, 'POST', `/v3/pay/transactions/out-trade-no/${outTradeNo}/close`, {
      mchid: pay.merchant.mchid,
    });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(verifyWith(pay, r.headers, '')).toEqual({ ok: true });
  });

  test('unknown routes answer 404 RESOURCE_NOT_EXISTS, signed', async () => {
    const pay = await start();
    const r = await v3(pay, 'GET', '/v3/pay/transactions/nothing');
    expect([r.status, r.json.code]).toEqual([404, 'RESOURCE_NOT_EXISTS']);
    expect(verifyWith(pay, r.headers, r.text)).toEqual({ ok: true });
  });
});

describe('signing keys: WeChat Pay public key, platform certificate, or both during a switch', () => {
  test('publicKey mode: GET /v3/certificates → 404 RESOURCE_NOT_EXISTS', async () => {
    const pay = await start();
    const r = await v3(pay, 'GET', '/v3/certificates');
    expect([r.status, r.json.code]).toEqual([404, 'RESOURCE_NOT_EXISTS']);
  });

  test('platformCert mode: answers signed with the certificate; /v3/certificates hands it out encrypted', async () => {
    const pay = await start({ signWith: 'platformCert' });
    const r = await v3(pay, 'GET', '/v3/certificates');
    expect(r.status).toBe(200);
    expect(r.headers['wechatpay-serial']).toBe(pay.merchant.platformCertificateSerial);
    expect(verifyWith(pay, r.headers, r.text)).toEqual({ ok: true });
    const [entry] = r.json.data as {
      serial_no: string;
      encrypt_certificate: { algorithm: string; nonce: string; associated_data: string; ciphertext: string };
    }[];
    const pem = decryptResource(entry!.encrypt_certificate, pay.merchant.apiV3Key);
    const cert = new X509Certificate(pem);
    expect(cert.serialNumber).toBe(entry!.serial_no);
    expect(entry!.serial_no).toBe(pay.merchant.platformCertificateSerial);
    expect(cert.verify(cert.publicKey)).toBe(true);
  });

  test('both: answers alternate between the keys; a Wechatpay-Serial request header picks one', async () => {
    const pay = await start({ signWith: 'both' });
    const serials = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const r = await v3(pay, 'POST', '/v3/pay/transactions/jsapi', jsapiBody(pay, NOTIFY));
      expect(verifyWith(pay, r.headers, r.text)).toEqual({ ok: true });
      serials.add(r.headers['wechatpay-serial']!);
    }
    expect(serials).toEqual(new Set([pay.merchant.wechatpayPublicKeyId, pay.merchant.platformCertificateSerial]));
    for (let i = 0; i < 3; i++) {
      const r = await v3(pay, 'POST', '/v3/pay/transactions/jsapi', jsapiBody(pay, NOTIFY), {
        headers: { 'Wechatpay-Serial': pay.merchant.wechatpayPublicKeyId },
      });
      expect(r.headers['wechatpay-serial']).toBe(pay.merchant.wechatpayPublicKeyId);
    }
  });

  test('setSignWith switches at run time', async () => {
    const pay = await start();
    pay.setSignWith('platformCert');
    const r = await v3(pay, 'POST', '/v3/pay/transactions/jsapi', jsapiBody(pay, NOTIFY));
    expect(r.headers['wechatpay-serial']).toBe(pay.merchant.platformCertificateSerial);
    expect(verifyWith(pay, r.headers, r.text)).toEqual({ ok: true });
  });
});
