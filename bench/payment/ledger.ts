/**
 * The money of each order as WeChat Pay holds it, from the pay sandbox's side (./sides.ts): the
 * cash paid by JSAPI (a 医保 order's cash part is a JSAPI order with the same out_trade_no) or
 * deducted (代扣, its refunds through the v3 refund API) and refunded; the 医保 part of a paid mixed order (统筹 + 个人账户 + other) and the 医保 refunds the
 * hospital notified (`med_refunds`). Money in = cash paid + 医保 parts paid; out = settled in the
 * HIS + cash refunded + 医保 refunded.
 */
import type { MedInsDetail, PayOrder, Sides } from './sides';
import type { DeductionDetail } from './withholding';

export interface Entry {
  id: string;
  cashPaid: number;
  cashRefunded: number;
  /** The 医保 part of a paid mixed order (MIX_PAY_SUCCESS or MIX_PAY_REFUND); 0 otherwise. */
  medPaid: number;
  medRefunded: number;
  /** What a HIS settlement of the order names: the cash transaction, or the mix_trade_no (no cash part). */
  transactionId: string | null;
  pay: PayOrder | undefined;
  med: MedInsDetail | undefined;
  wh: DeductionDetail | undefined;
}

export const paidFen = (e: Entry): number => e.cashPaid + e.medPaid;
export const refundedFen = (e: Entry): number => e.cashRefunded + e.medRefunded;
/** Money in at WeChat Pay (cash or 医保) that it did not give back in full. */
export const kept = (e: Entry): boolean => paidFen(e) > 0 && refundedFen(e) < paidFen(e);

export const cashPaidAtWechat = (p: PayOrder | undefined): boolean =>
  !!p?.order.transaction_id && (p.order.trade_state === 'SUCCESS' || p.order.trade_state === 'REFUND');
export const mixedPaid = (m: MedInsDetail | undefined): boolean =>
  m?.order.mix_pay_status === 'MIX_PAY_SUCCESS' || m?.order.mix_pay_status === 'MIX_PAY_REFUND';
const medPartOf = (m: MedInsDetail): number =>
  m.order.med_ins_gov_fee + m.order.med_ins_self_fee + m.order.med_ins_other_fee;

const deducted = (w: DeductionDetail | undefined): boolean => w?.deduction.trade_state === 'SUCCESS';
const successful = (refunds: PayOrder['refunds'] | undefined): number =>
  (refunds ?? []).filter((r) => r.status === 'SUCCESS').reduce((s, r) => s + r.amount.refund, 0);

function entryOf(id: string, pay: PayOrder | undefined, med: MedInsDetail | undefined, wh?: DeductionDetail): Entry {
  const cashPaid = cashPaidAtWechat(pay) ? pay!.order.total : deducted(wh) ? Number(wh!.deduction.total_fee) : 0;
  const cashRefunded = successful(pay?.refunds) + successful(wh?.refunds);
  const medPaid = med && mixedPaid(med) ? medPartOf(med) : 0;
  const medRefunded = (med?.med_refunds ?? []).reduce((s, r) => s + r.total_fee, 0);
  const cashTx = cashPaidAtWechat(pay) ? pay!.order.transaction_id : (wh?.deduction.transaction_id ?? null);
  const transactionId = cashPaid > 0 ? cashTx : medPaid > 0 ? med!.order.mix_trade_no : null;
  return { id, cashPaid, cashRefunded, medPaid, medRefunded, transactionId, pay, med, wh };
}

/** Every order the pay sandbox knows of (a cash order, a mixed order, a deduction), by out_trade_no. */
export function ledger(s: Sides): Map<string, Entry> {
  const ids = new Set([...s.pay.keys(), ...s.med.keys(), ...s.wh.keys()]);
  return new Map([...ids].map((id) => [id, entryOf(id, s.pay.get(id), s.med.get(id), s.wh.get(id))]));
}

export interface Money {
  /** Money in: cash paid + 医保 parts of paid mixed orders. */
  paidFen: number;
  settledFen: number;
  /** Money out by refund: cash refunds + 医保 refunds. */
  refundedFen: number;
  /** Orders with money in (a mixed order and its cash part count once). */
  payments: number;
  settlements: number;
  /** Cash refunds (SUCCESS) + 医保 refunds notified. */
  refunds: number;
  cashPaidFen: number;
  medInsPaidFen: number;
  cashRefundedFen: number;
  medInsRefundedFen: number;
  /** Mixed orders paid (MIX_PAY_SUCCESS / MIX_PAY_REFUND), and those without a cash part. */
  mixedPaid: number;
  mixedInsuranceOnly: number;
  medInsRefunds: number;
  /** 代扣 deductions that succeeded (their money is in cashPaidFen too). */
  deductions: number;
  deductedFen: number;
}

export function money(s: Sides, entries: Map<string, Entry>): Money {
  const all = [...entries.values()];
  const sum = (f: (e: Entry) => number) => all.reduce((n, e) => n + f(e), 0);
  const cashRefunds = all
    .flatMap((e) => [...(e.pay?.refunds ?? []), ...(e.wh?.refunds ?? [])])
    .filter((r) => r.status === 'SUCCESS').length;
  const medInsRefunds = sum((e) => e.med?.med_refunds.length ?? 0);
  const mixed = all.filter((e) => mixedPaid(e.med));
  return {
    paidFen: sum(paidFen),
    settledFen: s.his.settlements.reduce((n, x) => n + x.totalFen, 0),
    refundedFen: sum(refundedFen),
    payments: all.filter((e) => paidFen(e) > 0).length,
    settlements: s.his.settlements.length,
    refunds: cashRefunds + medInsRefunds,
    cashPaidFen: sum((e) => e.cashPaid),
    medInsPaidFen: sum((e) => e.medPaid),
    cashRefundedFen: sum((e) => e.cashRefunded),
    medInsRefundedFen: sum((e) => e.medRefunded),
    mixedPaid: mixed.length,
    mixedInsuranceOnly: mixed.filter((e) => e.med!.order.wechat_pay_cash_fee === 0).length,
    medInsRefunds,
    deductions: all.filter((e) => deducted(e.wh)).length,
    deductedFen: all.reduce((n, e) => n + (deducted(e.wh) ? Number(e.wh!.deduction.total_fee) : 0), 0),
  };
}
