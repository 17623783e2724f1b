import { installWx } from './wx-mock';
import { renderPage, tapVant, textOf } from './helpers';

describe('我的 pages/me', () => {
  test('lists 就诊人管理, 预约记录, 缴费记录 and 关于 with the version; entries navigate / explain', async () => {
    const wx = installWx();
    const page = renderPage('pages/me/index');
    page.instance.onLoad({});
    expect(textOf(page.querySelector('#records'))).toContain('预约记录');
    expect(textOf(page.querySelector('#pay-records'))).toContain('缴费记录');
    await tapVant(page, '#patients');
    await tapVant(page, '#records');
    await tapVant(page, '#pay-records');
    expect(wx.argsOf('navigateTo').map((o) => o.url)).toEqual([
      '/pages/patients/list/index',
      '/packageBooking/pages/records/index',
      '/packagePayment/pages/records/index',
    ]);

    expect(textOf(page.querySelector('#about'))).toContain('关于智慧医院');
    expect(textOf(page.querySelector('#about'))).toContain('v0.1.0');
    await tapVant(page, '#about');
    expect(wx.argsOf('showModal')[0]).toMatchObject({ title: '关于智慧医院' });
  });
});

describe('wx mock', () => {
  test('fails loudly on an API the test did not provide', () => {
    installWx();
    const wxGlobal = (globalThis as unknown as { wx: Record<string, unknown> }).wx;
    expect(() => wxGlobal['requestPayment']).toThrow(/wx\.requestPayment is not provided/);
  });
});
