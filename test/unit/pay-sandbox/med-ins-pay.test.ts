/**
 * Paying a mixed order as `wx.requestMedicalInsurancePay` does: the cash part's JSAPI order is paid
 * (TRANSACTION.SUCCESS), the 医保 part settles a moment later (MIX_PAY_SUCCESS,
 * MEDICAL_INSURANCE.SUCCESS to callback_url, signed and encrypted, retried for ~30 s only); the
 * payment-sheet variant's paySign; the 医保 timeout fault (reversed: cash refunded, MIX_PAY_FAIL);
 * a cash part closed unpaid; a restart while settling.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MED_INS_RETRY_SCHEDULE_MS, startPaySandbox } from '../../../devstack/pay';
import { decrypted, eventually, receiver, sandbox, sandboxesForFile, v3, verifyWith } from './helpers';
import { placeMixed, queryMix, sheetParams } from './med-ins-helpers';

jest.setTimeout(30_000);

const start = sandboxesForFile();

interface Detail {
  order: Record<string, unknown>;
  settle_in_ms: number | null;
  cash: { transaction: Record<string, unknown>; refunds: Record<string, unknown>[] } | null;
  notifications: { event_type: string; state: string; attempts: number }[];
  deliveries: { attempt: number; status: number | null }[];
}

type Pay = Parameters<typeof placeMixed>[0];
const detailOf = (pay: Pay, mix: string) => sandbox<Detail>(pay, 'GET', `med-ins/${mix}`).then((r) => r.json);

async function receivers() {
  const cash = await receiver([204]);
  const med = await receiver([200]);
  return {
    cash,
    med,
    urls: { notify: cash.url, callback: med.url },
    close: () => Promise.all([cash.close(), med.close()]),
  };
}

test('CASH_AND_INSURANCE: cash paid now (TRANSACTION.SUCCESS), 医保 settled later (MEDICAL_INSURANCE.SUCCESS)', async () => {
  const rx = await receivers();
  const pay = await start({ medInsSettleDelayMs: 300 });
  try {
    const placed = await placeMixed(pay, 'CASH_AND_INSURANCE', rx.urls);
    const paid = await sandbox<Detail>(pay, 'POST', `med-ins/${placed.mixTradeNo}/pay`);
    expect(paid.status).toBe(200);
    expect(paid.json.order).toMatchObject({
      mix_pay_status: 'MIX_PAY_CREATED',
      self_pay_status: 'SELF_PAY_SUCCESS',
      med_ins_pay_status: 'MED_INS_PAY_CREATED',
    });
    expect(paid.json.settle_in_ms).toBeGreaterThan(0);
    expect(paid.json.cash!.transaction).toMatchObject({ trade_state: 'SUCCESS', out_trade_no: placed.outTradeNo });

    const [cashNote] = await rx.cash.waitFor(1);
    expect(verifyWith(pay, cashNote!.headers, cashNote!.raw)).toEqual({ ok: true });
    const cash = decrypted(pay, cashNote!);
    expect(cash.event.event_type).toBe('TRANSACTION.SUCCESS');
    expect(cash.resource).toMatchObject({
      out_trade_no: placed.outTradeNo,
      trade_state: 'SUCCESS',
      amount: { total: 42000 },
    });
    expect(rx.med.received).toHaveLength(0);

    const [medNote] = await rx.med.waitFor(1);
    const h = medNote!.headers;
    expect(h['wechatpay-serial']).toBe(pay.merchant.wechatpayPublicKeyId);
    expect(verifyWith(pay, h, medNote!.raw)).toEqual({ ok: true });
    const med = decrypted(pay, medNote!);
    expect(med.event).toMatchObject({
      event_type: 'MEDICAL_INSURANCE.SUCCESS',
      resource_type: 'encrypt-resource',
      summary: '医保混合收款成功',
      resource: { algorithm: 'AEAD_AES_256_GCM', original_type: 'medical_insurance' },
    });
    const query = await queryMix(pay, placed.mixTradeNo);
    expect(med.resource).toEqual(query.json);
    expect(query.json).toMatchObject({
      mix_pay_status: 'MIX_PAY_SUCCESS',
      self_pay_status: 'SELF_PAY_SUCCESS',
      med_ins_pay_status: 'MED_INS_PAY_SUCCESS',
      paid_time: expect.stringMatching(/\+08:00$/),
    });
    expect(JSON.parse(query.json.passthrough_response_content as string)).toEqual({
      payAuthNo: placed.payAuthNo,
      payOrdId: placed.body.pay_order_id,
      setlLatlnt: placed.body.geo_location,
    });
    const again = await sandbox<{ code: string }>(pay, 'POST', `med-ins/${placed.mixTradeNo}/pay`);
    expect([again.status, again.json.code]).toEqual([400, 'ORDERPAID']);
  } finally {
    await rx.close();
  }
});

test('INSURANCE_ONLY is paid without a cash part; CASH_ONLY settles with its cash', async () => {
  const rx = await receivers();
  const pay = await start();
  try {
    const insurance = await placeMixed(pay, 'INSURANCE_ONLY', rx.urls);
    const settled = pay.payMedIns(insurance.mixTradeNo);
    expect(settled).toMatchObject({ self_pay_status: 'NO_SELF_PAY', med_ins_pay_status: 'MED_INS_PAY_CREATED' });
    const [note] = await rx.med.waitFor(1);
    expect(decrypted(pay, note!).resource).toMatchObject({
      mix_trade_no: insurance.mixTradeNo,
      mix_pay_status: 'MIX_PAY_SUCCESS',
      self_pay_status: 'NO_SELF_PAY',
    });
    expect(rx.cash.received).toHaveLength(0);

    const cashOnly = await placeMixed(pay, 'CASH_ONLY', rx.urls);
    expect(pay.payMedIns(cashOnly.mixTradeNo)).toMatchObject({
      mix_pay_status: 'MIX_PAY_SUCCESS',
      self_pay_status: 'SELF_PAY_SUCCESS',
      med_ins_pay_status: 'NO_MED_INS_PAY',
    });
    await rx.cash.waitFor(1);
    const both = await rx.med.waitFor(2);
    expect(decrypted(pay, both[1]!).resource.mix_trade_no).toBe(cashOnly.mixTradeNo);
  } finally {
    await rx.close();
  }
});

describe('the payment sheet: wx.requestMedicalInsurancePay’s parameters', () => {
  test('a paySign as for JSAPI pays; wrong ones are refused and pay nothing', async () => {
    const rx = await receivers();
    const pay = await start();
    try {
      const { mixTradeNo, prepayId } = await placeMixed(pay, 'CASH_AND_INSURANCE', rx.urls);
      const good = sheetParams(pay, mixTradeNo, prepayId!);
      for (const [params, code] of [
        [{ ...good, paySign: good.paySign.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, 'SIGN_ERROR'],
        [{ ...good, nonceStr: `${good.nonceStr.slice(0, -1)}X` }, 'SIGN_ERROR'],
        [{ ...good, package: 'prepay_id=wx0' }, 'PARAM_ERROR'],
        [{ ...good, signType: 'MD5' }, 'PARAM_ERROR'],
        [{ ...good, mixTradeNo: '1200000000000000000000000000' }, 'PARAM_ERROR'],
        [{ mixTradeNo }, 'PARAM_ERROR'],
      ] as const) {
        const r = await sandbox<{ code: string }>(pay, 'POST', `med-ins/${mixTradeNo}/pay-sheet`, params);
        expect(r.json.code).toBe(code);
      }
      expect((await detailOf(pay, mixTradeNo)).order.self_pay_status).toBe('SELF_PAY_CREATED');
      const r = await sandbox<Detail>(pay, 'POST', `med-ins/${mixTradeNo}/pay-sheet`, good);
      expect(r.json.order.self_pay_status).toBe('SELF_PAY_SUCCESS');
    } finally {
      await rx.close();
    }
  });

  test('an INSURANCE_ONLY order takes mixTradeNo alone', async () => {
    const rx = await receivers();
    const pay = await start();
    try {
      const { mixTradeNo } = await placeMixed(pay, 'INSURANCE_ONLY', rx.urls);
      const withPackage = await sandbox<{ code: string }>(pay, 'POST', `med-ins/${mixTradeNo}/pay-sheet`, {
        mixTradeNo,
        package: 'prepay_id=wx1',
      });
      expect(withPackage.json.code).toBe('PARAM_ERROR');
      expect((await sandbox(pay, 'POST', `med-ins/${mixTradeNo}/pay-sheet`, { mixTradeNo })).status).toBe(200);
      await rx.med.waitFor(1);
    } finally {
      await rx.close();
    }
  });
});

test('the 医保 timeout fault: reversed — the cash refunded, MIX_PAY_FAIL, no MEDICAL_INSURANCE.SUCCESS', async () => {
  const rx = await receivers();
  const pay = await start({ medInsSettleDelayMs: 50 });
  try {
    pay.setFaults({ medInsTimeout: true });
    const placed = await placeMixed(pay, 'CASH_AND_INSURANCE', rx.urls);
    pay.payMedIns(placed.mixTradeNo);
    await rx.cash.waitFor(1);
    const failed = await eventually(
      () => queryMix(pay, placed.mixTradeNo).then((r) => r.json),
      (o) => o.mix_pay_status !== 'MIX_PAY_CREATED',
    );
    expect(failed).toMatchObject({
      mix_pay_status: 'MIX_PAY_FAIL',
      self_pay_status: 'SELF_PAY_REFUND',
      med_ins_pay_status: 'MED_INS_PAY_FAIL',
      med_ins_fail_reason: expect.stringContaining('超时'),
    });
    const cash = await v3(
      pay,
      'GET',
      `/v3/pay/transactions/out-trade-no/${placed.outTradeNo}?mchid=${pay.merchant.mchid}`,
    );
    expect(cash.json.trade_state).toBe('REFUND');
    const refund = await v3(pay, 'GET', `/v3/refund/domestic/refunds/REV${placed.mixTradeNo}`);
    expect(refund.json).toMatchObject({ status: 'SUCCESS', amount: expect.objectContaining({ refund: 42000 }) });
    const again = await sandbox<{ code: string }>(pay, 'POST', `med-ins/${placed.mixTradeNo}/pay`);
    expect(again.json.code).toBe('ORDER_CLOSED');
    await new Promise((r) => setTimeout(r, 200));
    expect(rx.med.received).toHaveLength(0);
  } finally {
    await rx.close();
  }
});

test('MEDICAL_INSURANCE.SUCCESS retries stop after about 30 s (scaled): 1 + 4 attempts', async () => {
  const cash = await receiver([204]);
  const med = await receiver([500]);
  const pay = await start({ timeScale: 100, medInsSettleDelayMs: 0 });
  try {
    expect(MED_INS_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0)).toBe(30_000);
    const placed = await placeMixed(pay, 'INSURANCE_ONLY', { notify: cash.url, callback: med.url });
    pay.payMedIns(placed.mixTradeNo);
    const detail = await eventually(
      () => detailOf(pay, placed.mixTradeNo),
      (d) => d.notifications[0]?.state === 'failed',
    );
    expect(detail.notifications[0]).toMatchObject({ event_type: 'MEDICAL_INSURANCE.SUCCESS', attempts: 5 });
    expect(detail.deliveries.map((d) => d.status)).toEqual([500, 500, 500, 500, 500]);
    const got = med.received;
    expect(got[4]!.at - got[0]!.at).toBeGreaterThanOrEqual(290);
    expect((await queryMix(pay, placed.mixTradeNo)).json.mix_pay_status).toBe('MIX_PAY_SUCCESS');
    const more = await sandbox<{ answers: { status: number }[] }>(
      pay,
      'POST',
      `med-ins/${placed.mixTradeNo}/notify?times=2`,
    );
    expect(more.json.answers.map((a) => a.status)).toEqual([500, 500]);
  } finally {
    await Promise.all([cash.close(), med.close()]);
  }
});

test('a cash part closed unpaid fails the order; it can no longer be paid', async () => {
  const pay = await start();
  const placed = await placeMixed(pay, 'CASH_AND_INSURANCE', {
    notify: 'http://127.0.0.1:9/n',
    callback: 'http://127.0.0.1:9/m',
  });
  const close = await v3(pay, 'POST', `/v3/pay/transactions/out-trade-no/${placed.outTradeNo}/close`, {
    mchid: pay.merchant.mchid,
  });
  expect(close.status).toBe(204);
  expect((await queryMix(pay, placed.mixTradeNo)).json).toMatchObject({
    mix_pay_status: 'MIX_PAY_FAIL',
    self_pay_status: 'SELF_PAY_FAIL',
  });
  expect((await sandbox<{ code: string }>(pay, 'POST', `med-ins/${placed.mixTradeNo}/pay`)).json.code).toBe(
    'ORDER_CLOSED',
  );
});

test('a restart while the 医保 part settles: it settles after the restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pay-medins-restart-'));
  const rx = await receivers();
  try {
    const first = await startPaySandbox({ port: 0, stateDir: dir, quiet: true, medInsSettleDelayMs: 400 });
    const placed = await placeMixed(first, 'INSURANCE_ONLY', rx.urls);
    first.payMedIns(placed.mixTradeNo);
    await first.close();
    const second = await startPaySandbox({ port: 0, stateDir: dir, quiet: true });
    try {
      const [note] = await rx.med.waitFor(1);
      expect(decrypted(second, note!).resource.mix_pay_status).toBe('MIX_PAY_SUCCESS');
    } finally {
      await second.close();
    }
  } finally {
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
