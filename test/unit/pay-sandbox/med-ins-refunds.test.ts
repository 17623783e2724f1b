/**
 * `POST /v3/med-ins/refunds/notify?mix_trade_no=…`: total = sum of the parts, each part within
 * what 医保 paid, out_refund_no = the cash refund's (when there is a cash part), only paid orders,
 * 204 signed; the same out_refund_no again replaces its notification; MIX_PAY_REFUND once the cash
 * and the 医保 parts are all refunded.
 */
import { eventually, placeOrder, sandboxesForFile, v3, verifyWith } from './helpers';
import { placeMixed, queryMix, type Placed } from './med-ins-helpers';

jest.setTimeout(30_000);

const start = sandboxesForFile();
const URLS = { notify: 'http://127.0.0.1:9/notify', callback: 'http://127.0.0.1:9/med-ins' };
const NOTIFY = '/v3/med-ins/refunds/notify';

type Pay = Parameters<typeof placeMixed>[0];

const refundTime = '2026-01-03T10:00:00+08:00';

function medRefund(
  pay: Pay,
  mixTradeNo: string | null,
  parts: { gov?: number; self?: number; other?: number; total?: number },
  outRefundNo: string,
  extra: Record<string, unknown> = {},
) {
  const gov = parts.gov ?? 0;
  const self = parts.self ?? 0;
  const other = parts.other ?? 0;
  const path = mixTradeNo === null ? NOTIFY : `${NOTIFY}?mix_trade_no=${mixTradeNo}`;
  return v3(pay, 'POST', path, {
    med_refund_total_fee: parts.total ?? gov + self + other,
    med_refund_gov_fee: gov,
    med_refund_self_fee: self,
    med_refund_other_fee: other,
    refund_time: refundTime,
    out_refund_no: outRefundNo,
    ...extra,
  });
}

async function paidOrder(pay: Pay, type: Parameters<typeof placeMixed>[1]): Promise<Placed> {
  const placed = await placeMixed(pay, type, URLS);
  pay.payMedIns(placed.mixTradeNo);
  await eventually(
    () => queryMix(pay, placed.mixTradeNo).then((r) => r.json.mix_pay_status),
    (s) => s === 'MIX_PAY_SUCCESS',
  );
  return placed;
}

function cashRefund(pay: Pay, outTradeNo: string, outRefundNo: string, amount: number) {
  return v3(pay, 'POST', '/v3/refund/domestic/refunds', {
    out_trade_no: outTradeNo,
    out_refund_no: outRefundNo,
    amount: { refund: amount, total: amount, currency: 'CNY' },
  });
}

test('CASH_AND_INSURANCE: cash refund first, then the 医保 notify with its out_refund_no → MIX_PAY_REFUND', async () => {
  const pay = await start({ refundDelayMs: 20 });
  const placed = await paidOrder(pay, 'CASH_AND_INSURANCE');
  const mix = placed.mixTradeNo;
  const R = `R${placed.outTradeNo}`;

  const early = await medRefund(pay, mix, { gov: 100000, self: 45000, other: 5000 }, R);
  expect([early.status, early.json.code]).toEqual([400, 'RULE_LIMIT']);
  expect(early.json.message).toContain('out_refund_no');
  expect((await cashRefund(pay, placed.outTradeNo, R, 42000)).status).toBe(200);

  const partial = await medRefund(pay, mix, { gov: 60000 }, R);
  expect([partial.status, partial.text]).toEqual([204, '']);
  expect(verifyWith(pay, partial.headers, partial.text)).toEqual({ ok: true });
  const halfway = await eventually(
    () => queryMix(pay, mix).then((r) => r.json),
    (o) => o.self_pay_status === 'SELF_PAY_REFUND',
  );
  expect(halfway).toMatchObject({ mix_pay_status: 'MIX_PAY_SUCCESS', med_ins_pay_status: 'MED_INS_PAY_SUCCESS' });

  // The same out_refund_no again: the latest notification counts (not 60000 + 100000).
  const full = await medRefund(pay, mix, { gov: 100000, self: 45000, other: 5000 }, R);
  expect(full.status).toBe(204);
  expect((await queryMix(pay, mix)).json).toMatchObject({
    mix_pay_status: 'MIX_PAY_REFUND',
    self_pay_status: 'SELF_PAY_REFUND',
    med_ins_pay_status: 'MED_INS_PAY_REFUND',
  });
});

