/**
 * 医保 mixed orders, `POST /v3/med-ins/orders` and the queries: signatures both ways, the
 * Wechatpay-Serial header, every identity and mix_pay_type rule (accepted and each RULE_LIMIT),
 * PARAM_ERROR for malformed fields, the cash part's prepay_id, the same out_trade_no again.
 */
import { idDigestOf } from '../../../devstack/pay/med-ins-identity';
import { placeOrder, sandboxesForFile, v3, verifyWith } from './helpers';
import {
  AMOUNTS,
  authorise,
  createMixed,
  encryptedPerson,
  medInsBody,
  newOutTradeNo,
  OPENID,
  ORDERS,
  PATIENT,
  placeMixed,
  queryMix,
  type MixPayType,
} from './med-ins-helpers';

jest.setTimeout(30_000);

const start = sandboxesForFile();
const URLS = { notify: 'http://127.0.0.1:9/notify', callback: 'http://127.0.0.1:9/med-ins' };

/** A body whose prepay_id / pay_auth_no are never looked at: the rules fail first. */
function ruleBody(pay: Parameters<typeof medInsBody>[0], type: MixPayType, extra: Record<string, unknown>) {
  return medInsBody(pay, type, {
    outTradeNo: newOutTradeNo(),
    callbackUrl: URLS.callback,
    prepayId: type === 'INSURANCE_ONLY' ? undefined : 'wx0000000000000000000000000000000000',
    payAuthNo: type === 'CASH_ONLY' ? undefined : 'pan_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    extra,
  });
}

describe('placing a mixed order: signed both ways', () => {
  test.each(['CASH_AND_INSURANCE', 'INSURANCE_ONLY', 'CASH_ONLY'] as const)(
    '%s: accepted, MIX_PAY_CREATED, the answer signed and without the payer',
    async (type) => {
      const pay = await start();
      const placed = await placeMixed(pay, type, URLS);
      const { answer, body } = placed;
      expect(verifyWith(pay, answer.headers, answer.text)).toEqual({ ok: true });
      expect(answer.headers['wechatpay-serial']).toBe(pay.merchant.wechatpayPublicKeyId);
      expect(answer.json).toMatchObject({
        mix_trade_no: expect.stringMatching(/^\d{28}$/),
        mix_pay_status: 'MIX_PAY_CREATED',
        self_pay_status: type === 'INSURANCE_ONLY' ? 'NO_SELF_PAY' : 'SELF_PAY_CREATED',
        med_ins_pay_status: type === 'CASH_ONLY' ? 'NO_MED_INS_PAY' : 'MED_INS_PAY_CREATED',
        mix_pay_type: type,
        out_trade_no: placed.outTradeNo,
        total_fee: body.total_fee,
        wechat_pay_cash_fee: type === 'INSURANCE_ONLY' ? 0 : body.wechat_pay_cash_fee,
        callback_url: URLS.callback,
      });
      expect(answer.json).not.toHaveProperty('payer');
      expect(answer.json).not.toHaveProperty('paid_time');
      expect(answer.text).not.toContain('张三');
    },
  );

  test('unsigned or mis-signed → 401 SIGN_ERROR, itself signed', async () => {
    const pay = await start();
    const body = ruleBody(pay, 'CASH_ONLY', {});
    const unsigned = await fetch(`${pay.url}${ORDERS}`, { method: 'POST', body: JSON.stringify(body) });
    expect(unsigned.status).toBe(401);
    const other = await createMixed(pay, body, { sendBody: JSON.stringify({ ...body, total_fee: 1 }) });
    expect([other.status, other.json.code]).toEqual([401, 'SIGN_ERROR']);
    expect(verifyWith(pay, other.headers, other.text)).toEqual({ ok: true });
  });

  test('Wechatpay-Serial: missing or unknown → PARAM_ERROR; a platform serial only where the merchant has one', async () => {
    const pay = await start();
    const body = ruleBody(pay, 'CASH_ONLY', {});
    const missing = await createMixed(pay, body, { serial: null });
    expect([missing.status, missing.json.code]).toEqual([400, 'PARAM_ERROR']);
    expect(missing.json.detail).toMatchObject({ field: 'Wechatpay-Serial', location: 'header' });
    const unknown = await createMixed(pay, body, { serial: 'PUB_KEY_ID_0000' });
    expect(unknown.json.code).toBe('PARAM_ERROR');
    const platform = await createMixed(pay, body, { serial: pay.merchant.platformCertificateSerial });
    expect(platform.json.code).toBe('PARAM_ERROR');
  });

  test('in the certificate mode the payer is encrypted with the platform certificate of that serial', async () => {
    const pay = await start({ signWith: 'both' });
    const outTradeNo = newOutTradeNo();
    const { prepayId } = await placeOrder(pay, URLS.notify, {
      out_trade_no: outTradeNo,
      amount: { total: 2580 },
      payer: { openid: OPENID },
    });
    const cert = pay.merchant.platformCertificate;
    const body = medInsBody(pay, 'CASH_ONLY', {
      outTradeNo,
      callbackUrl: URLS.callback,
      prepayId,
      extra: { payer: encryptedPerson(pay, PATIENT.name, idDigestOf(PATIENT.idNumber), cert) },
    });
    const wrong = await createMixed(pay, body);
    expect((wrong.json.detail as { field: string }).field).toBe('/payer/name');
    const r = await createMixed(pay, body, { serial: pay.merchant.platformCertificateSerial });
    expect(r.status).toBe(200);
    expect(r.headers['wechatpay-serial']).toBe(pay.merchant.platformCertificateSerial);
  });
});

