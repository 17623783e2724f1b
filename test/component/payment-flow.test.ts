/**
 * The 去支付 flow (packagePayment/services/pay-flow.ts) on its own: consent first and synchronously,
 * the order, wx.requestPayment with the server's parameters as they are, `confirm` after any answer
 * (polled with back-off after a success), a cancel keeping the order, refusals by `reason`.
 */
import { freshPagesEachTest, mpRequire } from './helpers';
import { fail, installWx, networkDown, ok } from './wx-mock';
import type { BackendReply } from './wx-mock';
import { order, paymentBackend, payApis, payParams } from './payment-fixtures';
import type { PayAnswer } from './payment-fixtures';
import type { PaymentOrderStatus, PaymentOrderView } from '../../typings/payment';

freshPagesEachTest();

interface Outcome {
  kind: 'finished' | 'kept' | 'refused';
  order?: PaymentOrderView;
  cancelled?: boolean;
  message?: string;
  title?: string;
  reason?: string;
  reload?: boolean;
}

type Target = { kind: 'new'; cardId: string; itemIds: string[] } | { kind: 'open'; orderId: string };

interface PayFlowModule {
  startPayment(
    consentIds: string[],
    target: Target,
    options?: { pollDelaysMs?: number[]; sleep?: (ms: number) => Promise<void>; now?: () => number },
  ): Promise<Outcome>;
}

const EXPIRES = Date.parse('2024-05-06T02:30:00.000Z');
const NEW: Target = { kind: 'new', cardId: 'c1', itemIds: ['i-lab', 'i-rx'] };
const CONSENT = ['tmpl-pay-ok-test', 'tmpl-refund-test'];

interface FlowSetup {
  answers?: PayAnswer[];
  create?: BackendReply;
  /** The statuses `confirm` answers in turn (the last one repeats); 'down' = network failure. */
  confirms?: (PaymentOrderStatus | 'down')[];
}

function setup({ answers = ['ok'], create, confirms = ['paid'] }: FlowSetup = {}) {
  const steps: string[] = [];
  const pay = payApis(answers, steps);
  const queue = confirms.slice();
  const created = create ?? ok({ order: order(), payParams });
  const wx = installWx({
    backend: paymentBackend({
      'payment.createOrder': () => {
        steps.push('createOrder');
        return created;
      },
      'payment.pay': () => {
        steps.push('pay');
        return created;
      },
      'payment.confirm': () => {
        steps.push('confirm');
        const next = queue.length > 1 ? queue.shift()! : queue[0]!;
        return next === 'down' ? networkDown() : ok(order({ status: next }));
      },
    }),
    apis: pay.apis,
  });
  const sleeps: number[] = [];
  const options = {
    pollDelaysMs: [10, 20, 40],
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    now: () => EXPIRES - 30 * 60_000,
  };
  const flow = mpRequire<PayFlowModule>('packagePayment/services/pay-flow');
  return { wx, pay, steps, sleeps, options, flow };
}

