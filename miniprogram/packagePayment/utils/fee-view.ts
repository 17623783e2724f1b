/**
 * View models of the unpaid items (待缴费项目): lines, items grouped by kind in a fixed order
 * (挂号, 处方, 检验, 检查), the selection and its total. Amounts are the HIS's, in fen.
 */
import type { FeeItemKind, FeeItemView, FeeLineView } from '../../../typings/payment';
import { formatDateTime } from '../../utils/format';
import { formatYuan } from '../../utils/money';

export const KIND_ORDER: readonly FeeItemKind[] = ['registration', 'prescription', 'lab', 'exam'];

export const KIND_TEXT: Readonly<Record<FeeItemKind, string>> = {
  registration: '挂号',
  prescription: '处方',
  lab: '检验',
  exam: '检查',
};

export interface FeeLineItem {
  name: string;
  spec: string;
  /** `2 × ¥12.50` */
  quantityText: string;
  amount: string;
}

export interface FeeRow {
  itemId: string;
  kind: FeeItemKind;
  kindText: string;
  title: string;
  /** `心血管内科 · 李*华 · 2024-05-06 09:12` */
  meta: string;
  amountFen: number;
  amount: string;
  lines: FeeLineItem[];
  /** `请前往门诊楼1楼西药房`; '' when the HIS gives no guide. */
  guide: string;
  checked: boolean;
  expanded: boolean;
}

export interface FeeGroup {
  kind: FeeItemKind;
  kindText: string;
  count: number;
  /** Sum of the group's items, selected or not. */
  subtotal: string;
  items: FeeRow[];
}

export function toFeeLine(line: FeeLineView): FeeLineItem {
  return {
    name: line.name,
    spec: line.spec,
    quantityText: `${line.quantity} × ${formatYuan(line.unitPriceFen)}`,
    amount: formatYuan(line.amountFen),
  };
}

/** Where to go once paid, as a sentence: `请前往门诊楼1楼西药房`. */
export function guideText(guide: string): string {
  const place = guide.trim();
  if (!place) return '';
  return place.startsWith('请') ? place : `请前往${place}`;
}

export interface RowState {
  checked?: boolean;
  expanded?: boolean;
}

export function toFeeRow(item: FeeItemView, state: RowState = {}): FeeRow {
  return {
    itemId: item.itemId,
    kind: item.kind,
    kindText: KIND_TEXT[item.kind] ?? '其他',
    title: item.title,
    meta: [item.deptName, item.doctorName, formatDateTime(item.orderedAt)].filter(Boolean).join(' · '),
    amountFen: item.amountFen,
    amount: formatYuan(item.amountFen),
    lines: item.lines.map(toFeeLine),
    guide: guideText(item.guide),
    checked: state.checked === true,
    expanded: state.expanded === true,
  };
}

function kindRank(kind: FeeItemKind): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** The items grouped by kind (挂号, 处方, 检验, 检查), each item as the HIS ordered them. */
export function groupItems(
  items: readonly FeeItemView[],
  selected: readonly string[],
  expanded: readonly string[],
): FeeGroup[] {
  const groups: FeeGroup[] = [];
  const sorted = items.slice().sort((a, b) => kindRank(a.kind) - kindRank(b.kind));
  for (const item of sorted) {
    let group = groups.find((g) => g.kind === item.kind);
    if (!group) {
      group = { kind: item.kind, kindText: KIND_TEXT[item.kind] ?? '其他', count: 0, subtotal: '', items: [] };
      groups.push(group);
    }
    group.items.push(
      toFeeRow(item, { checked: selected.includes(item.itemId), expanded: expanded.includes(item.itemId) }),
    );
  }
  for (const group of groups) {
    group.count = group.items.length;
    group.subtotal = formatYuan(group.items.reduce((n, r) => n + r.amountFen, 0));
  }
  return groups;
}

/** Sum in fen of the selected items (ids no longer listed count nothing). */
export function selectionTotal(items: readonly FeeItemView[], selected: readonly string[]): number {
  return items.filter((i) => selected.includes(i.itemId)).reduce((n, i) => n + i.amountFen, 0);
}

/** `id` added to or removed from `ids` (a new array). */
export function toggled(ids: readonly string[], id: string): string[] {
  return ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id];
}
