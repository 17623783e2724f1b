/**
 * Withholding contracts: signing through the mini program route (extraData checks, the answer
 * App.onShow gets back, the ADD notification retried on the v2 schedule until the success XML),
 * `/papay/querycontract` by contract_id and by plan_id + contract_code, termination by the
 * merchant (`/papay/deletecontract`, mode 3) and by the user (mode 2) with the exact field
 * `contract_termination_mode`, expiry (mode 1), inspection routes.
 */
import { verifyV2Sign } from '../../../devstack/pay/papay-sign';
import { manualClock, sandbox, sandboxesForFile } from './helpers';
import {
  deduct,
  extraData,
  OPENID,
  signContract,
  signRoute,
  v2,
  V2_FAIL,
  V2_OK,
  xmlReceiver,
  type XmlReceiver,
} from './papay-helpers';

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

interface Detail {
  contract: Record<string, string>;
  notifications: { event: string; state: string; attempts: number }[];
  deliveries: { attempt: number; status: number | null; acknowledged: boolean }[];
}

const detailOf = (pay: Parameters<typeof sandbox>[0], id: string) =>
  sandbox<Detail>(pay, 'GET', `papay/contracts/${id}`).then((r) => r.json);

const NOTICE_KEYS = [
  'change_type',
  'contract_code',
  'contract_expired_time',
  'contract_id',
  'mch_id',
  'openid',
  'operate_time',
  'plan_id',
  'request_serial',
  'result_code',
  'return_code',
  'sign',
];
const TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

test('signing: the contract, the answer for App.onShow, ADD retried on 0/10/10/10 s (scaled) until the success XML', async () => {
  const r = await rx([
    { status: 500, body: V2_OK },
    { status: 200, body: V2_FAIL },
    { status: 200, body: '' },
    { status: 200, body: V2_OK },
  ]);
  const pay = await start({ timeScale: 100 });
  const extra = extraData(pay, r.url);
  const answer = await signRoute(pay, { extraData: extra, openid: OPENID, accept: true });
  expect(answer.status).toBe(200);
  expect(answer.json).toEqual({
    return_code: 'SUCCESS',
    return_msg: 'OK',
    contract_id: expect.stringMatching(/^\d{20,}$/),
  });
  const contractId = answer.json.contract_id!;
  const got = await r.waitFor(4);
  // 10 s / timeScale 100 = 100 ms between the attempts.
  for (let i = 1; i < 4; i++) expect(got[i]!.at - got[i - 1]!.at).toBeGreaterThanOrEqual(90);
  const n = got[3]!;
  expect(n.headers['content-type']).toMatch(/^text\/xml/);
  expect(Object.keys(n.fields).sort()).toEqual(NOTICE_KEYS);
  expect(n.fields).toMatchObject({
    return_code: 'SUCCESS',
    result_code: 'SUCCESS',
    mch_id: pay.merchant.mchid,
    plan_id: pay.merchant.papayPlanId,
    contract_code: extra.contract_code,
    request_serial: extra.request_serial,
    openid: OPENID,
    change_type: 'ADD',
    contract_id: contractId,
    operate_time: expect.stringMatching(TIME),
    contract_expired_time: expect.stringMatching(TIME),
  });
  expect(verifyV2Sign(n.fields, pay.merchant.apiV2Key)).toBe(true);
  expect(got.every((g) => g.raw === n.raw)).toBe(true);
  const d = await detailOf(pay, contractId);
  expect(d.notifications).toEqual([expect.objectContaining({ event: 'ADD', state: 'delivered', attempts: 4 })]);
  expect(d.deliveries.map((x) => [x.status, x.acknowledged])).toEqual([
    [500, false],
    [200, false],
    [200, false],
    [200, true],
  ]);
  expect(d.contract).toMatchObject({ state: 'ADD', contract_state: '0', openid: OPENID });
  // The same request again (a second tap): the same contract, no second notification.
  const again = await signRoute(pay, { extraData: extra, openid: OPENID, accept: true });
  expect(again.json.contract_id).toBe(contractId);
  await new Promise((res) => setTimeout(res, 150));
  expect(r.received).toHaveLength(4);
});

