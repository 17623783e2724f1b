/**
 * The patient-card journey through the real mini program in Chromium (devstack `/preview`), with
 * mouse and keyboard as a person would: 首页 → 就诊人管理 (empty) → 添加就诊人 with a wrong ID
 * check character (inline error, nothing stored) → fixed and bound (父母) → a second card (本人) →
 * 首页 shows the default → 详情: 设为默认 → 解除绑定 via the page's van-dialog → the list has one
 * card fewer. After every step neither the runtime nor the browser reported an error; at the end
 * the devstack's stored state is checked over HTTP.
 */
import type { Page } from 'playwright-core';
import { maskIdNumber, maskName } from '../../common/mask';
import { withWrongChecksum, type FreshPerson } from '../../devstack/seed/identities';
import type { PatientCardView } from '../../typings/patient';
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

const OPENID = 'u-e2e-1';
const HOME = 'pages/home/index';
const LIST = 'pages/patients/list/index';
const ADD = 'pages/patients/add/index';
const DETAIL = 'pages/patients/detail/index';
const BAD_CHECKSUM = '身份证号校验位不正确，请核对';

let e2e: E2E;
let page: Page;
let parent: FreshPerson; // bound as 父母
let self: FreshPerson; // bound as 本人
let parentCardId = '';

async function listCards(): Promise<PatientCardView[]> {
  const env = await e2e.callFunction<{ cards: PatientCardView[] }>('patient', OPENID, { action: 'list' });
  if (!env.ok) throw new Error(`patient.list failed: ${env.error.code} ${env.error.message}`);
  return env.data.cards;
}

/** Neither the preview runtime nor the browser saw an error (nothing is allow-listed). */
async function expectNoErrors(): Promise<void> {
  expect(await runtimeErrors(page)).toEqual([]);
  expect(e2e.pageErrors).toEqual([]);
}

function input(placeholder: string) {
  return visiblePage(page).getByPlaceholder(placeholder);
}

async function tapText(text: string): Promise<void> {
  await visiblePage(page).getByText(text, { exact: true }).first().click();
}

async function waitToast(title: string): Promise<void> {
  await page.getByTestId('toast').filter({ hasText: title }).waitFor({ state: 'visible', timeout: 10_000 });
}

