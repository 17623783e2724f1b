/** 门诊缴费 packagePayment/pages/index: cards, unpaid items by kind, selection and total, open orders. */
import { countOf, freshPagesEachTest, openPage, tapVant, textOf } from './helpers';
import type { PageComponent } from './helpers';
import { fail, flush, installWx, networkDown, ok } from './wx-mock';
import type { BackendCall, BackendReply } from './wx-mock';
import { feeItem, fourItems, order, paymentBackend, payApis } from './payment-fixtures';

freshPagesEachTest();

const INDEX = 'packagePayment/pages/index/index';

type Unpaid = (call: BackendCall) => BackendReply;

/** listUnpaid answering per card: c1 has the four items, c2 one item and an open order. */
const byCard: Unpaid = (call) =>
  call.event.cardId === 'c1'
    ? ok({ cardId: 'c1', items: fourItems(), openOrders: [] })
    : ok({
        cardId: 'c2',
        items: [feeItem({ itemId: 'i-c2', title: '尿常规', amountFen: 1000 })],
        openOrders: [order({ orderId: 'po-open', cardId: 'c2' })],
      });

function setup(unpaid: Unpaid | BackendReply = byCard, extra: Record<string, BackendReply> = {}) {
  const pay = payApis();
  const wx = installWx({ backend: paymentBackend({ 'payment.listUnpaid': unpaid, ...extra }), apis: pay.apis });
  return { wx, pay };
}

const totalOf = (page: PageComponent) => textOf(page.querySelector('#total'));

/** Whether a check is shown ticked: its class (the filled check icon follows it). */
const ticked = (page: PageComponent, selector: string) =>
  page.querySelector(selector)!.dom!.className.includes('check--on');

