import { fail, flush, installWx, networkDown, ok, routes } from './wx-mock';
import { card, countTags, renderPage, showPage, tapVant, textOf } from './helpers';

const RAW_ID = '330602199001011231';
const RAW_PHONE = '13800138000';

function twoCards() {
  return [
    card({ id: 'c1', name: '王小明', relation: '本人', isDefault: true, cardNo: 'HZ0001' }),
    card({
      id: 'c2',
      name: '王*华',
      relation: '父母',
      isDefault: false,
      cardNo: 'HZ0002',
      idNumberMasked: '330602********0026',
    }),
  ];
}

describe('就诊人列表 pages/patients/list', () => {
  test('renders masked cards with relation/默认 tags and the count', async () => {
    installWx({ backend: routes({ 'patient.list': ok({ cards: twoCards(), limit: 5 }) }) });
    const page = renderPage('pages/patients/list/index');
    expect(countTags(page.querySelector('#loading')!, 'van-skeleton')).toBe(2); // skeletons before the answer
    page.instance.onShow();
    await flush();

    expect(textOf(page.querySelector('#summary'))).toContain('已绑定 2/5');
    const first = textOf(page.querySelector('#card-c1'));
    expect(first).toContain('王小明');
    expect(first).toContain('本人');
    expect(first).toContain('默认');
    expect(first).toContain('330602********1234');
    expect(first).toContain('HZ0001');
    const second = textOf(page.querySelector('#card-c2'));
    expect(second).toContain('王*华');
    expect(second).toContain('父母');
    expect(second).not.toContain('默认');
    expect(countTags(page, 'van-skeleton')).toBe(0);
  });

  test('only Chinese UI text and no raw ID number or phone in the DOM', async () => {
    installWx({ backend: routes({ 'patient.list': ok({ cards: twoCards(), limit: 5 }) }) });
    const page = await showPage('pages/patients/list/index');
    const html = page.dom!.innerHTML;
    expect(html).not.toContain(RAW_ID);
    expect(html).not.toContain(RAW_PHONE);
    expect(html).not.toMatch(/\d{17}[\dXx]/); // no whole ID number of anyone
    // Every run of Latin letters in the visible text is a card number (HZ...), not English UI text.
    const text = textOf(page);
    const words = text.match(/[A-Za-z]{2,}/g) ?? [];
    expect(words.every((w) => /^HZ$/.test(w))).toBe(true);
    expect(text).toMatch(/[\u4e00-\u9fa5]/);
  });

  test('tapping a card opens its detail; 添加就诊人 opens the form', async () => {
    const wx = installWx({ backend: routes({ 'patient.list': ok({ cards: twoCards(), limit: 5 }) }) });
    const page = await showPage('pages/patients/list/index');
    await tapVant(page, '#card-c2');
    await tapVant(page, '#add-button');
    expect(wx.argsOf('navigateTo').map((o) => o.url)).toEqual([
      '/pages/patients/detail/index?id=c2',
      '/pages/patients/add/index',
    ]);
  });

  test('empty state when no cards', async () => {
    installWx({ backend: routes({ 'patient.list': ok({ cards: [], limit: 5 }) }) });
    const page = await showPage('pages/patients/list/index');
    expect(textOf(page.querySelector('#empty-state'))).toContain('还没有就诊人');
    expect(textOf(page.querySelector('#summary'))).toContain('已绑定 0/5');
  });

  test('at the limit the add button is disabled with an explanation', async () => {
    const cards = Array.from({ length: 5 }, (_, i) => card({ id: `c${i}`, isDefault: i === 0 }));
    const wx = installWx({ backend: routes({ 'patient.list': ok({ cards, limit: 5 }) }) });
    const page = await showPage('pages/patients/list/index');
    expect(textOf(page.querySelector('#limit-hint'))).toContain('最多可绑定5位就诊人');
    expect(page.querySelector('#add-button')!.data.disabled).toBe(true);
    await tapVant(page, '#add-button');
    expect(wx.argsOf('navigateTo')).toHaveLength(0);
  });

  test('error state with retry; pull-down reloads and stops the spinner', async () => {
    let down = true;
    const wx = installWx({
      backend: () => (down ? networkDown() : ok({ cards: twoCards(), limit: 5 })),
    });
    const page = await showPage('pages/patients/list/index');
    expect(textOf(page.querySelector('#error-state'))).toContain('网络异常，请稍后重试');

    down = false;
    await tapVant(page, '#error-state >>> #retry');
    expect(textOf(page.querySelector('#summary'))).toContain('已绑定 2/5');

    page.instance.onPullDownRefresh();
    await flush();
    expect(wx.argsOf('stopPullDownRefresh')).toHaveLength(1);
    expect(wx.eventsTo('patient')).toHaveLength(3);
  });

  test('a server error message is shown as is', async () => {
    installWx({ backend: routes({ 'patient.list': fail('UNAVAILABLE', '医院系统维护中，请稍后再试') }) });
    const page = await showPage('pages/patients/list/index');
    expect(textOf(page.querySelector('#error-state'))).toContain('医院系统维护中，请稍后再试');
  });
});
