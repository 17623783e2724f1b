/**
 * server/core/wechatpay/crypto.ts against the pay sandbox (devstack/pay), which signs, verifies and
 * encrypts as WeChat Pay does: a request signed here is accepted there; a notification from there
 * verifies and decrypts here — and any flipped byte (body, signature, nonce, timestamp,
 * associated_data), a re-serialised body or a WECHATPAY/SIGNTEST/ probe signature is refused.
 */
import { wechatpayVerifyKeys } from '../../../devstack/pay/merchant';
import {
  authorizationHeader,
  decryptResource,
  parseAuthorization,
  signedHeadersOf,
  SIGNTEST_PREFIX,
  verifySigned,
  type EncryptedResource,
  type SignedHeaders,
} from '../../../server/core/wechatpay/crypto';
import { jsapiBody, receiver, sandboxesForFile, type Received } from '../pay-sandbox/helpers';
import type { PaySandbox } from '../../../devstack/pay';

jest.setTimeout(30_000);

const start = sandboxesForFile();

/** Changes one character in the middle of a string to another of the same alphabet. */
function flip(s: string, at = Math.floor(s.length / 2)): string {
  const ch = s[at]!;
  const other = /[0-9]/.test(ch) ? String((Number(ch) + 1) % 10) : ch === 'A' ? 'B' : 'A';
  return s.slice(0, at) + other + s.slice(at + 1);
}

async function signedPost(pay: PaySandbox, body: string, mutate: (auth: string) => string = (a) => a) {
  const m = pay.merchant;
  const path = '/v3/pay/transactions/jsapi';
  const auth = authorizationHeader({
    mchid: m.mchid,
    serialNo: m.merchantSerialNo,
    privateKey: m.merchantPrivateKey,
    method: 'POST',
    pathWithQuery: path,
    body,
  });
  const res = await fetch(`${pay.url}${path}`, {
    method: 'POST',
    headers: { Authorization: mutate(auth), 'Content-Type': 'application/json' },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('requests: authorizationHeader → the sandbox', () => {
  test('accepted as signed; a flipped byte in the signature or a changed nonce is refused', async () => {
    const pay = await start();
    const body = JSON.stringify(jsapiBody(pay, 'http://127.0.0.1:9/n'));
    expect((await signedPost(pay, body)).status).toBe(200);
    const bad = await signedPost(pay, JSON.stringify(jsapiBody(pay, 'http://127.0.0.1:9/n')), (auth) => {
      const p = parseAuthorization(auth)!;
      return auth.replace(p.signature, flip(p.signature));
    });
    expect([bad.status, bad.json.code]).toEqual([401, 'SIGN_ERROR']);
    const nonce = await signedPost(pay, JSON.stringify(jsapiBody(pay, 'http://127.0.0.1:9/n')), (auth) => {
      const p = parseAuthorization(auth)!;
      return auth.replace(p.nonce_str, flip(p.nonce_str));
    });
    expect(nonce.status).toBe(401);
  });
});

describe('notifications: the sandbox → verifySigned + decryptResource', () => {
  let pay: PaySandbox;
  let note: Received;

  // One notification for the tests below (the sandbox itself is closed after the first of them;
  // what it sent is all they need).
  beforeAll(async () => {
    const rx = await receiver([200]);
    pay = await start();
    const body = jsapiBody(pay, rx.url);
    const r = await signedPost(pay, JSON.stringify(body));
    expect(r.status).toBe(200);
    pay.pay(body.out_trade_no as string);
    [note] = (await rx.waitFor(1)) as [Received];
    await rx.close();
  });

  const keys = (): ReturnType<typeof wechatpayVerifyKeys> => wechatpayVerifyKeys(pay.merchant);
  const headers = (): SignedHeaders => signedHeadersOf(note.headers);
  const now = (): number => Math.floor(Date.now() / 1000);

  test('a genuine notification verifies and decrypts to the transaction', () => {
    expect(verifySigned(headers(), note.raw, keys(), now())).toEqual({ ok: true });
    const event = JSON.parse(note.raw) as { resource: EncryptedResource };
    const transaction = JSON.parse(decryptResource(event.resource, pay.merchant.apiV3Key)) as Record<string, unknown>;
    expect(transaction).toMatchObject({ trade_state: 'SUCCESS', mchid: pay.merchant.mchid });
  });

  test('a flipped byte in the body, signature, nonce or timestamp fails verification', () => {
    const h = headers();
    const cases: [string, SignedHeaders, string][] = [
      ['body', h, note.raw.replace('"summary":"支付成功"', '"summary":"支付成功!"')],
      ['body (ciphertext)', h, flip(note.raw, note.raw.indexOf('"ciphertext":"') + 20)],
      ['signature', { ...h, signature: flip(h.signature!) }, note.raw],
      ['nonce', { ...h, nonce: flip(h.nonce!) }, note.raw],
      ['timestamp', { ...h, timestamp: String(Number(h.timestamp) + 1) }, note.raw],
    ];
    for (const [what, hh, raw] of cases) {
      expect([what, verifySigned(hh, raw, keys(), now())]).toEqual([what, { ok: false, why: 'badSignature' }]);
    }
  });

  test('a flipped byte in associated_data: the tag check throws (and the signature fails)', () => {
    const event = JSON.parse(note.raw) as { resource: EncryptedResource };
    const tampered = { ...event.resource, associated_data: flip(event.resource.associated_data!, 0) };
    expect(() => decryptResource(tampered, pay.merchant.apiV3Key)).toThrow();
    expect(() =>
      decryptResource({ ...event.resource, nonce: flip(event.resource.nonce) }, pay.merchant.apiV3Key),
    ).toThrow();
    const raw = note.raw.replace('"associated_data":"transaction"', '"associated_data":"Transaction"');
    expect(verifySigned(headers(), raw, keys(), now()).ok).toBe(false);
  });

  test('a re-serialised body (same JSON, other bytes) fails: only the raw bytes verify', () => {
    const parsed = JSON.parse(note.raw) as Record<string, unknown>;
    for (const raw of [
      JSON.stringify(parsed, null, 2),
      JSON.stringify(Object.fromEntries(Object.entries(parsed).reverse())),
    ]) {
      expect(raw).not.toBe(note.raw);
      expect(verifySigned(headers(), raw, keys(), now())).toEqual({ ok: false, why: 'badSignature' });
    }
  });

  test('a SIGNTEST probe, an unknown serial and a stale timestamp are refused', () => {
    const h = headers();
    const probe = { ...h, signature: `${SIGNTEST_PREFIX}${h.signature}` };
    expect(verifySigned(probe, note.raw, keys(), now())).toEqual({ ok: false, why: 'signTest' });
    expect(verifySigned({ ...h, serial: 'PUB_KEY_ID_0000' }, note.raw, keys(), now())).toEqual({
      ok: false,
      why: 'unknownSerial',
    });
    expect(verifySigned(h, note.raw, keys(), now() + 301)).toEqual({ ok: false, why: 'staleTimestamp' });
  });
});
