/**
 * The HIS sandbox's outpatient-fee tables (db.ts FEE_SCHEMA): charges (fee_items + fee_lines),
 * settlements of the gateway's fee.settle (fee_settlements + fee_settlement_items, whose primary key
 * makes it impossible to settle an item twice) and their e-receipts. Row mapping to the protocol's
 * HisFeeItem / HisSettlement (server/ports/his-payment.ts). Synchronous, like all sandbox storage.
 */
import type { FeeItemKind } from '../../typings/payment';
import type { HisFeeItem, HisFeeLine, HisReceipt, HisSettlement } from '../../server/ports/his-payment';
import type { SandboxDb } from './db';
import type { MedClass } from './insurance-data';
import type { Prng } from './prng';

export const FEE_SCHEMA = `
-- Outpatient fees (docs/his-gateway.md, "Outpatient fees").
CREATE TABLE IF NOT EXISTS fee_items (
  seq INTEGER PRIMARY KEY, item_id TEXT NOT NULL UNIQUE, patient_id TEXT NOT NULL REFERENCES patients(patient_id),
  kind TEXT NOT NULL CHECK (kind IN ('registration','prescription','lab','exam')),
  title TEXT NOT NULL, dept_code TEXT NOT NULL, dept_name TEXT NOT NULL, doctor_name TEXT NOT NULL,
  ordered_at TEXT NOT NULL, amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0), guide TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('unpaid','paid','cancelled')),
  -- 'gateway': settled by fee.settle (settlement_id set); 'window': paid at the hospital's window.
  paid_via TEXT CHECK (paid_via IN ('gateway','window')), settlement_id TEXT, paid_at TEXT, cancelled_at TEXT,
  origin TEXT NOT NULL CHECK (origin IN ('seed','sandbox'))
);
CREATE INDEX IF NOT EXISTS fee_items_patient ON fee_items(patient_id, status, ordered_at);
CREATE TABLE IF NOT EXISTS fee_lines (
  item_id TEXT NOT NULL REFERENCES fee_items(item_id), idx INTEGER NOT NULL, name TEXT NOT NULL,
  spec TEXT NOT NULL, quantity REAL NOT NULL, unit_price_fen INTEGER NOT NULL, amount_fen INTEGER NOT NULL,
  -- 医保目录 class given explicitly ('A' 甲类, 'B' 乙类, 'self' 自费); NULL: by name (insurance-data.ts).
  med_class TEXT CHECK (med_class IN ('A','B','self')),
  PRIMARY KEY (item_id, idx)
);
CREATE TABLE IF NOT EXISTS fee_settlements (
  seq INTEGER PRIMARY KEY, settlement_id TEXT NOT NULL UNIQUE, app_id TEXT NOT NULL, request_id TEXT NOT NULL,
  patient_id TEXT NOT NULL, total_fen INTEGER NOT NULL, transaction_id TEXT NOT NULL, paid_at TEXT NOT NULL,
  settled_at TEXT NOT NULL, bill_batch_code TEXT NOT NULL, bill_no TEXT NOT NULL UNIQUE, random TEXT NOT NULL,
  -- The e-receipt is shown from this instant on (settled_at + the configured receipt delay).
  receipt_issued_at TEXT NOT NULL,
  UNIQUE (app_id, request_id), UNIQUE (app_id, transaction_id)
);
-- fee.listSettlements: one app's settlements of a business day, in (settled_at, settlement_id) order.
CREATE INDEX IF NOT EXISTS fee_settlements_settled ON fee_settlements(app_id, settled_at, settlement_id);
CREATE TABLE IF NOT EXISTS fee_settlement_items (
  item_id TEXT PRIMARY KEY REFERENCES fee_items(item_id),
  settlement_id TEXT NOT NULL REFERENCES fee_settlements(settlement_id), idx INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL
);
-- A settlement's items (settledItemIds), once per listed settlement.
CREATE INDEX IF NOT EXISTS fee_settlement_items_settlement ON fee_settlement_items(settlement_id, idx);
`;

