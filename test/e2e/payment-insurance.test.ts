/**
 * 医保 and 自动缴费 journeys through the real mini program in Chromium (devstack `/preview`):
 *
 * (a) 医保: an insured seeded HIS patient's card (bound with the HIS's name and ID number) opens
 *     门诊缴费 with 医保支付 chosen; 去支付 jumps to the preview's 医保 mini program, where the
 *     patient types their name and ID number and 授权 (the pay sandbox issues the authCode); back
 *     in the app the 医保 order's split (统筹, 个人账户, 现金) shows before paying; 确认支付 → consent
 *     → the 医保 sheet → the order settles (缴费结果 with the pickup code); 缴费详情 shows the split.
 * (b) 自动缴费: a self-pay card signs on the contract page in the preview's WeChat Pay signing mini
 *     program; then the HIS sandbox stages a visit's charges (its charges.ready event reaches
 *     /http/hisEvents), the server deducts them, and 缴费记录 shows the 自动扣费 order settled.
 *
 * After every step neither the runtime nor the browser reported an error.
 */
import type { Page } from 'playwright-core';
import { freshPerson } from '../../devstack/seed/identities';
import type { HisFeeItem } from '../../server/ports/his-payment';
import type { PatientCardView } from '../../typings/patient';
import type { PaymentListOrdersResponse, PaymentOrderView, WithholdingContractView } from '../../typings/payment';
import { publishScreenshot, runtimeErrors, startE2E, visiblePage, waitRoute, waitText, type E2E } from './harness';
import { charge, eventually, hisPatientId, paymentData, settledOrder } from './payment-data';

const INSURED = 'u-e2e-insurance';
const SELF_PAY = 'u-e2e-withholding';

const R = {
  index: 'packagePayment/pages/index/index',
  result: 'packagePayment/pages/result/index',
  records: 'packagePayment/pages/records/index',
  detail: 'packagePayment/pages/detail/index',
  contract: 'packagePayment/pages/contract/index',
} as const;

let e2e: E2E;
let page: Page;

function $(selector: string) {
  return visiblePage(page).locator(selector);
}