describe('门诊缴费 packagePayment/pages/index', () => {
  test('the default card first and chosen; its items grouped 挂号/处方/检验/检查, all selected, with the total', async () => {
    const { wx } = setup();
    const page = await openPage(INDEX);
    // The server lists c2 first (twoCards); the picker puts the default card (c1) first and selects it.
    expect(page.querySelector('#card-picker')!.data.cards).toEqual([
      expect.objectContaining({ id: 'c1' }),
      expect.objectContaining({ id: 'c2' }),
    ]);
    expect(textOf(page.querySelector('#card-picker >>> #card-c1'))).toContain('已选');
    expect(wx.eventsTo('payment')).toContainEqual({ action: 'listUnpaid', cardId: 'c1' });

    const groups = page.querySelectorAll('.group-title').map(textOf);
    expect(groups).toEqual(['挂号（1项）¥15.00', '处方（1项）¥42.50', '检验（1项）¥25.00', '检查（1项）¥180.00']);
    expect(textOf(page.querySelector('#item-i-rx'))).toContain('西药处方');
    expect(textOf(page.querySelector('#item-i-rx'))).toContain('心血管内科 · 李*华 · 2024-05-06 09:12');
    // Everything selected by default: 15 + 42.50 + 25 + 180.
    expect(totalOf(page)).toBe('合计：¥262.50');
    expect(ticked(page, '#select-all')).toBe(true);
    for (const id of ['i-reg', 'i-rx', 'i-lab', 'i-exam']) expect(ticked(page, `#check-${id}`)).toBe(true);
  });

  test('unticking and ticking items changes the total; 全选 toggles all', async () => {
    setup();
    const page = await openPage(INDEX);
    await tapVant(page, '#check-i-exam');
    expect(totalOf(page)).toBe('合计：¥82.50');
    expect(ticked(page, '#check-i-exam')).toBe(false);
    expect(ticked(page, '#select-all')).toBe(false);
    await tapVant(page, '#check-i-rx');
    expect(totalOf(page)).toBe('合计：¥40.00');

    await tapVant(page, '#select-all'); // not all selected → selects all
    expect(totalOf(page)).toBe('合计：¥262.50');
    await tapVant(page, '#select-all'); // all selected → none
    expect(totalOf(page)).toBe('合计：¥0.00');
    expect(page.querySelector('#submit-bar')!.data.disabled).toBe(true);
    await tapVant(page, '#check-i-reg');
    expect(totalOf(page)).toBe('合计：¥15.00');
    expect(page.querySelector('#submit-bar')!.data.disabled).toBe(false);
  });

  test('a pull-down reload keeps what was unticked; an item added meanwhile comes selected', async () => {
    let calls = 0;
    const { wx } = setup(() => {
      calls += 1;
      const extra = calls > 1 ? [feeItem({ itemId: 'i-new', title: '尿常规', amountFen: 1000 })] : [];
      return ok({ cardId: 'c1', items: [...fourItems(), ...extra], openOrders: [] });
    });
    const page = await openPage(INDEX);
    await tapVant(page, '#check-i-exam');
    page.instance.onPullDownRefresh();
    await flush();
    expect(ticked(page, '#check-i-exam')).toBe(false);
    expect(ticked(page, '#check-i-new')).toBe(true);
    expect(totalOf(page)).toBe('合计：¥92.50');
    expect(wx.argsOf('stopPullDownRefresh')).toHaveLength(1);
  });

  test('an item expands to its lines: name, spec, quantity × unit price, amount', async () => {
    setup();
    const page = await openPage(INDEX);
    expect(page.querySelector('#lines-i-rx')).toBeUndefined();
    await tapVant(page, '#expand-i-rx');
    const lines = textOf(page.querySelector('#lines-i-rx'));
    for (const s of ['阿莫西林胶囊', '0.25g×24粒', '2 × ¥12.50', '¥25.00', '布洛芬缓释胶囊', '1 × ¥17.50', '¥17.50'])
      expect(lines).toContain(s);
    expect(textOf(page.querySelector('#expand-i-rx'))).toContain('收起明细');
    // Expanding does not change the selection.
    expect(totalOf(page)).toBe('合计：¥262.50');
    await tapVant(page, '#expand-i-rx');
    expect(page.querySelector('#lines-i-rx')).toBeUndefined();
  });

  test('another card loads its own items and open orders; the selection starts over', async () => {
    const { wx } = setup();
    const page = await openPage(INDEX);
    await tapVant(page, '#check-i-exam');
    await tapVant(page, '#card-picker >>> #card-c2');
    await flush();
    expect(wx.eventsTo('payment')).toContainEqual({ action: 'listUnpaid', cardId: 'c2' });
    expect(countOf(page, '.item')).toBe(1);
    expect(totalOf(page)).toBe('合计：¥10.00');
    const open = textOf(page.querySelector('#open-orders'));
    expect(open).toContain('血常规');
    expect(open).toContain('¥25.00');
    expect(textOf(page.querySelector('#open-pay-po-open'))).toBe('去支付');
    expect(textOf(page.querySelector('#open-cancel-po-open'))).toBe('取消');
  });

  test('a card preselected by the query', async () => {
    const { wx } = setup();
    await openPage(INDEX, { cardId: 'c2' });
    expect(wx.eventsTo('payment').filter((e) => e.action === 'listUnpaid')).toEqual([
      { action: 'listUnpaid', cardId: 'c2' },
    ]);
  });

  test('nothing to pay: 暂无待缴费项目 and no submit bar', async () => {
    setup(ok({ cardId: 'c1', items: [], openOrders: [] }));
    const page = await openPage(INDEX);
    expect(textOf(page.querySelector('#empty-state'))).toContain('暂无待缴费项目');
    expect(page.querySelector('#submit-bar')).toBeUndefined();
  });

  test('only an open order: it is shown, and no submit bar', async () => {
    setup(ok({ cardId: 'c1', items: [], openOrders: [order({ orderId: 'po-open' })] }));
    const page = await openPage(INDEX);
    expect(page.querySelector('#empty-state')).toBeUndefined();
    expect(page.querySelector('#open-po-open')).toBeTruthy();
    expect(textOf(page.querySelector('#no-items'))).toBe('暂无其他待缴费项目');
    expect(page.querySelector('#submit-bar')).toBeUndefined();
  });

  test('取消 of an open order: confirm dialog, `cancel`, then the list again', async () => {
    let cancelled = false;
    const unpaid: Unpaid = () =>
      ok({
        cardId: 'c1',
        items: cancelled ? [feeItem()] : [],
        openOrders: cancelled ? [] : [order({ orderId: 'po-open' })],
      });
    const wx = installWx({
      backend: paymentBackend({
        'payment.listUnpaid': unpaid,
        'payment.cancel': () => {
          cancelled = true;
          return ok(order({ orderId: 'po-open', status: 'closed' }));
        },
      }),
    });
    const page = await openPage(INDEX);
    await tapVant(page, '#open-cancel-po-open');
    await flush();
    expect(wx.argsOf('showModal')[0]).toMatchObject({ title: '取消订单', confirmText: '取消订单' });
    expect(wx.eventsTo('payment')).toContainEqual({ action: 'cancel', orderId: 'po-open' });
    expect(wx.argsOf('showToast')[0]).toMatchObject({ title: '订单已取消' });
    expect(page.querySelector('#open-po-open')).toBeUndefined();
    expect(page.querySelector('#item-i-lab')).toBeTruthy();
  });

  test('no card yet: the prompt to add one, no list', async () => {
    const wx = installWx({ backend: paymentBackend({ 'patient.list': ok({ cards: [], limit: 5 }) }) });
    const page = await openPage(INDEX);
    expect(textOf(page.querySelector('#card-picker >>> #no-card'))).toContain('请先添加就诊人');
    expect(page.querySelector('#empty-state')).toBeUndefined();
    await tapVant(page, '#card-picker >>> #no-card >>> #action');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/pages/patients/add/index' });
  });

  test('the list failing shows its error with 重新加载; the cards failing, the page error', async () => {
    let down = true;
    setup((call) =>
      down ? fail('UNAVAILABLE', '医院系统繁忙，请稍后再试', { reason: 'hisUnavailable' }) : byCard(call),
    );
    const page = await openPage(INDEX);
    expect(textOf(page.querySelector('#list-error'))).toContain('医院系统繁忙，请稍后再试');
    down = false;
    await tapVant(page, '#list-error >>> #retry');
    await flush();
    expect(countOf(page, '.item')).toBe(4);

    installWx({ backend: paymentBackend({ 'patient.list': networkDown() }) });
    const broken = await openPage(INDEX);
    expect(textOf(broken.querySelector('#error-state'))).toContain('网络异常，请稍后重试');
  });
});
