import {
  HIS_HEADER,
  NonceCache,
  computeSignature,
  signRequest,
  signatureMatches,
  verifyRequest,
} from '../../../server/adapters/his/signature';
import { rawCall, startTestSandbox } from './helpers';
import type { HisSandbox } from '../../../devstack/his';

describe('signature vectors', () => {
  // Expected values computed independently with `openssl dgst -sha256 -hmac <secret>`.
  it.each([
    [
      'test-secret',
      'devstack-app',
      '1764236400000',
      '0123456789abcdef0123456789abcdef',
      '{"idNumber":"330602199001011234"}',
      '7a385b4fd3b8ed0383916d0c466796c2beae72e6f576baf8e038f10bf46d0968',
    ],
    ['k', 'a', '1', 'nnnnnnnnnnnnnnnn', '', '1d1542696cf563c7c8bdb73982d4c9190488be153352de743a6f59dcdb53a937'],
    [
      'secret',
      'app',
      '1700000000000',
      'abcdefghijklmnop',
      '{"name":"张三"}',
      '46b2b57490269aa04c6a39990604de8e3c69387a70a09920004a4485e443e19d',
    ],
  ])('HMAC-SHA256 over appId\\ntimestamp\\nnonce\\nbody (%#)', (secret, appId, ts, nonce, body, hex) => {
    expect(computeSignature(secret, appId, ts, nonce, body)).toBe(hex);
    expect(computeSignature(secret, appId, ts, nonce, Buffer.from(body, 'utf8'))).toBe(hex);
  });

  it('signRequest produces the four headers with a fresh nonce', () => {
    const a = signRequest({ appId: 'app', appSecret: 'secret', rawBody: '{}', timestampMs: 1700000000000 });
    const b = signRequest({ appId: 'app', appSecret: 'secret', rawBody: '{}', timestampMs: 1700000000000 });
    expect(a['X-HIS-AppId']).toBe('app');
    expect(a['X-HIS-Timestamp']).toBe('1700000000000');
    expect(a['X-HIS-Nonce']).toMatch(/^[0-9a-f]{32}$/);
    expect(a['X-HIS-Nonce']).not.toBe(b['X-HIS-Nonce']);
    expect(a['X-HIS-Signature']).toBe(computeSignature('secret', 'app', '1700000000000', a['X-HIS-Nonce']!, '{}'));
  });

  it('signatureMatches refuses malformed and different signatures', () => {
    const good = computeSignature('k', 'a', '1', 'nnnnnnnnnnnnnnnn', '');
    expect(signatureMatches(good, good)).toBe(true);
    expect(signatureMatches(good, good.toUpperCase())).toBe(false);
    expect(signatureMatches(good, good.slice(0, 63))).toBe(false);
    expect(signatureMatches(good, `${good.slice(0, 63)}${good.endsWith('0') ? '1' : '0'}`)).toBe(false);
  });
});

