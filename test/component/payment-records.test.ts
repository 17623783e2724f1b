/** 缴费记录 and 缴费详情 (packagePayment/pages/records, detail): the list by card, and one order in full. */
import { countOf, freshPagesEachTest, openPage, showPage, tapVant, textOf } from './helpers';
import { fail, flush, installWx, ok } from './wx-mock';
import type { BackendCall } from './wx-mock';
import { feeItem, fourItems, order, paymentBackend, settledOrder } from './payment-fixtures';

freshPagesEachTest();

const RECORDS = 'packagePayment/pages/records/index';
const DETAIL = 'packagePayment/pages/detail/index';

const older = settledOrder({ orderId: 'po-old', createdAt: '2024-05-01T02:00:00.000Z' });
const newer = order({
  orderId: 'po-new',
  cardId: 'c2',
  patientName: '王*华',
  createdAt: '2024-05-06T02:00:00.000Z',
  items: fourItems(),
});

describe('缴费记录 packagePayment/pages/records', () => {
  test('newest first, each with its items, total, patient, time and status; a row opens 缴费详情', async () => {
    // Sent oldest first: the page still shows the newest first.
    const wx = installWx({
      backend: paymentBackend({ 'payment.listOrders': ok({ orders: [older, newer], truncated: false }) }),
    });
    const page = await showPage(RECORDS);
    expect(wx.eventsTo('payment')).toContainEqual({ action: 'listOrders' });
    const rows = page.querySelectorAll('.record').map(textOf);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('血常规 等4项');
    expect(rows[0]).toContain('待支付');
    expect(rows[0]).toContain('王*华 · 2024-05-06 10:00');
    expect(rows[0]).toContain('¥262.50');
    expect(rows[1]).toContain('已缴费');
    expect(rows[1]).toContain('¥25.00');
    await tapVant(page, '#order-po-old');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/packagePayment/pages/detail/index?orderId=po-old' });
  });

  test('the card filter asks for that card only; 全部就诊人 for all of them', async () => {
    const wx = installWx({
      backend: paymentBackend({
        'payment.listOrders': (call: BackendCall) =>
          ok({ orders: call.event.cardId === 'c2' ? [newer] : [older, newer], truncated: false }),
      }),
    });
    const page = await showPage(RECORDS);
    expect(page.querySelectorAll('.filters__item').map(textOf)).toEqual(['全部就诊人', '王*华', '王小明']);
    await tapVant(page, '#filter-c2');
    await flush();
    expect(wx.eventsTo('payment')).toContainEqual({ action: 'listOrders', cardId: 'c2' });
    expect(countOf(page, '.record')).toBe(1);
    expect(page.querySelector('#filter-c2')!.dom!.className).toContain('filters__item--active');
    await tapVant(page, '#filter-all');
    await flush();
    expect(countOf(page, '.record')).toBe(2);
  });

  test('none: 暂无缴费记录 with 去缴费; more than shown: the note; a failure: 重新加载', async () => {
    const wx = installWx({ backend: paymentBackend({ 'payment.listOrders': ok({ orders: [], truncated: false }) }) });
    const page = await showPage(RECORDS);
    expect(textOf(page.querySelector('#empty-state'))).toContain('暂无缴费记录');
    await tapVant(page, '#empty-state >>> #action');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/packagePayment/pages/index/index' });

    installWx({ backend: paymentBackend({ 'payment.listOrders': ok({ orders: [older], truncated: true }) }) });
    const more = await showPage(RECORDS);
    expect(textOf(more.querySelector('#truncated'))).toContain('仅显示最近的缴费记录');

    installWx({ backend: paymentBackend({ 'payment.listOrders': fail('UNAVAILABLE', '服务繁忙') }) });
    const broken = await showPage(RECORDS);
    expect(textOf(broken.querySelector('#error-state'))).toContain('服务繁忙');
  });
});