describe('the identities and the mix_pay_type rules', () => {
  const CAI = AMOUNTS.CASH_AND_INSURANCE;
  test.each([
    ['CASH_AND_INSURANCE', 'total_fee one fen off', { total_fee: 202001 }, '订单总金额'],
    ['CASH_AND_INSURANCE', 'Σreduce left out of the total', { cash_reduce_detail: undefined }, '订单总金额'],
    ['CASH_AND_INSURANCE', 'med_ins_cash_fee one fen off', { med_ins_cash_fee: 50001 }, '自费金额'],
    ['CASH_AND_INSURANCE', 'Σadd left out', { cash_add_detail: undefined }, '自费金额'],
    ['CASH_AND_INSURANCE', 'no pay_order_id', { pay_order_id: undefined }, 'pay_order_id'],
    ['CASH_AND_INSURANCE', 'no pay_auth_no', { pay_auth_no: undefined }, 'pay_auth_no'],
    ['CASH_AND_INSURANCE', 'no geo_location', { geo_location: undefined }, 'geo_location'],
    ['CASH_AND_INSURANCE', 'no med_ins_order_create_time', { med_ins_order_create_time: undefined }, 'create_time'],
    ['CASH_AND_INSURANCE', 'no serial_no', { serial_no: undefined }, 'serial_no'],
    ['CASH_AND_INSURANCE', 'no med_ins_gov_fee', { med_ins_gov_fee: undefined }, 'med_ins_gov_fee'],
    ['CASH_AND_INSURANCE', 'no med_ins_self_fee', { med_ins_self_fee: undefined }, 'med_ins_self_fee'],
    ['CASH_AND_INSURANCE', 'no med_ins_other_fee', { med_ins_other_fee: undefined }, 'med_ins_other_fee'],
    ['CASH_AND_INSURANCE', 'no prepay_id', { prepay_id: undefined }, 'prepay_id'],
    [
      'CASH_AND_INSURANCE',
      'wechat_pay_cash_fee 0',
      { ...CAI, med_ins_cash_fee: 8000, wechat_pay_cash_fee: 0, total_fee: 160000 },
      'wechat_pay_cash_fee',
    ],
    ['CASH_ONLY', 'a pay_auth_no', { pay_auth_no: 'pan_x' }, 'pay_auth_no'],
    ['CASH_ONLY', 'a pay_order_id', { pay_order_id: 'ORD1' }, 'pay_order_id'],
    ['CASH_ONLY', 'a geo_location', { geo_location: '120.5,30.0' }, 'geo_location'],
    ['CASH_ONLY', 'a med_ins_order_create_time', { med_ins_order_create_time: '2026-01-02T09:30:00+08:00' }, 'time'],
    ['CASH_ONLY', '医保 amounts not summing to 0', { med_ins_gov_fee: 100, total_fee: 2680 }, '之和必须为 0'],
    ['CASH_ONLY', 'no prepay_id', { prepay_id: undefined }, 'prepay_id'],
    ['CASH_ONLY', 'no wechat_pay_cash_fee', { wechat_pay_cash_fee: undefined }, 'wechat_pay_cash_fee'],
    ['INSURANCE_ONLY', 'a wechat_pay_cash_fee', { wechat_pay_cash_fee: 100, total_fee: 30100 }, 'wechat_pay_cash_fee'],
    ['INSURANCE_ONLY', 'a prepay_id', { prepay_id: 'wx1' }, 'prepay_id'],
    ['INSURANCE_ONLY', 'no pay_auth_no', { pay_auth_no: undefined }, 'pay_auth_no'],
    ['INSURANCE_ONLY', 'no med_ins_self_fee', { med_ins_self_fee: undefined, total_fee: 21000 }, 'med_ins_self_fee'],
    ['INSURANCE_ONLY', 'total_fee off', { total_fee: 29999 }, '订单总金额'],
  ] as const)('%s with %s → 400 RULE_LIMIT', async (type, _name, extra, mentions) => {
    const pay = await start();
    const r = await createMixed(pay, ruleBody(pay, type, extra));
    expect([r.status, r.json.code]).toEqual([400, 'RULE_LIMIT']);
    expect(r.json.message).toContain(mentions);
    expect(verifyWith(pay, r.headers, r.text)).toEqual({ ok: true });
  });

  test.each([
    ['CASH_ONLY', 'explicit zero 医保 amounts', { med_ins_gov_fee: 0, med_ins_self_fee: 0, med_ins_other_fee: 0 }],
    ['INSURANCE_ONLY', 'an explicit wechat_pay_cash_fee 0', { wechat_pay_cash_fee: 0 }],
    [
      'INSURANCE_ONLY',
      'its cash part met by a deposit deduction',
      {
        total_fee: 30500,
        med_ins_cash_fee: 500,
        cash_reduce_detail: [{ cash_reduce_fee: 500, cash_reduce_type: 'DEPOSIT_DEDUCTION' }],
      },
    ],
    [
      'CASH_AND_INSURANCE',
      'no add or reduce details',
      { cash_add_detail: [], cash_reduce_detail: [], med_ins_cash_fee: 42000, total_fee: 192000 },
    ],
  ] as const)('%s with %s → accepted', async (type, _name, extra) => {
    const pay = await start();
    const placed = await placeMixed(pay, type, URLS, extra);
    expect(placed.answer.json.mix_pay_status).toBe('MIX_PAY_CREATED');
  });
});

