/** 门诊缴费's 去支付: the tap starts the pay flow and the page shows its outcome. */
import { freshPagesEachTest, openPage, renderPage, tapVant, textOf } from './helpers';
import type { PageComponent } from './helpers';
import { fail, flush, installWx, ok } from './wx-mock';
import type { BackendReply } from './wx-mock';
import { feeItem, fourItems, order, paymentBackend, payApis, payParams, templates } from './payment-fixtures';
import type { PayAnswer } from './payment-fixtures';
import type { PaymentOrderView } from '../../typings/payment';

freshPagesEachTest();

const INDEX = 'packagePayment/pages/index/index';
const inHalfAnHour = () => new Date(Date.now() + 30 * 60_000 - 1000).toISOString();

interface PageSetup {
  answers?: PayAnswer[];
  create?: BackendReply | (() => BackendReply | Promise<BackendReply>);
  confirm?: BackendReply;
  /** The card's open orders at each listUnpaid. */
  openOrders?: () => PaymentOrderView[];
}

function setup({ answers = ['ok'], create, confirm, openOrders = () => [] }: PageSetup = {}) {
  const steps: string[] = [];
  const pay = payApis(answers, steps);
  const created = order({ orderId: 'po-new', expiresAt: inHalfAnHour() });
  const wx = installWx({
    backend: paymentBackend({
      'payment.listUnpaid': () => {
        steps.push('listUnpaid');
        return ok({ cardId: 'c1', items: fourItems(), openOrders: openOrders() });
      },
      'payment.createOrder': () => {
        steps.push('createOrder');
        const reply = create ?? ok({ order: created, payParams });
        return typeof reply === 'function' ? reply() : reply;
      },
      'payment.pay': () => {
        steps.push('pay');
        return ok({ order: created, payParams });
      },
      'payment.confirm': () => {
        steps.push('confirm');
        return confirm ?? ok({ ...created, status: 'paid' });
      },
    }),
    apis: pay.apis,
  });
  return { wx, pay, steps };
}

/** The page, with polling delays of 0 so a test does not wait for the back-off. */
async function openIndex(): Promise<PageComponent> {
  const page = renderPage(INDEX);
  (page.instance as unknown as { _pollDelays: number[] })._pollDelays = [0, 0];
  page.instance.onLoad({});
  await flush();
  return page;
}

async function submit(page: PageComponent): Promise<void> {
  await tapVant(page, '#submit-bar >>> .van-submit-bar__button');
  await flush(6);
}

