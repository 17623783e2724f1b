/**
 * The preview's look-alikes for 医保 and withholding (devstack/preview/runtime/mini-program.ts,
 * med-ins-pay.ts): wx.navigateToMiniProgram to the 医保 mini program (授权 with 姓名 and 身份证号 →
 * the sandbox's auth code → back with extraData.authCode, remembered per identity; 取消 → back
 * without extraData), to WeChat Pay's signing mini program (同意并开通 / 取消 → the sandbox's answer
 * as extraData; the back arrow → none), any other appId failing loudly; and
 * wx.requestMedicalInsurancePay's sheet (the sandbox's split, 确认支付 → pay-sheet, × → cancel).
 */
import {
  navigateToMiniProgram,
  identityKey,
  type JumpDeps,
  type ReferrerInfo,
} from '../../../devstack/preview/runtime/mini-program';
import { requestMedicalInsurancePay } from '../../../devstack/preview/runtime/med-ins-pay';
import type { SandboxResponse } from '../../../devstack/preview/runtime/sandbox-fetch';
import { byTestId, cleanup, makeRoot, queryTestId } from './helpers';

const flushUi = async (n = 3) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
};

function reply(status: number, body: unknown): SandboxResponse {
  return { ok: status >= 200 && status < 300, status, json: async () => body };
}

const MED_INS = 'wxe183cd55df4b4369';
const PAPAY = 'wxbd687630cd02ce1d';

function harness(answer: (url: string, body: unknown) => SandboxResponse, root: HTMLElement) {
  const calls: { url: string; method: string; body: unknown }[] = [];
  const events: string[] = [];
  const returns: ReferrerInfo[] = [];
  const reported: string[] = [];
  const store = new Map<string, string>();
  const deps: JumpDeps = {
    origin: 'http://127.0.0.1:7300',
    root: () => root,
    report: (m) => reported.push(m),
    fetch: async (url, init) => {
      const body = init?.body ? JSON.parse(String(init.body)) : null;
      calls.push({ url: url.replace('http://127.0.0.1:7300', ''), method: init?.method ?? 'GET', body });
      return answer(url, body);
    },
    openid: () => 'u-preview',
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) },
    leave: () => events.push('leave'),
    comeBack: (info) => {
      events.push('comeBack');
      returns.push(info);
    },
  };
  return { deps, calls, events, returns, reported, store };
}

function type(root: HTMLElement, id: string, value: string): void {
  const input = byTestId<HTMLInputElement>(root, id);
  input.value = value;
}

describe('preview runtime: wx.navigateToMiniProgram', () => {
  let root: HTMLElement;
  beforeEach(() => {
    root = makeRoot();
  });
  afterEach(cleanup);

  test('医保: answers ok and leaves; 授权 posts the identity, comes back with the authCode and remembers it', async () => {
    const h = harness(() => reply(200, { authCode: 'ac_123', expires_in: 300 }), root);
    await expect(
      navigateToMiniProgram({ appId: MED_INS, path: 'auth/pages/bindcard/auth/index?x=1' }, h.deps),
    ).resolves.toEqual({});
    expect(h.events).toEqual(['leave']);
    await flushUi();
    expect(byTestId(root, 'medins-auth').textContent).toContain('智慧医院 申请使用你的医保电子凭证');
    type(root, 'medins-name', '王小明');
    type(root, 'medins-id', '330602199003071238');
    byTestId(root, 'medins-confirm').click();
    await flushUi();
    expect(h.calls).toEqual([
      {
        url: '/paysandbox/med-ins/auth-codes',
        method: 'POST',
        body: { openid: 'u-preview', name: '王小明', idNumber: '330602199003071238' },
      },
    ]);
    expect(h.returns).toEqual([{ appId: MED_INS, extraData: { authCode: 'ac_123' } }]);
    expect(queryTestId(root, 'medins-auth')).toBeNull();
    expect(JSON.parse(h.store.get(identityKey('u-preview'))!)).toEqual({
      name: '王小明',
      idNumber: '330602199003071238',
    });

    // The next jump starts with what was typed.
    await navigateToMiniProgram({ appId: MED_INS, path: 'p' }, h.deps);
    await flushUi();
    expect(byTestId<HTMLInputElement>(root, 'medins-name').value).toBe('王小明');
    byTestId(root, 'medins-cancel').click();
    await flushUi();
    expect(h.returns[1]).toEqual({ appId: MED_INS });
  });

  test('医保: a refused identity is said on the screen, which stays for a correction', async () => {
    const h = harness(() => reply(400, { code: 'PARAM_ERROR', message: 'idNumber：校验码不正确' }), root);
    await navigateToMiniProgram({ appId: MED_INS, path: 'p' }, h.deps);
    await flushUi();
    type(root, 'medins-name', '王小明');
    type(root, 'medins-id', '330602199003071230');
    byTestId(root, 'medins-confirm').click();
    await flushUi();
    expect(byTestId(root, 'medins-error').textContent).toBe('idNumber：校验码不正确');
    expect(h.returns).toEqual([]);
    expect(h.reported).toEqual([]);
  });

  test('signing: shows the display account; 同意并开通 posts extraData with accept, comes back with the answer', async () => {
    const answer = { return_code: 'SUCCESS', return_msg: 'OK', contract_id: '202405060000000000000001' };
    const h = harness(() => reply(200, answer), root);
    const extraData = { contract_display_account: '就诊卡尾号2345', sign: 'ABC' };
    await navigateToMiniProgram({ appId: PAPAY, path: 'pages/index/index', extraData }, h.deps);
    await flushUi();
    expect(byTestId(root, 'papay-account').textContent).toBe('就诊卡尾号2345');
    byTestId(root, 'papay-confirm').click();
    await flushUi();
    expect(h.calls).toEqual([
      { url: '/paysandbox/papay/sign', method: 'POST', body: { extraData, openid: 'u-preview', accept: true } },
    ]);
    expect(h.returns).toEqual([{ appId: PAPAY, extraData: answer }]);
  });

  test('signing: 取消 posts accept false; the back arrow comes back with nothing', async () => {
    const h = harness(() => reply(200, { return_code: 'FAIL', return_msg: '用户取消签约' }), root);
    await navigateToMiniProgram({ appId: PAPAY, path: 'p', extraData: {} }, h.deps);
    await flushUi();
    byTestId(root, 'papay-cancel').click();
    await flushUi();
    expect(h.calls[0]!.body).toMatchObject({ accept: false });
    expect(h.returns[0]).toEqual({ appId: PAPAY, extraData: { return_code: 'FAIL', return_msg: '用户取消签约' } });

    await navigateToMiniProgram({ appId: PAPAY, path: 'p', extraData: {} }, h.deps);
    await flushUi();
    byTestId(root, 'papay-sign-back').click();
    await flushUi();
    expect(h.calls).toHaveLength(1);
    expect(h.returns[1]).toEqual({ appId: PAPAY });
  });

  test('any other mini program fails loudly and nothing leaves', async () => {
    const h = harness(() => reply(200, {}), root);
    await expect(navigateToMiniProgram({ appId: 'wx1234567890abcdef', path: 'p' }, h.deps)).rejects.toMatchObject({
      errMsg: expect.stringContaining('navigateToMiniProgram:fail'),
    });
    expect(h.reported).toEqual([expect.stringContaining('[preview] wx.navigateToMiniProgram')]);
    expect(h.events).toEqual([]);
  });
});

