/**
 * 自动缴费 (packagePayment/pages/contract, services/contract-flow.ts): the card's withholding
 * contract with WeChat's limits and what it does; 开通自动缴费 jumps to WeChat Pay's signing mini
 * program with the server's signed extraData; its answer (App.onShow) is followed by `contract`
 * polled until the notification made it active; 解除 asks in a van-dialog first. 缴费记录 and
 * 缴费详情 show how an order was paid (医保, 自费, 自动扣费) and the 医保 split.
 */
import { card, freshPagesEachTest, mpRequire, openPage, tapVant, textOf } from './helpers';
import { fail, flush, installWx, ok } from './wx-mock';
import type { BackendReply } from './wx-mock';
import {
  comeBackFrom,
  insuranceOrder,
  jumpApis,
  order,
  PAPAY_APP_ID,
  paymentBackend,
  settledOrder,
} from './payment-fixtures';
import type { ContractStatus, WithholdingContractView } from '../../typings/payment';

freshPagesEachTest();

const CONTRACT = 'packagePayment/pages/contract/index';

function contract(status: ContractStatus, overrides: Partial<WithholdingContractView> = {}): WithholdingContractView {
  return {
    cardId: 'c1',
    status,
    signedAt: status === 'active' ? '2024-05-06T02:00:00.000Z' : null,
    terminatedAt: status === 'terminated' ? '2024-05-07T02:00:00.000Z' : null,
    perDeductionLimitFen: 50000,
    perDayLimitFen: 250000,
    perDayCount: 5,
    displayAccount: '就诊卡尾号2345',
    ...overrides,
  };
}

const MINI_PROGRAM = {
  appId: PAPAY_APP_ID,
  path: 'pages/index/index',
  extraData: { appid: 'wx0000000000000000', mch_id: '1900000109', contract_code: 'C1', sign: 'ABC' },
};

function setup(reads: ContractStatus[], extra: Record<string, BackendReply> = {}) {
  const steps: string[] = [];
  const jumps = jumpApis(steps);
  const queue = reads.slice();
  const wx = installWx({
    backend: paymentBackend({
      'patient.list': ok({ cards: [card({ id: 'c1', isDefault: true })], limit: 5 }),
      'payment.contract': () => {
        steps.push('contract');
        return ok(contract(queue.length > 1 ? queue.shift()! : queue[0]!));
      },
      'payment.signContract': () => {
        steps.push('signContract');
        return ok({ contract: contract('signing'), miniProgram: MINI_PROGRAM });
      },
      'payment.cancelContract': () => {
        steps.push('cancelContract');
        return ok(contract('terminated'));
      },
      ...extra,
    }),
    apis: jumps.apis,
  });
  return { wx, steps, jumps };
}

async function open() {
  const page = await openPage(CONTRACT);
  (page.instance as unknown as { _pollDelays: number[] })._pollDelays = [0, 0, 0];
  return page;
}

