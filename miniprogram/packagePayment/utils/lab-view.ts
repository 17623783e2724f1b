/**
 * View models of 自助检验申请: the catalog's tests grouped by category (in the catalog's order),
 * each with its price, specimen, preparation (fasting called out by an icon and 空腹项目, not by
 * colour alone), turnaround and, when the card may not order it, the reason; today's remaining
 * orders; the sampling site, also for 缴费结果 of an order with lab items.
 */
import type { LabSiteView, LabTestView, PaymentOrderView } from '../../../typings/payment';
import { formatYuan } from '../../utils/money';

export interface LabRow {
  code: string;
  name: string;
  priceFen: number;
  price: string;
  specimen: string;
  /** `当天16:00后` */
  turnaround: string;
  /** The hospital's note; '' when nothing is needed. */
  preparation: string;
  fasting: boolean;
  eligible: boolean;
  /** Why the card may not order it; '' when it may. */
  reason: string;
  checked: boolean;
  /** What a screen reader says for the row. */
  ariaLabel: string;
}

export interface LabGroup {
  category: string;
  count: number;
  tests: LabRow[];
}

export interface LabSiteItem {
  location: string;
  hours: string;
  notes: string[];
}

/** Whether the preparation asks for an empty stomach (空腹). */
export function needsFasting(preparation: string): boolean {
  return preparation.includes('空腹');
}

function ariaLabelOf(test: LabTestView, price: string, fasting: boolean, checked: boolean): string {
  const parts = [test.name, price, test.specimen];
  if (fasting) parts.push(`空腹项目：${test.preparation}`);
  else if (test.preparation) parts.push(test.preparation);
  if (!test.eligible) parts.push(`不可申请：${test.ineligibleReason ?? ''}`);
  else parts.push(checked ? '已选' : '未选');
  return parts.filter(Boolean).join('，');
}

export function toLabRow(test: LabTestView, checked: boolean): LabRow {
  const price = formatYuan(test.priceFen);
  const fasting = needsFasting(test.preparation);
  const on = checked && test.eligible;
  return {
    code: test.code,
    name: test.name,
    priceFen: test.priceFen,
    price,
    specimen: test.specimen,
    turnaround: test.turnaround,
    preparation: test.preparation,
    fasting,
    eligible: test.eligible,
    reason: test.eligible ? '' : (test.ineligibleReason ?? '该项目暂不可自助申请'),
    checked: on,
    ariaLabel: ariaLabelOf(test, price, fasting, on),
  };
}

/** The tests grouped by category, categories and tests in the catalog's order. */
export function groupTests(tests: readonly LabTestView[], selected: readonly string[]): LabGroup[] {
  const groups: LabGroup[] = [];
  for (const test of tests) {
    const category = test.category || '其他';
    let group = groups.find((g) => g.category === category);
    if (!group) {
      group = { category, count: 0, tests: [] };
      groups.push(group);
    }
    group.tests.push(toLabRow(test, selected.includes(test.code)));
    group.count = group.tests.length;
  }
  return groups;
}

/** The selection kept to the tests the catalog still offers this card. */
export function keepSelectable(tests: readonly LabTestView[], selected: readonly string[]): string[] {
  return selected.filter((code) => tests.some((t) => t.code === code && t.eligible));
}

/** Sum in fen of the selected tests, in the catalog's order of codes. */
export function labTotal(tests: readonly LabTestView[], selected: readonly string[]): number {
  return tests.filter((t) => selected.includes(t.code)).reduce((n, t) => n + t.priceFen, 0);
}

/** The selected codes in the catalog's order (what `orderLabTests` gets). */
export function orderedCodes(tests: readonly LabTestView[], selected: readonly string[]): string[] {
  return tests.filter((t) => selected.includes(t.code)).map((t) => t.code);
}

/** `今日还可申请2次（每位就诊人每天最多3次）`, or that none remain. */
export function quotaText(remaining: number, limit: number): string {
  const rule = `每位就诊人每天最多${limit}次`;
  return remaining > 0 ? `今日还可申请${remaining}次（${rule}）` : `今日申请次数已用完（${rule}），请明天再来`;
}

export function toSiteItem(site: LabSiteView): LabSiteItem {
  return { location: site.location, hours: site.hours, notes: site.notes.slice() };
}

/** Whether an order has lab items (self-ordered or by a doctor): 缴费结果 shows where samples are taken. */
export function hasLabItems(order: PaymentOrderView): boolean {
  return order.items.some((i) => i.kind === 'lab');
}

/**
 * The sampling site of an order's lab items: where from their guides (the HIS's), the hours and
 * notes from the hospital's site when known; null without lab items.
 */
export function labSiteOf(order: PaymentOrderView, site: LabSiteView | null): LabSiteItem | null {
  const places = order.items.filter((i) => i.kind === 'lab').map((i) => i.guide.trim());
  if (places.length === 0) return null;
  const location = [...new Set(places.filter(Boolean))].join('、') || site?.location || '';
  return { location, hours: site?.hours ?? '', notes: site ? site.notes.slice() : [] };
}
