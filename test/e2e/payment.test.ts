/**
 * The 门诊缴费 journey through the real mini program in Chromium (devstack `/preview`): a patient
 * with a bound card opens 门诊缴费, sees the unpaid items (staged in the HIS sandbox), taps 去支付,
 * allows the subscription consent, pays in the preview's WeChat-style payment sheet (确认支付 pays
 * through the pay sandbox, which notifies the payment function as WeChat Pay would) and sees the
 * 8-digit pickup code on 缴费结果. The 缴费成功通知 with that code is in the devstack outbox; a kiosk
 * redeems the code once (`POST /http/kiosk`, signed with the devstack's kiosk key) and is refused
 * the second time; 缴费记录 lists the payment and its 缴费详情 shows the e-receipt (票据号码). Then
 * the patient orders a test in 自助检验, pays it in the sheet and sees the sampling site, its hours
 * and the pickup code. After every step neither the runtime nor the browser reported an error.
 */
import type { Page } from 'playwright-core';
import { freshPerson, type FreshPerson } from '../../devstack/seed/identities';
import type { HisFeeItem } from '../../server/ports/his-payment';
import type { PatientCardView } from '../../typings/patient';
import type { PaymentListOrdersResponse, PaymentOrderView } from '../../typings/payment';
import {
  publishScreenshot,
  runtimeErrors,
  stackOf,
  startE2E,
  visiblePage,
  waitRoute,
  waitText,
  type E2E,
} from './harness';
import { charge, hisPatientId, kioskRedeem, paymentData, settledOrder } from './payment-data';

const OPENID = 'u-e2e-payment';
const TMPL_PAYMENT_SUCCESS = 'tmpl-payment-success';
const TMPL_REFUND = 'tmpl-refund-notice';
const LAB_SITE = '门诊楼3楼检验科采血处';
const LAB_HOURS = '周一至周日 07:30-11:30、13:30-16:30';

const R = {
  home: 'pages/home/index',
  index: 'packagePayment/pages/index/index',
  result: 'packagePayment/pages/result/index',
  records: 'packagePayment/pages/records/index',
  detail: 'packagePayment/pages/detail/index',
  lab: 'packagePayment/pages/lab/index',
} as const;

let e2e: E2E;
let page: Page;
let person: FreshPerson;
let card: PatientCardView;
let unpaid: HisFeeItem[];
/** The order paid on 门诊缴费, as the server has it once settled. */
let paid: PaymentOrderView;

/** An element of the top page (the pages' `id`s are not DOM ids in the preview: use data-* attributes). */
function $(selector: string) {
  return visiblePage(page).locator(selector);
}

