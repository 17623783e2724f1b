/**
 * 医保支付 on 门诊缴费 (packagePayment/pages/index with services/insurance-flow.ts): a card with 医保
 * offers 医保支付 (default) or 自费支付; 去支付 jumps to the 医保 mini program with the hospital's
 * codes; its authCode, handed over by App.onShow, makes a 医保 order whose split is shown before
 * paying; 确认支付 asks consent on the tap, then wx.requestMedicalInsurancePay with the server's
 * parameters and `confirm`; 改用自费支付 pays the same items 自费; refusals by `reason`.
 */
import { card, freshPagesEachTest, mpRequire, openPage, tapVant, textOf } from './helpers';
import type { PageComponent } from './helpers';
import { fail, flush, installWx, ok } from './wx-mock';
import type { BackendReply } from './wx-mock';
import {
  comeBackFrom,
  feeItem,
  insuranceOrder,
  jumpApis,
  MED_INS_APP_ID,
  medInsPayParams,
  order,
  payApis,
  paymentBackend,
  payParams,
} from './payment-fixtures';
import type { PaymentOrderStatus } from '../../typings/payment';

freshPagesEachTest();

const INDEX = 'packagePayment/pages/index/index';
const ITEMS = [feeItem(), feeItem({ itemId: 'i-rx', kind: 'prescription', title: '西药处方', amountFen: 0 })];
const insuredCard = card({ id: 'c1', name: '王小明', socialSecurityMasked: '3306********1234' });

interface Setup {
  create?: BackendReply | ((event: Record<string, unknown>) => BackendReply);
  confirms?: PaymentOrderStatus[];
  insured?: boolean;
  jump?: 'ok' | 'cancel';
}

function setup({ create, confirms = ['settled'], insured = true, jump = 'ok' }: Setup = {}) {
  const steps: string[] = [];
  const pay = payApis(['ok'], steps);
  const jumps = jumpApis(steps, jump);
  const queue = confirms.slice();
  const cards = [insured ? insuredCard : card({ id: 'c1' })];
  const wx = installWx({
    backend: paymentBackend({
      'patient.list': ok({ cards, limit: 5 }),
      'payment.listUnpaid': ok({ cardId: 'c1', items: ITEMS, openOrders: [] }),
      'payment.createOrder': (call) => {
        steps.push(call.event.insuranceAuthCode ? 'createOrder(医保)' : 'createOrder(自费)');
        if (typeof create === 'function') return create(call.event);
        return (
          create ??
          (call.event.insuranceAuthCode
            ? ok({ order: insuranceOrder(), payParams: null, medInsPayParams })
            : ok({ order: order(), payParams, medInsPayParams: null }))
        );
      },
      'payment.confirm': () => {
        steps.push('confirm');
        const next = queue.length > 1 ? queue.shift()! : queue[0]!;
        return ok(insuranceOrder({ status: next }));
      },
    }),
    apis: { ...pay.apis, ...jumps.apis },
  });
  return { wx, steps, pay, jumps };
}

/** Whether a pay mode is shown chosen: its class (the filled check icon and border follow it). */
const chosen = (page: PageComponent, selector: string) =>
  page.querySelector(selector)!.dom!.className.includes('mode--on');

async function open(): Promise<PageComponent> {
  const page = await openPage(INDEX);
  const inst = page.instance as unknown as { _pollDelays: number[]; _insurancePollDelays: number[] };
  inst._pollDelays = [0];
  inst._insurancePollDelays = [0, 0];
  return page;
}

/** 去支付 with 医保, then back from the 医保 mini program with `extraData`. */
async function authorise(page: PageComponent, extraData?: Record<string, unknown>): Promise<void> {
  await tapVant(page, '#submit-bar >>> .van-submit-bar__button');
  comeBackFrom(mpRequire, MED_INS_APP_ID, extraData);
  page.instance.onShow();
  await flush(5);
}

