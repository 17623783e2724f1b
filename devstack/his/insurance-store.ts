/**
 * The HIS sandbox's 医保 tables (docs/his-gateway.md, "医保 (medical insurance)"): each insured
 * patient's account (scheme and 个人账户 balance), their yearly standing (deductible used, fund
 * paid; one row per Asia/Shanghai calendar year), and the 医保 orders of insurance.uploadFees with
 * their items and split. Row mapping to HisInsuranceOrder (server/ports/his-insurance.ts).
 * Synchronous, like all sandbox storage; callers run inside the method's transaction.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { HisInsuranceOrder, HisInsuranceSplit, HisInsuranceStatus } from '../../server/ports/his-insurance';
import { businessDate } from '../../server/core/time';
import type { SandboxDb } from './db';
import {
  DEFAULT_BALANCE_FEN,
  OUTPATIENT_POLICY,
  defaultScheme,
  medClassOf,
  type InsuranceScheme,
  type MedClass,
} from './insurance-data';
import type { OrderClassTotals, PatientStanding } from './insurance-split';

export const INSURANCE_SCHEMA = `
-- 医保 (docs/his-gateway.md, "医保 (medical insurance)").
CREATE TABLE IF NOT EXISTS insurance_accounts (
  patient_id TEXT PRIMARY KEY REFERENCES patients(patient_id),
  scheme TEXT NOT NULL CHECK (scheme IN ('employee','retiree','resident')),
  balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),
  origin TEXT NOT NULL CHECK (origin IN ('seed','default','sandbox'))
);
CREATE TABLE IF NOT EXISTS insurance_years (
  patient_id TEXT NOT NULL REFERENCES patients(patient_id), year INTEGER NOT NULL,
  deductible_used_fen INTEGER NOT NULL CHECK (deductible_used_fen >= 0),
  fund_paid_fen INTEGER NOT NULL CHECK (fund_paid_fen >= 0),
  PRIMARY KEY (patient_id, year)
);
CREATE TABLE IF NOT EXISTS insurance_orders (
  seq INTEGER PRIMARY KEY, pay_ord_id TEXT NOT NULL UNIQUE, med_org_ord TEXT NOT NULL UNIQUE,
  app_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(patient_id),
  -- sha256 of the payAuthNo: single use (UNIQUE), never kept in clear.
  pay_auth_hash TEXT NOT NULL UNIQUE, pay_token TEXT NOT NULL,
  med_type TEXT NOT NULL, scheme TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('uploaded','preSettled','settled','refunded','revoked')),
  fee_sumamt INTEGER NOT NULL, class_b_fen INTEGER NOT NULL, self_fen INTEGER NOT NULL,
  -- The latest preSettle's split and the year it was priced in (NULL before).
  year INTEGER, fulamt_ownpay_amt INTEGER, preselfpay_amt INTEGER, inscp_scp_amt INTEGER, act_pay_dedc INTEGER,
  fund_pay INTEGER, psn_acct_pay INTEGER, own_pay_amt INTEGER,
  uploaded_at TEXT NOT NULL, auth_expires_at TEXT NOT NULL, pre_settled_at TEXT,
  setl_id TEXT UNIQUE, settlement_id TEXT, settled_at TEXT, refunded_at TEXT, refund_reason TEXT, revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS insurance_orders_patient ON insurance_orders(patient_id, seq);
CREATE TABLE IF NOT EXISTS insurance_order_items (
  pay_ord_id TEXT NOT NULL REFERENCES insurance_orders(pay_ord_id), idx INTEGER NOT NULL,
  item_id TEXT NOT NULL REFERENCES fee_items(item_id), amount_fen INTEGER NOT NULL,
  PRIMARY KEY (pay_ord_id, idx)
);
`;

/** In creation order (dropped in reverse). */
export const INSURANCE_TABLES = [
  'insurance_accounts',
  'insurance_years',
  'insurance_orders',
  'insurance_order_items',
] as const;

export interface AccountRow {
  patient_id: string;
  scheme: InsuranceScheme;
  balance_fen: number;
  origin: 'seed' | 'default' | 'sandbox';
}