/** `¥82.50` of integer fen. */
function yuan(fen: number): string {
  return `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** `1234 5678`, as the pickup code shows. */
const spaced = (code: string) => `${code.slice(0, 4)} ${code.slice(4)}`;

/** Neither the preview runtime nor the browser saw an error (nothing is allow-listed). */
async function expectNoErrors(): Promise<void> {
  expect(await runtimeErrors(page)).toEqual([]);
  expect(e2e.pageErrors).toEqual([]);
}

/** The newest order of the patient (listOrders answers newest first). */
async function newestOrder(): Promise<PaymentOrderView> {
  const { orders } = await paymentData<PaymentListOrdersResponse>(e2e, OPENID, { action: 'listOrders' });
  expect(orders.length).toBeGreaterThan(0);
  return orders[0]!;
}

/**
 * The tap's subscription consent (缴费成功通知, 退款通知, both on) → 允许, then the WeChat Pay sheet
 * with the merchant and `amount` → 确认支付.
 */
async function consentAndPay(amount: string, shotName: string): Promise<void> {
  const consent = page.getByTestId('consent');
  await consent.waitFor({ state: 'visible' });
  await expect(consent.innerText()).resolves.toContain('向你发送下列消息');
  for (const id of [TMPL_PAYMENT_SUCCESS, TMPL_REFUND]) {
    await expect(consent.getByTestId(`consent-item-${id}`).isChecked()).resolves.toBe(true);
  }
  await page.getByTestId('consent-allow').click();
  await consent.waitFor({ state: 'detached' });

  const sheet = page.getByTestId('pay');
  await sheet.waitFor({ state: 'visible', timeout: 10_000 });
  await expect(page.getByTestId('pay-merchant').innerText()).resolves.toBe('智慧医院');
  await expect(page.getByTestId('pay-amount').innerText()).resolves.toBe(amount);
  const file = await e2e.shot(shotName, { fullPage: true });
  if (shotName === 'pay-sheet') publishScreenshot(file, 'preview-payment-sheet');
  await page.getByTestId('pay-confirm').click();
  await sheet.waitFor({ state: 'detached' });
}

/** Waits for 缴费结果; a refusal shows a modal instead: fail with what it says. */
async function waitResult(): Promise<void> {
  const modal = page.getByTestId('modal');
  await Promise.race([waitRoute(page, R.result), modal.waitFor({ state: 'visible', timeout: 10_000 })]);
  if (await modal.isVisible()) throw new Error(`not paid: ${(await modal.innerText()).replace(/\s+/g, ' ')}`);
  await waitText(page, '缴费成功', 20_000);
  // The sheet's 支付成功 toast goes by (1.5 s) before the screenshots.
  await page.getByTestId('toast').waitFor({ state: 'detached' });
}

beforeAll(async () => {
  e2e = await startE2E('payment');
  page = e2e.page;
  person = freshPerson();
  const bound = await e2e.callFunction<PatientCardView>('patient', OPENID, {
    action: 'bind',
    name: person.name,
    idNumber: person.idNumber,
    phone: person.phone,
    relation: '本人',
  });
  if (!bound.ok) throw new Error(`bind: ${bound.error.message}`);
  card = bound.data;
  const patientId = await hisPatientId(e2e, card.cardNo);
  unpaid = [...(await charge(e2e, patientId, 'prescription')), ...(await charge(e2e, patientId, 'exam'))];
  expect(unpaid).toHaveLength(2);
});

afterAll(async () => {
  await e2e?.close();
});

describe('门诊缴费 journey in the browser preview', () => {
  test('首页 → 门诊缴费: the card’s unpaid items, all selected, with the total', async () => {
    await e2e.open(OPENID);
    await waitRoute(page, R.home);
    await waitText(page, person.name);
    await visiblePage(page).getByText('门诊缴费', { exact: true }).click();
    await waitRoute(page, R.index);
    for (const item of unpaid) {
      // Ticked: the check's class (the filled check icon follows it).
      const check = $(`wx-view[data-id="${item.itemId}"][class*="check"]`);
      await check.waitFor({ state: 'visible' });
      await expect(check.getAttribute('class')).resolves.toContain('check--on');
      await waitText(page, item.title);
    }
    const total = yuan(unpaid.reduce((n, i) => n + i.amountFen, 0));
    await expect($('van-submit-bar').innerText()).resolves.toContain(`合计：${total}`);
    publishScreenshot(await e2e.shot('index', { fullPage: true }), 'preview-payment-index');
    await expectNoErrors();
  });

  test('去支付 → consent → the WeChat Pay sheet → 确认支付 → 缴费结果 with the 8-digit pickup code', async () => {
    const total = yuan(unpaid.reduce((n, i) => n + i.amountFen, 0));
    await $('van-submit-bar van-button').filter({ hasText: '去支付' }).click();
    await consentAndPay(total, 'pay-sheet');
    await waitResult();

    paid = await settledOrder(e2e, OPENID, (await newestOrder()).orderId);
    expect(paid).toMatchObject({ status: 'settled', cardId: card.id });
    expect(paid.items.map((i) => i.itemId).sort()).toEqual(unpaid.map((i) => i.itemId).sort());
    expect(paid.pickup?.code).toMatch(/^\d{8}$/);
    await waitText(page, spaced(paid.pickup!.code));
    const text = await visiblePage(page).innerText();
    for (const t of ['取单码', '凭取单码可在自助机打印指引单', total, '就诊指引', paid.orderId])
      expect(text).toContain(t);
    publishScreenshot(await e2e.shot('result', { fullPage: true }), 'preview-payment-result');
    await expect(stackOf(page)).resolves.toEqual([R.home, R.index, R.result]);
    await expectNoErrors();
  });

  test('the 缴费成功通知 with the pickup code is in the devstack outbox', async () => {
    // The HIS also sent 待缴费提醒 when it created the charges (refused here: no consent for it).
    const mine = (await e2e.outbox()).filter((m) => m.touser === OPENID && m.templateId === TMPL_PAYMENT_SUCCESS);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      templateId: TMPL_PAYMENT_SUCCESS,
      templateTitle: '缴费成功通知',
      status: 'sent',
      errCode: 0,
      page: `${R.detail}?orderId=${paid.orderId}`,
    });
    expect(mine[0]!.data.character_string5?.value).toBe(paid.pickup!.code);
  });

  test('a kiosk redeems the code once; the second redeem is refused', async () => {
    const first = await kioskRedeem(e2e, spaced(paid.pickup!.code));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ code: 'OK', data: { orderId: paid.orderId, totalFen: paid.split.totalFen } });
    const again = await kioskRedeem(e2e, paid.pickup!.code);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_REDEEMED');
  });

  test('查看缴费记录 lists the payment; its 缴费详情 shows the e-receipt (票据号码)', async () => {
    await $('van-button').filter({ hasText: '查看缴费记录' }).click();
    await waitRoute(page, R.records);
    const row = $(`wx-view[data-id="${paid.orderId}"]`);
    await row.waitFor({ state: 'visible' });
    const rowText = await row.innerText();
    for (const t of ['已缴费', yuan(paid.split.totalFen), paid.patientName]) expect(rowText).toContain(t);
    await e2e.shot('records');

    await row.click();
    await waitRoute(page, R.detail);
    await waitText(page, '电子票据');
    expect(paid.receipt?.number).toBeTruthy();
    await waitText(page, paid.receipt!.number);
    const detail = await visiblePage(page).innerText();
    for (const t of ['票据代码', '票据号码', '校验码', paid.receipt!.code, spaced(paid.pickup!.code)]) {
      expect(detail).toContain(t);
    }
    publishScreenshot(await e2e.shot('detail', { fullPage: true }), 'preview-payment-detail');
    await expectNoErrors();
  });

  test('自助检验: choose 血常规, 提交并支付 → the sheet → 缴费结果 with the sampling site, hours and code', async () => {
    await e2e.open(OPENID);
    await waitRoute(page, R.home);
    await visiblePage(page).getByText('自助检验', { exact: true }).click();
    await waitRoute(page, R.lab);
    await waitText(page, '今日还可申请3次（每位就诊人每天最多3次）');
    await waitText(page, LAB_SITE);
    // Fasting is called out on the test itself, by icon and words.
    await expect($('wx-view[data-code="GLU"]').innerText()).resolves.toContain('空腹项目');
    await expect($('wx-view[data-code="CBC"]').innerText()).resolves.not.toContain('空腹项目');
    const cbc = $('wx-view[data-code="CBC"]');
    await cbc.click();
    await cbc.locator('[class*="check--on"]').waitFor({ state: 'visible' });
    await expect($('van-submit-bar').innerText()).resolves.toContain('已选1项，合计：¥25.00');
    publishScreenshot(await e2e.shot('lab', { fullPage: true }), 'preview-payment-lab');

    await $('van-submit-bar van-button').filter({ hasText: '提交并支付' }).click();
    await consentAndPay('¥25.00', 'lab-pay-sheet');
    await waitResult();

    const lab = await settledOrder(e2e, OPENID, (await newestOrder()).orderId);
    expect(lab.orderId).not.toBe(paid.orderId);
    expect(lab).toMatchObject({
      status: 'settled',
      items: [expect.objectContaining({ kind: 'lab', title: '血常规' })],
    });
    await waitText(page, spaced(lab.pickup!.code));
    await waitText(page, LAB_HOURS);
    const text = await visiblePage(page).innerText();
    for (const t of ['检验采血', '采血地点', LAB_SITE, '开放时间', '¥25.00']) expect(text).toContain(t);
    await e2e.shot('lab-result', { fullPage: true });
    await expect(stackOf(page)).resolves.toEqual([R.home, R.lab, R.result]);

    // Its message too, with its own code; and today's remaining orders went down.
    const labMsg = (await e2e.outbox()).find((m) => m.touser === OPENID && m.page?.endsWith(lab.orderId));
    expect(labMsg?.data.character_string5?.value).toBe(lab.pickup!.code);
    await page.locator('#mp-back').click();
    await waitRoute(page, R.lab);
    await waitText(page, '今日还可申请2次（每位就诊人每天最多3次）');
    await expectNoErrors();
  });
});