describe('缴费详情 packagePayment/pages/detail', () => {
  const clipboardCalls: string[] = [];

  /** 缴费详情 of `o`, with a wx.setClipboardData that records what it copies. */
  function openDetail(o = settledOrder(), query: Record<string, string> = { orderId: o.orderId }) {
    clipboardCalls.length = 0;
    const setClipboardData = (c: { data: string; success?: () => void }) => {
      clipboardCalls.push(c.data);
      c.success?.();
    };
    const wx = installWx({ backend: paymentBackend({ 'payment.get': ok(o) }), apis: { setClipboardData } });
    return { wx, page: openPage(DETAIL, query) };
  }

  test('a settled self-pay order: items with lines, all 自费, the pickup code and the e-receipt', async () => {
    const items = [feeItem(), fourItems()[1]!];
    const { wx, page } = openDetail(settledOrder({ items }));
    const p = await page;
    expect(textOf(p.querySelector('#total'))).toBe('¥67.50');
    expect(textOf(p.querySelector('#status-tag'))).toBe('已缴费');
    const shown = textOf(p.querySelector('#items'));
    for (const s of [
      '检验 · 血常规',
      '处方 · 西药处方',
      '阿莫西林胶囊',
      '0.25g×24粒 · 2 × ¥12.50',
      '请前往门诊楼1楼西药房',
    ])
      expect(shown).toContain(s);
    const split = textOf(p.querySelector('#split'));
    expect(split).toContain('自费（微信支付）');
    expect(textOf(p.querySelector('#split-cash'))).toContain('¥67.50');
    expect(p.querySelector('#split-fund')).toBeUndefined();
    expect(textOf(p.querySelector('#pickup >>> #pickup-code'))).toBe('1234 5678');

    const receipt = textOf(p.querySelector('#receipt'));
    for (const s of ['票据代码', '33010124', '票据号码', '0001234567', '校验码', 'a1b2c3', '2024-05-06 10:06'])
      expect(receipt).toContain(s);
    await tapVant(p, '#view-receipt');
    expect(wx.argsOf('showModal')[0]).toMatchObject({ title: '查看电子票据', confirmText: '复制链接' });
    expect(clipboardCalls).toEqual(['https://einvoice.example.com/r/0001234567?c=a1b2c3']);
    expect(p.querySelector('#go-pay')).toBeUndefined();
  });

  test('an insurance order: 医保统筹 / 个人账户 / 自费', async () => {
    const o = settledOrder({
      mode: 'insurance',
      split: { totalFen: 2500, fundFen: 1500, accountFen: 600, cashFen: 400 },
    });
    const p = await openDetail(o).page;
    expect(textOf(p.querySelector('#split-fund'))).toBe('医保统筹¥15.00');
    expect(textOf(p.querySelector('#split-account'))).toBe('个人账户¥6.00');
    expect(textOf(p.querySelector('#split-cash'))).toBe('自费¥4.00');
  });

  test('refunds with their status; no pickup code unless settled; a settled order without receipt yet', async () => {
    const refunded = order({
      status: 'refunded',
      failure: 'settleTimeout',
      pickup: { code: '87654321', expiresAt: '2024-05-07T15:59:00.000Z' },
      refunds: [
        {
          refundId: 'rf-1',
          amountFen: 2500,
          status: 'success',
          reason: '医院未能确认缴费，款项原路退回',
          createdAt: '2024-05-06T02:06:00.000Z',
          succeededAt: '2024-05-06T02:10:00.000Z',
        },
        {
          refundId: 'rf-2',
          amountFen: 100,
          status: 'abnormal',
          reason: '部分退款',
          createdAt: '2024-05-06T02:07:00.000Z',
          succeededAt: null,
        },
      ],
    });
    const p = await openDetail(refunded).page;
    expect(textOf(p.querySelector('#status-tag'))).toBe('已退款');
    expect(textOf(p.querySelector('#failure'))).toBe('医院确认超时，款项原路退回');
    const one = textOf(p.querySelector('#refund-rf-1'));
    expect(one).toContain('退款 ¥25.00');
    expect(one).toContain('已退回');
    expect(one).toContain('到账时间 2024-05-06 10:10');
    expect(textOf(p.querySelector('#refund-rf-2'))).toContain('退款异常，请联系医院收费处');
    expect(p.querySelector('#pickup')).toBeUndefined();

    const waiting = await openDetail(settledOrder({ receipt: null })).page;
    expect(waiting.querySelector('#receipt')).toBeUndefined();
    expect(textOf(waiting.querySelector('#receipt-pending'))).toContain('电子票据开具中');
  });

  test('a pending order: pay before, and 去支付 opens 门诊缴费 of its card', async () => {
    const { wx, page } = openDetail(order({ orderId: 'po-open', cardId: 'c2' }), { id: 'po-open' });
    const p = await page;
    expect(wx.eventsTo('payment')).toEqual([{ action: 'get', orderId: 'po-open' }]);
    expect(textOf(p.querySelector('#pay-before'))).toBe('请在 2024-05-06 10:30 前完成支付');
    await tapVant(p, '#go-pay');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/packagePayment/pages/index/index?cardId=c2' });
  });

  test('an unknown order is 不存在', async () => {
    installWx({ backend: paymentBackend({ 'payment.get': fail('NOT_FOUND', '订单不存在') }) });
    const p = await openPage(DETAIL, { orderId: 'po-x' });
    expect(textOf(p.querySelector('#not-found'))).toContain('缴费记录不存在');
  });
});
