import { simulate } from './simulate';
import { blurField, card, fieldError, renderPage, SUCCESS_BACK_DELAY_MS, tapVant, textOf, typeInto } from './helpers';
import { fail, flush, installWx, networkDown, ok, routes } from './wx-mock';

const VALID_ID = '330602199001011231';
const BAD_CHECKSUM_ID = '330602199001011234';

async function fillValid(page: ReturnType<typeof renderPage>): Promise<void> {
  await typeInto(page, '#name', ' 王小明 ');
  await typeInto(page, '#idNumber', VALID_ID);
  await typeInto(page, '#phone', '13800138000');
  await tapVant(page, '#relation-1'); // 父母
}

describe('添加就诊人 pages/patients/add', () => {
  test('renders the form in Chinese with the privacy note', () => {
    installWx();
    const page = renderPage('pages/patients/add/index');
    const text = textOf(page);
    for (const s of [
      '姓名',
      '身份证号',
      '手机号',
      '与本人关系',
      '本人',
      '父母',
      '子女',
      '配偶',
      '其他',
      '社保卡号',
      '确认绑定',
    ]) {
      expect(text).toContain(s);
    }
    expect(textOf(page.querySelector('#privacy'))).toContain('仅用于医院实名建档与就诊');
  });

  test('a wrong checksum shows the inline error on blur, a valid number clears it', async () => {
    installWx();
    const page = renderPage('pages/patients/add/index');
    await typeInto(page, '#idNumber', BAD_CHECKSUM_ID);
    expect(fieldError(page, '#idNumber')).toBe(''); // no nagging while typing
    await blurField(page, '#idNumber');
    expect(fieldError(page, '#idNumber')).toBe('身份证号校验位不正确，请核对');

    await typeInto(page, '#idNumber', VALID_ID); // fixing it clears the error at once
    expect(fieldError(page, '#idNumber')).toBe('');
    await blurField(page, '#idNumber');
    expect(fieldError(page, '#idNumber')).toBe('');

    await typeInto(page, '#phone', '1380013800');
    await blurField(page, '#phone');
    expect(fieldError(page, '#phone')).toBe('请输入正确的11位手机号');
  });

  test('submit with problems shows every inline error and calls nothing', async () => {
    const wx = installWx();
    const page = renderPage('pages/patients/add/index');
    await typeInto(page, '#idNumber', BAD_CHECKSUM_ID);
    await tapVant(page, '#submit');
    expect(fieldError(page, '#name')).toBe('请输入就诊人姓名');
    expect(fieldError(page, '#idNumber')).toBe('身份证号校验位不正确，请核对');
    expect(fieldError(page, '#phone')).toBe('请输入手机号');
    expect(textOf(page.querySelector('#relation-error'))).toBe('请选择与本人关系');
    expect(wx.backendCalls).toHaveLength(0);
    expect(wx.argsOf('showToast')[0]).toMatchObject({ title: '请按提示修改后再提交' });
  });

  test('submits the right payload, disables the button meanwhile, toasts and goes back', async () => {
    let release: () => void = () => undefined;
    const wx = installWx({
      backend: routes({
        'patient.bind': () =>
          new Promise((resolve) => {
            release = () => resolve(ok(card({ id: 'new', relation: '父母', createdInHis: true })));
          }),
      }),
    });
    const page = renderPage('pages/patients/add/index');
    await fillValid(page);
    await typeInto(page, '#socialSecurityNo', ' ');
    await tapVant(page, '#submit');

    expect(page.instance.data.submitting).toBe(true);
    expect(page.querySelector('#submit')!.data).toMatchObject({ loading: true, disabled: true });
    await tapVant(page, '#submit'); // a second tap while waiting does nothing
    expect(wx.eventsTo('patient')).toEqual([
      { action: 'bind', name: '王小明', idNumber: VALID_ID, phone: '13800138000', relation: '父母' },
    ]);

    release();
    await flush();
    expect(wx.argsOf('showToast')).toEqual([expect.objectContaining({ title: '绑定成功，已为您在医院建档' })]);
    expect(wx.argsOf('navigateBack')).toHaveLength(0);
    await simulate.sleep(SUCCESS_BACK_DELAY_MS + 20);
    expect(wx.argsOf('navigateBack')).toHaveLength(1);
  });

  test('plain success toasts 绑定成功; the optional social-security number is sent when given', async () => {
    const wx = installWx({ backend: routes({ 'patient.bind': ok(card()) }) });
    const page = renderPage('pages/patients/add/index');
    await fillValid(page);
    await typeInto(page, '#socialSecurityNo', 'A12345678');
    await tapVant(page, '#submit');
    await flush();
    expect(wx.eventsTo('patient')[0]).toMatchObject({ socialSecurityNo: 'A12345678' });
    expect(wx.argsOf('showToast')[0]).toMatchObject({ title: '绑定成功', icon: 'success' });
  });

  test('a server field error is shown under that field and the button is usable again', async () => {
    const wx = installWx({
      backend: routes({ 'patient.bind': fail('INVALID_ARGUMENT', '姓名与身份证号不一致，请核对', 'name') }),
    });
    const page = renderPage('pages/patients/add/index');
    await fillValid(page);
    await tapVant(page, '#submit');
    await flush();
    expect(fieldError(page, '#name')).toBe('姓名与身份证号不一致，请核对');
    expect(page.instance.data.submitting).toBe(false);
    expect(wx.argsOf('showModal')).toHaveLength(0);
    expect(wx.argsOf('navigateBack')).toHaveLength(0);
  });

  test('other errors are shown in a dialog with the server message', async () => {
    const wx = installWx({
      backend: routes({ 'patient.bind': fail('RESOURCE_EXHAUSTED', '最多可绑定5位就诊人') }),
    });
    const page = renderPage('pages/patients/add/index');
    await fillValid(page);
    await tapVant(page, '#submit');
    await flush();
    expect(wx.argsOf('showModal')[0]).toMatchObject({ title: '绑定失败', content: '最多可绑定5位就诊人' });

    installWx({ backend: () => networkDown() });
    const wx2 = installWx({ backend: () => networkDown() });
    const page2 = renderPage('pages/patients/add/index');
    await fillValid(page2);
    await tapVant(page2, '#submit');
    await flush();
    expect(wx2.argsOf('showModal')[0]).toMatchObject({ content: '网络异常，请稍后重试' });
  });
});
