/**
 * View models of payment orders (缴费订单) for 门诊缴费, 缴费结果, 缴费记录 and 缴费详情: status
 * text, the split of the total, refunds, the e-receipt and the pickup code.
 */
import type {
  PaymentFailure,
  PaymentMode,
  PaymentOrderStatus,
  PaymentOrderView,
  PaymentSplit,
  PickupCodeView,
  ReceiptView,
  RefundStatus,
  RefundView,
} from '../../../typings/payment';
import { formatDateTime } from '../../utils/format';
import { formatYuan } from '../../utils/money';
import { toFeeRow } from './fee-view';
import type { FeeRow } from './fee-view';
import { insuranceNotes } from './insurance-view';
import type { AmountRow } from './insurance-view';

export type TagType = 'primary' | 'success' | 'danger' | 'warning' | 'default';

const ORDER_STATUS: Record<PaymentOrderStatus, { text: string; type: TagType }> = {
  created: { text: '待支付', type: 'warning' },
  paying: { text: '待支付', type: 'warning' },
  paid: { text: '医院确认中', type: 'primary' },
  settled: { text: '已缴费', type: 'success' },
  closed: { text: '已关闭', type: 'default' },
  refunding: { text: '退款中', type: 'danger' },
  refunded: { text: '已退款', type: 'default' },
};

const REFUND_STATUS: Record<RefundStatus, string> = {
  processing: '退款处理中',
  success: '已退回',
  abnormal: '退款异常，请联系医院收费处',
  closed: '退款已关闭，请联系医院收费处',
};

const FAILURE_TEXT: Record<PaymentFailure, string> = {
  hisRefused: '医院未能确认本次缴费',
  settleTimeout: '医院确认超时',
  paidAfterClose: '订单关闭后才收到付款',
};

/** Waiting for the patient's payment (or for WeChat Pay to report it). */
export function isPending(status: PaymentOrderStatus): boolean {
  return status === 'created' || status === 'paying';
}

/** Whole minutes (at least 1) until `expiresAt`; 0 once it passed or when unparsable. */
export function minutesLeft(expiresAt: string, now: number = Date.now()): number {
  const ms = Date.parse(expiresAt) - now;
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.max(1, Math.ceil(ms / 60000));
}

/** `订单已保留，可在30分钟内继续支付` (from the order's own expiry). */
export function keptMessage(expiresAt: string, now: number = Date.now()): string {
  const minutes = minutesLeft(expiresAt, now);
  return minutes > 0 ? `订单已保留，可在${minutes}分钟内继续支付` : '订单已保留，请尽快完成支付';
}

const MODE_TEXT: Record<PaymentMode, { tag: string; text: string }> = {
  selfPay: { tag: '自费', text: '自费（微信支付）' },
  insurance: { tag: '医保', text: '医保支付' },
  withholding: { tag: '自动扣费', text: '自动扣费（微信代扣）' },
};

export interface OrderItem {
  orderId: string;
  mode: PaymentMode;
  /** `医保` / `自费` / `自动扣费` */
  modeTag: string;
  status: PaymentOrderStatus;
  statusText: string;
  statusType: TagType;
  pending: boolean;
  patientName: string;
  cardNo: string;
  total: string;
  /** `血常规、西药处方` or `血常规 等3项` */
  summary: string;
  createdAt: string;
  /** `2024-05-06 09:30` while pending, else ''. */
  payBefore: string;
}

function summaryOf(order: PaymentOrderView): string {
  const titles = order.items.map((i) => i.title);
  if (titles.length <= 2) return titles.join('、');
  return `${titles[0]} 等${titles.length}项`;
}

export function toOrderItem(order: PaymentOrderView): OrderItem {
  const status = ORDER_STATUS[order.status] ?? { text: order.status, type: 'default' };
  const pending = isPending(order.status);
  return {
    orderId: order.orderId,
    mode: order.mode,
    modeTag: (MODE_TEXT[order.mode] ?? MODE_TEXT.selfPay).tag,
    status: order.status,
    statusText: status.text,
    statusType: status.type,
    pending,
    patientName: order.patientName,
    cardNo: order.cardNo,
    total: formatYuan(order.split.totalFen),
    summary: summaryOf(order),
    createdAt: formatDateTime(order.createdAt),
    payBefore: pending ? formatDateTime(order.expiresAt) : '',
  };
}