describe('门诊缴费 · 去支付', () => {
  test('consent first with the `templates` ids, then the order of the selection, then the result page', async () => {
    const { wx, pay, steps } = setup();
    const page = await openIndex();
    await tapVant(page, '#check-i-exam');
    steps.length = 0;
    await submit(page);
    expect(steps).toEqual(['consent', 'createOrder', 'requestPayment', 'confirm']);
    expect(pay.consents).toEqual([templates.consent]);
    expect(wx.eventsTo('payment').find((e) => e.action === 'createOrder')).toEqual({
      action: 'createOrder',
      cardId: 'c1',
      itemIds: ['i-lab', 'i-rx', 'i-reg'],
    });
    expect(pay.payments).toEqual([payParams]);
    expect(wx.argsOf('navigateTo')).toEqual([
      expect.objectContaining({ url: '/packagePayment/pages/result/index?orderId=po-new' }),
    ]);
  });

  test('the tap handler asks consent synchronously: nothing asynchronous comes before it', async () => {
    const { steps } = setup();
    const page = await openIndex();
    steps.length = 0;
    (page.instance as unknown as { onSubmit(): void }).onSubmit();
    expect(steps).toEqual(['consent']);
    await flush(6);
    expect(steps).toEqual(['consent', 'createOrder', 'requestPayment', 'confirm']);
  });

  test('while paying every pay control is disabled: a second tap sends nothing', async () => {
    let release: (r: BackendReply) => void = () => undefined;
    const pending = new Promise<BackendReply>((resolve) => (release = resolve));
    const { steps } = setup({ create: () => pending });
    const page = await openIndex();
    await tapVant(page, '#submit-bar >>> .van-submit-bar__button');
    expect(page.querySelector('#submit-bar')!.data.disabled).toBe(true);
    expect(page.querySelector('#submit-bar')!.data.loading).toBe(true);
    await tapVant(page, '#submit-bar >>> .van-submit-bar__button');
    release(ok({ order: order({ orderId: 'po-new' }), payParams }));
    await flush(6);
    expect(steps.filter((s) => s === 'createOrder')).toHaveLength(1);
    expect(steps.filter((s) => s === 'consent')).toHaveLength(1);
  });

  test('a cancel in WeChat Pay keeps the order: 订单已保留，可在30分钟内继续支付, and the list shows it', async () => {
    const { wx, steps } = setup({
      answers: ['cancel'],
      confirm: ok(order({ orderId: 'po-new', status: 'paying', expiresAt: inHalfAnHour() })),
    });
    const page = await openIndex();
    steps.length = 0;
    await submit(page);
    expect(steps).toEqual(['consent', 'createOrder', 'requestPayment', 'confirm', 'listUnpaid']);
    expect(wx.argsOf('showModal')[0]).toMatchObject({
      title: '支付已取消',
      content: '订单已保留，可在30分钟内继续支付',
    });
    expect(wx.argsOf('navigateTo')).toEqual([]);
    expect(page.querySelector('#submit-bar')!.data.disabled).toBe(false);
  });

  test('`itemsChanged`: 费用已变化 with 刷新, which loads the list again', async () => {
    const { wx, steps } = setup({ create: fail('FAILED_PRECONDITION', '费用变了', { reason: 'itemsChanged' }) });
    const page = await openIndex();
    steps.length = 0;
    await submit(page);
    expect(wx.argsOf('showModal')[0]).toMatchObject({
      title: '费用已变化',
      content: '费用已变化，请刷新后核对再支付',
      showCancel: false,
      confirmText: '刷新',
    });
    expect(steps).toEqual(['consent', 'createOrder', 'listUnpaid']);
    expect(steps).not.toContain('requestPayment');
  });

  test('`itemsInOtherOrder`: says so and reloads, which shows the open order with 去支付', async () => {
    let open: PaymentOrderView[] = [];
    const { wx, steps } = setup({
      create: () => {
        open = [order({ orderId: 'po-open' })]; // made meanwhile, e.g. on another phone
        return fail('ALREADY_EXISTS', 'x', { reason: 'itemsInOtherOrder' });
      },
      openOrders: () => open,
    });
    const page = await openIndex();
    expect(page.querySelector('#open-orders')).toBeUndefined();
    steps.length = 0;
    await submit(page);
    expect(wx.argsOf('showModal')[0]).toMatchObject({ title: '已有待支付订单' });
    expect(steps).toEqual(['consent', 'createOrder', 'listUnpaid']);
    expect(textOf(page.querySelector('#open-po-open'))).toContain('去支付');
  });

  test.each([
    ['payUnavailable', '暂时无法支付', '微信支付暂时没有响应，本次未扣款，请稍后再试'],
    ['hisUnavailable', '暂时无法缴费', '医院系统暂时无法确认费用，本次未扣款，请稍后再试'],
  ])('`%s`: plain text of what happened and what to do, the selection kept', async (reason, title, content) => {
    const { wx, steps } = setup({ create: fail('UNAVAILABLE', 'whatever', { reason }) });
    const page = await openIndex();
    await tapVant(page, '#check-i-exam');
    steps.length = 0;
    await submit(page);
    expect(wx.argsOf('showModal')[0]).toMatchObject({ title, content });
    expect(steps).toEqual(['consent', 'createOrder']);
    expect(textOf(page.querySelector('#total'))).toBe('合计：¥82.50');
  });

  test('去支付 of an open order: consent, `pay`, requestPayment, confirm, result', async () => {
    const { wx, steps } = setup({
      openOrders: () => [order({ orderId: 'po-open', items: [feeItem({ itemId: 'i-old' })] })],
    });
    const page = await openIndex();
    steps.length = 0;
    await tapVant(page, '#open-pay-po-open');
    await flush(6);
    expect(steps).toEqual(['consent', 'pay', 'requestPayment', 'confirm']);
    expect(wx.eventsTo('payment').find((e) => e.action === 'pay')).toEqual({ action: 'pay', orderId: 'po-open' });
    expect(wx.argsOf('navigateTo')).toHaveLength(1);
  });

  test('back from the result page the list is loaded again', async () => {
    const { steps } = setup();
    const page = await openPage(INDEX);
    steps.length = 0;
    page.instance.onShow();
    await flush();
    expect(steps).toEqual(['listUnpaid']);
  });
});
