/**
 * Withholding deductions: `/pay/pappayapply` accepted (SUCCESS = accepted only) then the v2
 * payment notification, `/pay/paporderquery` before and after, the same out_trade_no deducting
 * once, each limit (50 000 fen a deduction, 250 000 fen and 5 deductions a day per contract, the
 * next day free again), the NOTENOUGH fault, parameter refusals, and the PAP rows of the trade bill.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPaySandbox } from '../../../devstack/pay';
import { BILL_HEADER } from '../../../devstack/pay/bill';
import { verifyV2Sign } from '../../../devstack/pay/papay-sign';
import { eventually, manualClock, placeOrder, sandbox, sandboxesForFile, v3 } from './helpers';
import { deduct, signContract, v2, V2_OK, xmlReceiver, type XmlReceiver } from './papay-helpers';

jest.setTimeout(30_000);

const start = sandboxesForFile();
const NOWHERE = 'http://127.0.0.1:9/papay';
const receivers: XmlReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function rx(answers?: Parameters<typeof xmlReceiver>[0]): Promise<XmlReceiver> {
  const r = await xmlReceiver(answers);
  receivers.push(r);
  return r;
}

type Pay = Parameters<typeof sandbox>[0];
const query = (pay: Pay, outTradeNo: string) =>
  v2(pay, '/pay/paporderquery', { out_trade_no: outTradeNo, nonce_str: 'q1' });
const settled = (pay: Pay, outTradeNo: string) =>
  eventually(
    () => query(pay, outTradeNo),
    (r) => r.fields.trade_state !== 'ACCEPT',
  );

const ANSWER_KEYS = ['appid', 'mch_id', 'nonce_str', 'result_code', 'return_code', 'return_msg', 'sign'];
const PAID_NOTICE_KEYS = [
  'appid',
  'bank_type',
  'cash_fee',
  'contract_id',
  'fee_type',
  'is_subscribe',
  'mch_id',
  'nonce_str',
  'openid',
  'out_trade_no',
  'result_code',
  'return_code',
  'sign',
  'time_end',
  'total_fee',
  'trade_state',
  'trade_type',
  'transaction_id',
];

test('accepted, then the payment notification (retried until the success XML); query before and after', async () => {
  const r = await rx([
    { status: 500, body: '' },
    { status: 200, body: V2_OK },
  ]);
  const pay = await start({ papayDeductDelayMs: 150 });
  const { contractId } = await signContract(pay, NOWHERE);
  const no = 'PAPFIRST0001';
  const a = await deduct(pay, contractId, r.url, { out_trade_no: no, attach: 'inpatient-42' });
  expect(a.signed).toBe(true);
  expect(Object.keys(a.fields).sort()).toEqual(ANSWER_KEYS);
  expect(a.fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' });
  const pending = await query(pay, no);
  expect(pending.fields).toMatchObject({
    result_code: 'SUCCESS',
    trade_state: 'ACCEPT',
    trade_state_desc: '已接收，等待扣款',
  });
  expect(pending.fields.time_end).toBeUndefined();
  const [first, n] = await r.waitFor(2);
  expect(first!.raw).toBe(n!.raw);
  expect(n!.headers['content-type']).toMatch(/^text\/xml/);
  expect(Object.keys(n!.fields).sort()).toEqual([...PAID_NOTICE_KEYS, 'attach'].sort());
  expect(n!.fields).toMatchObject({
    return_code: 'SUCCESS',
    result_code: 'SUCCESS',
    trade_type: 'PAP',
    trade_state: 'SUCCESS',
    out_trade_no: no,
    total_fee: '1200',
    cash_fee: '1200',
    contract_id: contractId,
    attach: 'inpatient-42',
    transaction_id: expect.stringMatching(/^\d{28}$/),
    time_end: expect.stringMatching(/^\d{14}$/),
  });
  expect(verifyV2Sign(n!.fields, pay.merchant.apiV2Key)).toBe(true);
  const done = await query(pay, no);
  expect(done.fields).toMatchObject({
    trade_state: 'SUCCESS',
    transaction_id: n!.fields.transaction_id,
    time_end: n!.fields.time_end,
  });
  const byTx = await v2(pay, '/pay/paporderquery', { transaction_id: n!.fields.transaction_id, nonce_str: 'q2' });
  expect(byTx.fields.out_trade_no).toBe(no);
  const d = await sandbox<{ deliveries: { acknowledged: boolean }[] }>(pay, 'GET', `papay/deductions/${no}`);
  expect(d.json.deliveries.map((x) => x.acknowledged)).toEqual([false, true]);
});

test('the same out_trade_no deducts once; other parameters or a JSAPI order number are refused', async () => {
  const r = await rx();
  const pay = await start({ papayDeductDelayMs: 100 });
  const { contractId } = await signContract(pay, NOWHERE);
  const fields = { out_trade_no: 'PAPONCE0001', nonce_str: 'a1' };
  expect((await deduct(pay, contractId, r.url, fields)).fields.result_code).toBe('SUCCESS');
  const whilePending = await deduct(pay, contractId, r.url, { ...fields, nonce_str: 'a2' });
  expect(whilePending.fields.result_code).toBe('SUCCESS');
  await settled(pay, 'PAPONCE0001');
  const afterwards = await deduct(pay, contractId, r.url, { ...fields, nonce_str: 'a3' });
  expect([afterwards.fields.result_code, afterwards.fields.err_code]).toEqual(['FAIL', 'ORDERPAID']);
  const changed = await deduct(pay, contractId, r.url, { ...fields, total_fee: 1300 });
  expect(changed.fields.err_code).toBe('OUT_TRADE_NO_USED');
  await r.waitFor(1);
  await new Promise((res) => setTimeout(res, 100));
  expect(r.received).toHaveLength(1);
  const { outTradeNo } = await placeOrder(pay, NOWHERE);
  expect((await deduct(pay, contractId, r.url, { out_trade_no: outTradeNo })).fields.err_code).toBe(
    'OUT_TRADE_NO_USED',
  );
});

test('limits: 50 000 fen a deduction; 250 000 fen and 5 deductions a day per contract; the next day again', async () => {
  const c = manualClock(Date.parse('2026-03-10T20:00:00+08:00'));
  const pay = await start({ clock: c.clock });
  const big = await signContract(pay, NOWHERE, 'o-papay-big');
  const small = await signContract(pay, NOWHERE, 'o-papay-small');
  const tooMuch = await deduct(pay, big.contractId, NOWHERE, { total_fee: 50_001 });
  expect([tooMuch.fields.err_code, tooMuch.fields.err_code_des]).toEqual(['RULELIMIT', expect.stringMatching(/单笔/)]);
  for (let i = 0; i < 5; i++) {
    expect((await deduct(pay, big.contractId, NOWHERE, { total_fee: 50_000 })).fields.result_code).toBe('SUCCESS');
    expect((await deduct(pay, small.contractId, NOWHERE, { total_fee: 1 })).fields.result_code).toBe('SUCCESS');
  }
  const overDay = await deduct(pay, big.contractId, NOWHERE, { total_fee: 1 });
  expect([overDay.fields.err_code, overDay.fields.err_code_des]).toEqual([
    'RULELIMIT',
    expect.stringMatching(/2500 元/),
  ]);
  const sixth = await deduct(pay, small.contractId, NOWHERE, { total_fee: 1 });
  expect([sixth.fields.err_code, sixth.fields.err_code_des]).toEqual(['RULELIMIT', expect.stringMatching(/5 次/)]);
  c.advance(4 * 3_600_000); // 2026-03-11 00:00 Asia/Shanghai
  expect((await deduct(pay, small.contractId, NOWHERE, { total_fee: 1 })).fields.result_code).toBe('SUCCESS');
  expect((await deduct(pay, big.contractId, NOWHERE, { total_fee: 50_000 })).fields.result_code).toBe('SUCCESS');
});

test('papayDeductFail: PAY_FAIL / NOTENOUGH notified and queried; failed ones do not count; the rate form', async () => {
  const r = await rx();
  const pay = await start();
  const { contractId } = await signContract(pay, NOWHERE);
  pay.setFaults({ papayDeductFail: true });
  expect(pay.faults().papayDeductFail).toBe(1);
  const nos = ['PAPFAIL1', 'PAPFAIL2', 'PAPFAIL3', 'PAPFAIL4', 'PAPFAIL5'];
  for (const no of nos)
    expect((await deduct(pay, contractId, r.url, { out_trade_no: no })).fields.result_code).toBe('SUCCESS');
  const notes = await r.waitFor(5);
  const n = notes.find((x) => x.fields.out_trade_no === 'PAPFAIL1')!;
  expect(n.fields).toMatchObject({
    return_code: 'SUCCESS',
    result_code: 'FAIL',
    err_code: 'NOTENOUGH',
    err_code_des: '余额不足',
    trade_state: 'PAY_FAIL',
    contract_id: contractId,
    transaction_id: expect.stringMatching(/^\d{28}$/),
  });
  expect(n.fields.time_end).toBeUndefined();
  expect(verifyV2Sign(n.fields, pay.merchant.apiV2Key)).toBe(true);
  const q = await query(pay, 'PAPFAIL1');
  expect(q.fields).toMatchObject({ result_code: 'SUCCESS', trade_state: 'PAY_FAIL', trade_state_desc: '余额不足' });
  const retry = await deduct(pay, contractId, r.url, { out_trade_no: 'PAPFAIL1' });
  expect(retry.fields.err_code).toBe('ORDERCLOSED');
  // The client's fallback: a new out_trade_no once the balance is there; five failures used no quota.
  pay.clearFaults();
  expect((await deduct(pay, contractId, r.url, { out_trade_no: 'PAPFAIL6' })).fields.result_code).toBe('SUCCESS');
  expect((await settled(pay, 'PAPFAIL6')).fields.trade_state).toBe('SUCCESS');
  const set = await sandbox<{ faults: { papayDeductFail: number } }>(pay, 'POST', 'faults', { papayDeductFail: 0.25 });
  expect(set.json.faults.papayDeductFail).toBe(0.25);
  pay.setFaults({ papayDeductFail: false });
  expect(pay.faults().papayDeductFail).toBe(0);
});

test('parameter refusals of pappayapply and paporderquery', async () => {
  const pay = await start();
  const { contractId } = await signContract(pay, NOWHERE);
  const cases: [Record<string, string | number | undefined>, string][] = [
    [{ trade_type: 'JSAPI' }, 'PARAM_ERROR'],
    [{ total_fee: 0 }, 'PARAM_ERROR'],
    [{ total_fee: '1.5' }, 'PARAM_ERROR'],
    [{ fee_type: 'USD' }, 'PARAM_ERROR'],
    [{ notify_url: 'https://example.com/notify?x=1' }, 'PARAM_ERROR'],
    [{ out_trade_no: 'bad no!' }, 'PARAM_ERROR'],
    [{ body: undefined }, 'LACK_PARAMS'],
    [{ nonce_str: undefined }, 'LACK_PARAMS'],
    [{ contract_id: '20260101000000000000' }, 'CONTRACT_NOT_EXIST'],
  ];
  for (const [over, code] of cases) {
    const r = await deduct(pay, contractId, NOWHERE, over);
    expect([r.fields.result_code, r.fields.err_code, r.signed]).toEqual(['FAIL', code, true]);
  }
  expect((await query(pay, 'NOPE')).fields.err_code).toBe('ORDERNOTEXIST');
  expect((await v2(pay, '/pay/paporderquery', { nonce_str: 'x' })).fields.err_code).toBe('LACK_PARAMS');
  expect((await sandbox(pay, 'GET', 'papay/deductions/NOPE')).status).toBe(404);
});

test('the trade bill: successful deductions are PAP rows with the same CSV rules; failed ones are absent', async () => {
  const c = manualClock(Date.parse('2026-03-10T12:00:00+08:00'));
  const pay = await start({ clock: c.clock });
  const o = { clock: c.clock };
  const jsapi = await placeOrder(pay, NOWHERE, { amount: { total: 2580 } }, o);
  pay.pay(jsapi.outTradeNo);
  const { contractId } = await signContract(pay, NOWHERE);
  c.advance(60_000);
  await deduct(pay, contractId, NOWHERE, {
    out_trade_no: 'PAPBILL1',
    total_fee: 12_345,
    body: '住院押金代扣',
    attach: 'B7',
  });
  await settled(pay, 'PAPBILL1');
  pay.setFaults({ papayDeductFail: true });
  await deduct(pay, contractId, NOWHERE, { out_trade_no: 'PAPBILL2' });
  await settled(pay, 'PAPBILL2');
  await sandbox(pay, 'POST', 'bills/2026-03-10/ready');
  const bill = await v3(pay, 'GET', '/v3/bill/tradebill?bill_date=2026-03-10&bill_type=ALL', undefined, o);
  expect(bill.status).toBe(200);
  const url = new URL(bill.json.download_url as string);
  const file = await v3(pay, 'GET', url.pathname + url.search, undefined, o);
  const lines = file.text.replace(/^\uFEFF/, '').split('\r\n');
  expect(lines[0]).toBe(BILL_HEADER);
  const rows = lines.slice(1, -3).map((l) => {
    const fields = l.split(',');
    expect(fields.every((f) => f.startsWith('`'))).toBe(true);
    return fields.map((f) => f.slice(1));
  });
  expect(rows.map((f) => [f[6], f[8]])).toEqual([
    [jsapi.outTradeNo, 'JSAPI'],
    ['PAPBILL1', 'PAP'],
  ]);
  const pap = rows[1]!;
  const q = await query(pay, 'PAPBILL1');
  expect(pap.slice(0, 13)).toEqual([
    '2026-03-10 12:01:00',
    pay.merchant.appid,
    pay.merchant.mchid,
    '0',
    '',
    q.fields.transaction_id,
    'PAPBILL1',
    'o-papay-openid-0001',
    'PAP',
    'SUCCESS',
    'OTHERS',
    'CNY',
    '123.45',
  ]);
  expect(pap.slice(20)).toEqual(['住院押金代扣', 'B7', '0.74', '0.60%', '123.45', '0.00', '']);
  // 2 rows: 25.80 + 123.45 settled; fees 0.15 + 0.74.
  expect(
    lines
      .at(-2)!
      .split(',')
      .map((f) => f.slice(1)),
  ).toEqual(['2', '149.25', '0.00', '0.00', '0.89', '149.25', '0.00']);
});

test('a restart resumes accepted deductions and pending notifications', async () => {
  const r = await rx([
    { status: 503, body: '' },
    { status: 200, body: V2_OK },
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'pay-papay-state-'));
  try {
    // Closed while the deduction is pending: after the restart it settles at its stored due time,
    // the first delivery fails and the retry follows 15 s / timeScale 10 = 1.5 s later.
    const first = await startPaySandbox({
      port: 0,
      stateDir: dir,
      quiet: true,
      timeScale: 10,
      papayDeductDelayMs: 300,
    });
    const { contractId } = await signContract(first, NOWHERE);
    await deduct(first, contractId, r.url, { out_trade_no: 'PAPRESTART1' });
    await first.close();
    expect(r.received).toHaveLength(0);
    const second = await startPaySandbox({ port: 0, stateDir: dir, quiet: true, timeScale: 10 });
    try {
      const [a, b] = await r.waitFor(2, 8000);
      expect([a!.fields.out_trade_no, b!.fields.trade_state]).toEqual(['PAPRESTART1', 'SUCCESS']);
      const d = await eventually(
        () => sandbox<{ notifications: { state: string }[] }>(second, 'GET', 'papay/deductions/PAPRESTART1'),
        (x) => x.json.notifications[0]?.state === 'delivered',
      );
      expect(d.json.notifications).toHaveLength(1);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