test('signing refusals: declined, plan_id, mch_id, appid, request_serial, emoji, missing fields, duplicates', async () => {
  const pay = await start();
  const m = pay.merchant;
  const base = extraData(pay, NOWHERE);
  const declined = await signRoute(pay, { extraData: base, openid: OPENID, accept: false });
  expect(declined.json).toEqual({ return_code: 'FAIL', return_msg: '用户取消签约' });
  const cases: [Record<string, string | number>, RegExp][] = [
    [{ plan_id: '1' }, /plan_id 不存在/],
    [{ mch_id: '1900000999' }, /mch_id 不存在/],
    [{ appid: 'wx1111111111111111' }, /appid 与 mch_id 不匹配/],
    [{ request_serial: '0123' }, /request_serial/],
    [{ request_serial: '9223372036854775808' }, /request_serial/],
    [{ request_serial: '12a' }, /request_serial/],
    [{ contract_display_account: '张三😀' }, /emoji/],
    [{ contract_display_account: '🇨🇳 张三' }, /emoji/],
    [{ notify_url: 'ftp://127.0.0.1/x' }, /notify_url/],
    [{ timestamp: '123' }, /timestamp/],
    [{ contract_code: '' }, /缺少参数 contract_code/],
  ];
  for (const [over, message] of cases) {
    const r = await signRoute(pay, { extraData: extraData(pay, NOWHERE, over), openid: OPENID, accept: true });
    expect([r.json.return_code, r.json.return_msg]).toEqual(['FAIL', expect.stringMatching(message)]);
  }
  // Declining used nothing up: the same request can still be signed; the largest int64 is fine.
  await signContract(pay, NOWHERE, OPENID, { request_serial: '9223372036854775807' });
  const signed = await signContract(pay, NOWHERE, 'o-papay-openid-0002', {
    request_serial: base.request_serial,
    contract_code: base.contract_code,
  });
  expect(signed.contractId).toMatch(/^\d{24}$/);
  const dupes: [Record<string, string>, string, RegExp][] = [
    [{ request_serial: base.request_serial! }, 'o-papay-openid-0003', /request_serial 已使用/],
    [{ contract_code: base.contract_code! }, 'o-papay-openid-0003', /contract_code 已签约/],
    [{}, OPENID, /用户已签约该模板/],
  ];
  for (const [over, openid, message] of dupes) {
    const r = await signRoute(pay, { extraData: extraData(pay, NOWHERE, over), openid, accept: true });
    expect(r.json.return_msg).toMatch(message);
  }
  const noOpenid = await signRoute(pay, { extraData: base, accept: true });
  expect([noOpenid.status, (noOpenid.json as unknown as { code: string }).code]).toEqual([400, 'PARAM_ERROR']);
  expect((await signRoute(pay, { extraData: base, openid: OPENID })).status).toBe(400);
  const info = await sandbox<Record<string, unknown>>(pay, 'GET', 'papay');
  expect(info.json).toMatchObject({
    miniProgram: { appId: 'wxbd687630cd02ce1d', path: 'pages/index/index' },
    plan_id: m.papayPlanId,
  });
  expect(JSON.stringify(info.json)).not.toContain(m.apiV2Key);
});

test('querycontract by contract_id and by plan_id + contract_code; version, plan and unknown contracts', async () => {
  const pay = await start();
  const { contractId, extra } = await signContract(pay, NOWHERE);
  const byId = await v2(pay, '/papay/querycontract', { contract_id: contractId, version: '1.0' });
  expect(byId.signed).toBe(true);
  expect(byId.fields).toEqual({
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: pay.merchant.appid,
    mch_id: pay.merchant.mchid,
    nonce_str: expect.any(String),
    result_code: 'SUCCESS',
    contract_id: contractId,
    plan_id: pay.merchant.papayPlanId,
    request_serial: extra.request_serial,
    contract_code: extra.contract_code,
    contract_display_account: extra.contract_display_account,
    contract_state: '0',
    contract_signed_time: expect.stringMatching(TIME),
    contract_expired_time: expect.stringMatching(TIME),
    openid: OPENID,
    sign: expect.any(String),
  });
  const byCode = await v2(pay, '/papay/querycontract', {
    plan_id: pay.merchant.papayPlanId,
    contract_code: extra.contract_code,
    version: '1.0',
  });
  expect(byCode.fields.contract_id).toBe(contractId);
  const refusals: [Record<string, string>, string][] = [
    [{ contract_id: contractId }, 'LACK_PARAMS'],
    [{ contract_id: contractId, version: '2.0' }, 'PARAM_ERROR'],
    [{ plan_id: '1', contract_code: extra.contract_code!, version: '1.0' }, 'PARAM_ERROR'],
    [{ plan_id: pay.merchant.papayPlanId, version: '1.0' }, 'LACK_PARAMS'],
    [{ contract_id: '20260101000000000000', version: '1.0' }, 'CONTRACT_NOT_EXIST'],
  ];
  for (const [fields, code] of refusals) {
    const r = await v2(pay, '/papay/querycontract', fields);
    expect([r.fields.return_code, r.fields.result_code, r.fields.err_code, r.signed]).toEqual([
      'SUCCESS',
      'FAIL',
      code,
      true,
    ]);
  }
});

