/** 缴费结果 packagePayment/pages/result: what each order status says, the pickup code, polling and 刷新. */
import { freshPagesEachTest, openPage, renderPage, tapVant, textOf } from './helpers';
import type { PageComponent } from './helpers';
import { fail, flush, installWx, ok } from './wx-mock';
import type { BackendReply } from './wx-mock';
import { feeItem, fourItems, order, paymentBackend, settledOrder } from './payment-fixtures';
import type { PaymentOrderView } from '../../typings/payment';

freshPagesEachTest();

const RESULT = 'packagePayment/pages/result/index';

/** `get` answers these in turn (the last one repeats); `confirm` the given one. */
function setup(gets: PaymentOrderView[], confirm?: BackendReply) {
  const queue = gets.slice();
  return installWx({
    backend: paymentBackend({
      'payment.get': () => ok(queue.length > 1 ? queue.shift()! : queue[0]!),
      ...(confirm ? { 'payment.confirm': confirm } : {}),
    }),
  });
}

/** The result page with settle-poll delays of 0 (the real ones are seconds). */
async function openResult(pollDelays: number[] = [0, 0, 0]): Promise<PageComponent> {
  const page = renderPage(RESULT);
  (page.instance as unknown as { _pollDelays: number[] })._pollDelays = pollDelays;
  page.instance.onLoad({ orderId: 'po-1' });
  await flush(8);
  return page;
}

const title = (page: PageComponent) => textOf(page.querySelector('#result-title'));

describe('缴费结果 packagePayment/pages/result', () => {
  test('settled: 缴费成功, the 8-digit pickup code big, how to use it, valid until, each item’s guide', async () => {
    const items = [feeItem(), fourItems()[1]!, fourItems()[2]!];
    setup([settledOrder({ items })]);
    const page = await openResult();
    expect(title(page)).toBe('缴费成功');
    expect(textOf(page.querySelector('#result-amount'))).toBe('¥82.50');
    expect(textOf(page.querySelector('#pickup >>> #pickup-code'))).toBe('1234 5678');
    const pickup = textOf(page.querySelector('#pickup'));
    expect(pickup).toContain('凭取单码可在自助机打印指引单');
    expect(textOf(page.querySelector('#pickup >>> #pickup-expires'))).toBe('有效期至 2024-05-07 23:59');
    const guides = textOf(page.querySelector('#guides'));
    expect(guides).toContain('血常规请前往门诊楼2楼检验科');
    expect(guides).toContain('西药处方请前往门诊楼1楼西药房');
    // An item without a guide still says something useful.
    expect(guides).toContain('挂号费·心血管内科请按医嘱就诊');
    expect(page.querySelector('#refresh')).toBeUndefined();
  });

  test('paid: 医院确认中…, then `get` again briefly until settled (the code appears)', async () => {
    const wx = setup([order({ status: 'paid' }), order({ status: 'paid' }), settledOrder()]);
    const page = await openResult([60, 0, 0]);
    expect(title(page)).toBe('缴费成功，医院确认中…');
    expect(page.querySelector('#pickup')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 100));
    await flush(10);
    expect(title(page)).toBe('缴费成功');
    expect(textOf(page.querySelector('#pickup >>> #pickup-code'))).toBe('1234 5678');
    expect(wx.eventsTo('payment').filter((e) => e.action === 'get')).toHaveLength(3);
  });

  test('paid polling stops after its delays, and when the page is left', async () => {
    const wx = setup([order({ status: 'paid' })]);
    const page = await openResult([0, 0]);
    await flush(8);
    expect(title(page)).toBe('缴费成功，医院确认中…');
    expect(wx.eventsTo('payment').filter((e) => e.action === 'get')).toHaveLength(3); // load + 2 polls

    const left = setup([order({ status: 'paid' })]);
    const page2 = renderPage(RESULT);
    (page2.instance as unknown as { _pollDelays: number[] })._pollDelays = [30, 30];
    page2.instance.onLoad({ orderId: 'po-1' });
    await flush();
    (page2.instance as unknown as { onUnload(): void }).onUnload();
    await new Promise((r) => setTimeout(r, 80));
    expect(left.eventsTo('payment').filter((e) => e.action === 'get')).toHaveLength(1);
  });

  test.each([
    ['refunding', '退款处理中'],
    ['refunded', '已退回'],
  ] as const)(
    '%s: the hospital could not confirm, the money goes back, with the refund status',
    async (status, refundText) => {
      setup([
        order({
          status,
          paidAt: '2024-05-06T02:05:00.000Z',
          failure: 'hisRefused',
          refunds: [
            {
              refundId: 'rf-1',
              amountFen: 2500,
              status: status === 'refunded' ? 'success' : 'processing',
              reason: '医院未能确认缴费，款项原路退回',
              createdAt: '2024-05-06T02:06:00.000Z',
              succeededAt: status === 'refunded' ? '2024-05-06T02:10:00.000Z' : null,
            },
          ],
        }),
      ]);
      const page = await openResult();
      expect(title(page)).toBe('医院未能确认本次缴费，款项将原路退回');
      const refunds = textOf(page.querySelector('#refunds'));
      expect(refunds).toContain('退款 ¥25.00');
      expect(refunds).toContain(refundText);
      expect(page.querySelector('#pickup')).toBeUndefined();
    },
  );

  test('closed: 订单已关闭, nothing charged', async () => {
    setup([order({ status: 'closed' })]);
    const page = await openResult();
    expect(title(page)).toBe('订单已关闭');
    expect(textOf(page.querySelector('#result-text'))).toContain('未扣款');
  });

  test('paying: 支付结果确认中，请勿重复支付, and 刷新 asks `confirm`', async () => {
    const wx = setup([order({ status: 'paying' })], ok(settledOrder()));
    const page = await openResult();
    expect(title(page)).toBe('支付结果确认中，请勿重复支付');
    await tapVant(page, '#refresh');
    await flush();
    expect(wx.eventsTo('payment')).toContainEqual({ action: 'confirm', orderId: 'po-1' });
    expect(title(page)).toBe('缴费成功');
    expect(page.querySelector('#refresh')).toBeUndefined();
  });

  test('刷新 failing keeps the page and says why', async () => {
    const wx = setup([order({ status: 'created' })], fail('UNAVAILABLE', '网络繁忙'));
    const page = await openResult();
    await tapVant(page, '#refresh');
    await flush();
    expect(title(page)).toBe('支付结果确认中，请勿重复支付');
    expect(wx.argsOf('showToast')[0]).toMatchObject({ title: '网络繁忙' });
  });

  test('查看缴费记录 and 返回首页; an unknown order is 不存在', async () => {
    const wx = setup([settledOrder()]);
    const page = await openResult();
    await tapVant(page, '#go-records');
    await tapVant(page, '#go-home');
    expect(wx.argsOf('redirectTo')[0]).toMatchObject({ url: '/packagePayment/pages/records/index' });
    expect(wx.argsOf('switchTab')[0]).toMatchObject({ url: '/pages/home/index' });

    installWx({ backend: paymentBackend({ 'payment.get': fail('NOT_FOUND', '订单不存在') }) });
    const gone = await openPage(RESULT, { orderId: 'po-x' });
    expect(textOf(gone.querySelector('#not-found'))).toContain('缴费订单不存在');
    const none = await openPage(RESULT, {});
    expect(textOf(none.querySelector('#not-found'))).toContain('缴费订单不存在');
  });
});
