/**
 * 自助检验申请 packagePayment/pages/lab: the catalog by category (price, specimen, preparation with
 * 空腹项目 called out, turnaround; tests the card may not order disabled with the reason), today's
 * remaining orders, the sampling site; 提交并支付 (consent on the tap, `orderLabTests` with an
 * idempotency key, the pay flow, the result page), refusals by reason; the entries that open it;
 * 缴费结果 of a lab order with the site's location and hours.
 */
import { freshPagesEachTest, openPage, renderPage, tapVant, textOf } from './helpers';
import type { PageComponent } from './helpers';
import { fail, flush, installWx, ok, routes } from './wx-mock';
import type { BackendCall, BackendReply } from './wx-mock';
import {
  feeItem,
  labCatalog,
  order,
  paymentBackend,
  payApis,
  payParams,
  settledOrder,
  templates,
} from './payment-fixtures';
import type { PayAnswer } from './payment-fixtures';
import type { PaymentLabCatalogResponse } from '../../typings/payment';

freshPagesEachTest();

const LAB = 'packagePayment/pages/lab/index';
const RESULT = 'packagePayment/pages/result/index';
const inHalfAnHour = () => new Date(Date.now() + 30 * 60_000 - 1000).toISOString();

interface Setup {
  answers?: PayAnswer[];
  /** `labCatalog` answers per call (the last one repeats). */
  catalogs?: ((call: BackendCall) => PaymentLabCatalogResponse)[];
  /** `orderLabTests` replies in turn (the last one repeats). */
  orders?: BackendReply[];
  confirm?: BackendReply;
}

function setup({ answers = ['ok'], catalogs = [() => labCatalog()], orders, confirm }: Setup = {}) {
  const steps: string[] = [];
  const pay = payApis(answers, steps);
  const created = order({ orderId: 'po-lab', expiresAt: inHalfAnHour() });
  const catalogQueue = catalogs.slice();
  const orderQueue = (orders ?? [ok({ order: created, payParams })]).slice();
  const wx = installWx({
    backend: paymentBackend({
      'payment.labCatalog': (call) => {
        steps.push('labCatalog');
        const next = catalogQueue.length > 1 ? catalogQueue.shift()! : catalogQueue[0]!;
        return ok(next(call));
      },
      'payment.orderLabTests': () => {
        steps.push('orderLabTests');
        return orderQueue.length > 1 ? orderQueue.shift()! : orderQueue[0]!;
      },
      'payment.confirm': () => {
        steps.push('confirm');
        return confirm ?? ok({ ...created, status: 'settled' });
      },
    }),
    apis: pay.apis,
  });
  return { wx, pay, steps };
}

/** The page with confirm-poll delays of 0. */
async function openLab(query: Record<string, string> = {}): Promise<PageComponent> {
  const page = renderPage(LAB);
  (page.instance as unknown as { _pollDelays: number[] })._pollDelays = [0, 0];
  page.instance.onLoad(query);
  await flush();
  return page;
}

async function submit(page: PageComponent): Promise<void> {
  await tapVant(page, '#submit-bar >>> .van-submit-bar__button');
  await flush(6);
}

const checked = (page: PageComponent, code: string) =>
  page.querySelector(`#check-${code}`)!.dom!.className.includes('check--on');
const submitBar = (page: PageComponent) => page.querySelector('#submit-bar')!.data;
const labOrders = (wx: ReturnType<typeof setup>['wx']) =>
  wx.eventsTo('payment').filter((e) => e.action === 'orderLabTests');