test('the merchant terminates (deletecontract): DELETE with contract_termination_mode 3; no deduction after', async () => {
  const r = await rx();
  const pay = await start();
  const { contractId, extra } = await signContract(pay, r.url);
  await r.waitFor(1);
  const noRemark = await v2(pay, '/papay/deletecontract', { contract_id: contractId, version: '1.0' });
  expect(noRemark.fields.err_code).toBe('LACK_PARAMS');
  const del = await v2(pay, '/papay/deletecontract', {
    plan_id: pay.merchant.papayPlanId,
    contract_code: extra.contract_code,
    contract_termination_remark: '患者出院，停止代扣',
    version: '1.0',
  });
  expect(del.fields).toMatchObject({
    result_code: 'SUCCESS',
    contract_id: contractId,
    contract_code: extra.contract_code,
  });
  const [, n] = await r.waitFor(2);
  expect(Object.keys(n!.fields).sort()).toEqual([...NOTICE_KEYS, 'contract_termination_mode'].sort());
  expect(n!.fields).toMatchObject({ change_type: 'DELETE', contract_id: contractId, contract_termination_mode: '3' });
  expect(verifyV2Sign(n!.fields, pay.merchant.apiV2Key)).toBe(true);
  const q = await v2(pay, '/papay/querycontract', { contract_id: contractId, version: '1.0' });
  expect(q.fields).toMatchObject({
    contract_state: '1',
    contract_termination_mode: '3',
    contract_termination_remark: '患者出院，停止代扣',
    contract_terminated_time: expect.stringMatching(TIME),
  });
  const again = await v2(pay, '/papay/deletecontract', {
    contract_id: contractId,
    contract_termination_remark: 'x',
    version: '1.0',
  });
  expect(again.fields.err_code).toBe('CONTRACT_NOT_EXIST');
  const d = await deduct(pay, contractId, NOWHERE);
  expect([d.fields.result_code, d.fields.err_code]).toEqual(['FAIL', 'CONTRACT_NOT_EXIST']);
  // The user may sign again, with the same contract_code (the old contract is over).
  const renewed = await signContract(pay, NOWHERE, OPENID, { contract_code: extra.contract_code! });
  expect(renewed.contractId).not.toBe(contractId);
});

test('the user terminates in WeChat: DELETE with mode 2 (or the one given); listing by openid', async () => {
  const r = await rx();
  const pay = await start();
  const a = await signContract(pay, r.url);
  const b = await signContract(pay, r.url, 'o-papay-openid-0009');
  await r.waitFor(2);
  const ended = await sandbox<Detail>(pay, 'POST', `papay/contracts/${a.contractId}/terminate`);
  expect(ended.json.contract).toMatchObject({ state: 'DELETE', contract_state: '1', contract_termination_mode: '2' });
  const closed = await sandbox<Detail>(pay, 'POST', `papay/contracts/${b.contractId}/terminate`, { mode: 5 });
  expect(closed.json.contract.contract_termination_mode).toBe('5');
  const notes = (await r.waitFor(4)).slice(2);
  const modes = Object.fromEntries(notes.map((n) => [n.fields.contract_id, n.fields.contract_termination_mode]));
  expect(modes).toEqual({ [a.contractId]: '2', [b.contractId]: '5' });
  expect(notes.every((n) => n.fields.change_type === 'DELETE')).toBe(true);
  expect((await sandbox(pay, 'POST', `papay/contracts/${a.contractId}/terminate`)).status).toBe(400);
  expect((await sandbox(pay, 'POST', `papay/contracts/${b.contractId}/terminate`, { mode: 9 })).status).toBe(400);
  const mine = await sandbox<{ contracts: { contract_id: string }[] }>(pay, 'GET', `papay/contracts?openid=${OPENID}`);
  expect(mine.json.contracts.map((c) => c.contract_id)).toEqual([a.contractId]);
  const all = await sandbox<{ contracts: unknown[] }>(pay, 'GET', 'papay/contracts?limit=10');
  expect(all.json.contracts).toHaveLength(2);
  expect((await sandbox(pay, 'GET', 'papay/contracts/1234')).status).toBe(404);
});

test('a contract past contract_expired_time ends with mode 1 when next looked at', async () => {
  const r = await rx();
  const c = manualClock(Date.parse('2026-03-10T12:00:00+08:00'));
  const pay = await start({ clock: c.clock });
  const { contractId } = await signContract(pay, r.url);
  const signed = (await r.waitFor(1))[0]!;
  expect(signed.fields.contract_expired_time).toBe('2027-03-10 12:00:00');
  c.advance(366 * 86_400_000);
  const q = await v2(pay, '/papay/querycontract', { contract_id: contractId, version: '1.0' });
  expect(q.fields).toMatchObject({
    contract_state: '1',
    contract_termination_mode: '1',
    contract_terminated_time: '2027-03-10 12:00:00',
  });
  const [, n] = await r.waitFor(2);
  expect(n!.fields).toMatchObject({ change_type: 'DELETE', contract_termination_mode: '1' });
  const d = await deduct(pay, contractId, NOWHERE);
  expect(d.fields.err_code).toBe('CONTRACT_NOT_EXIST');
});
