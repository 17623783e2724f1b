/**
 * View models of 医保支付: the split of a 医保 order shown before paying (总金额, 医保统筹支付,
 * 个人账户支付, 需现金支付) and how 医保 priced it (全自费, 先行自付, 起付线), for the split panel
 * of 门诊缴费 and for 缴费详情. Amounts are the server's, in fen.
 */
import type { InsuranceQuoteView, PaymentOrderView } from '../../../typings/payment';
import { formatYuan } from '../../utils/money';

export interface AmountRow {
  key: string;
  label: string;
  amount: string;
}

export interface SplitPanel {
  orderId: string;
  patientName: string;
  /** `血常规、西药处方` or `血常规 等3项` */
  summary: string;
  rows: AmountRow[];
  /** How 医保 priced it (what the cash part is made of); empty when the server gave no quote. */
  notes: AmountRow[];
  cashFen: number;
  /** `确认支付 ¥4.00`, or `确认医保支付` when nothing is paid in cash. */
  confirmText: string;
  /** What a screen reader says for the panel. */
  ariaLabel: string;
}

/** 全自费 / 先行自付 / 起付线 (and 符合政策范围), the lines with an amount only. */
export function insuranceNotes(quote: InsuranceQuoteView | null): AmountRow[] {
  if (!quote) return [];
  const rows: AmountRow[] = [
    { key: 'policy', label: '符合医保政策范围', amount: formatYuan(quote.policyScopeFen) },
    { key: 'own', label: '全自费（医保目录外）', amount: formatYuan(quote.ownExpenseFen) },
    { key: 'pre', label: '先行自付（乙类自付部分）', amount: formatYuan(quote.preSelfPayFen) },
    { key: 'deductible', label: '计入起付线', amount: formatYuan(quote.deductibleFen) },
  ];
  const fen = [quote.policyScopeFen, quote.ownExpenseFen, quote.preSelfPayFen, quote.deductibleFen];
  return rows.filter((_, i) => fen[i]! > 0);
}

function summaryOf(order: PaymentOrderView): string {
  const titles = order.items.map((i) => i.title);
  return titles.length <= 2 ? titles.join('、') : `${titles[0]} 等${titles.length}项`;
}

export function toSplitPanel(order: PaymentOrderView): SplitPanel {
  const { totalFen, fundFen, accountFen, cashFen } = order.split;
  const rows: AmountRow[] = [
    { key: 'total', label: '总金额', amount: formatYuan(totalFen) },
    { key: 'fund', label: '医保统筹支付', amount: formatYuan(fundFen) },
    { key: 'account', label: '个人账户支付', amount: formatYuan(accountFen) },
    { key: 'cash', label: '需现金支付', amount: formatYuan(cashFen) },
  ];
  const confirmText = cashFen > 0 ? `确认支付 ${formatYuan(cashFen)}` : '确认医保支付';
  return {
    orderId: order.orderId,
    patientName: order.patientName,
    summary: summaryOf(order),
    rows,
    notes: insuranceNotes(order.insurance),
    cashFen,
    confirmText,
    ariaLabel: `医保结算明细：${rows.map((r) => `${r.label}${r.amount}`).join('，')}`,
  };
}
