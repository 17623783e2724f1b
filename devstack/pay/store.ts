/**
 * The pay sandbox's SQLite store (better-sqlite3, as the HIS sandbox): orders, their prepay ids,
 * refunds, notifications and every delivery attempt, so `npm start` restarts keep state and
 * pending notifications resume. Instants are epoch ms of the sandbox clock, except
 * `notifications.next_at`, which is real time (retries run on real timers).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type TradeState = 'NOTPAY' | 'SUCCESS' | 'REFUND' | 'CLOSED';
export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';
export type NotificationState = 'pending' | 'delivered' | 'failed' | 'undeliverable';
export type DeliveryKind = 'scheduled' | 'manual' | 'duplicate';

export interface OrderRow {
  seq: number;
  out_trade_no: string;
  appid: string;
  mchid: string;
  description: string;
  attach: string | null;
  notify_url: string;
  total: number;
  currency: string;
  openid: string;
  time_expire: string | null;
  /** When the order closes itself: time_expire, else 7 days after creation. */
  expires_at: number;
  /** The request body with sorted keys: "the same parameters" of a repeated order. */
  request_json: string;
  prepay_id: string;
  prepay_expires_at: number;
  trade_state: TradeState;
  transaction_id: string | null;
  bank_type: string | null;
  success_at: number | null;
  created_at: number;
  closed_at: number | null;
  user_cancelled_at: number | null;
}

/** Every prepay_id an order was given (a lapsed one is replaced when the order is placed again). */
export interface PrepayRow {
  prepay_id: string;
  out_trade_no: string;
  expires_at: number;
}

export interface RefundRow {
  seq: number;
  out_refund_no: string;
  refund_id: string;
  out_trade_no: string;
  reason: string | null;
  notify_url: string | null;
  refund: number;
  total: number;
  currency: string;
  status: RefundStatus;
  created_at: number;
  /** Real time at which PROCESSING turns into its outcome. */
  settle_at: number;
  success_at: number | null;
}

export interface NotificationRow {
  id: string;
  out_trade_no: string;
  out_refund_no: string | null;
  event_type: string;
  url: string;
  /** The exact bytes every delivery sends (re-signed each time). */
  body: string;
  state: NotificationState;
  attempts: number;
  next_at: number | null;
  created_at: number;
}