describe('pay flow', () => {
  test('consent is asked synchronously, first; then createOrder → requestPayment → confirm', async () => {
    const { flow, steps, pay, options, wx } = setup();
    const running = flow.startPayment(CONSENT, NEW, options);
    // Before anything asynchronous ran: WeChat shows the consent sheet only from the tap itself.
    expect(steps).toEqual(['consent']);
    const outcome = await running;
    expect(steps).toEqual(['consent', 'createOrder', 'requestPayment', 'confirm']);
    expect(pay.consents).toEqual([CONSENT]);
    expect(wx.eventsTo('payment')[0]).toEqual({ action: 'createOrder', cardId: 'c1', itemIds: ['i-lab', 'i-rx'] });
    // The signed parameters go to WeChat exactly as the server sent them.
    expect(pay.payments).toEqual([payParams]);
    expect(outcome).toMatchObject({ kind: 'finished', order: { status: 'paid' } });
  });

  test('without template ids no consent is asked, and paying still works', async () => {
    const { flow, steps, options } = setup();
    await flow.startPayment([], NEW, options);
    expect(steps).toEqual(['createOrder', 'requestPayment', 'confirm']);
  });

  test('an open order is paid again with `pay`', async () => {
    const { flow, steps, options, wx } = setup();
    await flow.startPayment(CONSENT, { kind: 'open', orderId: 'po-1' }, options);
    expect(steps).toEqual(['consent', 'pay', 'requestPayment', 'confirm']);
    expect(wx.eventsTo('payment')[0]).toEqual({ action: 'pay', orderId: 'po-1' });
  });

  test('after a success `confirm` is polled with back-off while paying/created, until it changes', async () => {
    const { flow, steps, sleeps, options } = setup({ confirms: ['paying', 'created', 'settled'] });
    const outcome = await flow.startPayment(CONSENT, NEW, options);
    expect(steps.filter((s) => s === 'confirm')).toHaveLength(3);
    expect(sleeps).toEqual([10, 20]);
    expect(outcome).toMatchObject({ kind: 'finished', order: { status: 'settled' } });
  });

  test('polling gives up after the last delay; the result page then says 确认中', async () => {
    const { flow, steps, sleeps, options } = setup({ confirms: ['paying'] });
    const outcome = await flow.startPayment(CONSENT, NEW, options);
    expect(steps.filter((s) => s === 'confirm')).toHaveLength(4);
    expect(sleeps).toEqual([10, 20, 40]);
    expect(outcome).toMatchObject({ kind: 'finished', order: { status: 'paying' } });
  });

  test('a confirm that fails after a success still opens the result (which asks again)', async () => {
    const { flow, options } = setup({ confirms: ['down'] });
    const outcome = await flow.startPayment(CONSENT, NEW, options);
    expect(outcome).toMatchObject({ kind: 'finished', order: { orderId: 'po-1', status: 'created' } });
  });

  test('a user cancel keeps the order open and says for how long; confirm asked once, no polling', async () => {
    const { flow, steps, sleeps, options } = setup({ answers: ['cancel'], confirms: ['paying'] });
    const outcome = await flow.startPayment(CONSENT, NEW, options);
    expect(steps).toEqual(['consent', 'createOrder', 'requestPayment', 'confirm']);
    expect(sleeps).toEqual([]);
    expect(outcome).toMatchObject({ kind: 'kept', cancelled: true, message: '订单已保留，可在30分钟内继续支付' });

    // The minutes come from the order's expiresAt.
    const later = setup({ answers: ['cancel'], confirms: ['paying'] });
    const kept = await later.flow.startPayment(CONSENT, NEW, { ...later.options, now: () => EXPIRES - 12.5 * 60_000 });
    expect(kept.message).toBe('订单已保留，可在13分钟内继续支付');
  });

  test('a failed payment asks confirm too: failure proves nothing either', async () => {
    const paid = setup({ answers: ['fail'], confirms: ['paid'] });
    await expect(paid.flow.startPayment(CONSENT, NEW, paid.options)).resolves.toMatchObject({
      kind: 'finished',
      order: { status: 'paid' },
    });
    const open = setup({ answers: ['fail'], confirms: ['paying'] });
    await expect(open.flow.startPayment(CONSENT, NEW, open.options)).resolves.toMatchObject({
      kind: 'kept',
      cancelled: false,
      message: '支付未完成，订单已保留，可在30分钟内继续支付',
    });
  });

  test('no pay parameters (nothing to pay in cash, or no longer payable): no requestPayment, confirm, result', async () => {
    const { flow, steps, options } = setup({
      create: ok({ order: order({ status: 'paid' }), payParams: null }),
      confirms: ['settled'],
    });
    const outcome = await flow.startPayment(CONSENT, NEW, options);
    expect(steps).toEqual(['consent', 'createOrder', 'confirm']);
    expect(outcome).toMatchObject({ kind: 'finished', order: { status: 'settled' } });
  });

  // The server's message is deliberately odd: the page's text comes from `reason`, never from it.
  test.each([
    ['FAILED_PRECONDITION', 'itemsChanged', true, '费用已变化，请刷新'],
    ['ALREADY_EXISTS', 'itemsInOtherOrder', true, '所选项目已在待支付订单中'],
    ['FAILED_PRECONDITION', 'notPayable', true, '该订单已支付或已关闭'],
    ['UNAVAILABLE', 'payUnavailable', false, '微信支付暂时没有响应，本次未扣款，请稍后再试'],
    ['UNAVAILABLE', 'hisUnavailable', false, '医院系统暂时无法确认费用，本次未扣款，请稍后再试'],
  ])('%s `%s`: refused before paying (reload %s)', async (code, reason, reload, text) => {
    const { flow, steps, options } = setup({ create: fail(code, 'server wording XYZ', { reason }) });
    const outcome = await flow.startPayment(CONSENT, NEW, options);
    expect(steps).toEqual(['consent', 'createOrder']);
    expect(outcome).toMatchObject({ kind: 'refused', reason, reload });
    expect(outcome.message).toContain(text);
    expect(outcome.message).not.toContain('XYZ');
  });

  test('a refusal without a known reason shows the server message; no answer reloads the list', async () => {
    const other = setup({ create: fail('INVALID_ARGUMENT', '最多选择20个项目', { field: 'itemIds' }) });
    await expect(other.flow.startPayment([], NEW, other.options)).resolves.toMatchObject({
      kind: 'refused',
      reason: 'other',
      message: '最多选择20个项目',
      reload: false,
    });
    const lost = setup({ create: networkDown() });
    await expect(lost.flow.startPayment([], NEW, lost.options)).resolves.toMatchObject({
      kind: 'refused',
      reason: 'unknown',
      reload: true,
    });
  });
});

