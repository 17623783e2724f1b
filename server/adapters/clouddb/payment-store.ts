/**
 * Storage of the payment feature, against the `Database` port only. Every change of an order is a
 * conditional update by `_id` (on `status` for transitions, on `rev` for the rest), so two
 * notifications, a query and a timer racing over one order apply once.
 *
 * Collections
 * - `payment_orders/{orderId}`      the orders (PaymentOrderRecord + `rev`)
 * - `payment_patients/pp_<hmac>`    per HIS patient: the item claims, compare-and-set on `version`
 * - `payment_pickup/{8 digits}`     无卡取单 codes; a code is reused only after it expired
 * - `payment_reconciliations/{date}` the daily reconciliation's report (fixes and open issues)
 * - `payment_contracts/wc_<hash>`   代扣 contracts, one per (WeChat user, card) — ./contract-store.ts
 * - `payment_lab_quota/pp_<hmac>`   per HIS patient: recent 自助检验 requests (daily limit) — ./lab-quota-store.ts
 * - `patient_cards` (the patient function's), read only — ./booking-cards.ts
 */
import type { PaymentOrderStatus } from '../../../typings/payment';
import type { PatientClaims, PaymentOrderRecord } from '../../domain/payment/types';
import type { Database, DocData } from '../../ports/cloud-sdk';
import { BookingCardReader } from './booking-cards';
import { ContractStore } from './contract-store';
import { DocOps, stripId } from './doc-ops';
import { LabQuotaStore } from './lab-quota-store';

export const PAYMENT_COLLECTIONS = {
  orders: 'payment_orders',
  patients: 'payment_patients',
  pickup: 'payment_pickup',
  reconciliations: 'payment_reconciliations',
} as const;
const C = PAYMENT_COLLECTIONS;

export type StoredOrder = PaymentOrderRecord & { rev: number };

export class OrderStore {
  constructor(private readonly ops: DocOps) {}

  async add(order: PaymentOrderRecord): Promise<boolean> {
    return this.ops.addIfAbsent(C.orders, order._id, { ...stripId(order), rev: 0 });
  }

  get(orderId: string): Promise<StoredOrder | null> {
    return this.ops.get<StoredOrder>(C.orders, orderId);
  }

  /** The caller's order, or null: another user's order looks exactly like a missing one. */
  async getOwned(openid: string, orderId: string): Promise<StoredOrder | null> {
    const [doc] = await this.ops.find<StoredOrder>(C.orders, { _id: orderId, _openid: openid }, { limit: 1 });
    return doc ?? null;
  }

  /** Moves the order to `to` if its status is one of `from`; returns whether this call did it. */
  transition(
    orderId: string,
    from: readonly PaymentOrderStatus[],
    to: PaymentOrderStatus,
    data: DocData,
    nowMs: number,
  ) {
    const _ = this.ops._;
    const cond = { _id: orderId, status: from.length === 1 ? from[0] : _.in([...from]) };
    return this.ops.updateWhere(C.orders, cond, { ...data, status: to, rev: _.inc(1), updatedAtMs: nowMs });
  }

  /** Updates the order if nothing changed it since it was read at `rev`. */
  cas(orderId: string, rev: number, data: DocData, nowMs: number): Promise<boolean> {
    return this.ops.updateWhere(C.orders, { _id: orderId, rev }, { ...data, rev: rev + 1, updatedAtMs: nowMs });
  }

  /** The caller's orders created since `sinceMs`, newest first. */
  listOwned(openid: string, sinceMs: number, cardId: string | undefined, limit: number): Promise<StoredOrder[]> {
    const where: DocData = { _openid: openid, createdAtMs: this.ops._.gte(sinceMs) };
    if (cardId) where.cardId = cardId;
    return this.ops.find<StoredOrder>(C.orders, where, { orderBy: ['createdAtMs', 'desc'], limit });
  }

  /** Orders paid in [fromMs, toMs) (reconciliation), at most `limit`. */
  paidBetween(fromMs: number, toMs: number, limit: number): Promise<StoredOrder[]> {
    const _ = this.ops._;
    return this.ops.find<StoredOrder>(
      C.orders,
      { paidAtMs: _.gte(fromMs).and(_.lt(toMs)) },
      { orderBy: ['paidAtMs', 'asc'], limit },
    );
  }

  getMany(ids: string[]): Promise<StoredOrder[]> {
    return this.ops.getMany<StoredOrder>(C.orders, ids);
  }