describe('preview runtime: wx.requestMedicalInsurancePay', () => {
  let root: HTMLElement;
  beforeEach(() => {
    root = makeRoot();
  });
  afterEach(cleanup);

  const params = {
    mixTradeNo: 'mix-1',
    timeStamp: '1714960800',
    nonceStr: 'N0NCE',
    package: 'prepay_id=wx0610',
    signType: 'RSA',
    paySign: 'c2ln',
  };
  const order = {
    total_fee: 2500,
    med_ins_gov_fee: 1200,
    med_ins_self_fee: 800,
    med_ins_other_fee: 0,
    wechat_pay_cash_fee: 500,
  };

  test('the sheet shows the sandbox split; 确认支付 posts the parameters to pay-sheet and resolves', async () => {
    const h = harness((url) => (url.endsWith('/pay-sheet') ? reply(200, {}) : reply(200, { order })), root);
    const paying = requestMedicalInsurancePay(params, h.deps);
    await flushUi();
    expect(byTestId(root, 'medpay-amount').textContent).toBe('¥5.00');
    expect(byTestId(root, 'medpay-total').textContent).toBe('¥25.00');
    expect(byTestId(root, 'medpay-fund').textContent).toBe('¥12.00');
    expect(byTestId(root, 'medpay-account').textContent).toBe('¥8.00');
    expect(byTestId(root, 'medpay-cash').textContent).toBe('¥5.00');
    expect(queryTestId(root, 'medpay-other')).toBeNull();
    byTestId(root, 'medpay-confirm').click();
    await expect(paying).resolves.toEqual({});
    expect(h.calls).toEqual([
      { url: '/paysandbox/med-ins/mix-1', method: 'GET', body: null },
      { url: '/paysandbox/med-ins/mix-1/pay-sheet', method: 'POST', body: params },
    ]);
  });

  test('× cancels; an order without cash takes mixTradeNo alone; half the cash parameters fail', async () => {
    const h = harness(() => reply(200, { order: { ...order, wechat_pay_cash_fee: 0 } }), root);
    const cancelled = requestMedicalInsurancePay(params, h.deps);
    await flushUi();
    byTestId(root, 'medpay-cancel').click();
    await expect(cancelled).rejects.toMatchObject({ errMsg: 'requestMedicalInsurancePay:fail cancel' });

    const insuranceOnly = requestMedicalInsurancePay({ mixTradeNo: 'mix-2' }, h.deps);
    await flushUi();
    expect(byTestId(root, 'medpay-amount').textContent).toBe('医保全额支付');
    byTestId(root, 'medpay-confirm').click();
    await insuranceOnly;
    expect(h.calls.at(-1)).toEqual({
      url: '/paysandbox/med-ins/mix-2/pay-sheet',
      method: 'POST',
      body: { mixTradeNo: 'mix-2' },
    });

    await expect(requestMedicalInsurancePay({ mixTradeNo: 'mix-3', timeStamp: '1' }, h.deps)).rejects.toMatchObject({
      errMsg: 'requestMedicalInsurancePay:fail parameter error: nonceStr should be a string',
    });
  });
});
