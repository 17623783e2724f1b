import { fail, flush, installWx, ok, routes } from './wx-mock';
import { card, countTags, showPage, tapVant, textOf } from './helpers';

describe('首页 pages/home', () => {
  test('renders the seven entries in Chinese, all built: each navigates; nothing "coming soon"', async () => {
    const wx = installWx({ backend: routes({ 'patient.list': ok({ cards: [], limit: 5 }) }) });
    const page = await showPage('pages/home/index');

    const text = textOf(page);
    for (const label of [
      '智慧医院',
      '门诊服务',
      '门诊缴费',
      '自助检验',
      '预约记录',
      '缴费记录',
      '微官网',
      '就诊人管理',
    ])
      expect(text).toContain(label);
    // The home page names only what exists: no unbuilt service, no "coming soon" badge.
    for (const missing of ['住院服务', '即将开放', '报告']) expect(text).not.toContain(missing);
    expect(countTags(page, 'van-grid-item')).toBe(7);

    await tapVant(page, '#entry-patients');
    await tapVant(page, '#entry-outpatient');
    await tapVant(page, '#entry-payment');
    await tapVant(page, '#entry-lab');
    await tapVant(page, '#entry-records');
    await tapVant(page, '#entry-payRecords');
    await tapVant(page, '#entry-website');
    await flush();
    expect(wx.argsOf('navigateTo').map((o) => o.url)).toEqual([
      '/pages/patients/list/index',
      '/packageBooking/pages/index/index',
      '/packagePayment/pages/index/index',
      '/packagePayment/pages/lab/index',
      '/packageBooking/pages/records/index',
      '/packagePayment/pages/records/index',
      '/packageSite/pages/index/index',
    ]);
    expect(wx.argsOf('showToast')).toEqual([]);
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
    const page = await showPage('pages/home/index');
    const summary = textOf(page.querySelector('#default-card'));
    expect(summary).toContain('王小明');
    expect(summary).toContain('HZ9');
    expect(summary).toContain('切换/管理');
  });

  test('prompts to add a card when none, and shows a retry on failure', async () => {
    const wx = installWx({ backend: routes({ 'patient.list': ok({ cards: [], limit: 5 }) }) });
    const page = await showPage('pages/home/index');
    expect(textOf(page.querySelector('#no-card'))).toContain('还没有就诊人');
    await tapVant(page, '#no-card >>> #action');
    await flush();
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/pages/patients/add/index' });

    let down = true;
    installWx({ backend: () => (down ? fail('UNAVAILABLE', '医院系统维护中') : ok({ cards: [], limit: 5 })) });
    const page2 = await showPage('pages/home/index');
    expect(textOf(page2.querySelector('#card-error'))).toContain('医院系统维护中');
    down = false;
    await tapVant(page2, '#card-error >>> #retry');
    expect(textOf(page2.querySelector('#no-card'))).toContain('还没有就诊人');
  });
});
