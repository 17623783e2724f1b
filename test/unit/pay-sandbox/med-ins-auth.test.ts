/**
 * The 医保 authorisation sandbox: auth codes from the fake 医保 mini program (one use, 5 minutes),
 * their exchange at the HMAC-signed gateway for a pay_auth_no and the insured person, every
 * signature failure, and medins.json next to merchant.json.
 */
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPaySandbox } from '../../../devstack/pay';
import { idDigestOf } from '../../../devstack/pay/med-ins-identity';
import { manualClock, sandbox, sandboxesForFile } from './helpers';
import { exchange, issueAuthCode, OPENID, PATIENT, PAY_AUTH } from './med-ins-helpers';

jest.setTimeout(30_000);

const start = sandboxesForFile();

describe('auth code → pay_auth_no', () => {
  test('the exchange answers the pay_auth_no and the insured person, masked, digested', async () => {
    const pay = await start();
    const authCode = await issueAuthCode(pay);
    expect(authCode).toMatch(/^ac_[A-Za-z0-9_-]{22}$/);
    const r = await exchange(pay, { authCode, openid: OPENID });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      payAuthNo: expect.stringMatching(/^pan_[A-Za-z0-9_-]{32}$/),
      userName: PATIENT.name,
      idNumberMasked: '330602********0016',
      idDigest: idDigestOf(PATIENT.idNumber),
      cityId: '330600',
    });
    const again = await exchange(pay, { authCode, openid: OPENID });
    expect([again.status, again.json.code]).toEqual([400, 'AUTH_CODE_INVALID']);
  });

  test('an auth code of another openid or an unknown one is refused; the right openid can still use it', async () => {
    const pay = await start();
    const authCode = await issueAuthCode(pay, { cityId: '330100' });
    expect((await exchange(pay, { authCode, openid: 'o-other' })).json.code).toBe('AUTH_CODE_INVALID');
    expect((await exchange(pay, { authCode: 'ac_nope', openid: OPENID })).json.code).toBe('AUTH_CODE_INVALID');
    const r = await exchange(pay, { authCode, openid: OPENID });
    expect(r.json.cityId).toBe('330100');
  });

  test('an auth code lives 5 minutes (the sandbox clock)', async () => {
    const clock = manualClock();
    const pay = await start({ clock: clock.clock });
    const fresh = await issueAuthCode(pay);
    const stale = await issueAuthCode(pay);
    clock.advance(4 * 60_000);
    expect((await exchange(pay, { authCode: fresh, openid: OPENID }, { timestampMs: clock.ms() })).status).toBe(200);
    clock.advance(60_000);
    const r = await exchange(pay, { authCode: stale, openid: OPENID }, { timestampMs: clock.ms() });
    expect([r.status, r.json.code]).toEqual([400, 'AUTH_CODE_INVALID']);
    expect(r.json.message).toContain('过期');
  });

  test('the fake 医保 mini program’s request is checked: ID number (GB 11643), name, openid, cityId', async () => {
    const pay = await start();
    for (const body of [
      { openid: OPENID, name: PATIENT.name, idNumber: '330602199003070017' },
      { openid: OPENID, name: '', idNumber: PATIENT.idNumber },
      { name: PATIENT.name, idNumber: PATIENT.idNumber },
      { openid: OPENID, name: PATIENT.name, idNumber: PATIENT.idNumber, cityId: 'SX' },
    ]) {
      const r = await sandbox<{ code: string; message: string }>(pay, 'POST', 'med-ins/auth-codes', body);
      expect([r.status, r.json.code]).toEqual([400, 'PARAM_ERROR']);
      expect(r.json.message).not.toContain('330602199003070017');
    }
    const lower = await sandbox<{ authCode: string }>(pay, 'POST', 'med-ins/auth-codes', {
      openid: OPENID,
      name: '李小红',
      idNumber: '33060219850612005x',
    });
    const r = await exchange(pay, { authCode: lower.json.authCode, openid: OPENID });
    expect(r.json.idDigest).toBe(idDigestOf('33060219850612005X'));
  });
});