/** Newest first (the server sends them so; kept when it does not). */
export function sortOrders(orders: readonly PaymentOrderView[]): PaymentOrderView[] {
  return orders.slice().sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export interface SplitRow {
  key: 'fund' | 'account' | 'cash';
  label: string;
  amount: string;
}

/**
 * 医保统筹 / 个人账户 / the cash part for an order with a 医保 part (a 医保 order, or a deduction
 * whose 医保 part the HIS settled); otherwise the whole total in cash. The cash part is 自费 (WeChat
 * Pay), or 自动扣费 when deducted under the withholding contract.
 */
export function splitRows(mode: PaymentMode, split: PaymentSplit): SplitRow[] {
  const cashLabel = mode === 'withholding' ? '自动扣费' : '自费';
  const insured = mode === 'insurance' || split.fundFen > 0 || split.accountFen > 0;
  if (!insured) return [{ key: 'cash', label: cashLabel, amount: formatYuan(split.totalFen) }];
  return [
    { key: 'fund', label: '医保统筹', amount: formatYuan(split.fundFen) },
    { key: 'account', label: '个人账户', amount: formatYuan(split.accountFen) },
    { key: 'cash', label: cashLabel, amount: formatYuan(split.cashFen) },
  ];
}

export interface RefundItem {
  refundId: string;
  amount: string;
  status: RefundStatus;
  statusText: string;
  reason: string;
  createdAt: string;
  succeededAt: string;
}

export function toRefundItem(refund: RefundView): RefundItem {
  return {
    refundId: refund.refundId,
    amount: formatYuan(refund.amountFen),
    status: refund.status,
    statusText: REFUND_STATUS[refund.status] ?? refund.status,
    reason: refund.reason,
    createdAt: formatDateTime(refund.createdAt),
    succeededAt: formatDateTime(refund.succeededAt),
  };
}

export interface ReceiptItem {
  code: string;
  number: string;
  checkCode: string;
  issuedAt: string;
}

export function toReceiptItem(receipt: ReceiptView): ReceiptItem {
  return {
    code: receipt.code,
    number: receipt.number,
    checkCode: receipt.checkCode,
    issuedAt: formatDateTime(receipt.issuedAt),
  };
}

export interface PickupItem {
  code: string;
  /** `1234 5678`: two groups of four, easier to read out at a kiosk. */
  display: string;
  /** What a screen reader says: the digits one by one. */
  spoken: string;
  expiresAt: string;
}

export function toPickupItem(pickup: PickupCodeView): PickupItem {
  const code = pickup.code;
  return {
    code,
    display: code.length === 8 ? `${code.slice(0, 4)} ${code.slice(4)}` : code,
    spoken: code.split('').join(' '),
    expiresAt: formatDateTime(pickup.expiresAt),
  };
}

export interface OrderDetail extends OrderItem {
  modeText: string;
  split: SplitRow[];
  /** How 医保 priced a 医保 order (全自费, 先行自付, 起付线); empty otherwise. */
  insurance: AmountRow[];
  items: FeeRow[];
  paidAt: string;
  settledAt: string;
  failureText: string;
  refunds: RefundItem[];
  receipt: ReceiptItem | null;
  pickup: PickupItem | null;
}

export function toOrderDetail(order: PaymentOrderView): OrderDetail {
  return {
    ...toOrderItem(order),
    modeText: (MODE_TEXT[order.mode] ?? MODE_TEXT.selfPay).text,
    split: splitRows(order.mode, order.split),
    insurance: insuranceNotes(order.insurance ?? null),
    items: order.items.map((item) => toFeeRow(item, { expanded: true })),
    paidAt: formatDateTime(order.paidAt),
    settledAt: formatDateTime(order.settledAt),
    failureText: order.failure ? (FAILURE_TEXT[order.failure] ?? '') : '',
    refunds: order.refunds.map(toRefundItem),
    receipt: order.receipt ? toReceiptItem(order.receipt) : null,
    pickup: order.status === 'settled' && order.pickup ? toPickupItem(order.pickup) : null,
  };
}
