/**
 * The encrypted identity of a mixed order: payer.name and payer.id_digest (and relative's) are
 * decrypted with WeChat Pay's private key and checked — a wrong key, plaintext or a digest that is
 * no MD5 → PARAM_ERROR; someone else than the authorised person → INVALID_REQUEST — and the
 * pay_auth_no: single use, 10 minutes, this openid's and city's.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { idDigestOf } from '../../../devstack/pay/med-ins-identity';
import { manualClock, sandboxesForFile } from './helpers';
import {
  authorise,
  createMixed,
  encryptedPerson,
  medInsBody,
  newOutTradeNo,
  OPENID,
  PATIENT,
  RELATIVE,
} from './med-ins-helpers';

jest.setTimeout(30_000);

const start = sandboxesForFile();
const CALLBACK = 'http://127.0.0.1:9/med-ins';

type Pay = Parameters<typeof medInsBody>[0];

/** An INSURANCE_ONLY order (no cash part to set up) for `payer`, with a fresh authorisation. */
async function order(pay: Pay, extra: Record<string, unknown>, who: { name?: string; idNumber?: string } = {}) {
  const { payAuthNo } = await authorise(pay, who);
  return medInsBody(pay, 'INSURANCE_ONLY', { outTradeNo: newOutTradeNo(), callbackUrl: CALLBACK, payAuthNo, extra });
}

test('the ID digest: lower-case MD5 of the ID number with its letters upper-cased (WeChat’s example)', () => {
  expect(idDigestOf('44030019000101123x')).toBe('09eb26e839ff3a2e3980352ae45ef09e');
  expect(idDigestOf('44030019000101123X')).toBe('09eb26e839ff3a2e3980352ae45ef09e');
});

describe('decrypting payer and relative', () => {
  test('encrypted with another key, or not at all → PARAM_ERROR naming the field (never the plaintext)', async () => {
    const pay = await start();
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const digest = idDigestOf(PATIENT.idNumber);
    const wrongKey = encryptedPerson(
      pay,
      PATIENT.name,
      digest,
      other.export({ type: 'spki', format: 'pem' }) as string,
    );
    const merchantKey = encryptedPerson(pay, PATIENT.name, digest, pay.merchant.merchantPublicKey);
    const plain = { name: PATIENT.name, id_digest: digest, card_type: 'ID_CARD' };
    const halfWrong = { ...encryptedPerson(pay, PATIENT.name, digest), id_digest: wrongKey.id_digest };
    for (const [payer, field] of [
      [wrongKey, '/payer/name'],
      [merchantKey, '/payer/name'],
      [plain, '/payer/name'],
      [halfWrong, '/payer/id_digest'],
    ] as const) {
      const r = await createMixed(pay, await order(pay, { payer }));
      expect([r.status, r.json.code]).toEqual([400, 'PARAM_ERROR']);
      expect((r.json.detail as { field: string }).field).toBe(field);
      expect(r.text).not.toContain(PATIENT.name);
      expect(r.text).not.toContain(digest);
    }
  });

  test('an id_digest that is no MD5 (the ID number itself, upper-case hex) → PARAM_ERROR', async () => {
    const pay = await start();
    for (const idDigest of [PATIENT.idNumber, idDigestOf(PATIENT.idNumber).toUpperCase()]) {
      const r = await createMixed(pay, await order(pay, { payer: encryptedPerson(pay, PATIENT.name, idDigest) }));
      expect((r.json.detail as { field: string }).field).toBe('/payer/id_digest');
      expect(r.text).not.toContain(PATIENT.idNumber);
    }
  });

  test('not the authorised person → INVALID_REQUEST (ID digest, then name)', async () => {
    const pay = await start();
    const otherId = await createMixed(
      pay,
      await order(pay, { payer: encryptedPerson(pay, PATIENT.name, idDigestOf(RELATIVE.idNumber)) }),
    );
    expect([otherId.json.code, otherId.json.message]).toEqual([
      'INVALID_REQUEST',
      expect.stringContaining('身份ID摘要'),
    ]);
    const otherName = await createMixed(
      pay,
      await order(pay, { payer: encryptedPerson(pay, '张四', idDigestOf(PATIENT.idNumber)) }),
    );
    expect([otherName.json.code, otherName.json.message]).toEqual(['INVALID_REQUEST', expect.stringContaining('姓名')]);
  });

  test('paying for a relative: the relative is the authorised person; a digest over a lower-case x is refused', async () => {
    const pay = await start();
    const relative = (idDigest: string) => ({
      pay_for_relatives: true,
      relative: encryptedPerson(pay, RELATIVE.name, idDigest),
    });
    const lowerX = createHash('md5').update(RELATIVE.idNumber.toLowerCase()).digest('hex');
    const wrong = await createMixed(pay, await order(pay, relative(lowerX), RELATIVE));
    expect([wrong.json.code, wrong.json.message]).toEqual(['INVALID_REQUEST', expect.stringContaining('亲属')]);
    const ok = await createMixed(pay, await order(pay, relative(idDigestOf(RELATIVE.idNumber)), RELATIVE));
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ pay_for_relatives: true, mix_pay_status: 'MIX_PAY_CREATED' });
    expect(ok.json).not.toHaveProperty('relative');
  });
});

describe('the pay_auth_no', () => {
  test('one order per pay_auth_no; unknown ones are refused', async () => {
    const pay = await start();
    const body = await order(pay, {});
    expect((await createMixed(pay, body)).status).toBe(200);
    const second = await createMixed(pay, { ...body, out_trade_no: newOutTradeNo() });
    expect([second.json.code, second.json.message]).toEqual(['INVALID_REQUEST', expect.stringContaining('已被使用')]);
    const unknown = await createMixed(pay, { ...body, out_trade_no: newOutTradeNo(), pay_auth_no: 'pan_unknown' });
    expect(unknown.json.message).toContain('不存在');
  });

  test('another openid’s, or another city → INVALID_REQUEST', async () => {
    const pay = await start();
    const { payAuthNo } = await authorise(pay, { openid: 'o-someone-else' });
    const body = medInsBody(pay, 'INSURANCE_ONLY', { outTradeNo: newOutTradeNo(), callbackUrl: CALLBACK, payAuthNo });
    expect((await createMixed(pay, body)).json.message).toContain('openid');
    const city = await createMixed(pay, await order(pay, { city_id: '330100' }));
    expect([city.json.code, city.json.message]).toEqual(['INVALID_REQUEST', expect.stringContaining('city_id')]);
  });

  test('valid 10 minutes (the sandbox clock)', async () => {
    const clock = manualClock();
    const pay = await start({ clock: clock.clock });
    const early = await order(pay, {});
    const late = await order(pay, {});
    clock.advance(9 * 60_000);
    expect((await createMixed(pay, early, { clock: clock.clock })).status).toBe(200);
    clock.advance(60_000);
    const r = await createMixed(pay, late, { clock: clock.clock });
    expect([r.json.code, r.json.message]).toEqual(['INVALID_REQUEST', expect.stringContaining('过期')]);
  });
});

test('no name or digest in the answer of a relative’s order', async () => {
  const pay = await start();
  const body = await order(
    pay,
    {
      pay_for_relatives: true,
      relative: encryptedPerson(pay, RELATIVE.name, idDigestOf(RELATIVE.idNumber)),
    },
    RELATIVE,
  );
  const r = await createMixed(pay, body);
  expect(r.text).not.toContain(RELATIVE.name);
  expect(r.text).not.toContain(idDigestOf(RELATIVE.idNumber));
  expect(r.json.openid).toBe(OPENID);
});
