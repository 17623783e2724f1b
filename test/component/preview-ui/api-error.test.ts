import { showApiError, showModal, showToast } from '../../../devstack/preview/ui';
import { byTestId, cleanup, expectNothingOutside, makeRoot, queryTestId } from './helpers';

describe('preview ui: API error banner', () => {
  let root: HTMLElement;
  beforeEach(() => {
    root = makeRoot();
  });
  afterEach(() => {
    jest.useRealTimers();
    cleanup();
  });

  function banners(): HTMLElement[] {
    return Array.from(root.querySelectorAll<HTMLElement>('[data-testid="api-error"]'));
  }

  test('renders the message with a × close button into root', () => {
    showApiError(root, '接口 patient.list 调用失败：网络错误');
    const [banner] = banners();
    expect(banner).toBeDefined();
    expect(banner!.getAttribute('role')).toBe('alert');
    expect(byTestId(banner!, 'api-error-message').textContent).toBe('接口 patient.list 调用失败：网络错误');
    const close = byTestId<HTMLButtonElement>(banner!, 'api-error-close');
    expect(close.tagName).toBe('BUTTON');
    expect(close.textContent).toBe('×');
    expect(close.getAttribute('aria-label')).toBe('关闭');
    expectNothingOutside(root);
  });

  test('multiple errors stack in order and never auto-hide', () => {
    jest.useFakeTimers();
    showApiError(root, '第一个错误');
    showApiError(root, '第二个错误');
    showApiError(root, '第三个错误');
    jest.advanceTimersByTime(10 * 60_000);
    expect(banners().map((b) => byTestId(b, 'api-error-message').textContent)).toEqual([
      '第一个错误',
      '第二个错误',
      '第三个错误',
    ]);
    expect(root.querySelectorAll('[data-testid="api-errors"]')).toHaveLength(1);
  });

  test('× closes only its banner; the container goes when the last one closes', () => {
    showApiError(root, '错误甲');
    showApiError(root, '错误乙');
    byTestId(banners()[0]!, 'api-error-close').click();
    expect(banners().map((b) => b.textContent)).toEqual(['错误乙×']);
    byTestId(banners()[0]!, 'api-error-close').click();
    expect(banners()).toHaveLength(0);
    expect(queryTestId(root, 'api-errors')).toBeNull();
    expect(root.children).toHaveLength(0);
  });

  test('coexists with other widgets and stays the last (topmost) child of root', async () => {
    showApiError(root, '错误一');
    const modal = showModal(root, { title: '提示' });
    showToast(root, { title: '成功' });
    showApiError(root, '错误二');
    expect(root.lastElementChild?.getAttribute('data-testid')).toBe('api-errors');
    expect(banners()).toHaveLength(2);
    byTestId(root, 'modal-confirm').click();
    await modal;
    expect(banners()).toHaveLength(2);
  });
});
