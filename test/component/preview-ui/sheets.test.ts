import { showActionSheet, showConsentDialog } from '../../../devstack/preview/ui';
import { byTestId, cleanup, expectNothingOutside, makeRoot, press, queryTestId } from './helpers';

describe('preview ui: action sheet', () => {
  let root: HTMLElement;
  beforeEach(() => {
    root = makeRoot();
  });
  afterEach(cleanup);

  test('renders items, alert text and a separated 取消 into root; tapping an item resolves its index', async () => {
    const p = showActionSheet(root, {
      itemList: ['设为默认就诊人', '解除绑定'],
      alertText: '就诊人操作',
      itemColor: '#FA5151',
    });
    expect(byTestId(root, 'actionsheet-alert').textContent).toBe('就诊人操作');
    const item0 = byTestId<HTMLButtonElement>(root, 'actionsheet-item-0');
    const item1 = byTestId<HTMLButtonElement>(root, 'actionsheet-item-1');
    expect(item0.tagName).toBe('BUTTON');
    expect(item0.textContent).toBe('设为默认就诊人');
    expect(item1.textContent).toBe('解除绑定');
    expect(item1.style.color).toBe('rgb(250, 81, 81)');
    const cancel = byTestId(root, 'actionsheet-cancel');
    expect(cancel.textContent).toBe('取消');
    expect(cancel.closest('.mpui-actionsheet__cancel-wrap')).not.toBeNull();
    expect(cancel.closest('.mpui-actionsheet__menu')).toBeNull();
    expectNothingOutside(root);
    item1.click();
    await expect(p).resolves.toEqual({ tapIndex: 1 });
    expect(root.children).toHaveLength(0);
  });

  test('index 0 is a real result', async () => {
    const p = showActionSheet(root, { itemList: ['拍照', '从相册选择'] });
    expect(queryTestId(root, 'actionsheet-alert')).toBeNull();
    byTestId(root, 'actionsheet-item-0').click();
    await expect(p).resolves.toEqual({ tapIndex: 0 });
  });

  test('取消, the mask and Escape resolve null', async () => {
    const a = showActionSheet(root, { itemList: ['拍照'] });
    byTestId(root, 'actionsheet-cancel').click();
    await expect(a).resolves.toBeNull();

    const b = showActionSheet(root, { itemList: ['拍照'] });
    byTestId(root, 'actionsheet-mask').click();
    await expect(b).resolves.toBeNull();

    const c = showActionSheet(root, { itemList: ['拍照'] });
    press('Escape');
    await expect(c).resolves.toBeNull();
    expect(root.children).toHaveLength(0);
  });
});

describe('preview ui: subscription consent sheet', () => {
  let root: HTMLElement;
  beforeEach(() => {
    root = makeRoot();
  });
  afterEach(cleanup);

  const templates = [
    { id: 'tpl-visit', title: '就诊提醒' },
    { id: 'tpl-pay', title: '缴费成功通知' },
    { id: 'tpl-report', title: '检查报告出具通知' },
  ];

  test('renders the WeChat authorisation sheet in Chinese with every template checked', () => {
    void showConsentDialog(root, templates);
    const text = root.textContent ?? '';
    for (const s of [
      '智慧医院',
      '申请',
      '向你发送下列消息',
      '就诊提醒',
      '缴费成功通知',
      '检查报告出具通知',
      '拒绝',
      '允许',
      '总是保持以上选择，不再询问',
    ]) {
      expect(text).toContain(s);
    }
    for (const t of templates) {
      const check = byTestId<HTMLInputElement>(root, `consent-item-${t.id}`);
      expect(check.type).toBe('checkbox');
      expect(check.checked).toBe(true);
    }
    expect(byTestId(root, 'consent-allow').tagName).toBe('BUTTON');
    expect(byTestId(root, 'consent-reject').tagName).toBe('BUTTON');
    expectNothingOutside(root);
  });

  test('允许 with everything on accepts all', async () => {
    const p = showConsentDialog(root, templates);
    byTestId(root, 'consent-allow').click();
    await expect(p).resolves.toEqual({ 'tpl-visit': 'accept', 'tpl-pay': 'accept', 'tpl-report': 'accept' });
    expect(root.children).toHaveLength(0);
  });

  test('允许 after unchecking some gives an accept/reject mix', async () => {
    const p = showConsentDialog(root, templates);
    byTestId(root, 'consent-item-tpl-pay').click(); // the checkbox itself
    byTestId(root, 'consent-row-tpl-report').click(); // its label row toggles it as well
    expect(byTestId<HTMLInputElement>(root, 'consent-item-tpl-report').checked).toBe(false);
    byTestId(root, 'consent-item-tpl-report').click(); // and back on
    byTestId(root, 'consent-allow').click();
    await expect(p).resolves.toEqual({ 'tpl-visit': 'accept', 'tpl-pay': 'reject', 'tpl-report': 'accept' });
  });

  test('拒绝 rejects all, whatever is checked', async () => {
    const p = showConsentDialog(root, templates);
    byTestId(root, 'consent-item-tpl-visit').click();
    byTestId(root, 'consent-reject').click();
    await expect(p).resolves.toEqual({ 'tpl-visit': 'reject', 'tpl-pay': 'reject', 'tpl-report': 'reject' });
    expect(root.children).toHaveLength(0);
  });

  test('tapping the mask does not dismiss the sheet', async () => {
    const p = showConsentDialog(root, templates.slice(0, 1));
    (root.querySelector('.mpui-mask') as HTMLElement).click();
    expect(queryTestId(root, 'consent')).not.toBeNull();
    byTestId(root, 'consent-allow').click();
    await expect(p).resolves.toEqual({ 'tpl-visit': 'accept' });
  });
});