describe('自助检验申请 packagePayment/pages/lab', () => {
  test('the default card’s catalog by category: price, specimen, preparation, turnaround; quota and site', async () => {
    const { wx } = setup();
    const page = await openLab();
    expect(wx.eventsTo('payment')).toContainEqual({ action: 'labCatalog', cardId: 'c1' });
    expect(page.querySelectorAll('.group .section-title').map(textOf)).toEqual(['血液检查（3项）', '尿液检查（1项）']);
    const cbc = textOf(page.querySelector('#test-CBC'));
    for (const s of ['血常规', '¥25.00', '标本：静脉血', '出报告：采血后2小时', '无需空腹']) expect(cbc).toContain(s);
    const urine = textOf(page.querySelector('#test-URT'));
    expect(urine).toContain('标本：晨尿');
    expect(urine).toContain('留取晨起中段尿');
    expect(urine).not.toContain('需空腹');
    expect(textOf(page.querySelector('#quota'))).toBe('今日还可申请2次（每位就诊人每天最多3次）');
    const site = textOf(page.querySelector('#site'));
    expect(site).toContain('门诊楼3楼检验科采血处');
    expect(site).toContain('周一至周日 07:30-11:30、13:30-16:30');
    expect(textOf(page.querySelector('#site-notes'))).toContain('空腹项目请于上午11:30前采血');
    // Nothing chosen yet: 提交并支付 disabled.
    expect(submitBar(page).disabled).toBe(true);
    expect(textOf(page.querySelector('#total'))).toBe('已选0项，合计：¥0.00');
  });

  test('fasting is called out by an icon and 空腹项目, not by colour alone; screen readers hear it', async () => {
    setup();
    const page = await openLab();
    const prep = page.querySelector('#prep-GLU')!;
    expect(textOf(prep)).toBe('空腹项目需空腹8小时（可少量饮水），采血前暂停降糖药');
    expect(prep.dom!.innerHTML).toContain('van-icon-warning-o');
    const glu = page.instance.data as unknown as { groups: { tests: { code: string; ariaLabel: string }[] }[] };
    const label = glu.groups[0]!.tests.find((t) => t.code === 'GLU')!.ariaLabel;
    expect(label).toBe('血糖（空腹），¥6.00，静脉血，空腹项目：需空腹8小时（可少量饮水），采血前暂停降糖药，未选');
    expect(page.querySelector('#prep-CBC')!.dom!.innerHTML).not.toContain('van-icon-warning-o');
  });

  test('a test the card may not order: disabled with its reason; a tap says why and selects nothing', async () => {
    const { wx } = setup();
    const page = await openLab();
    const row = textOf(page.querySelector('#test-LIP4'));
    expect(row).toContain('不可申请');
    expect(textOf(page.querySelector('#reason-LIP4'))).toBe('75周岁以上请到门诊就诊后开单');
    expect(page.querySelector('#test-LIP4')!.dom!.className).toContain('test--disabled');
    await tapVant(page, '#test-LIP4');
    expect(checked(page, 'LIP4')).toBe(false);
    expect(wx.argsOf('showToast')[0]).toMatchObject({ title: '75周岁以上请到门诊就诊后开单' });
    expect(submitBar(page).disabled).toBe(true);
  });

  test('choosing tests: count and total; untick again', async () => {
    setup();
    const page = await openLab();
    await tapVant(page, '#test-CBC');
    await tapVant(page, '#test-GLU');
    expect(checked(page, 'CBC')).toBe(true);
    expect(textOf(page.querySelector('#total'))).toBe('已选2项，合计：¥31.00');
    expect(submitBar(page).disabled).toBe(false);
    await tapVant(page, '#test-CBC');
    expect(checked(page, 'CBC')).toBe(false);
    expect(textOf(page.querySelector('#total'))).toBe('已选1项，合计：¥6.00');
  });

  test('提交并支付: consent on the tap, orderLabTests with a key, requestPayment, confirm, the result page', async () => {
    const { wx, pay, steps } = setup();
    const page = await openLab();
    await tapVant(page, '#test-URT');
    await tapVant(page, '#test-GLU');
    steps.length = 0;
    (page.instance as unknown as { onSubmit(): void }).onSubmit();
    // Synchronously from the tap, before anything asynchronous.
    expect(steps).toEqual(['consent']);
    await flush(6);
    expect(steps).toEqual(['consent', 'orderLabTests', 'requestPayment', 'confirm']);
    expect(pay.consents).toEqual([templates.consent]);
    const [sent] = labOrders(wx);
    // The catalog's order, whatever the order of the taps.
    expect(sent).toEqual({
      action: 'orderLabTests',
      cardId: 'c1',
      codes: ['GLU', 'URT'],
      idempotencyKey: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
    });
    expect(pay.payments).toEqual([payParams]);
    expect(wx.argsOf('navigateTo')).toEqual([
      expect.objectContaining({ url: '/packagePayment/pages/result/index?orderId=po-lab' }),
    ]);
  });

  test('while ordering everything is disabled: a second tap sends nothing', async () => {
    let release: (r: BackendReply) => void = () => undefined;
    const pending = new Promise<BackendReply>((resolve) => (release = resolve));
    const steps: string[] = [];
    const pay = payApis(['ok'], steps);
    const wx = installWx({
      backend: paymentBackend({
        'payment.orderLabTests': () => pending,
        'payment.confirm': ok(settledOrder({ orderId: 'po-lab' })),
      }),
      apis: pay.apis,
    });
    const page = await openLab();
    await tapVant(page, '#test-CBC');
    await tapVant(page, '#submit-bar >>> .van-submit-bar__button');
    expect(submitBar(page)).toMatchObject({ disabled: true, loading: true });
    expect(page.querySelector('#card-picker')!.data.disabled).toBe(true);
    await tapVant(page, '#submit-bar >>> .van-submit-bar__button');
    await tapVant(page, '#test-GLU');
    expect(checked(page, 'GLU')).toBe(false);
    release(ok({ order: order({ orderId: 'po-lab' }), payParams }));
    await flush(6);
    expect(labOrders(wx)).toHaveLength(1);
    expect(steps.filter((s) => s === 'consent')).toHaveLength(1);
  });

  test('a retry of the same tests keeps the key (nothing ordered twice); other tests, or a paid order, get a new one', async () => {
    const { wx, steps } = setup({
      orders: [
        fail('UNAVAILABLE', 'x', { reason: 'payUnavailable' }),
        fail('UNAVAILABLE', 'x', { reason: 'payUnavailable' }),
        ok({ order: order({ orderId: 'po-lab' }), payParams }),
      ],
    });
    const page = await openLab();
    await tapVant(page, '#test-CBC');
    await submit(page);
    expect(wx.argsOf('showModal')[0]).toMatchObject({
      title: '暂时无法支付',
      content: '微信支付暂时没有响应，本次未扣款。检验申请已保留，可稍后再次提交，或在门诊缴费中支付',
    });
    expect(steps.filter((s) => s === 'labCatalog')).toHaveLength(2); // reloaded: today's count changed
    await submit(page);
    await tapVant(page, '#test-GLU');
    await submit(page);
    const keys = labOrders(wx).map((e) => e.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(wx.argsOf('navigateTo')).toHaveLength(1);

    // Paid: back on the page, the selection is cleared and the same tests again are a new order.
    page.instance.onShow();
    await flush();
    expect(textOf(page.querySelector('#total'))).toBe('已选0项，合计：¥0.00');
    await tapVant(page, '#test-CBC');
    await tapVant(page, '#test-GLU');
    await submit(page);
    expect(new Set(labOrders(wx).map((e) => e.idempotencyKey)).size).toBe(3);
  });

  test.each([
    [
      'FAILED_PRECONDITION',
      'labNotEligible',
      '项目不可申请',
      '所选项目不适用于该就诊人，请查看项目说明重新选择，或到门诊就诊开单',
    ],
    [
      'RESOURCE_EXHAUSTED',
      'labDailyLimit',
      '今日申请次数已用完',
      '每位就诊人每天最多自助申请3次检验，请明天再来或到门诊就诊开单',
    ],
    ['UNAVAILABLE', 'hisUnavailable', '暂时无法申请', '医院系统暂时无法受理检验申请，本次未扣款，请稍后再试'],
  ])(
    '%s `%s`: told by the reason (not the message), nothing paid, the catalog again',
    async (code, reason, title, content) => {
      const { wx, steps } = setup({ orders: [fail(code, 'server wording XYZ', { reason })] });
      const page = await openLab();
      await tapVant(page, '#test-CBC');
      steps.length = 0;
      await submit(page);
      expect(wx.argsOf('showModal')[0]).toMatchObject({ title, content, showCancel: false });
      expect(steps).toEqual(['consent', 'orderLabTests', 'labCatalog']);
      expect(submitBar(page).disabled).toBe(false);
    },
  );

  test('none left today: 今日申请次数已用完 and 提交并支付 disabled; after a limit refusal too', async () => {
    setup({ catalogs: [() => labCatalog({ remainingToday: 0 })] });
    const page = await openLab();
    expect(textOf(page.querySelector('#quota'))).toBe('今日申请次数已用完（每位就诊人每天最多3次），请明天再来');
    expect(page.querySelector('#quota')!.dom!.innerHTML).toContain('van-icon-warning-o');
    await tapVant(page, '#test-CBC');
    expect(submitBar(page).disabled).toBe(true);

    const { wx } = setup({
      catalogs: [() => labCatalog(), () => labCatalog({ remainingToday: 0 })],
      orders: [fail('RESOURCE_EXHAUSTED', 'x', { reason: 'labDailyLimit' })],
    });
    const again = await openLab();
    await tapVant(again, '#test-CBC');
    await submit(again);
    expect(submitBar(again).disabled).toBe(true);
    await submit(again);
    expect(labOrders(wx)).toHaveLength(1);
  });

  test('the payment sheet cancelled: the order is kept, said so; the same tests again pay it (same key)', async () => {
    const kept = order({ orderId: 'po-lab', status: 'paying', expiresAt: inHalfAnHour() });
    const { wx } = setup({ answers: ['cancel'], confirm: ok(kept), catalogs: [() => labCatalog()] });
    const page = await openLab();
    await tapVant(page, '#test-CBC');
    await submit(page);
    expect(wx.argsOf('showModal')[0]).toMatchObject({
      title: '支付已取消',
      content: '订单已保留，可在30分钟内继续支付；也可在门诊缴费中继续支付',
    });
    expect(wx.argsOf('navigateTo')).toEqual([]);
    await submit(page);
    const keys = labOrders(wx).map((e) => e.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });

  test('another card: its own catalog, the selection starts over; a card from the query', async () => {
    const { wx } = setup({
      catalogs: [
        (call) => labCatalog({ cardId: String(call.event.cardId), remainingToday: call.event.cardId === 'c2' ? 3 : 2 }),
      ],
    });
    const page = await openLab();
    await tapVant(page, '#test-CBC');
    await tapVant(page, '#card-picker >>> #card-c2');
    await flush();
    expect(wx.eventsTo('payment')).toContainEqual({ action: 'labCatalog', cardId: 'c2' });
    expect(checked(page, 'CBC')).toBe(false);
    expect(textOf(page.querySelector('#quota'))).toContain('今日还可申请3次');

    const other = setup();
    await openLab({ cardId: 'c2' });
    expect(other.wx.eventsTo('payment').filter((e) => e.action === 'labCatalog')).toEqual([
      { action: 'labCatalog', cardId: 'c2' },
    ]);
  });

  test('the catalog failing: its error with 重新加载; no card: the prompt to add one', async () => {
    let down = true;
    installWx({
      backend: paymentBackend({
        'payment.labCatalog': () =>
          down ? fail('UNAVAILABLE', '医院系统繁忙，请稍后再试', { reason: 'hisUnavailable' }) : ok(labCatalog()),
      }),
    });
    const page = await openPage(LAB);
    expect(textOf(page.querySelector('#catalog-error'))).toContain('医院系统繁忙，请稍后再试');
    expect(page.querySelector('#submit-bar')).toBeUndefined();
    down = false;
    await tapVant(page, '#catalog-error >>> #retry');
    await flush();
    expect(page.querySelector('#test-CBC')).toBeTruthy();

    const wx = installWx({ backend: paymentBackend({ 'patient.list': ok({ cards: [], limit: 5 }) }) });
    const none = await openPage(LAB);
    expect(textOf(none.querySelector('#card-picker >>> #no-card'))).toContain('请先添加就诊人');
    await tapVant(none, '#card-picker >>> #no-card >>> #action');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/pages/patients/add/index' });
  });
});

describe('the ways to 自助检验, and 缴费结果 of a lab order', () => {
  test('门诊缴费 has an entry for the chosen card; the home grid has 自助检验', async () => {
    const wx = installWx({
      backend: paymentBackend({ 'payment.listUnpaid': ok({ cardId: 'c1', items: [], openOrders: [] }) }),
    });
    const index = await openPage('packagePayment/pages/index/index');
    await tapVant(index, '#lab-entry');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/packagePayment/pages/lab/index?cardId=c1' });

    const home = installWx({ backend: routes({ 'patient.list': ok({ cards: [], limit: 5 }) }) });
    const page = renderPage('pages/home/index');
    page.instance.onShow();
    await flush();
    expect(textOf(page.querySelector('#entry-lab'))).toBe('自助检验');
    await tapVant(page, '#entry-lab');
    expect(home.argsOf('navigateTo')[0]).toMatchObject({ url: '/packagePayment/pages/lab/index' });
  });

  test('settled: the pickup code, and where and when samples are taken (the items’ guide, the site’s hours)', async () => {
    const labItem = feeItem({ itemId: 'i-self', title: '血常规', doctorName: '', guide: '门诊楼3楼检验科采血处' });
    const wx = installWx({ backend: paymentBackend({ 'payment.get': ok(settledOrder({ items: [labItem] })) }) });
    const page = await openPage(RESULT, { orderId: 'po-1' });
    await flush();
    expect(textOf(page.querySelector('#result-title'))).toBe('缴费成功');
    expect(textOf(page.querySelector('#pickup >>> #pickup-code'))).toBe('1234 5678');
    const site = textOf(page.querySelector('#lab-site'));
    expect(site).toContain('采血地点门诊楼3楼检验科采血处');
    expect(site).toContain('开放时间周一至周日 07:30-11:30、13:30-16:30');
    expect(textOf(page.querySelector('#lab-notes'))).toContain('缴费后凭就诊卡或电子健康卡到采血处取号');
    expect(wx.eventsTo('payment').filter((e) => e.action === 'labCatalog')).toEqual([
      { action: 'labCatalog', cardId: 'c1' },
    ]);
  });

  test('without lab items, or not settled, no sampling site and no catalog asked; the site failing keeps the guide', async () => {
    const rx = feeItem({ itemId: 'i-rx', kind: 'prescription', title: '西药处方', guide: '门诊楼1楼西药房' });
    const wx = installWx({ backend: paymentBackend({ 'payment.get': ok(settledOrder({ items: [rx] })) }) });
    const page = await openPage(RESULT, { orderId: 'po-1' });
    expect(page.querySelector('#lab-site')).toBeUndefined();
    const paid = installWx({ backend: paymentBackend({ 'payment.get': ok(order({ status: 'closed' })) }) });
    const closed = await openPage(RESULT, { orderId: 'po-1' });
    expect(closed.querySelector('#lab-site')).toBeUndefined();
    expect([...wx.eventsTo('payment'), ...paid.eventsTo('payment')].map((e) => e.action)).not.toContain('labCatalog');

    installWx({
      backend: paymentBackend({
        'payment.get': ok(settledOrder()),
        'payment.labCatalog': fail('UNAVAILABLE', '医院系统繁忙'),
      }),
    });
    const down = await openPage(RESULT, { orderId: 'po-1' });
    await flush();
    expect(textOf(down.querySelector('#lab-site'))).toBe('采血地点门诊楼2楼检验科');
    expect(down.querySelector('#lab-hours')).toBeUndefined();
  });
});