  /** Orders some timer work is due for (query, settle, refund, close), oldest first. */
  due(nowMs: number, limit: number): Promise<StoredOrder[]> {
    return this.ops.find<StoredOrder>(
      C.orders,
      { nextActionAtMs: this.ops._.lte(nowMs) },
      { orderBy: ['nextActionAtMs', 'asc'], limit },
    );
  }
}

const ABSENT_VERSION = -1;

/** The per-patient claims document, changed only by compare-and-set on `version`. */
export class ClaimStore {
  constructor(private readonly ops: DocOps) {}

  async read(patientKey: string): Promise<{ state: PatientClaims; version: number }> {
    const doc = await this.ops.get<PatientClaims & { version: number }>(C.patients, patientKey);
    if (!doc) return { state: { claims: [] }, version: ABSENT_VERSION };
    return { state: { claims: Array.isArray(doc.claims) ? doc.claims : [] }, version: doc.version ?? 0 };
  }

  cas(patientKey: string, version: number, next: PatientClaims, nowMs: number): Promise<boolean> {
    if (version === ABSENT_VERSION) {
      return this.ops.addIfAbsent(C.patients, patientKey, { claims: next.claims, version: 0, updatedAtMs: nowMs });
    }
    return this.ops.updateWhere(
      C.patients,
      { _id: patientKey, version },
      { claims: this.ops._.set(next.claims), version: version + 1, updatedAtMs: nowMs },
    );
  }
}

export interface PickupDoc {
  _id: string;
  orderId: string;
  openid: string;
  expiresAtMs: number;
  redeemedAtMs: number | null;
}

export class PickupStore {
  constructor(private readonly ops: DocOps) {}

  /** Takes `code` for the order unless an unexpired code of that value exists. */
  async take(code: string, orderId: string, openid: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    const data = { orderId, openid, expiresAtMs, redeemedAtMs: null, createdAtMs: nowMs };
    if (await this.ops.addIfAbsent(C.pickup, code, data)) return true;
    return this.ops.updateWhere(C.pickup, { _id: code, expiresAtMs: this.ops._.lte(nowMs) }, data);
  }

  get(code: string): Promise<PickupDoc | null> {
    return this.ops.get<PickupDoc>(C.pickup, code);
  }

  /** Marks the code redeemed once; false when it was redeemed or expired meanwhile. */
  redeem(code: string, nowMs: number): Promise<boolean> {
    const _ = this.ops._;
    return this.ops.updateWhere(
      C.pickup,
      { _id: code, redeemedAtMs: null, expiresAtMs: _.gt(nowMs) },
      { redeemedAtMs: nowMs },
    );
  }
}

export interface ReconciliationDoc {
  date: string;
  ranAtMs: number;
  counts: Record<string, number>;
  fixes: { kind: string; orderId: string; outcome: string }[];
  issues: { kind: string; outTradeNo: string; detail: string }[];
}

export class ReconciliationStore {
  constructor(private readonly ops: DocOps) {}

  /** One report per date; a re-run replaces it. */
  async put(doc: ReconciliationDoc): Promise<void> {
    const data = { ...doc, fixes: this.ops._.set(doc.fixes), issues: this.ops._.set(doc.issues) };
    if (await this.ops.updateWhere(C.reconciliations, { _id: doc.date }, data)) return;
    if (!(await this.ops.addIfAbsent(C.reconciliations, doc.date, { ...doc }))) {
      await this.ops.updateWhere(C.reconciliations, { _id: doc.date }, data);
    }
  }

  get(date: string): Promise<ReconciliationDoc | null> {
    return this.ops.get<ReconciliationDoc>(C.reconciliations, date);
  }
}

export class PaymentStore {
  readonly orders: OrderStore;
  readonly claims: ClaimStore;
  readonly pickup: PickupStore;
  readonly reconciliations: ReconciliationStore;
  readonly cards: BookingCardReader;
  readonly labQuota: LabQuotaStore;
  /** 代扣 contracts (`payment_contracts`) — ./contract-store.ts */
  readonly contracts: ContractStore;

  constructor(db: Database) {
    const ops = new DocOps(db);
    this.orders = new OrderStore(ops);
    this.claims = new ClaimStore(ops);
    this.pickup = new PickupStore(ops);
    this.reconciliations = new ReconciliationStore(ops);
    this.cards = new BookingCardReader(db);
    this.labQuota = new LabQuotaStore(db);
    this.contracts = new ContractStore(db);
  }
}
