/**
 * The withholding (委托代扣, v2 papay) tables, in the pay sandbox's SQLite file (PayStore's
 * connection, so `reset` wipes them with the orders): contracts, deductions, and the v2 XML
 * notifications with every delivery attempt. Instants are epoch ms of the sandbox clock, except
 * `settle_at` and `next_at`, which are real time (they run on real timers).
 */
import type Database from 'better-sqlite3';

/** ADD: signed and in force; DELETE: terminated (by the merchant, the user, or by expiring). */
export type ContractState = 'ADD' | 'DELETE';
/** ACCEPT: accepted, waiting for the deduction; then SUCCESS or PAY_FAIL. */
export type DeductionState = 'ACCEPT' | 'SUCCESS' | 'PAY_FAIL';
export type PapayNoticeKind = 'contract' | 'deduction';
export type PapayNoticeState = 'pending' | 'delivered' | 'failed' | 'undeliverable';

export interface ContractRow {
  seq: number;
  contract_id: string;
  mch_id: string;
  appid: string;
  plan_id: string;
  contract_code: string;
  /** int64 as text (a JS number cannot hold every int64). */
  request_serial: string;
  contract_display_account: string;
  openid: string;
  notify_url: string;
  state: ContractState;
  signed_at: number;
  expires_at: number;
  terminated_at: number | null;
  /** 1 expired, 2 the user, 3 the merchant's API, 4 the merchant platform, 5 account closed. */
  termination_mode: number | null;
  termination_remark: string | null;
}

export interface DeductionRow {
  seq: number;
  out_trade_no: string;
  transaction_id: string;
  contract_id: string;
  appid: string;
  mchid: string;
  openid: string;
  body: string;
  attach: string | null;
  total_fee: number;
  notify_url: string;
  /** The request's fields without nonce_str and sign, sorted: "the same parameters" of a repeat. */
  request_key: string;
  trade_state: DeductionState;
  err_code: string | null;
  err_code_des: string | null;
  bank_type: string | null;
  created_at: number;
  settle_at: number | null;
  success_at: number | null;
  failed_at: number | null;
}

export interface PapayNoticeRow {
  id: string;
  seq: number;
  kind: PapayNoticeKind;
  /** contract_id or out_trade_no. */
  ref: string;
  /** ADD / DELETE of a contract, SUCCESS / PAY_FAIL of a deduction. */
  event: string;
  url: string;
  /** The exact signed XML every delivery sends. */
  body: string;
  state: PapayNoticeState;
  attempts: number;
  next_at: number | null;
  created_at: number;
}