describe('自动缴费 packagePayment/pages/contract', () => {
  test('not signed: 未开通, the display account, the limits, what it does, 开通自动缴费', async () => {
    setup(['none']);
    const page = await open();
    expect(textOf(page.querySelector('#contract-status'))).toBe('未开通');
    expect(textOf(page.querySelector('#contract-account'))).toContain('就诊卡尾号2345');
    const limits = textOf(page.querySelector('#contract-limits'));
    expect(limits).toContain('每笔不超过¥500.00');
    expect(limits).toContain('每天不超过¥2500.00，最多5笔');
    const notes = textOf(page.querySelector('#contract-notes'));
    for (const t of ['诊间费用在就诊后自动从微信支付扣缴，无需排队', '医保患者请在医生站就诊时刷医保卡'])
      expect(notes).toContain(t);
    expect(textOf(page.querySelector('#sign'))).toBe('开通自动缴费');
    expect(page.querySelector('#cancel')).toBeUndefined();
  });

  test('开通: signContract, the jump with the server’s extraData; SUCCESS back → contract polled until 已开通', async () => {
    const { steps, jumps, wx } = setup(['none', 'signing', 'signing', 'active']);
    const page = await open();
    await tapVant(page, '#sign');
    await flush();
    expect(steps).toEqual(['contract', 'signContract', 'navigateToMiniProgram']);
    expect(jumps.jumps[0]).toEqual(MINI_PROGRAM);
    expect(textOf(page.querySelector('#contract-status'))).toBe('开通中');

    comeBackFrom(mpRequire, PAPAY_APP_ID, { return_code: 'SUCCESS', return_msg: 'OK', contract_id: '2024' });
    page.instance.onShow();
    await flush(8);
    expect(steps.filter((s) => s === 'contract')).toHaveLength(4);
    expect(textOf(page.querySelector('#contract-status'))).toBe('已开通');
    expect(textOf(page.querySelector('#signed-at'))).toContain('开通时间 2024-05-06 10:00');
    expect(wx.argsOf('showToast').map((t) => t.title)).toContain('已开通');
    expect(textOf(page.querySelector('#cancel'))).toBe('解除自动缴费');
  });

  test('FAIL back: its message; back without an answer: 已取消开通; neither polls', async () => {
    const failed = setup(['none']);
    const page = await open();
    await tapVant(page, '#sign');
    comeBackFrom(mpRequire, PAPAY_APP_ID, { return_code: 'FAIL', return_msg: '用户取消签约' });
    page.instance.onShow();
    await flush(5);
    expect(failed.wx.argsOf('showModal')[0]).toMatchObject({ title: '开通未完成', content: '用户取消签约' });
    expect(failed.steps.filter((s) => s === 'contract')).toHaveLength(2);

    const back = setup(['none']);
    const again = await open();
    await tapVant(again, '#sign');
    comeBackFrom(mpRequire, PAPAY_APP_ID);
    again.instance.onShow();
    await flush(5);
    expect(back.wx.argsOf('showToast').map((t) => t.title)).toContain('已取消开通');
    expect(again.querySelector('#sign')!.data.disabled).toBe(false);
  });

  test('contractLimit: a plain message, nothing opened', async () => {
    const { wx, steps } = setup(['none'], {
      'payment.signContract': fail('FAILED_PRECONDITION', 'XYZ', { reason: 'contractLimit' }),
    });
    const page = await open();
    await tapVant(page, '#sign');
    await flush();
    expect(steps).not.toContain('navigateToMiniProgram');
    expect(String(wx.argsOf('showModal')[0]!.content)).toContain('自动缴费正在开通或已开通');
  });

  test('解除: a van-dialog first; 暂不解除 keeps it; 解除 → cancelContract → 已解除', async () => {
    const { steps, wx } = setup(['active']);
    const page = await open();
    await tapVant(page, '#cancel');
    expect(page.querySelector('#cancel-dialog')!.data.show).toBe(true);
    expect(String(page.querySelector('#cancel-dialog')!.data.message)).toContain(
      '解除后，就诊产生的费用将不再自动扣缴',
    );
    page.querySelector('#cancel-dialog')!.dispatchEvent('cancel');
    await flush();
    expect(page.querySelector('#cancel-dialog')!.data.show).toBe(false);
    expect(steps).not.toContain('cancelContract');

    await tapVant(page, '#cancel');
    page.querySelector('#cancel-dialog')!.dispatchEvent('confirm');
    await flush();
    expect(steps).toContain('cancelContract');
    expect(wx.eventsTo('payment')).toContainEqual({ action: 'cancelContract', cardId: 'c1' });
    expect(textOf(page.querySelector('#contract-status'))).toBe('已解除');
    expect(textOf(page.querySelector('#terminated-at'))).toContain('解除时间');
    expect(textOf(page.querySelector('#sign'))).toBe('开通自动缴费');
  });
});

describe('how an order was paid, on 缴费记录 and 缴费详情', () => {
  test('records: 医保 / 自费 / 自动扣费 on each row; 自动缴费 opens the contract page', async () => {
    const wx = installWx({
      backend: paymentBackend({
        'payment.listOrders': ok({
          orders: [
            settledOrder({ orderId: 'po-w', mode: 'withholding', createdAt: '2024-05-06T03:00:00.000Z' }),
            insuranceOrder({ orderId: 'po-i', status: 'settled', createdAt: '2024-05-06T02:30:00.000Z' }),
            order({ orderId: 'po-s', status: 'settled' }),
          ],
          truncated: false,
        }),
      }),
    });
    const page = await openPage('packagePayment/pages/records/index');
    page.instance.onShow();
    await flush();
    expect(textOf(page.querySelector('#order-po-w'))).toContain('自动扣费 ·');
    expect(textOf(page.querySelector('#order-po-i'))).toContain('医保 ·');
    expect(textOf(page.querySelector('#order-po-s'))).toContain('自费 ·');
    await tapVant(page, '#contract-entry');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/packagePayment/pages/contract/index' });
  });

  test('detail of a 医保 order: the split and 医保结算说明; of a deduction: 自动扣费', async () => {
    installWx({ backend: paymentBackend({ 'payment.get': ok(insuranceOrder({ status: 'settled' })) }) });
    const p = await openPage('packagePayment/pages/detail/index', { orderId: 'po-1' });
    const split = textOf(p.querySelector('#split'));
    for (const t of ['医保支付', '医保统筹¥12.00', '个人账户¥8.00', '自费¥5.00']) expect(split).toContain(t);
    const notes = textOf(p.querySelector('#insurance'));
    for (const t of ['全自费（医保目录外）¥2.00', '先行自付（乙类自付部分）¥1.00', '计入起付线¥2.00'])
      expect(notes).toContain(t);

    installWx({ backend: paymentBackend({ 'payment.get': ok(settledOrder({ mode: 'withholding' })) }) });
    const w = await openPage('packagePayment/pages/detail/index', { orderId: 'po-1' });
    expect(textOf(w.querySelector('#split'))).toContain('自动扣费（微信代扣）');
    expect(textOf(w.querySelector('#split-cash'))).toBe('自动扣费¥25.00');
    expect(w.querySelector('#insurance')).toBeUndefined();
  });
});