test('the rules: total = sum of parts, each part within what 医保 paid, mix_trade_no required, the order paid', async () => {
  const pay = await start();
  const placed = await paidOrder(pay, 'INSURANCE_ONLY');
  const mix = placed.mixTradeNo;
  const cases: [Promise<Awaited<ReturnType<typeof medRefund>>>, number, string, string?][] = [
    [medRefund(pay, mix, { gov: 100, self: 100, total: 201 }, 'MR1'), 400, 'RULE_LIMIT', '≠'],
    [medRefund(pay, mix, { gov: 21001 }, 'MR1'), 400, 'RULE_LIMIT', '统筹'],
    [medRefund(pay, mix, { other: 1 }, 'MR1'), 400, 'RULE_LIMIT', '其他'],
    [medRefund(pay, mix, {}, 'MR1'), 400, 'PARAM_ERROR'],
    [medRefund(pay, mix, { gov: 1 }, 'MR1', { refund_time: '2026-01-03 10:00:00' }), 400, 'PARAM_ERROR'],
    [medRefund(pay, mix, { gov: 1 }, 'MR 1'), 400, 'PARAM_ERROR'],
    [medRefund(pay, mix, { gov: -1, self: 2 }, 'MR1'), 400, 'PARAM_ERROR'],
    [medRefund(pay, null, { gov: 1 }, 'MR1'), 400, 'PARAM_ERROR'],
    [medRefund(pay, '1200000000000000000000000000', { gov: 1 }, 'MR1'), 404, 'ORDER_NOT_EXIST'],
  ];
  for (const [call, status, code, mentions] of cases) {
    const r = await call;
    expect([r.status, r.json.code]).toEqual([status, code]);
    if (mentions) expect(r.json.message).toContain(mentions);
    expect(verifyWith(pay, r.headers, r.text)).toEqual({ ok: true });
  }
  // Two partial refunds under different numbers add up; then nothing is left.
  expect((await medRefund(pay, mix, { gov: 21000 }, 'MR1')).status).toBe(204);
  expect((await queryMix(pay, mix)).json.mix_pay_status).toBe('MIX_PAY_SUCCESS');
  expect((await medRefund(pay, mix, { self: 9000 }, 'MR2')).status).toBe(204);
  expect((await queryMix(pay, mix)).json).toMatchObject({
    mix_pay_status: 'MIX_PAY_REFUND',
    self_pay_status: 'NO_SELF_PAY',
    med_ins_pay_status: 'MED_INS_PAY_REFUND',
  });
  expect((await medRefund(pay, mix, { self: 1 }, 'MR3')).json.code).toBe('RULE_LIMIT');

  const unpaid = await placeMixed(pay, 'INSURANCE_ONLY', URLS);
  const r = await medRefund(pay, unpaid.mixTradeNo, { gov: 1 }, 'MR9');
  expect([r.status, r.json.code]).toEqual([400, 'INVALID_REQUEST']);
});

test('out_refund_no of another order’s cash refund → RULE_LIMIT; CASH_ONLY is MIX_PAY_REFUND with its cash alone', async () => {
  const pay = await start({ refundDelayMs: 20 });
  const mixed = await paidOrder(pay, 'CASH_AND_INSURANCE');
  const other = await placeOrder(pay, URLS.notify);
  pay.pay(other.outTradeNo);
  expect((await cashRefund(pay, other.outTradeNo, `R${other.outTradeNo}`, 2580)).status).toBe(200);
  const r = await medRefund(pay, mixed.mixTradeNo, { gov: 1 }, `R${other.outTradeNo}`);
  expect([r.json.code, r.json.message]).toEqual(['RULE_LIMIT', expect.stringContaining('out_refund_no')]);

  const cashOnly = await paidOrder(pay, 'CASH_ONLY');
  const R = `R${cashOnly.outTradeNo}`;
  expect((await cashRefund(pay, cashOnly.outTradeNo, R, 2580)).status).toBe(200);
  await eventually(
    () => queryMix(pay, cashOnly.mixTradeNo).then((q) => q.json),
    (o) => o.mix_pay_status === 'MIX_PAY_REFUND' && o.self_pay_status === 'SELF_PAY_REFUND',
  );
  expect((await medRefund(pay, cashOnly.mixTradeNo, { gov: 1 }, R)).json.code).toBe('RULE_LIMIT');
});
