import { flush, installWx, ok, routes, fail } from './wx-mock';
import { card, countOf, renderPage, tapVant, textOf } from './helpers';

describe('首页 pages/home', () => {
  test('renders the four entries in Chinese; 门诊服务, 微官网 and 就诊人管理 navigate, 住院服务 says 建设中', async () => {
    const wx = installWx({ backend: routes({ 'patient.list': ok({ cards: [], limit: 5 }) }) });
    const page = renderPage('pages/home/index');
    page.instance.onShow();
    await flush();

    const text = textOf(page);
    for (const label of ['智慧医院', '门诊服务', '住院服务', '微官网', '就诊人管理']) expect(text).toContain(label);
    // Only the unbuilt 住院服务 carries the 即将开放 badge.
    expect(countOf(page, '.entry__badge')).toBe(1);
    expect(textOf(page.querySelector('#entry-inpatient'))).toContain('即将开放');

    await tapVant(page, '#entry-patients');
    await tapVant(page, '#entry-outpatient');
    await tapVant(page, '#entry-website');
    await flush();
    expect(wx.argsOf('navigateTo').map((o) => o.url)).toEqual([
      '/pages/patients/list/index',
      '/pages/booking/index/index',
      '/pages/site/index/index',
    ]);

    await tapVant(page, '#entry-inpatient');
    await flush();
    expect(wx.argsOf('showToast')).toEqual([expect.objectContaining({ title: '功能建设中，敬请期待' })]);
    expect(wx.argsOf('navigateTo')).toHaveLength(3);
  });

  test('shows the default card summary with 切换/管理', async () => {
    installWx({
      backend: routes({
        'patient.list': ok({
          cards: [card({ id: 'a', isDefault: false, name: '李*' }), card({ id: 'b', name: '王小明', cardNo: 'HZ9' })],
          limit: 5,
        }),
      }),
    });
    const page = renderPage('pages/home/index');
    page.instance.onShow();
    await flush();
    const summary = textOf(page.querySelector('#default-card'));
    expect(summary).toContain('王小明');
    expect(summary).toContain('HZ9');
    expect(summary).toContain('切换/管理');
  });

  test('prompts to add a card when none, and shows a retry on failure', async () => {
    const wx = installWx({ backend: routes({ 'patient.list': ok({ cards: [], limit: 5 }) }) });
    const page = renderPage('pages/home/index');
    page.instance.onShow();
    await flush();
    expect(textOf(page.querySelector('#no-card'))).toContain('还没有就诊人');
    await tapVant(page, '#add-card');
    await flush();
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/pages/patients/add/index' });

    installWx({ backend: routes({ 'patient.list': fail('UNAVAILABLE', '医院系统维护中') }) });
    const page2 = renderPage('pages/home/index');
    page2.instance.onShow();
    await flush();
    expect(textOf(page2.querySelector('#card-error'))).toContain('医院系统维护中');
  });
});