describe('pay flow: an open 医保 order', () => {
  type Params = Record<string, unknown>;
  function medIns(params: Params, confirms: PaymentOrderStatus[]) {
    const steps: string[] = [];
    const paid: Params[] = [];
    const queue = confirms.slice();
    installWx({
      backend: paymentBackend({
        'payment.pay': () => {
          steps.push('pay');
          return ok({ order: order({ mode: 'insurance' }), payParams: null, medInsPayParams: params });
        },
        'payment.confirm': () => {
          steps.push('confirm');
          return ok(order({ mode: 'insurance', status: queue.length > 1 ? queue.shift()! : queue[0]! }));
        },
      }),
      apis: {
        ...payApis([], steps).apis,
        requestMedicalInsurancePay: (o: Params & { success?: (r: unknown) => void }) => {
          steps.push('requestMedicalInsurancePay');
          const { success, fail: _fail, ...rest } = o;
          paid.push(rest);
          success?.({ errMsg: 'requestMedicalInsurancePay:ok' });
        },
      },
    });
    const sleeps: number[] = [];
    const flow = mpRequire<PayFlowModule>('packagePayment/services/pay-flow');
    const options = {
      pollDelaysMs: [1],
      insurancePollDelaysMs: [10, 20, 30],
      sleep: async (ms: number) => void sleeps.push(ms),
    } as Parameters<PayFlowModule['startPayment']>[2];
    return { flow, steps, paid, sleeps, options };
  }

  test('`pay` answers medInsPayParams: requestMedicalInsurancePay, then confirm polled on the 医保 delays', async () => {
    const params = {
      mixTradeNo: 'mix-1',
      timeStamp: '1',
      nonceStr: 'n',
      package: 'prepay_id=p',
      signType: 'RSA',
      paySign: 's',
    };
    const { flow, steps, paid, sleeps, options } = medIns(params, ['paying', 'paying', 'settled']);
    const outcome = await flow.startPayment([], { kind: 'open', orderId: 'po-1' }, options);
    expect(steps).toEqual(['pay', 'requestMedicalInsurancePay', 'confirm', 'confirm', 'confirm']);
    expect(paid).toEqual([params]);
    expect(sleeps).toEqual([10, 20]);
    expect(outcome).toMatchObject({ kind: 'finished', order: { status: 'settled' } });
  });

  test('without a cash prepay (empty `package`) only mixTradeNo goes to WeChat', async () => {
    const params = { mixTradeNo: 'mix-2', timeStamp: '1', nonceStr: 'n', package: '', signType: 'RSA', paySign: 's' };
    const { flow, paid, options } = medIns(params, ['settled']);
    await flow.startPayment([], { kind: 'open', orderId: 'po-1' }, options);
    expect(paid).toEqual([{ mixTradeNo: 'mix-2' }]);
  });
});