function yuan(fen: number): string {
  return `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

const spaced = (code: string) => `${code.slice(0, 4)} ${code.slice(4)}`;

async function expectNoErrors(): Promise<void> {
  expect(await runtimeErrors(page)).toEqual([]);
  expect(e2e.pageErrors).toEqual([]);
}

async function orders(openid: string): Promise<PaymentOrderView[]> {
  return (await paymentData<PaymentListOrdersResponse>(e2e, openid, { action: 'listOrders' })).orders;
}

interface SeededPatient {
  name: string;
  idNumber: string;
  phone: string;
  cardNo: string;
}

/** A seeded adult of the HIS sandbox with 医保 on record (its sample gives full names and ID numbers). */
async function insuredPatient(): Promise<SeededPatient> {
  const r = await fetch(`${e2e.stack.hisUrl}/sandbox/patients/sample?count=50`);
  const { data } = (await r.json()) as { data: { items: SeededPatient[] } };
  for (const p of data.items) {
    const q = await fetch(`${e2e.stack.hisUrl}/sandbox/patients?q=${encodeURIComponent(p.cardNo)}`);
    const found = ((await q.json()) as { data: { items: { cardNo: string; hasSocialSecurityNo: boolean }[] } }).data;
    if (found.items.some((x) => x.cardNo === p.cardNo && x.hasSocialSecurityNo)) return p;
  }
  throw new Error('no insured patient among the HIS sandbox sample');
}

async function bind(openid: string, p: { name: string; idNumber: string; phone: string }): Promise<PatientCardView> {
  const bound = await e2e.callFunction<PatientCardView>('patient', openid, {
    action: 'bind',
    name: p.name,
    idNumber: p.idNumber,
    phone: p.phone,
    relation: '本人',
  });
  if (!bound.ok) throw new Error(`bind: ${bound.error.message}`);
  return bound.data;
}

/** The tap's consent sheet → 允许. */
async function allowConsent(): Promise<void> {
  const consent = page.getByTestId('consent');
  await consent.waitFor({ state: 'visible' });
  await page.getByTestId('consent-allow').click();
  await consent.waitFor({ state: 'detached' });
}

beforeAll(async () => {
  e2e = await startE2E('payment-insurance');
  page = e2e.page;
});

afterAll(async () => {
  await e2e?.close();
});

describe('(a) pay one item with 医保', () => {
  let patient: SeededPatient;
  let card: PatientCardView;
  let item: HisFeeItem;
  let paid: PaymentOrderView;

  beforeAll(async () => {
    patient = await insuredPatient();
    card = await bind(INSURED, patient);
    expect(card.socialSecurityMasked).not.toBeNull();
    const patientId = await hisPatientId(e2e, card.cardNo);
    [item] = await charge(e2e, patientId, 'prescription');
  });

  test('门诊缴费 offers 医保支付 (chosen); 去支付 opens the 医保 mini program; 授权 as the patient', async () => {
    await e2e.open({ openid: INSURED, path: R.index });
    await waitRoute(page, R.index);
    await waitText(page, item!.title);
    // Only this item: the seed's own charges of the patient are unticked.
    for (const check of await $('wx-view[data-id][class*="check--on"]').all()) {
      if ((await check.getAttribute('data-id')) !== item!.itemId) await check.click();
    }
    await expect($('wx-view[data-mode="insurance"]').getAttribute('class')).resolves.toContain('mode--on');
    await expect($('van-submit-bar').innerText()).resolves.toContain(`合计：${yuan(item!.amountFen)}`);
    publishScreenshot(await e2e.shot('insurance-index', { fullPage: true }), 'preview-payment-insurance-index');

    await $('van-submit-bar van-button').filter({ hasText: '去支付' }).click();
    const auth = page.getByTestId('medins-auth');
    await auth.waitFor({ state: 'visible' });
    await expect(auth.innerText()).resolves.toContain('智慧医院 申请使用你的医保电子凭证');
    await page.getByTestId('medins-name').fill(patient.name);
    await page.getByTestId('medins-id').fill(patient.idNumber);
    publishScreenshot(await e2e.shot('insurance-auth', { fullPage: true }), 'preview-payment-insurance-auth');
    await page.getByTestId('medins-confirm').click();
    await auth.waitFor({ state: 'detached' });
    await expectNoErrors();
  });

  test('back in the app: the 医保 order’s split before paying', async () => {
    const modal = page.getByTestId('modal');
    const split = $('insurance-split');
    await Promise.race([
      split.getByText('医保结算明细').waitFor({ state: 'visible', timeout: 15_000 }),
      modal.waitFor({ state: 'visible', timeout: 15_000 }),
    ]);
    if (await modal.isVisible()) throw new Error(`no split: ${(await modal.innerText()).replace(/\s+/g, ' ')}`);
    const [open] = (
      await paymentData<{ openOrders: PaymentOrderView[] }>(e2e, INSURED, { action: 'listUnpaid', cardId: card.id })
    ).openOrders;
    expect(open).toMatchObject({ mode: 'insurance' });
    expect(['created', 'paying']).toContain(open!.status);
    const s = open!.split;
    expect(s.fundFen + s.accountFen + s.cashFen).toBe(s.totalFen);
    const text = await split.innerText();
    for (const t of [
      `总金额${yuan(s.totalFen)}`,
      `医保统筹支付${yuan(s.fundFen)}`,
      `个人账户支付${yuan(s.accountFen)}`,
    ]) {
      expect(text.replace(/\s+/g, '')).toContain(t);
    }
    expect(text.replace(/\s+/g, '')).toContain(`需现金支付${yuan(s.cashFen)}`);
    expect(text).toContain('改用自费支付');
    publishScreenshot(await e2e.shot('insurance-split', { fullPage: true }), 'preview-payment-insurance-split');
    await expectNoErrors();
  });

  test('确认支付 → consent → the 医保 sheet → 缴费结果 with the pickup code', async () => {
    await $('insurance-split van-button').filter({ hasText: /确认/ }).click();
    await allowConsent();
    const sheet = page.getByTestId('medpay');
    const modal = page.getByTestId('modal');
    await Promise.race([
      sheet.waitFor({ state: 'visible', timeout: 10_000 }),
      modal.waitFor({ state: 'visible', timeout: 10_000 }),
    ]).catch(() => undefined);
    if (!(await sheet.isVisible())) {
      const said = (await modal.isVisible()) ? (await modal.innerText()).replace(/\s+/g, ' ') : '';
      throw new Error(`no 医保 sheet: ${said} ${JSON.stringify([...(await runtimeErrors(page)), ...e2e.pageErrors])}`);
    }
    await expect(page.getByTestId('medpay-merchant').innerText()).resolves.toBe('智慧医院');
    publishScreenshot(await e2e.shot('insurance-sheet', { fullPage: true }), 'preview-payment-insurance-sheet');
    await page.getByTestId('medpay-confirm').click();
    await sheet.waitFor({ state: 'detached' });

    await waitRoute(page, R.result);
    const [newest] = await orders(INSURED);
    paid = await settledOrder(e2e, INSURED, newest!.orderId);
    expect(paid).toMatchObject({ status: 'settled', mode: 'insurance', cardId: card.id });
    expect(paid.split.fundFen + paid.split.accountFen).toBeGreaterThan(0);
    expect(paid.pickup?.code).toMatch(/^\d{8}$/);
    await waitText(page, '缴费成功', 20_000);
    await waitText(page, spaced(paid.pickup!.code), 20_000);
    await page.getByTestId('toast').waitFor({ state: 'detached' });
    await e2e.shot('insurance-result', { fullPage: true });
    await expectNoErrors();
  });

  test('缴费记录 shows it as 医保; 缴费详情 the 医保 split', async () => {
    await $('van-button').filter({ hasText: '查看缴费记录' }).click();
    await waitRoute(page, R.records);
    const row = $(`wx-view[data-id="${paid.orderId}"]`);
    await row.waitFor({ state: 'visible' });
    await expect(row.innerText()).resolves.toContain('医保');
    await row.click();
    await waitRoute(page, R.detail);
    await waitText(page, '费用构成');
    const detail = (await visiblePage(page).innerText()).replace(/\s+/g, '');
    for (const t of ['医保支付', `医保统筹${yuan(paid.split.fundFen)}`, `个人账户${yuan(paid.split.accountFen)}`]) {
      expect(detail).toContain(t);
    }
    publishScreenshot(await e2e.shot('insurance-detail', { fullPage: true }), 'preview-payment-insurance-detail');
    await expectNoErrors();
  });
});

describe('(b) sign withholding, then a visit’s charges are deducted', () => {
  let card: PatientCardView;

  beforeAll(async () => {
    card = await bind(SELF_PAY, freshPerson());
    expect(card.socialSecurityMasked).toBeNull();
  });

  test('自动缴费: 开通 in the WeChat Pay signing mini program → 已开通', async () => {
    await e2e.open({ openid: SELF_PAY, path: R.index });
    await waitRoute(page, R.index);
    await $('van-cell').filter({ hasText: '开通后诊间费用就诊后自动扣缴' }).click();
    await waitRoute(page, R.contract);
    await waitText(page, '未开通');
    await waitText(page, '医保患者请在医生站就诊时刷医保卡');
    publishScreenshot(await e2e.shot('contract', { fullPage: true }), 'preview-payment-contract-none');

    await $('van-button').filter({ hasText: '开通自动缴费' }).click();
    const sign = page.getByTestId('papay-sign');
    await sign.waitFor({ state: 'visible' });
    await expect(page.getByTestId('papay-account').innerText()).resolves.toContain(card.cardNo.slice(-4));
    publishScreenshot(await e2e.shot('contract-sign', { fullPage: true }), 'preview-payment-contract-sign');
    await page.getByTestId('papay-confirm').click();
    await sign.waitFor({ state: 'detached' });
    await waitText(page, '已开通', 20_000);
    await waitText(page, '解除自动缴费');
    const contract = await paymentData<WithholdingContractView>(e2e, SELF_PAY, { action: 'contract', cardId: card.id });
    expect(contract.status).toBe('active');
    publishScreenshot(await e2e.shot('contract-active', { fullPage: true }), 'preview-payment-contract-active');
    await expectNoErrors();
  });

  test('the HIS reports a visit’s charges: they are deducted, and 缴费记录 shows 自动扣费 settled', async () => {
    const patientId = await hisPatientId(e2e, card.cardNo);
    const [staged] = await charge(e2e, patientId, 'prescription');
    const deducted = await eventually(
      () => orders(SELF_PAY),
      (os) => os.some((o) => o.mode === 'withholding' && o.status === 'settled'),
      20_000,
    );
    const order = deducted.find((o) => o.mode === 'withholding');
    expect(order).toMatchObject({ status: 'settled', cardId: card.id });
    expect(order!.items.map((i) => i.itemId)).toContain(staged!.itemId);

    await page.locator('#mp-back').click();
    await waitRoute(page, R.index);
    await e2e.open({ openid: SELF_PAY, path: R.records });
    await waitRoute(page, R.records);
    const row = $(`wx-view[data-id="${order!.orderId}"]`);
    await row.waitFor({ state: 'visible' });
    const text = await row.innerText();
    for (const t of ['自动扣费', '已缴费', yuan(order!.split.totalFen)]) expect(text).toContain(t);
    publishScreenshot(await e2e.shot('contract-records', { fullPage: true }), 'preview-payment-contract-records');
    await expectNoErrors();
  });
});