describe('医保支付 on 门诊缴费', () => {
  test('an insured card offers 医保支付 (chosen) and 自费支付; an uninsured card neither', async () => {
    setup();
    const page = await open();
    expect(textOf(page.querySelector('#pay-modes'))).toContain('医保支付');
    expect(chosen(page, '#mode-insurance')).toBe(true);
    await tapVant(page, '#mode-self');
    expect(chosen(page, '#mode-self')).toBe(true);

    setup({ insured: false });
    const plain = await open();
    expect(plain.querySelector('#pay-modes')).toBeUndefined();
  });

  test('去支付 jumps to the 医保 mini program with the hospital’s codes; nothing is ordered yet', async () => {
    const { steps, jumps } = setup();
    const page = await open();
    await tapVant(page, '#submit-bar >>> .van-submit-bar__button');
    expect(steps).toEqual(['navigateToMiniProgram']);
    const path = String(jumps.jumps[0]!.path);
    expect(jumps.jumps[0]!.appId).toBe(MED_INS_APP_ID);
    expect(path.startsWith('auth/pages/bindcard/auth/index?openType=getAuthCode&bizType=04107&cityCode=330600&')).toBe(
      true,
    );
    for (const k of ['channel', 'orgChnlCrtfCodg', 'orgCodg', 'orgAppId'])
      expect(path).toMatch(new RegExp(`[?&]${k}=\\w+`));
    expect(page.querySelector('#submit-bar')!.data.loading).toBe(true);
  });

  test('the authCode makes a 医保 order; its split shows before paying; 确认支付: consent, 医保 pay, confirm', async () => {
    const { steps, wx, pay, jumps } = setup({ confirms: ['paying', 'settled'] });
    const page = await open();
    await authorise(page, { authCode: 'ac_test_1' });
    expect(wx.eventsTo('payment')).toContainEqual({
      action: 'createOrder',
      cardId: 'c1',
      itemIds: ['i-lab', 'i-rx'],
      insuranceAuthCode: 'ac_test_1',
    });
    const split = textOf(page.querySelector('#insurance-split'));
    for (const t of ['总金额¥25.00', '医保统筹支付¥12.00', '个人账户支付¥8.00', '需现金支付¥5.00'])
      expect(split).toContain(t);
    for (const t of ['全自费（医保目录外）¥2.00', '先行自付（乙类自付部分）¥1.00', '计入起付线¥2.00'])
      expect(split).toContain(t);
    expect(textOf(page.querySelector('#insurance-split >>> #split-confirm'))).toBe('确认支付 ¥5.00');
    expect(steps).toEqual(['navigateToMiniProgram', 'createOrder(医保)']);

    await tapVant(page, '#insurance-split >>> #split-confirm');
    await flush(5);
    expect(steps.slice(2)).toEqual(['consent', 'requestMedicalInsurancePay', 'confirm', 'confirm']);
    expect(pay.consents).toHaveLength(1);
    expect(jumps.medInsPays).toEqual([medInsPayParams]);
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/packagePayment/pages/result/index?orderId=po-1' });
  });

  test('an order without cash: requestMedicalInsurancePay gets mixTradeNo alone; the button says 确认医保支付', async () => {
    const allInsured = insuranceOrder({ split: { totalFen: 2500, fundFen: 1700, accountFen: 800, cashFen: 0 } });
    const { jumps } = setup({
      create: ok({ order: allInsured, payParams: null, medInsPayParams: { mixTradeNo: 'mix-2' } }),
    });
    const page = await open();
    await authorise(page, { authCode: 'ac_2' });
    expect(textOf(page.querySelector('#insurance-split >>> #split-confirm'))).toBe('确认医保支付');
    await tapVant(page, '#insurance-split >>> #split-confirm');
    await flush(5);
    expect(jumps.medInsPays).toEqual([{ mixTradeNo: 'mix-2' }]);
  });

  test('改用自费支付: the same items 自费 (no authCode), consent on the tap, then requestPayment', async () => {
    const { steps, wx, pay } = setup();
    const page = await open();
    await authorise(page, { authCode: 'ac_3' });
    await tapVant(page, '#insurance-split >>> #split-self-pay');
    await flush(5);
    expect(steps.slice(2)).toEqual(['consent', 'createOrder(自费)', 'requestPayment', 'confirm']);
    // The items of the 医保 order shown (the fixture's has 血常规 only).
    expect(wx.eventsTo('payment').filter((e) => e.action === 'createOrder')[1]).toEqual({
      action: 'createOrder',
      cardId: 'c1',
      itemIds: ['i-lab'],
    });
    expect(pay.payments).toEqual([payParams]);
  });

  test('自费支付 chosen: no jump, the 自费 flow at once', async () => {
    const { steps } = setup();
    const page = await open();
    await tapVant(page, '#mode-self');
    await tapVant(page, '#submit-bar >>> .van-submit-bar__button');
    await flush(5);
    expect(steps).toEqual(['consent', 'createOrder(自费)', 'requestPayment', 'confirm']);
  });

  test('back without an authCode: 已取消医保授权, nothing ordered, 去支付 again', async () => {
    const { steps, wx } = setup();
    const page = await open();
    await authorise(page);
    expect(steps).toEqual(['navigateToMiniProgram']);
    expect(wx.argsOf('showToast').map((t) => t.title)).toContain('已取消医保授权');
    expect(page.querySelector('#submit-bar')!.data.loading).toBe(false);
  });

  // The server's message is deliberately odd: the page's text comes from `reason`, never from it.
  test.each([
    ['insuranceAuthInvalid', '医保授权已失效', '请重新授权'],
    ['notInsured', '无法使用医保支付', '请改用自费支付'],
    ['insuranceUnavailable', '医保暂时无法支付', '医保平台暂时没有响应，本次未扣款'],
  ])('a refusal `%s` says %s', async (reason, title, text) => {
    const code = reason === 'insuranceUnavailable' ? 'UNAVAILABLE' : 'FAILED_PRECONDITION';
    const { wx } = setup({ create: fail(code, 'server wording XYZ', { reason }) });
    const page = await open();
    await authorise(page, { authCode: 'ac_4' });
    const modal = wx.argsOf('showModal')[0]!;
    expect(modal).toMatchObject({ title });
    expect(String(modal.content)).toContain(text);
    expect(String(modal.content)).not.toContain('XYZ');
    expect(page.querySelector('#insurance-split')!.data.panel).toBeNull();
    // Not insured after all: the page switches to 自费支付.
    if (reason === 'notInsured') expect(chosen(page, '#mode-self')).toBe(true);
  });

  test('the 医保 sheet cancelled: the order stays open, 支付已取消 with how long it is kept', async () => {
    const steps: string[] = [];
    const jumps = jumpApis(steps, 'ok', ['cancel']);
    const wx = installWx({
      backend: paymentBackend({
        'patient.list': ok({ cards: [insuredCard], limit: 5 }),
        'payment.listUnpaid': ok({ cardId: 'c1', items: ITEMS, openOrders: [] }),
        'payment.createOrder': ok({ order: insuranceOrder(), payParams: null, medInsPayParams }),
        'payment.confirm': ok(
          insuranceOrder({ status: 'paying', expiresAt: new Date(Date.now() + 600_000).toISOString() }),
        ),
      }),
      apis: { ...payApis(['ok'], steps).apis, ...jumps.apis },
    });
    const page = await open();
    await authorise(page, { authCode: 'ac_5' });
    await tapVant(page, '#insurance-split >>> #split-confirm');
    await flush(5);
    expect(wx.argsOf('showModal')[0]).toMatchObject({ title: '支付已取消' });
    expect(String(wx.argsOf('showModal')[0]!.content)).toMatch(/订单已保留，可在\d+分钟内继续支付/);
  });
});
