import { simulate } from './simulate';
import { card, openPage, SUCCESS_BACK_DELAY_MS, tapDialogButton, tapVant, textOf } from './helpers';
import { fail, flush, installWx, ok, routes } from './wx-mock';

const other = card({
  id: 'c2',
  name: '王*华',
  relation: '父母',
  isDefault: false,
  gender: 'F',
  age: 62,
  socialSecurityMasked: '3306********5678',
  boundAt: '2024-03-01T16:30:00.000Z', // 2024-03-02 00:30 in Asia/Shanghai
});

describe('就诊人详情 pages/patients/detail', () => {
  test('shows masked details with the bind date in Asia/Shanghai', async () => {
    const wx = installWx({ backend: routes({ 'patient.get': ok(other) }) });
    const page = await openPage('pages/patients/detail/index', { id: 'c2' });
    expect(wx.eventsTo('patient')).toEqual([{ action: 'get', cardId: 'c2' }]);
    const text = textOf(page.querySelector('#card-info'));
    for (const s of [
      '王*华',
      '父母',
      'HZ00012345',
      '330602********1234',
      '138****8000',
      '女',
      '62岁',
      '3306********5678',
      '2024-03-02',
    ]) {
      expect(text).toContain(s);
    }
    expect(page.querySelector('#set-default')).toBeTruthy();
  });

  test('设为默认 calls setDefault and hides the button', async () => {
    const wx = installWx({
      backend: routes({ 'patient.get': ok(other), 'patient.setDefault': ok({ ...other, isDefault: true }) }),
    });
    const page = await openPage('pages/patients/detail/index', { id: 'c2' });
    await tapVant(page, '#set-default');
    await flush();
    expect(wx.eventsTo('patient')[1]).toEqual({ action: 'setDefault', cardId: 'c2' });
    expect(page.querySelector('#set-default')).toBeFalsy();
    expect(page.querySelector('#default-tag')).toBeTruthy();
    expect(wx.argsOf('showToast')[0]).toMatchObject({ title: '已设为默认' });
  });

  test('解除绑定 asks first; cancel does nothing, confirm unbinds and goes back', async () => {
    const wx = installWx({
      backend: routes({ 'patient.get': ok(other), 'patient.unbind': ok({ cardId: 'c2', newDefaultCardId: null }) }),
    });
    const page = await openPage('pages/patients/detail/index', { id: 'c2' });

    await tapVant(page, '#unbind');
    await simulate.sleep(60); // dialog enter transition
    const dialog = page.querySelector('#unbind-dialog')!;
    expect(dialog.data.show).toBe(true);
    expect(textOf(dialog)).toContain('解除绑定后将无法为其预约挂号，确定解除？');

    await tapDialogButton(page, '#unbind-dialog', 'cancel');
    expect(page.instance.data.unbindDialogShow).toBe(false);
    expect(wx.eventsTo('patient')).toHaveLength(1);

    await tapVant(page, '#unbind');
    await tapDialogButton(page, '#unbind-dialog', 'confirm');
    await flush();
    expect(wx.eventsTo('patient')[1]).toEqual({ action: 'unbind', cardId: 'c2' });
    expect(wx.argsOf('showToast')[0]).toMatchObject({ title: '已解除绑定' });
    await simulate.sleep(SUCCESS_BACK_DELAY_MS + 20);
    expect(wx.argsOf('navigateBack')).toHaveLength(1);
  });

  test('the default card has no 设为默认 button', async () => {
    installWx({ backend: routes({ 'patient.get': ok(card()) }) });
    const page = await openPage('pages/patients/detail/index', { id: 'card-1' });
    expect(page.querySelector('#set-default')).toBeFalsy();
    expect(page.querySelector('#unbind')).toBeTruthy();
  });

  test('NOT_FOUND shows 就诊人不存在或已解绑', async () => {
    const wx = installWx({ backend: routes({ 'patient.get': fail('NOT_FOUND', '就诊人不存在') }) });
    const page = await openPage('pages/patients/detail/index', { id: 'gone' });
    expect(textOf(page.querySelector('#not-found'))).toContain('就诊人不存在或已解绑');
    expect(page.querySelector('#card-info')).toBeFalsy();
    expect(textOf(page.querySelector('#not-found >>> #action'))).toBe('返回就诊人列表');
    await tapVant(page, '#not-found >>> #action');
    expect(wx.argsOf('redirectTo')[0]).toMatchObject({ url: '/pages/patients/list/index' });
  });

  test('a failed unbind keeps the card and explains in a dialog', async () => {
    const wx = installWx({
      backend: routes({
        'patient.get': ok(other),
        'patient.unbind': fail('FAILED_PRECONDITION', '该就诊人有未完成的预约，暂不能解绑'),
      }),
    });
    const page = await openPage('pages/patients/detail/index', { id: 'c2' });
    await tapVant(page, '#unbind');
    await tapDialogButton(page, '#unbind-dialog', 'confirm');
    await flush();
    expect(wx.argsOf('showModal')[0]).toMatchObject({ content: '该就诊人有未完成的预约，暂不能解绑' });
    expect(page.instance.data.busy).toBe('');
    expect(page.querySelector('#card-info')).toBeTruthy();
  });
});