export interface PapayDeliveryRow {
  notification_id: string;
  ref: string;
  attempt: number;
  at: number;
  status: number | null;
  ms: number;
  /** Whether the answer was the v2 success XML (return_code SUCCESS). */
  acknowledged: number;
  error: string | null;
  answer: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS papay_contracts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, contract_id TEXT NOT NULL UNIQUE, mch_id TEXT NOT NULL, appid TEXT NOT NULL,
  plan_id TEXT NOT NULL, contract_code TEXT NOT NULL, request_serial TEXT NOT NULL,
  contract_display_account TEXT NOT NULL, openid TEXT NOT NULL, notify_url TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('ADD','DELETE')), signed_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  terminated_at INTEGER, termination_mode INTEGER, termination_remark TEXT,
  UNIQUE (mch_id, request_serial)
);
CREATE UNIQUE INDEX IF NOT EXISTS papay_contract_code_in_force ON papay_contracts(plan_id, contract_code) WHERE state = 'ADD';
CREATE INDEX IF NOT EXISTS papay_contracts_openid ON papay_contracts(openid, seq);
CREATE TABLE IF NOT EXISTS papay_deductions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, out_trade_no TEXT NOT NULL UNIQUE, transaction_id TEXT NOT NULL UNIQUE,
  contract_id TEXT NOT NULL, appid TEXT NOT NULL, mchid TEXT NOT NULL, openid TEXT NOT NULL, body TEXT NOT NULL,
  attach TEXT, total_fee INTEGER NOT NULL CHECK (total_fee > 0), notify_url TEXT NOT NULL, request_key TEXT NOT NULL,
  trade_state TEXT NOT NULL CHECK (trade_state IN ('ACCEPT','SUCCESS','PAY_FAIL')), err_code TEXT, err_code_des TEXT,
  bank_type TEXT, created_at INTEGER NOT NULL, settle_at INTEGER, success_at INTEGER, failed_at INTEGER
);
CREATE INDEX IF NOT EXISTS papay_deductions_contract ON papay_deductions(contract_id, created_at);
CREATE TABLE IF NOT EXISTS papay_notifications (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL, event TEXT NOT NULL,
  url TEXT NOT NULL, body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending','delivered','failed','undeliverable')),
  attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER, created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS papay_notifications_ref ON papay_notifications(ref, seq);
CREATE TABLE IF NOT EXISTS papay_deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, notification_id TEXT NOT NULL, ref TEXT NOT NULL, attempt INTEGER NOT NULL,
  at INTEGER NOT NULL, status INTEGER, ms INTEGER NOT NULL, acknowledged INTEGER NOT NULL, error TEXT, answer TEXT
);
CREATE INDEX IF NOT EXISTS papay_deliveries_ref ON papay_deliveries(ref, seq);
`;

function insert(db: Database.Database, table: string, row: object): void {
  const keys = Object.keys(row);
  db.prepare(`INSERT INTO ${table} (${keys.join(', ')}) VALUES (${keys.map((k) => `@${k}`).join(', ')})`).run(row);
}

function update(db: Database.Database, table: string, keyColumn: string, key: string, set: object): void {
  const keys = Object.keys(set);
  if (keys.length === 0) return;
  const assignments = keys.map((k) => `${k} = @${k}`).join(', ');
  db.prepare(`UPDATE ${table} SET ${assignments} WHERE ${keyColumn} = @key__`).run({ ...set, key__: key });
}

export class PapayStore {
  private noticeSeq: number;

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    const max = db.prepare('SELECT MAX(seq) AS n FROM papay_notifications').get() as { n: number | null };
    this.noticeSeq = max.n ?? 0;
  }

  // ---- contracts ----

  insertContract(row: Omit<ContractRow, 'seq'>): void {
    insert(this.db, 'papay_contracts', row);
  }

  contract(contractId: string): ContractRow | undefined {
    return this.db.prepare('SELECT * FROM papay_contracts WHERE contract_id = ?').get(contractId) as
      ContractRow | undefined;
  }

  /** The latest contract of a plan with this contract_code (an earlier one may have been terminated). */
  contractByCode(planId: string, contractCode: string): ContractRow | undefined {
    return this.db
      .prepare('SELECT * FROM papay_contracts WHERE plan_id = ? AND contract_code = ? ORDER BY seq DESC LIMIT 1')
      .get(planId, contractCode) as ContractRow | undefined;
  }

  contractBySerial(mchId: string, requestSerial: string): ContractRow | undefined {
    return this.db
      .prepare('SELECT * FROM papay_contracts WHERE mch_id = ? AND request_serial = ?')
      .get(mchId, requestSerial) as ContractRow | undefined;
  }

  /** In-force contracts of a user on a plan (at most one, once expired ones are terminated). */
  contractsInForce(planId: string, openid: string): ContractRow[] {
    return this.db
      .prepare("SELECT * FROM papay_contracts WHERE plan_id = ? AND openid = ? AND state = 'ADD'")
      .all(planId, openid) as ContractRow[];
  }

  /** Newest first; all users when `openid` is undefined. */
  recentContracts(openid: string | undefined, limit: number): ContractRow[] {
    if (openid === undefined) {
      return this.db.prepare('SELECT * FROM papay_contracts ORDER BY seq DESC LIMIT ?').all(limit) as ContractRow[];
    }
    return this.db
      .prepare('SELECT * FROM papay_contracts WHERE openid = ? ORDER BY seq DESC LIMIT ?')
      .all(openid, limit) as ContractRow[];
  }

  updateContract(contractId: string, set: Partial<Omit<ContractRow, 'seq' | 'contract_id'>>): void {
    update(this.db, 'papay_contracts', 'contract_id', contractId, set);
  }

  // ---- deductions ----

  insertDeduction(row: Omit<DeductionRow, 'seq'>): void {
    insert(this.db, 'papay_deductions', row);
  }

  deduction(outTradeNo: string): DeductionRow | undefined {
    return this.db.prepare('SELECT * FROM papay_deductions WHERE out_trade_no = ?').get(outTradeNo) as
      DeductionRow | undefined;
  }

  deductionByTransaction(transactionId: string): DeductionRow | undefined {
    return this.db.prepare('SELECT * FROM papay_deductions WHERE transaction_id = ?').get(transactionId) as
      DeductionRow | undefined;
  }

  updateDeduction(outTradeNo: string, set: Partial<Omit<DeductionRow, 'seq' | 'out_trade_no'>>): void {
    update(this.db, 'papay_deductions', 'out_trade_no', outTradeNo, set);
  }

  /** A contract's deductions accepted within [fromMs, toMs) that did not fail (pending or successful). */
  liveDeductionsBetween(contractId: string, fromMs: number, toMs: number): DeductionRow[] {
    return this.db
      .prepare(
        `SELECT * FROM papay_deductions WHERE contract_id = ? AND created_at >= ? AND created_at < ?
         AND trade_state IN ('ACCEPT','SUCCESS') ORDER BY seq`,
      )
      .all(contractId, fromMs, toMs) as DeductionRow[];
  }

  deductionsOf(contractId: string): DeductionRow[] {
    return this.db
      .prepare('SELECT * FROM papay_deductions WHERE contract_id = ? ORDER BY seq')
      .all(contractId) as DeductionRow[];
  }

  /** Accepted deductions still to settle (a restart resumes them). */
  settling(): DeductionRow[] {
    return this.db
      .prepare("SELECT * FROM papay_deductions WHERE trade_state = 'ACCEPT' ORDER BY seq")
      .all() as DeductionRow[];
  }

  /** Deductions that succeeded within [fromMs, toMs), oldest first: the PAP rows of a bill. */
  paidBetween(fromMs: number, toMs: number): DeductionRow[] {
    return this.db
      .prepare(
        "SELECT * FROM papay_deductions WHERE trade_state = 'SUCCESS' AND success_at >= ? AND success_at < ? ORDER BY success_at, seq",
      )
      .all(fromMs, toMs) as DeductionRow[];
  }

  // ---- notifications ----

  insertNotice(row: Omit<PapayNoticeRow, 'seq' | 'state' | 'attempts' | 'next_at'>): void {
    this.noticeSeq += 1;
    insert(this.db, 'papay_notifications', { ...row, seq: this.noticeSeq, state: 'pending', attempts: 0 });
  }

  notice(id: string): PapayNoticeRow | undefined {
    return this.db.prepare('SELECT * FROM papay_notifications WHERE id = ?').get(id) as PapayNoticeRow | undefined;
  }

  noticesOf(ref: string): PapayNoticeRow[] {
    return this.db.prepare('SELECT * FROM papay_notifications WHERE ref = ? ORDER BY seq').all(ref) as PapayNoticeRow[];
  }

  pendingNotices(): PapayNoticeRow[] {
    return this.db
      .prepare("SELECT * FROM papay_notifications WHERE state = 'pending' ORDER BY seq")
      .all() as PapayNoticeRow[];
  }

  updateNotice(id: string, set: Pick<PapayNoticeRow, 'state' | 'attempts' | 'next_at'>): void {
    update(this.db, 'papay_notifications', 'id', id, set);
  }

  insertDelivery(row: PapayDeliveryRow): void {
    insert(this.db, 'papay_deliveries', row);
  }

  deliveriesOf(ref: string): PapayDeliveryRow[] {
    return this.db
      .prepare(
        `SELECT notification_id, ref, attempt, at, status, ms, acknowledged, error, answer
         FROM papay_deliveries WHERE ref = ? ORDER BY seq`,
      )
      .all(ref) as PapayDeliveryRow[];
  }
}