/** Brings an older database's fee tables up to FEE_SCHEMA (columns added since). */
export function migrateFeeSchema(db: SandboxDb): void {
  const cols = db.prepare('PRAGMA table_info(fee_lines)').all() as { name: string }[];
  if (!cols.some((c) => c.name === 'med_class')) {
    db.exec("ALTER TABLE fee_lines ADD COLUMN med_class TEXT CHECK (med_class IN ('A','B','self'))");
  }
}

/** In creation order (dropped in reverse). */
export const FEE_TABLES = ['fee_items', 'fee_lines', 'fee_settlements', 'fee_settlement_items'] as const;

/** Mutable fee settings of one running sandbox. */
export interface FeeRuntime {
  /** Base of receipt pages' URLs (`{baseUrl}/receipts/{billNo}`): the sandbox's own URL by default. */
  baseUrl: string;
  /** A settlement's e-receipt is issued this many ms after it (0 = at once; sandbox extension). */
  receiptDelayMs: number;
  /** Random source for generated charges (POST /sandbox/fees). */
  rnd: Prng;
}

export type FeeItemStatus = 'unpaid' | 'paid' | 'cancelled';

export interface FeeItemRow {
  seq: number;
  item_id: string;
  patient_id: string;
  kind: FeeItemKind;
  title: string;
  dept_code: string;
  dept_name: string;
  doctor_name: string;
  ordered_at: string;
  amount_fen: number;
  guide: string;
  status: FeeItemStatus;
  paid_via: 'gateway' | 'window' | null;
  settlement_id: string | null;
  paid_at: string | null;
  cancelled_at: string | null;
  origin: 'seed' | 'sandbox';
}

export interface SettlementRow {
  seq: number;
  settlement_id: string;
  app_id: string;
  request_id: string;
  patient_id: string;
  total_fen: number;
  transaction_id: string;
  paid_at: string;
  settled_at: string;
  bill_batch_code: string;
  bill_no: string;
  random: string;
  receipt_issued_at: string;
}

/** A line to store: the protocol's line, maybe with its 医保目录 class (else derived from its name). */
export type NewFeeLine = HisFeeLine & { medClass?: MedClass };

/** A charge to store: the protocol's item without its id and amount (both derived). */
export interface NewFeeItem extends Omit<HisFeeItem, 'itemId' | 'amountFen' | 'lines'> {
  lines: NewFeeLine[];
  origin: 'seed' | 'sandbox';
  status?: FeeItemStatus;
  paidVia?: 'window';
  paidAt?: string;
  cancelledAt?: string;
}

/** `amountFen` of a line: quantity × unit price, in whole fen. */
export function lineAmount(quantity: number, unitPriceFen: number): number {
  return Math.round(quantity * unitPriceFen);
}

export function feeLine(name: string, spec: string, quantity: number, unitPriceFen: number): HisFeeLine {
  return { name, spec, quantity, unitPriceFen, amountFen: lineAmount(quantity, unitPriceFen) };
}

