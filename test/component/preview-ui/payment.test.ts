import { showPaymentSheet } from '../../../devstack/preview/ui';
import { requestPayment } from '../../../devstack/preview/runtime/pay';
import type { PayDeps, SandboxResponse } from '../../../devstack/preview/runtime/pay';
import { byTestId, cleanup, expectNothingOutside, makeRoot, press, queryTestId } from './helpers';

const flushUi = () => new Promise((r) => setTimeout(r, 0));

/** A fetch answer as the runtime reads it (jsdom has no Response). */
function reply(status: number, body: unknown): SandboxResponse {
  return {
    ok: status >= 200 && status < 300,
    status,
    json: async () => (typeof body === 'string' ? JSON.parse(body) : body),
  };
}

describe('preview ui: WeChat Pay sheet', () => {
  let root: HTMLElement;
  beforeEach(() => {
    root = makeRoot();
  });
  afterEach(cleanup);

  test('shows the merchant, the amount, what is bought and 确认支付 / 取消 into root', () => {
    void showPaymentSheet(root, { merchant: '智慧医院', description: '门诊缴费-血常规', amountFen: 2550 });
    expect(byTestId(root, 'pay').getAttribute('role')).toBe('dialog');
    expect(byTestId(root, 'pay-merchant').textContent).toBe('智慧医院');
    expect(byTestId(root, 'pay-amount').textContent).toBe('¥25.50');
    expect(byTestId(root, 'pay-description').textContent).toBe('门诊缴费-血常规');
    expect(byTestId(root, 'pay-confirm').textContent).toBe('确认支付');
    expect(byTestId(root, 'pay-cancel').getAttribute('aria-label')).toBe('取消');
    expectNothingOutside(root);
  });

  test('确认支付 resolves confirm; ×, Escape resolve cancel; the mask does not dismiss', async () => {
    const a = showPaymentSheet(root, { merchant: '智慧医院', description: '', amountFen: 1 });
    expect(queryTestId(root, 'pay-description')).toBeNull();
    expect(byTestId(root, 'pay-amount').textContent).toBe('¥0.01');
    (root.querySelector('.mpui-mask') as HTMLElement).click();
    expect(queryTestId(root, 'pay')).not.toBeNull();
    byTestId(root, 'pay-confirm').click();
    await expect(a).resolves.toBe('confirm');
    expect(root.children).toHaveLength(0);

    const b = showPaymentSheet(root, { merchant: '智慧医院', description: '', amountFen: 100 });
    byTestId(root, 'pay-cancel').click();
    await expect(b).resolves.toBe('cancel');

    const c = showPaymentSheet(root, { merchant: '智慧医院', description: '', amountFen: 100 });
    press('Escape');
    await expect(c).resolves.toBe('cancel');
    expect(root.children).toHaveLength(0);
  });
});

describe('preview runtime: wx.requestPayment against the pay sandbox', () => {
  let root: HTMLElement;
  beforeEach(() => {
    root = makeRoot();
  });
  afterEach(cleanup);

  const params = {
    timeStamp: '1714960800',
    nonceStr: 'N0NCE',
    package: 'prepay_id=wx0610',
    signType: 'RSA',
    paySign: 'c2ln',
  };

  function sandbox(answers: { prepay?: SandboxResponse; pay?: SandboxResponse } = {}) {
    const calls: { url: string; method: string; body: unknown }[] = [];
    const reported: string[] = [];
    const deps: PayDeps = {
      origin: 'http://127.0.0.1:7300',
      root: () => root,
      report: (m) => reported.push(m),
      fetch: async (url, init) => {
        calls.push({ url, method: init?.method ?? 'GET', body: init?.body ? JSON.parse(String(init.body)) : null });
        if (url.endsWith('/pay')) return answers.pay ?? reply(200, {});
        return (
          answers.prepay ??
          reply(200, { out_trade_no: 'po-1', description: '门诊缴费-血常规', amount: { total: 2500 } })
        );
      },
    };
    return { deps, calls, reported };
  }

  test('shows the sandbox amount; 确认支付 POSTs the five parameters to /pay and resolves ok', async () => {
    const { deps, calls } = sandbox();
    const paying = requestPayment({ ...params, success: () => undefined }, deps);
    await flushUi();
    expect(byTestId(root, 'pay-amount').textContent).toBe('¥25.00');
    expect(byTestId(root, 'pay-merchant').textContent).toBe('智慧医院');
    byTestId(root, 'pay-confirm').click();
    await expect(paying).resolves.toEqual({});
    expect(calls).toEqual([
      { url: 'http://127.0.0.1:7300/paysandbox/prepay/wx0610', method: 'GET', body: null },
      { url: 'http://127.0.0.1:7300/paysandbox/prepay/wx0610/pay', method: 'POST', body: params },
    ]);
  });

  test('取消 fails with `requestPayment:fail cancel`, pays nothing and tells the sandbox the sheet was closed', async () => {
    const { deps, calls } = sandbox();
    const paying = requestPayment(params, deps);
    await flushUi();
    byTestId(root, 'pay-cancel').click();
    await expect(paying).rejects.toMatchObject({ errMsg: 'requestPayment:fail cancel' });
    expect(calls.map((c) => `${c.method} ${c.url.replace(deps.origin, '')}`)).toEqual([
      'GET /paysandbox/prepay/wx0610',
      'POST /paysandbox/prepay/wx0610/refuse',
    ]);
  });

  test('a flat `{ description, amount: { total } }` answer is read as well', async () => {
    const { deps } = sandbox({ prepay: reply(200, { description: '门诊缴费', amount: { total: 1200 } }) });
    const paying = requestPayment(params, deps);
    await flushUi();
    expect(byTestId(root, 'pay-amount').textContent).toBe('¥12.00');
    byTestId(root, 'pay-cancel').click();
    await expect(paying).rejects.toMatchObject({ errMsg: 'requestPayment:fail cancel' });
  });

  test('bad parameters fail as WeChat does, before any request', async () => {
    const { deps, calls } = sandbox();
    await expect(requestPayment({ ...params, paySign: '' }, deps)).rejects.toMatchObject({
      errMsg: 'requestPayment:fail parameter error: paySign should be a string',
    });
    await expect(requestPayment({ ...params, package: 'wx0610' }, deps)).rejects.toMatchObject({
      errMsg: expect.stringContaining('package'),
    });
    expect(calls).toEqual([]);
  });

  test('a sandbox refusing the payment (or not answering the prepay) fails loudly', async () => {
    const refused = sandbox({ pay: reply(400, { message: '签名错误' }) });
    const paying = requestPayment(params, refused.deps);
    await flushUi();
    byTestId(root, 'pay-confirm').click();
    await expect(paying).rejects.toMatchObject({ errMsg: expect.stringContaining('HTTP 400: 签名错误') });
    expect(refused.reported).toEqual([expect.stringContaining('[preview] wx.requestPayment')]);

    const missing = sandbox({ prepay: reply(404, 'not json') });
    await expect(requestPayment(params, missing.deps)).rejects.toMatchObject({
      errMsg: expect.stringContaining('GET /paysandbox/prepay/wx0610 answered HTTP 404'),
    });
    expect(queryTestId(root, 'pay')).toBeNull();
  });
});