export interface DeliveryRow {
  notification_id: string;
  out_trade_no: string;
  event_type: string;
  kind: DeliveryKind;
  attempt: number;
  at: number;
  status: number | null;
  ms: number;
  error: string | null;
  tampered: string | null;
  /** The first 200 characters of the answer body. */
  answer: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS orders (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, out_trade_no TEXT NOT NULL UNIQUE,
  appid TEXT NOT NULL, mchid TEXT NOT NULL, description TEXT NOT NULL, attach TEXT, notify_url TEXT NOT NULL,
  total INTEGER NOT NULL, currency TEXT NOT NULL, openid TEXT NOT NULL,
  time_expire TEXT, expires_at INTEGER NOT NULL, request_json TEXT NOT NULL,
  prepay_id TEXT NOT NULL, prepay_expires_at INTEGER NOT NULL,
  trade_state TEXT NOT NULL CHECK (trade_state IN ('NOTPAY','SUCCESS','REFUND','CLOSED')),
  transaction_id TEXT UNIQUE, bank_type TEXT, success_at INTEGER,
  created_at INTEGER NOT NULL, closed_at INTEGER, user_cancelled_at INTEGER
);
CREATE TABLE IF NOT EXISTS prepays (
  prepay_id TEXT PRIMARY KEY, out_trade_no TEXT NOT NULL, expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS refunds (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, out_refund_no TEXT NOT NULL UNIQUE, refund_id TEXT NOT NULL UNIQUE,
  out_trade_no TEXT NOT NULL, reason TEXT, notify_url TEXT,
  refund INTEGER NOT NULL CHECK (refund > 0), total INTEGER NOT NULL, currency TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('PROCESSING','SUCCESS','CLOSED','ABNORMAL')),
  created_at INTEGER NOT NULL, settle_at INTEGER NOT NULL, success_at INTEGER
);
CREATE INDEX IF NOT EXISTS refunds_order ON refunds(out_trade_no);
CREATE TABLE IF NOT EXISTS notifications (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, out_trade_no TEXT NOT NULL, out_refund_no TEXT,
  event_type TEXT NOT NULL, url TEXT NOT NULL, body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending','delivered','failed','undeliverable')),
  attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER, created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS notifications_order ON notifications(out_trade_no, seq);
CREATE TABLE IF NOT EXISTS deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, notification_id TEXT NOT NULL, out_trade_no TEXT NOT NULL,
  event_type TEXT NOT NULL, kind TEXT NOT NULL, attempt INTEGER NOT NULL, at INTEGER NOT NULL,
  status INTEGER, ms INTEGER NOT NULL, error TEXT, tampered TEXT, answer TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_order ON deliveries(out_trade_no, seq);
`;

type NewOrder = Omit<OrderRow, 'seq'>;
type NewRefund = Omit<RefundRow, 'seq'>;

function columns(row: object): { names: string; params: string } {
  const keys = Object.keys(row);
  return { names: keys.join(', '), params: keys.map((k) => `@${k}`).join(', ') };
}

export class PayStore {
  private readonly db: Database.Database;
  private notificationSeq = 0;

  constructor(file: string, reset = false) {
    if (file !== ':memory:') {
      mkdirSync(dirname(file), { recursive: true });
      if (reset) for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    }
    this.db = new Database(file);
    if (file !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    const max = this.db.prepare('SELECT MAX(seq) AS n FROM notifications').get() as { n: number | null };
    this.notificationSeq = max.n ?? 0;
  }

  close(): void {
    this.db.close();
  }

  /** The connection, for the tables of the 医保 orders (med-ins-store.ts) in the same file. */
  get connection(): Database.Database {
    return this.db;
  }

  /** Runs `fn` in one transaction (a decision and its writes together). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---- orders ----

  insertOrder(row: NewOrder): void {
    const c = columns(row);
    this.db.prepare(`INSERT INTO orders (${c.names}) VALUES (${c.params})`).run(row);
    this.db
      .prepare('INSERT INTO prepays (prepay_id, out_trade_no, expires_at) VALUES (?, ?, ?)')
      .run(row.prepay_id, row.out_trade_no, row.prepay_expires_at);
  }

  order(outTradeNo: string): OrderRow | undefined {
    return this.db.prepare('SELECT * FROM orders WHERE out_trade_no = ?').get(outTradeNo) as OrderRow | undefined;
  }

  orderByTransaction(transactionId: string): OrderRow | undefined {
    return this.db.prepare('SELECT * FROM orders WHERE transaction_id = ?').get(transactionId) as OrderRow | undefined;
  }

  prepay(prepayId: string): PrepayRow | undefined {
    return this.db.prepare('SELECT * FROM prepays WHERE prepay_id = ?').get(prepayId) as PrepayRow | undefined;
  }

  updateOrder(outTradeNo: string, set: Partial<NewOrder>): void {
    const keys = Object.keys(set);
    if (keys.length === 0) return;
    const assignments = keys.map((k) => `${k} = @${k}`).join(', ');
    this.db.prepare(`UPDATE orders SET ${assignments} WHERE out_trade_no = @key`).run({ ...set, key: outTradeNo });
  }

  renewPrepay(outTradeNo: string, prepayId: string, expiresAt: number): void {
    this.updateOrder(outTradeNo, { prepay_id: prepayId, prepay_expires_at: expiresAt });
    this.db
      .prepare('INSERT INTO prepays (prepay_id, out_trade_no, expires_at) VALUES (?, ?, ?)')
      .run(prepayId, outTradeNo, expiresAt);
  }

  recentOrders(limit: number): OrderRow[] {
    return this.db.prepare('SELECT * FROM orders ORDER BY seq DESC LIMIT ?').all(limit) as OrderRow[];
  }

  /** Orders paid within [fromMs, toMs) (sandbox clock), oldest first: the payment rows of a bill. */
  paidBetween(fromMs: number, toMs: number): OrderRow[] {
    return this.db
      .prepare('SELECT * FROM orders WHERE success_at >= ? AND success_at < ? ORDER BY success_at, seq')
      .all(fromMs, toMs) as OrderRow[];
  }

  // ---- refunds ----

  insertRefund(row: NewRefund): void {
    const c = columns(row);
    this.db.prepare(`INSERT INTO refunds (${c.names}) VALUES (${c.params})`).run(row);
  }

  refund(outRefundNo: string): RefundRow | undefined {
    return this.db.prepare('SELECT * FROM refunds WHERE out_refund_no = ?').get(outRefundNo) as RefundRow | undefined;
  }

  refundsOf(outTradeNo: string): RefundRow[] {
    return this.db.prepare('SELECT * FROM refunds WHERE out_trade_no = ? ORDER BY seq').all(outTradeNo) as RefundRow[];
  }

  processingRefunds(): RefundRow[] {
    return this.db.prepare("SELECT * FROM refunds WHERE status = 'PROCESSING' ORDER BY seq").all() as RefundRow[];
  }

  settleRefund(outRefundNo: string, status: RefundStatus, successAt: number | null): void {
    this.db
      .prepare("UPDATE refunds SET status = ?, success_at = ? WHERE out_refund_no = ? AND status = 'PROCESSING'")
      .run(status, successAt, outRefundNo);
  }

  /** Refunds that succeeded within [fromMs, toMs), oldest first: the refund rows of a bill. */
  refundedBetween(fromMs: number, toMs: number): RefundRow[] {
    return this.db
      .prepare(
        "SELECT * FROM refunds WHERE status = 'SUCCESS' AND success_at >= ? AND success_at < ? ORDER BY success_at, seq",
      )
      .all(fromMs, toMs) as RefundRow[];
  }

  // ---- notifications and deliveries ----

  insertNotification(row: Omit<NotificationRow, 'attempts' | 'state' | 'next_at'>): void {
    this.notificationSeq += 1;
    this.db
      .prepare(
        `INSERT INTO notifications (id, seq, out_trade_no, out_refund_no, event_type, url, body, state, attempts, created_at)
         VALUES (@id, @seq, @out_trade_no, @out_refund_no, @event_type, @url, @body, 'pending', 0, @created_at)`,
      )
      .run({ ...row, seq: this.notificationSeq });
  }

  notification(id: string): NotificationRow | undefined {
    return this.db.prepare('SELECT * FROM notifications WHERE id = ?').get(id) as NotificationRow | undefined;
  }

  /** The order's latest notification (its payment, or its latest refund's). */
  latestNotification(outTradeNo: string): NotificationRow | undefined {
    return this.db
      .prepare('SELECT * FROM notifications WHERE out_trade_no = ? ORDER BY seq DESC LIMIT 1')
      .get(outTradeNo) as NotificationRow | undefined;
  }

  notificationsOf(outTradeNo: string): NotificationRow[] {
    return this.db
      .prepare('SELECT * FROM notifications WHERE out_trade_no = ? ORDER BY seq')
      .all(outTradeNo) as NotificationRow[];
  }

  pendingNotifications(): NotificationRow[] {
    return this.db
      .prepare("SELECT * FROM notifications WHERE state = 'pending' ORDER BY seq")
      .all() as NotificationRow[];
  }

  updateNotification(id: string, set: Pick<NotificationRow, 'state' | 'attempts' | 'next_at'>): void {
    this.db
      .prepare('UPDATE notifications SET state = @state, attempts = @attempts, next_at = @next_at WHERE id = @id')
      .run({ ...set, id });
  }

  insertDelivery(row: DeliveryRow): void {
    const c = columns(row);
    this.db.prepare(`INSERT INTO deliveries (${c.names}) VALUES (${c.params})`).run(row);
  }

  deliveriesOf(outTradeNo: string): DeliveryRow[] {
    return this.db
      .prepare(
        `SELECT notification_id, out_trade_no, event_type, kind, attempt, at, status, ms, error, tampered, answer
         FROM deliveries WHERE out_trade_no = ? ORDER BY seq`,
      )
      .all(outTradeNo) as DeliveryRow[];
  }
}
