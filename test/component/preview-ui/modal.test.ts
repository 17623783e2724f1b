import { showModal } from '../../../devstack/preview/ui';
import { byTestId, cleanup, expectNothingOutside, makeRoot, press, queryTestId } from './helpers';

describe('preview ui: modal', () => {
  let root: HTMLElement;
  beforeEach(() => {
    root = makeRoot();
  });
  afterEach(cleanup);

  test('renders title, content and 取消 | 确定 into root; confirm resolves and cleans up', async () => {
    const p = showModal(root, { title: '解除绑定', content: '确定解除该就诊人的绑定吗？' });
    expect(byTestId(root, 'modal-title').textContent).toBe('解除绑定');
    expect(byTestId(root, 'modal-content').textContent).toBe('确定解除该就诊人的绑定吗？');
    const cancel = byTestId<HTMLButtonElement>(root, 'modal-cancel');
    const confirm = byTestId<HTMLButtonElement>(root, 'modal-confirm');
    expect(cancel.tagName).toBe('BUTTON');
    expect(cancel.textContent).toBe('取消');
    expect(confirm.textContent).toBe('确定');
    expect(confirm.style.color).toBe('rgb(87, 107, 149)'); // #576B95
    expect(byTestId(root, 'modal').getAttribute('role')).toBe('dialog');
    expectNothingOutside(root);
    confirm.click();
    await expect(p).resolves.toEqual({ confirm: true, cancel: false });
    expect(root.children).toHaveLength(0);
  });

  test('cancel resolves { confirm: false, cancel: true }', async () => {
    const p = showModal(root, { title: '提示', content: '是否退出登录？' });
    byTestId(root, 'modal-cancel').click();
    await expect(p).resolves.toEqual({ confirm: false, cancel: true });
    expect(queryTestId(root, 'modal')).toBeNull();
  });

  test('showCancel false, custom texts and colors', async () => {
    const p = showModal(root, {
      title: '绑定失败',
      content: '身份证号与姓名不匹配',
      showCancel: false,
      confirmText: '我知道了',
      confirmColor: '#07C160',
    });
    expect(queryTestId(root, 'modal-cancel')).toBeNull();
    const confirm = byTestId(root, 'modal-confirm');
    expect(confirm.textContent).toBe('我知道了');
    expect(confirm.style.color).toBe('rgb(7, 193, 96)');
    confirm.click();
    await expect(p).resolves.toEqual({ confirm: true, cancel: false });

    const q = showModal(root, {
      content: '删除后不可恢复',
      cancelText: '再想想',
      cancelColor: '#FA5151',
      confirmText: '删除',
    });
    expect(queryTestId(root, 'modal-title')).toBeNull();
    expect(byTestId(root, 'modal-content').textContent).toBe('删除后不可恢复');
    const cancel = byTestId(root, 'modal-cancel');
    expect(cancel.textContent).toBe('再想想');
    expect(cancel.style.color).toBe('rgb(250, 81, 81)');
    cancel.click();
    await expect(q).resolves.toEqual({ confirm: false, cancel: true });
  });

  test('editable: input with placeholder, prefilled with content, confirm returns the typed text', async () => {
    const p = showModal(root, { title: '备注', content: '初始', editable: true, placeholderText: '请输入备注' });
    const input = byTestId<HTMLInputElement>(root, 'modal-input');
    expect(input.placeholder).toBe('请输入备注');
    expect(input.value).toBe('初始');
    expect(document.activeElement).toBe(input);
    input.value = '下午三点后联系';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    byTestId(root, 'modal-confirm').click();
    await expect(p).resolves.toEqual({ confirm: true, cancel: false, content: '下午三点后联系' });
    expect(root.children).toHaveLength(0);
  });

  test('editable cancel returns no content', async () => {
    const p = showModal(root, { title: '备注', editable: true });
    byTestId<HTMLInputElement>(root, 'modal-input').value = '不要了';
    byTestId(root, 'modal-cancel').click();
    await expect(p).resolves.toEqual({ confirm: false, cancel: true });
  });

  test('Enter confirms (also from the input), Escape cancels', async () => {
    const p = showModal(root, { title: '提示', content: '继续吗？' });
    press('Enter');
    await expect(p).resolves.toEqual({ confirm: true, cancel: false });

    const q = showModal(root, { title: '提示', content: '继续吗？' });
    press('Escape');
    await expect(q).resolves.toEqual({ confirm: false, cancel: true });

    const r = showModal(root, { title: '姓名', editable: true });
    const input = byTestId<HTMLInputElement>(root, 'modal-input');
    input.value = '王小明';
    press('Enter', input);
    await expect(r).resolves.toEqual({ confirm: true, cancel: false, content: '王小明' });
    expect(root.children).toHaveLength(0);
  });

  test('Enter during IME composition does not confirm', async () => {
    const p = showModal(root, { title: '姓名', editable: true });
    const input = byTestId<HTMLInputElement>(root, 'modal-input');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true }));
    expect(queryTestId(root, 'modal')).not.toBeNull();
    press('Escape', input);
    await expect(p).resolves.toEqual({ confirm: false, cancel: true });
  });

  test('keys go to the topmost of stacked modals only; handlers are removed on close', async () => {
    const first = showModal(root, { title: '第一个' });
    const second = showModal(root, { title: '第二个' });
    press('Escape');
    await expect(second).resolves.toEqual({ confirm: false, cancel: true });
    expect(byTestId(root, 'modal-title').textContent).toBe('第一个');
    press('Enter');
    await expect(first).resolves.toEqual({ confirm: true, cancel: false });
    press('Enter'); // nothing open: no error, nothing rendered
    expect(root.children).toHaveLength(0);
  });

  test('clicks inside the modal do not bubble to root; double clicks resolve once', async () => {
    const rootTap = jest.fn();
    root.addEventListener('click', rootTap);
    const p = showModal(root, { title: '提示' });
    const confirm = byTestId(root, 'modal-confirm');
    confirm.click();
    confirm.click();
    await expect(p).resolves.toEqual({ confirm: true, cancel: false });
    expect(rootTap).not.toHaveBeenCalled();
  });

  test('text is rendered as text, never as HTML', async () => {
    const p = showModal(root, { title: '<b>标题</b>', content: '<img src=x onerror=alert(1)>' });
    expect(root.querySelector('img, b')).toBeNull();
    expect(byTestId(root, 'modal-content').textContent).toBe('<img src=x onerror=alert(1)>');
    byTestId(root, 'modal-cancel').click();
    await p;
  });
});