/** Stores a charge; its amount is the sum of its lines. Returns the new item id (`F` + 12 digits). */
export function insertFeeItem(db: SandboxDb, item: NewFeeItem): string {
  const { n } = db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM fee_items').get() as { n: number };
  const itemId = `F${String(100_000_000_000 + n)}`;
  const amount = item.lines.reduce((sum, l) => sum + l.amountFen, 0);
  db.prepare(
    `INSERT INTO fee_items (seq, item_id, patient_id, kind, title, dept_code, dept_name, doctor_name, ordered_at,
       amount_fen, guide, status, paid_via, paid_at, cancelled_at, origin)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    n,
    itemId,
    item.patientId,
    item.kind,
    item.title,
    item.deptCode,
    item.deptName,
    item.doctorName,
    item.orderedAt,
    amount,
    item.guide,
    item.status ?? 'unpaid',
    item.paidVia ?? null,
    item.paidAt ?? null,
    item.cancelledAt ?? null,
    item.origin,
  );
  insertLines(db, itemId, item.lines);
  return itemId;
}

export function insertLines(db: SandboxDb, itemId: string, lines: readonly NewFeeLine[]): void {
  const st = db.prepare(
    `INSERT INTO fee_lines (item_id, idx, name, spec, quantity, unit_price_fen, amount_fen, med_class)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  lines.forEach((l, i) =>
    st.run(itemId, i, l.name, l.spec, l.quantity, l.unitPriceFen, l.amountFen, l.medClass ?? null),
  );
}

export function feeItemRow(db: SandboxDb, itemId: string): FeeItemRow | undefined {
  return db.prepare('SELECT * FROM fee_items WHERE item_id = ?').get(itemId) as FeeItemRow | undefined;
}

export function feeLines(db: SandboxDb, itemId: string): HisFeeLine[] {
  return db
    .prepare(
      `SELECT name, spec, quantity, unit_price_fen AS unitPriceFen, amount_fen AS amountFen
       FROM fee_lines WHERE item_id = ? ORDER BY idx`,
    )
    .all(itemId) as HisFeeLine[];
}

export function toHisFeeItem(db: SandboxDb, r: FeeItemRow): HisFeeItem {
  return {
    itemId: r.item_id,
    patientId: r.patient_id,
    kind: r.kind,
    title: r.title,
    deptCode: r.dept_code,
    deptName: r.dept_name,
    doctorName: r.doctor_name,
    orderedAt: r.ordered_at,
    amountFen: r.amount_fen,
    lines: feeLines(db, r.item_id),
    guide: r.guide,
  };
}

/** A patient's unpaid charges, oldest first. */
export function unpaidFeeItems(db: SandboxDb, patientId: string): HisFeeItem[] {
  const rows = db
    .prepare("SELECT * FROM fee_items WHERE patient_id = ? AND status = 'unpaid' ORDER BY ordered_at, seq")
    .all(patientId) as FeeItemRow[];
  return rows.map((r) => toHisFeeItem(db, r));
}

export function settlementByRequest(db: SandboxDb, appId: string, requestId: string): SettlementRow | undefined {
  return db.prepare('SELECT * FROM fee_settlements WHERE app_id = ? AND request_id = ?').get(appId, requestId) as
    SettlementRow | undefined;
}

export function settlementById(db: SandboxDb, settlementId: string): SettlementRow | undefined {
  return db.prepare('SELECT * FROM fee_settlements WHERE settlement_id = ?').get(settlementId) as
    SettlementRow | undefined;
}

/** Where a page of fee.listSettlements ended: its last settlement. */
export interface SettlementPosition {
  settledAt: string;
  settlementId: string;
}

/**
 * Up to `limit` settlements of one app settled in [fromIso, toIso) — ISO instants as stored
 * (`toISOString()`, so they compare as strings) — after `after`, ordered by settled_at then
 * settlement_id. Only fee.settle makes rows here: window payments never do.
 */
export function settlementsSettledBetween(
  db: SandboxDb,
  appId: string,
  fromIso: string,
  toIso: string,
  after: SettlementPosition | null,
  limit: number,
): SettlementRow[] {
  return db
    .prepare(
      `SELECT * FROM fee_settlements
       WHERE app_id = ? AND settled_at >= ? AND settled_at < ? AND (settled_at, settlement_id) > (?, ?)
       ORDER BY settled_at, settlement_id LIMIT ?`,
    )
    .all(appId, fromIso, toIso, after?.settledAt ?? '', after?.settlementId ?? '', limit) as SettlementRow[];
}

export function settlementByBillNo(db: SandboxDb, billNo: string): SettlementRow | undefined {
  return db.prepare('SELECT * FROM fee_settlements WHERE bill_no = ?').get(billNo) as SettlementRow | undefined;
}

export function settledItemIds(db: SandboxDb, settlementId: string): string[] {
  const rows = db
    .prepare('SELECT item_id FROM fee_settlement_items WHERE settlement_id = ? ORDER BY idx')
    .all(settlementId) as { item_id: string }[];
  return rows.map((r) => r.item_id);
}

export function receiptOf(r: SettlementRow, now: Date, baseUrl: string): HisReceipt | null {
  if (now.getTime() < Date.parse(r.receipt_issued_at)) return null;
  return {
    billBatchCode: r.bill_batch_code,
    billNo: r.bill_no,
    random: r.random,
    issuedAt: r.receipt_issued_at,
    viewUrl: `${baseUrl.replace(/\/+$/, '')}/receipts/${r.bill_no}`,
  };
}

export function toHisSettlement(db: SandboxDb, r: SettlementRow, now: Date, baseUrl: string): HisSettlement {
  return {
    settlementId: r.settlement_id,
    requestId: r.request_id,
    patientId: r.patient_id,
    itemIds: settledItemIds(db, r.settlement_id),
    totalFen: r.total_fen,
    transactionId: r.transaction_id,
    settledAt: r.settled_at,
    receipt: receiptOf(r, now, baseUrl),
  };
}

export interface NewSettlement {
  appId: string;
  requestId: string;
  patientId: string;
  items: readonly { itemId: string; amountFen: number }[];
  totalFen: number;
  transactionId: string;
  paidAt: string;
  settledAt: Date;
  receiptIssuedAt: Date;
  seed: number;
  /** 6 characters [0-9a-z], the receipt's 校验码. */
  random: string;
}

/**
 * Records a settlement and marks its items paid (the caller checked they are unpaid and the total
 * matches). E-receipt numbers: 票据代码 `330601` + two-digit year, 票据号码 10 digits (sequential).
 */
export function insertSettlement(db: SandboxDb, s: NewSettlement): SettlementRow {
  const { n } = db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM fee_settlements').get() as { n: number };
  const settlementId = `JS${String(100_000_000_000 + n)}`;
  const year = String(s.settledAt.getUTCFullYear()).slice(2);
  const billNo = String(1_000_000_000 + (s.seed % 1_000_000) * 1000 + n).padStart(10, '0');
  db.prepare(
    `INSERT INTO fee_settlements (seq, settlement_id, app_id, request_id, patient_id, total_fen, transaction_id,
       paid_at, settled_at, bill_batch_code, bill_no, random, receipt_issued_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    n,
    settlementId,
    s.appId,
    s.requestId,
    s.patientId,
    s.totalFen,
    s.transactionId,
    s.paidAt,
    s.settledAt.toISOString(),
    `330601${year}`,
    billNo,
    s.random,
    s.receiptIssuedAt.toISOString(),
  );
  const link = db.prepare(
    'INSERT INTO fee_settlement_items (item_id, settlement_id, idx, amount_fen) VALUES (?, ?, ?, ?)',
  );
  const pay = db.prepare(
    "UPDATE fee_items SET status = 'paid', paid_via = 'gateway', settlement_id = ?, paid_at = ? WHERE item_id = ?",
  );
  s.items.forEach((item, i) => {
    link.run(item.itemId, settlementId, i, item.amountFen);
    pay.run(settlementId, s.settledAt.toISOString(), item.itemId);
  });
  return settlementById(db, settlementId)!;
}

/** Counts for /sandbox/summary and GET /sandbox/fees. */
export function feeCounts(db: SandboxDb, patientId?: string): Record<string, number> {
  const where = patientId ? 'WHERE patient_id = ?' : '';
  const args = patientId ? [patientId] : [];
  const items = db
    .prepare(
      `SELECT COUNT(*) AS items,
              COALESCE(SUM(status = 'unpaid'), 0) AS unpaid,
              COALESCE(SUM(status = 'paid'), 0) AS paid,
              COALESCE(SUM(status = 'paid' AND paid_via = 'window'), 0) AS paidAtWindow,
              COALESCE(SUM(status = 'cancelled'), 0) AS cancelled,
              COALESCE(SUM(CASE WHEN status = 'unpaid' THEN amount_fen ELSE 0 END), 0) AS unpaidFen
       FROM fee_items ${where}`,
    )
    .get(...args) as Record<string, number>;
  const settlements = db
    .prepare(`SELECT COUNT(*) AS settlements, COALESCE(SUM(total_fen), 0) AS settledFen FROM fee_settlements ${where}`)
    .get(...args) as Record<string, number>;
  return { ...items, ...settlements };
}
