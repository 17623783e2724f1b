/**
 * Payment subscription messages within WeChat's value rules (`thing` ≤ 20 characters, `amount`
 * `¥12.50`, `time` `2026年12月04日 09:30`, `character_string` ≤ 32 ASCII). Pure.
 */
import { formatYuan } from '../../../common/money';
import { inBusinessTz } from '../../core/time';
import { fitCharacterString, fitThing } from '../booking/messages';
import type { PaymentOrderRecord } from './types';

export type MessageData = Record<string, { value: string }>;

const data = (entries: Record<string, string>): MessageData =>
  Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, { value: v }]));

/** `¥12.50` from fen. */
export const yuan = formatYuan;

export function messageTime(ms: number): string {
  return inBusinessTz(ms).format('YYYY年MM月DD日 HH:mm');
}

/** `西药处方等3项` */
export function itemsSummary(o: Pick<PaymentOrderRecord, 'items'>): string {
  const first = o.items[0]?.title ?? '门诊费用';
  return fitThing(o.items.length > 1 ? `${first}等${o.items.length}项` : first);
}

/** tmpl-payment-success: 就诊人 / 缴费金额 / 缴费项目 / 缴费时间 / 取单码 / 温馨提示. */
export function renderPaymentSuccess(o: PaymentOrderRecord): MessageData {
  const guide = o.items.find((i) => i.guide)?.guide;
  return data({
    thing1: fitThing(o.patientName),
    amount2: yuan(o.totalFen),
    thing3: itemsSummary(o),
    time4: messageTime(o.paidAtMs ?? o.updatedAtMs),
    character_string5: fitCharacterString(o.pickupCode ?? o._id),
    thing6: fitThing(guide ? `请前往${guide}` : '凭取单码在自助机打印指引单'),
  });
}

/** tmpl-refund-notice: 就诊人 / 退款金额 / 退款原因 / 退款时间 / 温馨提示. */
export function renderRefund(o: PaymentOrderRecord, amountFen: number, atMs: number): MessageData {
  return data({
    thing1: fitThing(o.patientName),
    amount2: yuan(amountFen),
    thing3: fitThing(o.failure === 'settleTimeout' ? '医院未能及时确认缴费' : '医院未能确认本次缴费'),
    time4: messageTime(atMs),
    thing5: fitThing('款项原路退回，请重新缴费'),
  });
}
