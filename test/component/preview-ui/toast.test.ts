import { hideLoading, hideToast, showLoading, showToast } from '../../../devstack/preview/ui';
import { byTestId, cleanup, expectNothingOutside, makeRoot, queryTestId } from './helpers';

describe('preview ui: toast and loading', () => {
  let root: HTMLElement;
  beforeEach(() => {
    jest.useFakeTimers();
    root = makeRoot();
  });
  afterEach(() => {
    jest.useRealTimers();
    cleanup();
  });

  test('renders a success toast with icon into root and injects the stylesheet once', () => {
    showToast(root, { title: '保存成功' });
    showToast(root, { title: '再次保存成功', icon: 'success' });
    const toast = byTestId(root, 'toast');
    expect(toast.textContent).toBe('再次保存成功');
    expect(toast.getAttribute('data-icon')).toBe('success');
    expect(toast.querySelector('svg')).not.toBeNull();
    expect(toast.classList.contains('mpui-toast_icon')).toBe(true);
    expect(document.querySelectorAll('#mpui-style')).toHaveLength(1);
    expect(document.head.querySelector('#mpui-style')?.textContent).toContain('.mpui-toast');
    expectNothingOutside(root);
  });

  test('error icon, loading icon and the wider text-only box for icon none', () => {
    showToast(root, { title: '操作失败', icon: 'error' });
    expect(byTestId(root, 'toast').querySelector('.mpui-toast__icon_error')).not.toBeNull();
    showToast(root, { title: '加载中', icon: 'loading' });
    expect(byTestId(root, 'toast').querySelector('.mpui-spinner')).not.toBeNull();
    showToast(root, { title: '请先选择就诊人', icon: 'none' });
    const toast = byTestId(root, 'toast');
    expect(toast.classList.contains('mpui-toast_text')).toBe(true);
    expect(toast.querySelector('svg, .mpui-spinner')).toBeNull();
    expect(toast.textContent).toBe('请先选择就诊人');
  });

  test('auto-hides after the default 1500 ms and removes its DOM', () => {
    showToast(root, { title: '已提交', icon: 'none' });
    jest.advanceTimersByTime(1499);
    expect(queryTestId(root, 'toast')).not.toBeNull();
    jest.advanceTimersByTime(1);
    expect(queryTestId(root, 'toast')).toBeNull();
    expect(root.children).toHaveLength(0);
  });

  test('honours a custom duration', () => {
    showToast(root, { title: '已复制', duration: 3000 });
    jest.advanceTimersByTime(2999);
    expect(queryTestId(root, 'toast')).not.toBeNull();
    jest.advanceTimersByTime(1);
    expect(queryTestId(root, 'toast')).toBeNull();
  });

  test('a new toast replaces the old one and the old timer cannot hide the new one', () => {
    showToast(root, { title: '第一条', duration: 1000 });
    jest.advanceTimersByTime(800);
    showToast(root, { title: '第二条', duration: 1000 });
    expect(root.querySelectorAll('[data-testid="toast"]')).toHaveLength(1);
    expect(byTestId(root, 'toast').textContent).toBe('第二条');
    jest.advanceTimersByTime(500); // the first toast's deadline passes
    expect(byTestId(root, 'toast').textContent).toBe('第二条');
    jest.advanceTimersByTime(500);
    expect(queryTestId(root, 'toast')).toBeNull();
  });

  test('hideToast removes the toast immediately', () => {
    showToast(root, { title: '已保存' });
    hideToast(root);
    expect(root.children).toHaveLength(0);
    hideToast(root); // idempotent
    jest.runOnlyPendingTimers();
    expect(root.children).toHaveLength(0);
  });

  test('loading stays until hideLoading', () => {
    showLoading(root, { title: '加载中' });
    const loading = byTestId(root, 'loading');
    expect(loading.textContent).toBe('加载中');
    expect(loading.querySelector('.mpui-spinner')).not.toBeNull();
    jest.advanceTimersByTime(60_000);
    expect(queryTestId(root, 'loading')).not.toBeNull();
    hideToast(root); // hideToast does not close a loading box
    expect(queryTestId(root, 'loading')).not.toBeNull();
    hideLoading(root);
    expect(queryTestId(root, 'loading')).toBeNull();
    expect(root.children).toHaveLength(0);
  });

  test('toast and loading share one slot: each replaces the other', () => {
    showLoading(root, { title: '提交中' });
    showToast(root, { title: '提交成功' });
    expect(queryTestId(root, 'loading')).toBeNull();
    expect(byTestId(root, 'toast').textContent).toBe('提交成功');
    hideLoading(root); // a late hideLoading does not swallow the result toast
    expect(queryTestId(root, 'toast')).not.toBeNull();
    showLoading(root, { title: '加载中' });
    expect(queryTestId(root, 'toast')).toBeNull();
    jest.advanceTimersByTime(5000); // the replaced toast's timer does not hide the loading
    expect(byTestId(root, 'loading').textContent).toBe('加载中');
  });

  test('without mask taps pass through; with mask they are blocked', () => {
    const under = document.createElement('button');
    const onTap = jest.fn();
    under.addEventListener('click', onTap);
    root.appendChild(under);
    const rootTap = jest.fn();
    root.addEventListener('click', rootTap);

    showToast(root, { title: '提示', icon: 'none' });
    const plainLayer = byTestId(root, 'toast').parentElement!;
    expect(plainLayer.classList.contains('mpui-toast-layer_mask')).toBe(false);

    showLoading(root, { title: '加载中', mask: true });
    const maskLayer = byTestId(root, 'loading').parentElement!;
    expect(maskLayer.classList.contains('mpui-toast-layer_mask')).toBe(true);
    expect(document.getElementById('mpui-style')?.textContent).toMatch(
      /\.mpui-toast-layer \{[^}]*pointer-events: none/,
    );
    maskLayer.click();
    expect(rootTap).not.toHaveBeenCalled(); // the mask swallows the tap
    expect(onTap).not.toHaveBeenCalled();
  });

  test('toasts of different roots are independent', () => {
    const other = makeRoot();
    showToast(root, { title: '甲' });
    showLoading(other, { title: '乙' });
    expect(byTestId(root, 'toast').textContent).toBe('甲');
    expect(byTestId(other, 'loading').textContent).toBe('乙');
    jest.advanceTimersByTime(1500);
    expect(queryTestId(root, 'toast')).toBeNull();
    expect(queryTestId(other, 'loading')).not.toBeNull();
  });
});