export interface InsuranceOrderRow {
  seq: number;
  pay_ord_id: string;
  med_org_ord: string;
  app_id: string;
  patient_id: string;
  pay_token: string;
  med_type: '11';
  scheme: InsuranceScheme;
  status: HisInsuranceStatus;
  fee_sumamt: number;
  class_b_fen: number;
  self_fen: number;
  year: number | null;
  fulamt_ownpay_amt: number | null;
  preselfpay_amt: number | null;
  inscp_scp_amt: number | null;
  act_pay_dedc: number | null;
  fund_pay: number | null;
  psn_acct_pay: number | null;
  own_pay_amt: number | null;
  uploaded_at: string;
  auth_expires_at: string;
  pre_settled_at: string | null;
  setl_id: string | null;
  settlement_id: string | null;
  settled_at: string | null;
  refunded_at: string | null;
  revoked_at: string | null;
}

export const payAuthHash = (payAuthNo: string): string => createHash('sha256').update(payAuthNo).digest('hex');

/** The Asia/Shanghai calendar year of an instant (annual deductible and cap), whatever the process TZ. */
export const businessYear = (at: Date): number => Number(businessDate(at).slice(0, 4));

/** Completed years of age on `at`'s business date. */
export function ageOn(birthDate: string, at: Date): number {
  const today = businessDate(at);
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

export function accountRow(db: SandboxDb, patientId: string): AccountRow | undefined {
  return db.prepare('SELECT * FROM insurance_accounts WHERE patient_id = ?').get(patientId) as AccountRow | undefined;
}

/** The account an insured patient has when none is stored: by age and sex, DEFAULT_BALANCE_FEN. */
export function defaultAccount(patient: { patientId: string; birthDate: string; gender: 'M' | 'F' }, at: Date) {
  const scheme = defaultScheme(ageOn(patient.birthDate, at), patient.gender);
  return {
    patient_id: patient.patientId,
    scheme,
    balance_fen: DEFAULT_BALANCE_FEN[scheme],
    origin: 'default',
  } as const;
}

/** The stored account, or the default one stored now. */
export function ensureAccount(
  db: SandboxDb,
  patient: { patientId: string; birthDate: string; gender: 'M' | 'F' },
  at: Date,
): AccountRow {
  const stored = accountRow(db, patient.patientId);
  if (stored) return stored;
  const row = defaultAccount(patient, at);
  db.prepare('INSERT INTO insurance_accounts (patient_id, scheme, balance_fen, origin) VALUES (?, ?, ?, ?)').run(
    row.patient_id,
    row.scheme,
    row.balance_fen,
    row.origin,
  );
  return { ...row };
}

export function upsertAccount(db: SandboxDb, row: AccountRow): void {
  db.prepare(
    `INSERT INTO insurance_accounts (patient_id, scheme, balance_fen, origin) VALUES (?, ?, ?, ?)
     ON CONFLICT (patient_id) DO UPDATE SET scheme = excluded.scheme, balance_fen = excluded.balance_fen,
       origin = excluded.origin`,
  ).run(row.patient_id, row.scheme, row.balance_fen, row.origin);
}

export function yearUsage(
  db: SandboxDb,
  patientId: string,
  year: number,
): { deductibleUsedFen: number; fundPaidFen: number } {
  const r = db
    .prepare(
      `SELECT deductible_used_fen AS deductibleUsedFen, fund_paid_fen AS fundPaidFen FROM insurance_years
       WHERE patient_id = ? AND year = ?`,
    )
    .get(patientId, year) as { deductibleUsedFen: number; fundPaidFen: number } | undefined;
  return r ?? { deductibleUsedFen: 0, fundPaidFen: 0 };
}

export function setYearUsage(
  db: SandboxDb,
  patientId: string,
  year: number,
  usage: { deductibleUsedFen: number; fundPaidFen: number },
): void {
  db.prepare(
    `INSERT INTO insurance_years (patient_id, year, deductible_used_fen, fund_paid_fen) VALUES (?, ?, ?, ?)
     ON CONFLICT (patient_id, year) DO UPDATE SET deductible_used_fen = excluded.deductible_used_fen,
       fund_paid_fen = excluded.fund_paid_fen`,
  ).run(patientId, year, usage.deductibleUsedFen, usage.fundPaidFen);
}

/** The patient's standing for pricing an order in `year`. */
export function standingOf(db: SandboxDb, account: AccountRow, year: number): PatientStanding {
  return { ...yearUsage(db, account.patient_id, year), balanceFen: account.balance_fen };
}

/** Each line's 医保目录 class, in line order. */
export function lineClasses(db: SandboxDb, itemId: string): { amountFen: number; medClass: MedClass }[] {
  const rows = db
    .prepare('SELECT name, amount_fen, med_class FROM fee_lines WHERE item_id = ? ORDER BY idx')
    .all(itemId) as { name: string; amount_fen: number; med_class: MedClass | null }[];
  return rows.map((r) => ({ amountFen: r.amount_fen, medClass: medClassOf(r.name, r.med_class) }));
}

/** Items' amounts by class, from their current lines. */
export function classTotals(db: SandboxDb, itemIds: readonly string[]): OrderClassTotals {
  const t = { feeSumamt: 0, classBFen: 0, selfFen: 0 };
  for (const id of itemIds) {
    for (const l of lineClasses(db, id)) {
      t.feeSumamt += l.amountFen;
      if (l.medClass === 'B') t.classBFen += l.amountFen;
      if (l.medClass === 'self') t.selfFen += l.amountFen;
    }
  }
  return t;
}

export function orderRow(db: SandboxDb, payOrdId: string): InsuranceOrderRow | undefined {
  return db.prepare('SELECT * FROM insurance_orders WHERE pay_ord_id = ?').get(payOrdId) as
    InsuranceOrderRow | undefined;
}

export function orderItems(db: SandboxDb, payOrdId: string): { itemId: string; amountFen: number }[] {
  return db
    .prepare(
      'SELECT item_id AS itemId, amount_fen AS amountFen FROM insurance_order_items WHERE pay_ord_id = ? ORDER BY idx',
    )
    .all(payOrdId) as { itemId: string; amountFen: number }[];
}

export function splitOf(r: InsuranceOrderRow): HisInsuranceSplit | null {
  if (r.fund_pay === null) return null;
  return {
    feeSumamt: r.fee_sumamt,
    fulamtOwnpayAmt: r.fulamt_ownpay_amt!,
    preselfpayAmt: r.preselfpay_amt!,
    inscpScpAmt: r.inscp_scp_amt!,
    actPayDedc: r.act_pay_dedc!,
    fundPay: r.fund_pay,
    psnAcctPay: r.psn_acct_pay!,
    ownPayAmt: r.own_pay_amt!,
  };
}

export function toHisInsuranceOrder(db: SandboxDb, r: InsuranceOrderRow): HisInsuranceOrder {
  return {
    payOrdId: r.pay_ord_id,
    medOrgOrd: r.med_org_ord,
    patientId: r.patient_id,
    itemIds: orderItems(db, r.pay_ord_id).map((i) => i.itemId),
    medType: r.med_type,
    insuType: OUTPATIENT_POLICY[r.scheme].insuType,
    status: r.status,
    feeSumamt: r.fee_sumamt,
    split: splitOf(r),
    uploadedAt: r.uploaded_at,
    preSettledAt: r.pre_settled_at,
    setlId: r.setl_id,
    settlementId: r.settlement_id,
    settledAt: r.settled_at,
    refundedAt: r.refunded_at,
    revokedAt: r.revoked_at,
  };
}

export interface NewInsuranceOrder {
  appId: string;
  patientId: string;
  payAuthNo: string;
  scheme: InsuranceScheme;
  items: readonly { itemId: string; amountFen: number }[];
  totals: OrderClassTotals;
  uploadedAt: Date;
  authExpiresAt: Date;
}

/** `{prefix}{yyyymmdd}{n}` with the Asia/Shanghai date and n zero-padded to `width`. */
const dated = (prefix: string, at: Date, n: number, width: number): string =>
  `${prefix}${businessDate(at).replaceAll('-', '')}${String(n).padStart(width, '0')}`;

/**
 * Stores an upload: payOrdId `ORD330600{yyyymmdd}{8 digits}` (330600: the city's 医保 region),
 * medOrgOrd `MZYB{yyyymmdd}{8 digits}`, a random 32-hex payToken.
 */
export function insertOrder(db: SandboxDb, o: NewInsuranceOrder): InsuranceOrderRow {
  const { n } = db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM insurance_orders').get() as { n: number };
  const payOrdId = dated('ORD330600', o.uploadedAt, n, 8);
  db.prepare(
    `INSERT INTO insurance_orders (seq, pay_ord_id, med_org_ord, app_id, patient_id, pay_auth_hash, pay_token, med_type,
       scheme, status, fee_sumamt, class_b_fen, self_fen, uploaded_at, auth_expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, '11', ?, 'uploaded', ?, ?, ?, ?, ?)`,
  ).run(
    n,
    payOrdId,
    dated('MZYB', o.uploadedAt, n, 8),
    o.appId,
    o.patientId,
    payAuthHash(o.payAuthNo),
    randomBytes(16).toString('hex'),
    o.scheme,
    o.totals.feeSumamt,
    o.totals.classBFen,
    o.totals.selfFen,
    o.uploadedAt.toISOString(),
    o.authExpiresAt.toISOString(),
  );
  const link = db.prepare(
    'INSERT INTO insurance_order_items (pay_ord_id, idx, item_id, amount_fen) VALUES (?, ?, ?, ?)',
  );
  o.items.forEach((item, i) => link.run(payOrdId, i, item.itemId, item.amountFen));
  return orderRow(db, payOrdId)!;
}

/** Records a (re-)quote: status preSettled with this split, priced in `year`. */
export function storeSplit(db: SandboxDb, payOrdId: string, split: HisInsuranceSplit, year: number, at: Date): void {
  db.prepare(
    `UPDATE insurance_orders SET status = 'preSettled', year = ?, fulamt_ownpay_amt = ?, preselfpay_amt = ?,
       inscp_scp_amt = ?, act_pay_dedc = ?, fund_pay = ?, psn_acct_pay = ?, own_pay_amt = ?, pre_settled_at = ?
     WHERE pay_ord_id = ?`,
  ).run(
    year,
    split.fulamtOwnpayAmt,
    split.preselfpayAmt,
    split.inscpScpAmt,
    split.actPayDedc,
    split.fundPay,
    split.psnAcctPay,
    split.ownPayAmt,
    at.toISOString(),
    payOrdId,
  );
}

/**
 * Moves the order's 医保 money: `sign` 1 on settlement (deductible and fund used, account debited),
 * −1 on refund (all restored). Usage never goes below 0 (a sandbox route may have reset it since).
 */
export function applySplit(db: SandboxDb, r: InsuranceOrderRow, sign: 1 | -1): void {
  const split = splitOf(r)!;
  const usage = yearUsage(db, r.patient_id, r.year!);
  setYearUsage(db, r.patient_id, r.year!, {
    deductibleUsedFen: Math.max(0, usage.deductibleUsedFen + sign * split.actPayDedc),
    fundPaidFen: Math.max(0, usage.fundPaidFen + sign * split.fundPay),
  });
  db.prepare('UPDATE insurance_accounts SET balance_fen = balance_fen - ? WHERE patient_id = ?').run(
    sign * split.psnAcctPay,
    r.patient_id,
  );
}

/** 医保结算 id of a settlement: `SETL{yyyymmdd}{10 digits}`. */
export function newSetlId(db: SandboxDb, at: Date): string {
  const { n } = db.prepare('SELECT COUNT(*) + 1 AS n FROM insurance_orders WHERE setl_id IS NOT NULL').get() as {
    n: number;
  };
  return dated('SETL', at, n, 10);
}

/** A patient's orders, newest first. */
export function ordersOfPatient(db: SandboxDb, patientId: string, limit: number): InsuranceOrderRow[] {
  return db
    .prepare('SELECT * FROM insurance_orders WHERE patient_id = ? ORDER BY seq DESC LIMIT ?')
    .all(patientId, limit) as InsuranceOrderRow[];
}