describe('the gateway signature: X-MedIns-* HMAC-SHA256 headers', () => {
  test('the documented scheme: hex HMAC-SHA256(secret, appId\\ntimestamp\\nnonce\\nbody)', async () => {
    const pay = await start();
    const body = JSON.stringify({ authCode: await issueAuthCode(pay), openid: OPENID });
    const timestamp = String(Date.now());
    const nonce = 'n0nce-0123456789abcdef';
    const { appId, appSecret } = pay.medIns;
    const signature = createHmac('sha256', appSecret).update(`${appId}\n${timestamp}\n${nonce}\n${body}`).digest('hex');
    const res = await fetch(`${pay.url}${PAY_AUTH}`, {
      method: 'POST',
      headers: {
        'X-MedIns-AppId': appId,
        'X-MedIns-Timestamp': timestamp,
        'X-MedIns-Nonce': nonce,
        'X-MedIns-Signature': signature,
      },
      body,
    });
    expect(res.status).toBe(200);
  });

  test('wrong secret, unknown app id, another body, no headers → 401 SIGNATURE_INVALID; the code survives', async () => {
    const pay = await start();
    const authCode = await issueAuthCode(pay);
    const body = { authCode, openid: OPENID };
    for (const o of [
      { appSecret: 'not-the-secret' },
      { appId: 'medins-other' },
      { sendBody: JSON.stringify({ ...body, openid: 'o-other' }) },
    ]) {
      const r = await exchange(pay, body, o);
      expect([r.status, r.json.code]).toEqual([401, 'SIGNATURE_INVALID']);
    }
    const bare = await fetch(`${pay.url}${PAY_AUTH}`, { method: 'POST', body: JSON.stringify(body) });
    expect(bare.status).toBe(401);
    expect((await exchange(pay, body)).status).toBe(200);
  });

  test('a timestamp 5 minutes away → TIMESTAMP_EXPIRED; a nonce twice → REPLAYED (without using the code)', async () => {
    const pay = await start();
    const a = await issueAuthCode(pay);
    const b = await issueAuthCode(pay);
    const stale = await exchange(pay, { authCode: a, openid: OPENID }, { timestampMs: Date.now() - 301_000 });
    expect([stale.status, stale.json.code]).toEqual([401, 'TIMESTAMP_EXPIRED']);
    const nonce = 'same-nonce-0000000001';
    expect((await exchange(pay, { authCode: a, openid: OPENID }, { nonce })).status).toBe(200);
    const replay = await exchange(pay, { authCode: b, openid: OPENID }, { nonce });
    expect([replay.status, replay.json.code]).toEqual([401, 'REPLAYED']);
    expect((await exchange(pay, { authCode: b, openid: OPENID })).status).toBe(200);
  });

  test('a signed malformed body → 400 INVALID_REQUEST; other methods and paths → 404', async () => {
    const pay = await start();
    const r = await exchange(pay, '{"authCode":');
    expect([r.status, r.json.code]).toEqual([400, 'INVALID_REQUEST']);
    expect((await exchange(pay, { openid: OPENID })).json.code).toBe('INVALID_REQUEST');
    expect((await fetch(`${pay.url}${PAY_AUTH}`)).status).toBe(404);
    expect((await fetch(`${pay.url}/med-ins-auth/v1/other`, { method: 'POST' })).status).toBe(404);
  });
});

test('medins.json: made next to merchant.json on first start, kept across restarts, exposed as pay.medIns', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pay-medins-'));
  try {
    const first = await startPaySandbox({ port: 0, stateDir: dir, quiet: true });
    const file = join(dir, 'pay', 'medins.json');
    expect(existsSync(join(dir, 'pay', 'merchant.json'))).toBe(true);
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(onDisk).toEqual({ ...first.medIns });
    expect(onDisk).toEqual({
      appId: expect.stringMatching(/^medins-[0-9a-f]{8}$/),
      appSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      baseUrl: first.url,
      miniProgramAppId: 'wxe183cd55df4b4369',
    });
    await first.close();
    const second = await startPaySandbox({ port: 0, stateDir: dir, quiet: true, reset: true });
    expect(second.medIns).toMatchObject({ appId: onDisk.appId, appSecret: onDisk.appSecret, baseUrl: second.url });
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