describe('malformed fields → PARAM_ERROR naming the field', () => {
  test.each([
    ['an unknown mix_pay_type', { mix_pay_type: 'MIXED' }, '/mix_pay_type'],
    ['an unknown order_type', { order_type: 'CONSULT' }, '/order_type'],
    ['total_fee as a string', { total_fee: '202000' }, '/total_fee'],
    ['total_fee in yuan', { total_fee: 2020.5 }, '/total_fee'],
    ['a negative med_ins_gov_fee', { med_ins_gov_fee: -1 }, '/med_ins_gov_fee'],
    ['no med_ins_cash_fee', { med_ins_cash_fee: undefined }, '/med_ins_cash_fee'],
    ['lat,lng swapped', { geo_location: '30.051554,120.582112' }, '/geo_location'],
    [
      'a create time without offset',
      { med_ins_order_create_time: '2026-01-02 09:30:00' },
      '/med_ins_order_create_time',
    ],
    ['passthrough that is not JSON', { passthrough_request_content: 'payAuthNo=1' }, '/passthrough_request_content'],
    [
      'passthrough over 2048 bytes',
      { passthrough_request_content: JSON.stringify('x'.repeat(2047)) },
      '/passthrough_request_content',
    ],
    ['callback_url with a query', { callback_url: 'https://h.example.com/cb?a=1' }, '/callback_url'],
    ['cash_add_detail not an array', { cash_add_detail: { cash_add_fee: 1 } }, '/cash_add_detail'],
    [
      'an unknown cash_add_type',
      { cash_add_detail: [{ cash_add_fee: 2000, cash_add_type: 'TIP' }] },
      '/cash_add_detail/0/cash_add_type',
    ],
    ['serial_no over 20 bytes', { serial_no: 'S'.repeat(21) }, '/serial_no'],
    ['no payer', { payer: undefined }, '/payer'],
    ['pay_for_relatives true without relative', { pay_for_relatives: true }, '/relative'],
    ['a relative for oneself', { relative: { name: 'x', id_digest: 'y', card_type: 'ID_CARD' } }, '/relative'],
    ['pay_for_relatives as a string', { pay_for_relatives: 'false' }, '/pay_for_relatives'],
    ['an unknown card_type', { payer: { name: 'x', id_digest: 'y', card_type: 'PASSPORT' } }, '/payer/card_type'],
    ['city_id with letters', { city_id: 'SX' }, '/city_id'],
  ])('%s', async (_name, extra, field) => {
    const pay = await start();
    const r = await createMixed(pay, ruleBody(pay, 'CASH_AND_INSURANCE', extra));
    expect([r.status, r.json.code]).toEqual([400, 'PARAM_ERROR']);
    expect((r.json.detail as { field: string }).field).toBe(field);
  });

  test('another appid → APPID_MCHID_NOT_MATCH', async () => {
    const pay = await start();
    const r = await createMixed(pay, ruleBody(pay, 'CASH_ONLY', { appid: 'wx1111111111111111' }));
    expect([r.status, r.json.code]).toEqual([400, 'APPID_MCHID_NOT_MATCH']);
  });
});

