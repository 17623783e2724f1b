/**
 * <card-picker> (miniprogram/components/card-picker): the 就诊人 radio list of 确认预约 and of the
 * 加入候补 sheet.
 */
import { countTags, renderComponent, tapVant, textOf } from './helpers';
import type { SimRoot } from './simulate';
import { flush, installWx } from './wx-mock';

const CARD_PICKER = 'components/card-picker/index';

/** CardItem (miniprogram/utils/patient-view.ts) as the pages hand it over. */
function item(id: string, name: string, relation: string, isDefault: boolean, cardNo: string) {
  return { id, name, relation, isDefault, cardNo, idNumberMasked: '330602********1234', genderAge: '男 · 35岁' };
}

const cards = [item('c1', '王小明', '本人', true, 'HZ0001'), item('c2', '王*华', '父母', false, 'HZ0002')];

function events(comp: SimRoot, name: string): unknown[] {
  const seen: unknown[] = [];
  comp.addEventListener(name, (e) => seen.push(e.detail));
  return seen;
}

/** The check icon of a row: `checked` (filled) or `circle`. */
function iconOf(comp: SimRoot, id: string): string {
  const icon = comp.querySelector(`#card-${id}`)?.dom?.querySelector('van-icon');
  const cls = icon?.querySelector('[class*="van-icon-"]')?.getAttribute('class') ?? '';
  return /van-icon-checked/.test(cls) ? 'checked' : /van-icon-circle/.test(cls) ? 'circle' : `? ${cls}`;
}

beforeEach(() => {
  installWx();
});

describe('<card-picker>', () => {
  test('every card with relation, 默认 and card number; the chosen one says 已选 and shows the filled check', () => {
    const comp = renderComponent(CARD_PICKER, { cards, selectedId: 'c1' });
    const first = textOf(comp.querySelector('#card-c1'));
    for (const s of ['王小明', '本人', '默认', '就诊卡号 HZ0001', '已选']) expect(first).toContain(s);
    const second = textOf(comp.querySelector('#card-c2'));
    for (const s of ['王*华', '父母', '就诊卡号 HZ0002']) expect(second).toContain(s);
    expect(second).not.toContain('默认');
    expect(second).not.toContain('已选');
    expect(iconOf(comp, 'c1')).toBe('checked');
    expect(iconOf(comp, 'c2')).toBe('circle');
  });

  test('each row is a radio whose label says what it is and whether it is chosen', () => {
    const comp = renderComponent(CARD_PICKER, { cards, selectedId: 'c2' });
    const rows = comp.data.rows as { id: string; ariaLabel: string }[];
    expect(rows.map((r) => [r.id, r.ariaLabel])).toEqual([
      ['c1', '王小明，本人，默认就诊人，未选'],
      ['c2', '王*华，父母，已选'],
    ]);
  });

  test('tapping another card emits `select` with its id; the chosen one emits nothing', async () => {
    const comp = renderComponent(CARD_PICKER, { cards, selectedId: 'c1' });
    const selected = events(comp, 'select');
    await tapVant(comp, '#card-c1');
    await tapVant(comp, '#card-c2');
    await flush();
    expect(selected).toEqual([{ cardId: 'c2' }]);
    // The page decides: only once it passes the new id does the check move.
    expect(textOf(comp.querySelector('#card-c2'))).not.toContain('已选');
    comp.setData({ selectedId: 'c2' });
    await flush();
    expect(textOf(comp.querySelector('#card-c2'))).toContain('已选');
    expect(iconOf(comp, 'c2')).toBe('checked');
    expect(iconOf(comp, 'c1')).toBe('circle');
  });

  test('disabled (e.g. while booking): taps emit nothing', async () => {
    const comp = renderComponent(CARD_PICKER, { cards, selectedId: 'c1', disabled: true });
    const selected = events(comp, 'select');
    await tapVant(comp, '#card-c2');
    await flush();
    expect(selected).toEqual([]);
  });

  test('with nothing chosen (the 加入候补 sheet) every row is 未选, and a tap picks', async () => {
    const comp = renderComponent(CARD_PICKER, { cards, showAdd: false });
    const selected = events(comp, 'select');
    expect(textOf(comp)).not.toContain('已选');
    expect(comp.querySelector('#add-card-cell')).toBeFalsy();
    await tapVant(comp, '#card-c1');
    await flush();
    expect(selected).toEqual([{ cardId: 'c1' }]);
  });

  test('添加就诊人 under the cards emits `add`', async () => {
    const comp = renderComponent(CARD_PICKER, { cards, selectedId: 'c1' });
    const adds = events(comp, 'add');
    expect(textOf(comp.querySelector('#add-card-cell'))).toBe('添加就诊人');
    await tapVant(comp, '#add-card-cell');
    await flush();
    expect(adds).toHaveLength(1);
  });

  test('no card: the empty text with a 添加就诊人 button that emits `add`', async () => {
    const comp = renderComponent(CARD_PICKER, { cards: [], emptyText: '还没有就诊人，请先添加就诊人再预约' });
    const adds = events(comp, 'add');
    expect(textOf(comp.querySelector('#no-card'))).toBe('还没有就诊人，请先添加就诊人再预约 添加就诊人');
    expect(countTags(comp, 'van-cell')).toBe(0);
    await tapVant(comp, '#no-card >>> #action');
    await flush();
    expect(adds).toHaveLength(1);
  });
});
