/**
 * <state-view> (miniprogram/components/state-view): the skeleton / empty / error block every data
 * page shows before or instead of its content.
 */
import { countTags, renderComponent, tapVant, textOf } from './helpers';
import type { SimRoot } from './simulate';
import { flush, installWx } from './wx-mock';

const STATE_VIEW = 'components/state-view/index';

/** Rows of every skeleton rendered (Vant's own class, prefixed in the DOM). */
function skeletonRows(comp: SimRoot): number {
  return comp.dom?.querySelectorAll('[class*="van-skeleton__row"]').length ?? 0;
}

function events(comp: SimRoot, name: string): unknown[] {
  const seen: unknown[] = [];
  comp.addEventListener(name, (e) => seen.push(e.detail));
  return seen;
}

beforeEach(() => {
  installWx();
});

describe('<state-view> loading', () => {
  test('`cards` skeleton cards of `rows` rows each; no picture, no button', () => {
    const comp = renderComponent(STATE_VIEW, { state: 'loading', cards: 3, rows: 2 });
    expect(countTags(comp, 'van-skeleton')).toBe(3);
    expect(skeletonRows(comp)).toBe(6);
    expect(countTags(comp, 'van-empty')).toBe(0);
    expect(countTags(comp, 'van-button')).toBe(0);
  });

  test('one card by default; the count is kept between 1 and 5', () => {
    expect(countTags(renderComponent(STATE_VIEW, { state: 'loading' }), 'van-skeleton')).toBe(1);
    expect(countTags(renderComponent(STATE_VIEW, { state: 'loading', cards: 0 }), 'van-skeleton')).toBe(1);
    expect(countTags(renderComponent(STATE_VIEW, { state: 'loading', cards: 9 }), 'van-skeleton')).toBe(5);
  });
});

describe('<state-view> empty', () => {
  test('the default picture and the description; no button without action-text', () => {
    const comp = renderComponent(STATE_VIEW, { state: 'empty', description: '暂无公告' });
    expect(comp.querySelector('#empty')!.data.image).toBe('/images/empty/default.svg');
    expect(textOf(comp)).toBe('暂无公告');
    expect(comp.querySelector('#action')).toBeFalsy();
    expect(comp.querySelector('#retry')).toBeFalsy();
    expect(countTags(comp, 'van-skeleton')).toBe(0);
  });

  test('image="search"; action-text adds a labelled button that emits `action`', async () => {
    const comp = renderComponent(STATE_VIEW, {
      state: 'empty',
      image: 'search',
      description: '1周内暂无预约记录',
      actionText: '去预约挂号',
    });
    const actions = events(comp, 'action');
    expect(comp.querySelector('#empty')!.data.image).toBe('/images/empty/search.svg');
    expect(textOf(comp.querySelector('#action'))).toBe('去预约挂号');
    expect(comp.querySelector('#action')!.data.ariaLabel).toBe('去预约挂号');
    await tapVant(comp, '#action');
    await flush();
    expect(actions).toHaveLength(1);
  });
});

describe('<state-view> error', () => {
  test('the network picture, the message and 重新加载, which emits `retry`', async () => {
    const comp = renderComponent(STATE_VIEW, { state: 'error', description: '网络异常，请稍后重试' });
    const retries = events(comp, 'retry');
    expect(comp.querySelector('#empty')!.data.image).toBe('/images/empty/network.svg');
    expect(textOf(comp)).toBe('网络异常，请稍后重试 重新加载');
    expect(comp.querySelector('#retry')!.data.ariaLabel).toBe('重新加载');
    await tapVant(comp, '#retry');
    await flush();
    expect(retries).toHaveLength(1);
  });

  test('an action-text does not replace 重新加载', () => {
    const comp = renderComponent(STATE_VIEW, { state: 'error', description: '服务异常', actionText: '去预约挂号' });
    expect(comp.querySelector('#retry')).toBeTruthy();
    expect(comp.querySelector('#action')).toBeFalsy();
  });
});

describe('<state-view compact>', () => {
  test('no pictures: a skeleton, or the text with its button', async () => {
    const loading = renderComponent(STATE_VIEW, { state: 'loading', compact: true, rows: 1 });
    expect(countTags(loading, 'van-skeleton')).toBe(1);
    expect(skeletonRows(loading)).toBe(1);

    const error = renderComponent(STATE_VIEW, { state: 'error', compact: true, description: '医院系统维护中' });
    const retries = events(error, 'retry');
    expect(countTags(error, 'van-empty')).toBe(0);
    expect(textOf(error)).toBe('医院系统维护中 重新加载');
    await tapVant(error, '#retry');
    await flush();
    expect(retries).toHaveLength(1);

    const empty = renderComponent(STATE_VIEW, {
      state: 'empty',
      compact: true,
      description: '还没有就诊人',
      actionText: '添加就诊人',
    });
    const actions = events(empty, 'action');
    expect(countTags(empty, 'van-empty')).toBe(0);
    expect(textOf(empty)).toBe('还没有就诊人 添加就诊人');
    await tapVant(empty, '#action');
    await flush();
    expect(actions).toHaveLength(1);
  });
});

describe('<state-view> state changes', () => {
  test('follows its `state` property: skeleton → error → empty', async () => {
    const comp = renderComponent(STATE_VIEW, { state: 'loading' });
    expect(countTags(comp, 'van-skeleton')).toBe(1);
    comp.setData({ state: 'error', description: '服务异常' });
    await flush();
    expect(countTags(comp, 'van-skeleton')).toBe(0);
    expect(comp.querySelector('#retry')).toBeTruthy();
    comp.setData({ state: 'empty', description: '暂无公告' });
    await flush();
    expect(comp.querySelector('#retry')).toBeFalsy();
    expect(textOf(comp)).toBe('暂无公告');
  });
});