describe('verifyRequest', () => {
  const now = 1_764_236_400_000;
  const lower = (h: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
  const verify = (headers: Record<string, string>, body = '{}', nonces = new NonceCache(), at = now) =>
    verifyRequest({
      headers: lower(headers),
      rawBody: body,
      nowMs: at,
      secretFor: (id) => (id === 'app' ? 's' : undefined),
      nonces,
    });

  it('accepts a good request and names the app', () => {
    const h = signRequest({ appId: 'app', appSecret: 's', rawBody: '{}', timestampMs: now });
    expect(verify(h)).toEqual({ ok: true, appId: 'app' });
  });

  it('refuses unknown app, wrong secret, tampered body and missing headers', () => {
    expect(verify(signRequest({ appId: 'other', appSecret: 's', rawBody: '{}', timestampMs: now }))).toEqual({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
    expect(verify(signRequest({ appId: 'app', appSecret: 'x', rawBody: '{}', timestampMs: now })).ok).toBe(false);
    const h = signRequest({ appId: 'app', appSecret: 's', rawBody: '{}', timestampMs: now });
    expect(verify(h, '{ }')).toEqual({ ok: false, code: 'SIGNATURE_INVALID' });
    const { ['X-HIS-Nonce']: _n, ...noNonce } = h;
    expect(verify(noNonce)).toEqual({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(verify({ ...h, 'X-HIS-Nonce': 'short' })).toEqual({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('checks the ±300 s window at its edges', () => {
    const at = (ts: number) => verify(signRequest({ appId: 'app', appSecret: 's', rawBody: '{}', timestampMs: ts }));
    expect(at(now - 300_000).ok).toBe(true);
    expect(at(now + 300_000).ok).toBe(true);
    expect(at(now - 300_001)).toEqual({ ok: false, code: 'TIMESTAMP_EXPIRED' });
    expect(at(now + 300_001)).toEqual({ ok: false, code: 'TIMESTAMP_EXPIRED' });
  });

  it('refuses a replayed nonce, but a forged request does not burn the nonce', () => {
    const nonces = new NonceCache();
    const h = signRequest({ appId: 'app', appSecret: 's', rawBody: '{}', timestampMs: now });
    expect(verify({ ...h, 'X-HIS-Signature': '0'.repeat(64) }, '{}', nonces).ok).toBe(false);
    expect(verify(h, '{}', nonces).ok).toBe(true);
    expect(verify(h, '{}', nonces, now + 1000)).toEqual({ ok: false, code: 'REPLAYED' });
  });

  it('header names are the documented ones', () => {
    expect(HIS_HEADER).toEqual({
      appId: 'x-his-appid',
      timestamp: 'x-his-timestamp',
      nonce: 'x-his-nonce',
      signature: 'x-his-signature',
    });
  });
});

describe('sandbox verification over HTTP', () => {
  let his: HisSandbox;
  beforeAll(async () => {
    his = await startTestSandbox();
  });
  afterAll(() => his.close());

  const body = { idNumber: '110105194912310021' };

  it('answers a correctly signed call', async () => {
    const r = await rawCall(his, 'patient.findByIdNumber', body);
    expect(r.status).toBe(200);
    expect(r.json.code).toBe('OK');
  });

  it('bad signature → 401 SIGNATURE_INVALID', async () => {
    const r = await rawCall(his, 'patient.findByIdNumber', body, { headers: { 'X-HIS-Signature': 'ab'.repeat(32) } });
    expect(r).toEqual({ status: 401, json: { code: 'SIGNATURE_INVALID', message: expect.any(String) } });
  });

  it('wrong secret or unknown app id → 401 SIGNATURE_INVALID', async () => {
    expect((await rawCall(his, 'patient.findByIdNumber', body, { appSecret: 'nope' })).json.code).toBe(
      'SIGNATURE_INVALID',
    );
    expect((await rawCall(his, 'patient.findByIdNumber', body, { appId: 'ghost' })).json.code).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it('stale timestamp → 401 TIMESTAMP_EXPIRED', async () => {
    const r = await rawCall(his, 'patient.findByIdNumber', body, { timestampMs: Date.now() - 301_000 });
    expect(r.status).toBe(401);
    expect(r.json.code).toBe('TIMESTAMP_EXPIRED');
    const future = await rawCall(his, 'patient.findByIdNumber', body, { timestampMs: Date.now() + 301_000 });
    expect(future.json.code).toBe('TIMESTAMP_EXPIRED');
  });

  it('replayed nonce → 401 REPLAYED', async () => {
    const nonce = 'replay-nonce-0123456789';
    expect((await rawCall(his, 'patient.findByIdNumber', body, { nonce })).status).toBe(200);
    const again = await rawCall(his, 'patient.findByIdNumber', body, { nonce });
    expect(again.status).toBe(401);
    expect(again.json.code).toBe('REPLAYED');
  });

  it('unknown method → 404 METHOD_NOT_FOUND; oversized body → INVALID_REQUEST; non-JSON → INVALID_REQUEST', async () => {
    const unknown = await rawCall(his, 'patient.delete', body);
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('METHOD_NOT_FOUND');
    const big = await rawCall(his, 'patient.findByIdNumber', { idNumber: 'x'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
    expect(big.json.code).toBe('INVALID_REQUEST');
    const notJson = await rawCall(his, 'patient.findByIdNumber', '{oops');
    expect(notJson.status).toBe(400);
    expect(notJson.json.code).toBe('INVALID_REQUEST');
    const arr = await rawCall(his, 'patient.findByIdNumber', '[]');
    expect(arr.json.code).toBe('INVALID_REQUEST');
  });
});
