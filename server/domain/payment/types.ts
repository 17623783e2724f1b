/**
 * The payment feature's records (what the cloud database holds), and the rules' vocabulary.
 * Money is integer fen; instants are epoch ms.
 */
import type {
  FeeItemView,
  PaymentFailure,
  PaymentMode,
  PaymentOrderStatus,
  ReceiptView,
  RefundStatus,
} from '../../../typings/payment';
import type { InsuranceRecord } from './insurance';

/** A refund of (part of) an order's cash. `outRefundNo` is its WeChat Pay idempotency key. */
export interface RefundRecord {
  outRefundNo: string;
  amountFen: number;
  /** `pending`: decided, not yet accepted by WeChat Pay (the timer sends it again). */
  status: RefundStatus | 'pending';
  reason: string;
  createdAtMs: number;
  succeededAtMs: number | null;
}

/** `payment_orders/{orderId}`; orderId is also the WeChat Pay out_trade_no. */
export interface PaymentOrderRecord {
  _id: string;
  _openid: string;
  cardId: string;
  hisPatientId: string;
  patientKey: string;
  /** Display name as the caller may see it (masked unless 本人). */
  patientName: string;
  cardNo: string;
  status: PaymentOrderStatus;
  mode: PaymentMode;
  /** The HIS items as they were when the order was made: the amounts paid. */
  items: FeeItemView[];
  itemIds: string[];
  totalFen: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
  prepayId: string | null;
  /** The 医保 side of an insurance order; null (or absent, on orders older than it) otherwise. */
  insurance?: InsuranceRecord | null;
  createdAtMs: number;
  expiresAtMs: number;
  paidAtMs: number | null;
  transactionId: string | null;
  settleAttempts: number;
  /** When the timer should try settling (paid) or sending the refund (refunding) next. */
  nextActionAtMs: number | null;
  settledAtMs: number | null;
  settlementId: string | null;
  receipt: ReceiptView | null;
  failure: PaymentFailure | null;
  refunds: RefundRecord[];
  pickupCode: string | null;
  pickupExpiresAtMs: number | null;
  updatedAtMs: number;
}

/** One order's hold on items while it may still be paid (or is paid and not yet settled). */
export interface ItemClaim {
  orderId: string;
  itemIds: string[];
  expiresAtMs: number;
}

/** `payment_patients/pp_<hmac>`: the claims of one HIS patient, changed by compare-and-set. */
export interface PatientClaims {
  claims: ItemClaim[];
}

export interface PaymentRules {
  /** An unpaid order closes (and its prepay expires) this long after creation. */
  orderTtlMs: number;
  /** Settling is retried with back-off from this delay… */
  settleRetryBaseMs: number;
  /** …until this long after payment; then the money is refunded. */
  settleLimitMs: number;
  /** At most this many items in one order. */
  maxItems: number;
  /** Pickup codes are valid this long. */
  pickupTtlMs: number;
  /** An order still `paying` this long after creation is queried (a notification may be lost). */
  queryAfterMs: number;
}