describe('the cash part: a JSAPI prepay of this sandbox', () => {
  async function attempt(
    pay: Parameters<typeof medInsBody>[0],
    jsapi: { outTradeNo?: string; total?: number; openid?: string },
    prepayOverride?: string,
  ) {
    const outTradeNo = newOutTradeNo();
    const { prepayId } = await placeOrder(pay, URLS.notify, {
      out_trade_no: jsapi.outTradeNo ?? outTradeNo,
      amount: { total: jsapi.total ?? 42000 },
      payer: { openid: jsapi.openid ?? OPENID },
    });
    const { payAuthNo } = await authorise(pay);
    const body = medInsBody(pay, 'CASH_AND_INSURANCE', {
      outTradeNo,
      callbackUrl: URLS.callback,
      prepayId: prepayOverride ?? prepayId,
      payAuthNo,
    });
    return createMixed(pay, body);
  }

  test('its amount must be wechat_pay_cash_fee, its out_trade_no the order’s, and it must exist', async () => {
    const pay = await start();
    const amount = await attempt(pay, { total: 42001 });
    expect([amount.json.code, amount.json.message]).toEqual(['RULE_LIMIT', expect.stringContaining('42001')]);
    const other = await attempt(pay, { outTradeNo: newOutTradeNo() });
    expect([other.json.code, other.json.message]).toEqual(['RULE_LIMIT', expect.stringContaining('out_trade_no')]);
    const missing = await attempt(pay, {}, 'wx2026010200000000000000000000000000');
    expect([missing.json.code, missing.json.message]).toEqual(['RULE_LIMIT', expect.stringContaining('不存在')]);
    const openid = await attempt(pay, { openid: 'o-someone-else' });
    expect(openid.json.code).toBe('INVALID_REQUEST');
  });

  test('a paid cash order → ORDERPAID', async () => {
    const pay = await start();
    const outTradeNo = newOutTradeNo();
    const { prepayId } = await placeOrder(pay, URLS.notify, {
      out_trade_no: outTradeNo,
      amount: { total: 2580 },
      payer: { openid: OPENID },
    });
    pay.pay(outTradeNo);
    const r = await createMixed(
      pay,
      medInsBody(pay, 'CASH_ONLY', { outTradeNo, callbackUrl: URLS.callback, prepayId }),
    );
    expect(r.json.code).toBe('ORDERPAID');
  });
});

describe('the same out_trade_no again, and the queries', () => {
  test('the same body → the same order (re-encrypting the payer included); another body → ALREADY_EXISTS', async () => {
    const pay = await start();
    const placed = await placeMixed(pay, 'CASH_AND_INSURANCE', URLS);
    const again = await createMixed(pay, placed.body);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(placed.answer.json);
    const reencrypted = { ...placed.body, payer: encryptedPerson(pay, PATIENT.name, idDigestOf(PATIENT.idNumber)) };
    expect((await createMixed(pay, reencrypted)).json.mix_trade_no).toBe(placed.mixTradeNo);
    const otherPayer = { ...placed.body, payer: encryptedPerson(pay, '王五', idDigestOf(PATIENT.idNumber)) };
    expect((await createMixed(pay, otherPayer)).json.code).toBe('ALREADY_EXISTS');
    const otherAmounts = { ...placed.body, med_ins_gov_fee: 99999, med_ins_self_fee: 45001 };
    const r = await createMixed(pay, otherAmounts);
    expect([r.status, r.json.code]).toEqual([400, 'ALREADY_EXISTS']);
  });

  test('by mix_trade_no and by out_trade_no: the same signed answer; unknown → 404; mchid must be ours', async () => {
    const pay = await start();
    const placed = await placeMixed(pay, 'INSURANCE_ONLY', URLS);
    const byMix = await queryMix(pay, placed.mixTradeNo);
    const byOut = await v3(pay, 'GET', `${ORDERS}/out-trade-no/${placed.outTradeNo}`);
    expect(byMix.json).toEqual(placed.answer.json);
    expect(byOut.json).toEqual(byMix.json);
    expect(verifyWith(pay, byOut.headers, byOut.text)).toEqual({ ok: true });
    const ours = await v3(pay, 'GET', `${ORDERS}/mix-trade-no/${placed.mixTradeNo}?mchid=${pay.merchant.mchid}`);
    expect(ours.status).toBe(200);
    const theirs = await v3(pay, 'GET', `${ORDERS}/out-trade-no/${placed.outTradeNo}?sub_mchid=1900000001`);
    expect([theirs.status, theirs.json.code]).toEqual([400, 'INVALID_REQUEST']);
    const unknown = await queryMix(pay, '1200000000000000000000000000');
    expect([unknown.status, unknown.json.code]).toEqual([404, 'ORDER_NOT_EXIST']);
    expect(verifyWith(pay, unknown.headers, unknown.text)).toEqual({ ok: true });
  });
});
