/**
 * 就诊人 picker: the user's cards as a list of radio rows (确认预约, and the 加入候补 sheet of
 * 号源选择). The chosen card shows a filled check and the text 已选, so the choice never rests on
 * colour alone, and every row tells a screen reader what it is (`aria-role="radio"`,
 * `aria-label="王*华，父母，已选"`).
 *
 * Properties: `cards` (CardItem[] as the page shows them), `selected-id`, `disabled` (taps are
 * ignored, e.g. while booking), `show-add` (a 添加就诊人 row under the cards), `empty-text` (shown
 * with a 添加就诊人 button when there is no card).
 * Events: `select` with `{ cardId }` — only for a card other than the selected one — and `add`.
 */
import type { CardItem } from '../../utils/patient-view';
import type { DataEvent } from '../../utils/page';

export interface CardRow extends CardItem {
  selected: boolean;
  ariaLabel: string;
}

function ariaLabelOf(card: CardItem, selected: boolean): string {
  const parts = [card.name, card.relation];
  if (card.isDefault) parts.push('默认就诊人');
  parts.push(selected ? '已选' : '未选');
  return parts.join('，');
}

export function toCardRows(cards: readonly CardItem[], selectedId: string): CardRow[] {
  return cards.map((card) => {
    const selected = card.id === selectedId;
    return { ...card, selected, ariaLabel: ariaLabelOf(card, selected) };
  });
}

Component({
  properties: {
    cards: { type: Array, value: [] as CardItem[] },
    selectedId: { type: String, value: '' },
    disabled: { type: Boolean, value: false },
    showAdd: { type: Boolean, value: true },
    emptyText: { type: String, value: '还没有就诊人，请先添加就诊人' },
  },

  data: { rows: [] as CardRow[] },

  observers: {
    'cards, selectedId'(cards: CardItem[] | null, selectedId: string) {
      this.setData({ rows: toCardRows(cards ?? [], selectedId) });
    },
  },

  methods: {
    onCardTap(event: DataEvent<{ id?: string }>) {
      const cardId = event.currentTarget.dataset.id;
      if (!cardId || this.data.disabled || cardId === this.data.selectedId) return;
      this.triggerEvent('select', { cardId });
    },

    onAdd() {
      this.triggerEvent('add');
    },
  },
});