/** Fills the 添加就诊人 form with the keyboard: click 姓名, then Tab from field to field. */
async function fillForm(p: { name: string; idNumber: string; phone: string }, relation: string): Promise<void> {
  await input('请输入就诊人姓名').click();
  await page.keyboard.type(p.name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(p.idNumber);
  await page.keyboard.press('Tab'); // leaving the field runs the inline check
  await page.keyboard.type(p.phone);
  await page.keyboard.press('Tab');
  await tapText(relation);
}

function idField() {
  return visiblePage(page).locator('van-field[data-field="idNumber"]');
}

beforeAll(async () => {
  e2e = await startE2E('patient-cards');
  page = e2e.page;
  const r = await fetch(`${e2e.stack.url}/devstack/api/identities`);
  const ids = (await r.json()) as { freshPeople: FreshPerson[] };
  // The older of two fresh people is the parent (birth dates are ISO strings).
  [parent, self] = ids.freshPeople.slice(0, 2).sort((a, b) => a.birthDate.localeCompare(b.birthDate)) as [
    FreshPerson,
    FreshPerson,
  ];
  expect(parent.idNumber).not.toBe(self.idNumber);
});

afterAll(async () => {
  await e2e?.close();
});

describe('就诊人 journey in the browser preview', () => {
  test('首页 in Chinese, no card yet', async () => {
    await e2e.open(OPENID);
    await waitRoute(page, HOME);
    await waitText(page, '还没有就诊人，添加后即可为本人或家人办理就医服务');
    const text = await visiblePage(page).innerText();
    for (const label of ['智慧医院', '门诊服务', '预约记录', '微官网', '就诊人管理', '默认就诊人']) {
      expect(text).toContain(label);
    }
    // Only what exists: no unbuilt service and no "coming soon".
    for (const missing of ['住院服务', '即将开放']) expect(text).not.toContain(missing);
    await expect(page.locator('#mp-title').innerText()).resolves.toBe('智慧医院');
    await expect(page.locator('#mp-tabbar').innerText()).resolves.toMatch(/首页\s*我的/);
    await expect(page.locator('#mp-identity').inputValue()).resolves.toBe(OPENID);
    await e2e.shot('home');
    await expectNoErrors();
  });

  test('就诊人管理 → empty list', async () => {
    await tapText('就诊人管理');
    await waitRoute(page, LIST);
    await waitText(page, '还没有就诊人，添加后可为本人或家人预约挂号');
    await waitText(page, '已绑定 0/5');
    await expect(page.locator('#mp-title').innerText()).resolves.toBe('就诊人管理');
    await e2e.shot('list-empty');
    await expectNoErrors();
    // <van-empty> shows the package's own picture: nothing was asked of the internet.
    expect(e2e.externalRequests).toEqual([]);
    const picture = page.locator('img.mp-native-img[src^="data:image/svg+xml;base64,"]');
    await expect(picture.count()).resolves.toBe(1);
    await expect(picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).resolves.toBe(160);
  });

  test('添加就诊人 with a wrong ID check character: inline error, nothing bound', async () => {
    await tapText('添加就诊人');
    await waitRoute(page, ADD);
    await waitText(page, '确认绑定');

    const bad = withWrongChecksum(parent.idNumber);
    expect(bad).not.toBe(parent.idNumber);
    await fillForm({ ...parent, idNumber: bad }, '父母');
    await expect(input('请输入18位身份证号').inputValue()).resolves.toBe(bad);

    // Blur already showed the message under the 身份证号 field, and only there.
    await idField().getByText(BAD_CHECKSUM).waitFor({ state: 'visible' });
    expect((await visiblePage(page).innerText()).split(BAD_CHECKSUM)).toHaveLength(2);

    // Submitting keeps the error and says so; nothing reaches the server.
    await tapText('确认绑定');
    await waitToast('请按提示修改后再提交');
    await expect(idField().innerText()).resolves.toContain(BAD_CHECKSUM);
    await e2e.shot('bad-id');
    expect(await listCards()).toHaveLength(0);
    await expect(stackOf(page)).resolves.toEqual([HOME, LIST, ADD]);
    await expectNoErrors();
  });

  test('fixing the ID number binds the 父母 card and returns to the list', async () => {
    // Select the whole number and retype it: the error re-checks live and disappears.
    await input('请输入18位身份证号').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(parent.idNumber);
    await expect(input('请输入18位身份证号').inputValue()).resolves.toBe(parent.idNumber);
    await idField().getByText(BAD_CHECKSUM).waitFor({ state: 'detached' });

    await tapText('确认绑定');
    // A person not yet in the HIS gets a record (建档) on the way.
    await waitToast('绑定成功，已为您在医院建档');
    await waitRoute(page, LIST);
    await waitText(page, '已绑定 1/5');

    const cards = await listCards();
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    parentCardId = card.id;
    expect(card).toMatchObject({ relation: '父母', isDefault: true, name: maskName(parent.name) });

    const text = await visiblePage(page).innerText();
    expect(text).toContain(maskName(parent.name));
    expect(text).toContain(`身份证 ${maskIdNumber(parent.idNumber)}`);
    expect(text).toContain(`就诊卡号 ${card.cardNo}`);
    expect(text).not.toContain(parent.idNumber); // never the whole number
    expect(text).not.toContain(parent.phone);
    const row = visiblePage(page).locator('van-cell', { hasText: maskName(parent.name) });
    await expect(row.locator('van-tag').allInnerTexts()).resolves.toEqual(['父母', '默认']);
    await e2e.shot('list-with-card');
    await expectNoErrors();
  });

  test('a second card (本人) is bound too', async () => {
    await tapText('添加就诊人');
    await waitRoute(page, ADD);
    // A fresh form: the previous page instance is gone.
    await expect(input('请输入就诊人姓名').inputValue()).resolves.toBe('');
    await fillForm(self, '本人');
    await tapText('确认绑定');
    await waitToast('绑定成功');
    await waitRoute(page, LIST);
    await waitText(page, '已绑定 2/5');
    await waitText(page, self.name); // 本人 sees the own name whole
    const file = await e2e.shot('list-two-cards', { fullPage: true });
    publishScreenshot(file, 'preview-cards');

    const cards = await listCards();
    expect(cards.map((c) => [c.relation, c.isDefault])).toEqual([
      ['父母', true],
      ['本人', false],
    ]);
    await expectNoErrors();
  });

  test('首页 shows the default card; 切换/管理 leads back to the list', async () => {
    await page.locator('#mp-back').click();
    await waitRoute(page, HOME);
    const summary = visiblePage(page).locator('van-cell', { hasText: '切换/管理' });
    await summary.getByText(maskName(parent.name)).waitFor({ state: 'visible' });
    await expect(summary.innerText()).resolves.toContain('父母');
    const file = await e2e.shot('home-with-cards', { fullPage: true });
    publishScreenshot(file, 'preview-home');
    await summary.click();
    await waitRoute(page, LIST);
    await waitText(page, '已绑定 2/5');
    await expectNoErrors();
  });

  test('详情 of the non-default card: 设为默认', async () => {
    await visiblePage(page).locator('van-cell', { hasText: self.name }).click();
    await waitRoute(page, DETAIL);
    await waitText(page, '设为默认就诊人');
    await expect(page.locator('#mp-title').innerText()).resolves.toBe('就诊人详情');
    const header = await visiblePage(page).innerText();
    expect(header).toContain(maskIdNumber(self.idNumber));
    expect(header).not.toContain('默认\n'); // no 默认 tag yet

    await tapText('设为默认就诊人');
    await waitToast('已设为默认');
    await visiblePage(page).getByText('默认', { exact: true }).waitFor({ state: 'visible' });
    await visiblePage(page).getByText('设为默认就诊人').waitFor({ state: 'detached' });
    await e2e.shot('detail-default');
    await page.getByTestId('toast').waitFor({ state: 'detached' }); // read it, then go on
    const cards = await listCards();
    expect(cards.find((c) => c.relation === '本人')?.isDefault).toBe(true);
    expect(cards.find((c) => c.relation === '父母')?.isDefault).toBe(false);
    await expectNoErrors();
  });

  test('解除绑定 asks in a van-dialog, then the list has one card fewer', async () => {
    const dialog = visiblePage(page).locator('van-dialog');
    await visiblePage(page).locator('van-button:not(van-dialog van-button)', { hasText: '解除绑定' }).click();
    await dialog.getByText('解除绑定后将无法为其预约挂号，确定解除？').waitFor({ state: 'visible' });
    // The dialog (position: fixed) is centred on the phone's page area, not on the browser window.
    const box = await dialog.locator('van-button', { hasText: '取消' }).boundingBox();
    const phone = await page.locator('#mp-pages').boundingBox();
    expect(box && phone && box.x > phone.x && box.x + box.width < phone.x + phone.width).toBe(true);
    await e2e.shot('unbind-dialog');
    await expectNoErrors();

    await dialog.locator('van-button', { hasText: '解除绑定' }).click();
    await waitToast('已解除绑定');
    await waitRoute(page, LIST);
    await waitText(page, '已绑定 1/5');
    const list = visiblePage(page);
    await list.getByText(self.name).waitFor({ state: 'detached' });
    // The remaining card became the default again.
    const row = list.locator('van-cell', { hasText: maskName(parent.name) });
    await expect(row.locator('van-tag').allInnerTexts()).resolves.toEqual(['父母', '默认']);
    await expect(stackOf(page)).resolves.toEqual([HOME, LIST]);
    await e2e.shot('list-after-unbind');
    await expectNoErrors();
  });

  test('the devstack stored what the screens showed', async () => {
    const cards = await listCards();
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({
      id: parentCardId,
      relation: '父母',
      isDefault: true,
      name: maskName(parent.name),
      idNumberMasked: maskIdNumber(parent.idNumber),
    });
    // Another user sees none of them.
    const other = await e2e.callFunction<{ cards: unknown[] }>('patient', 'u-e2e-other', { action: 'list' });
    expect(other).toEqual({ ok: true, data: { cards: [], limit: 5 } });
    await expectNoErrors();
  });
});
