/**
 * The 医保 tables, in the pay sandbox's SQLite file (PayStore's connection, so `reset` wipes them
 * with the orders): mixed orders, the 医保 refunds the hospital notified, and the 医保
 * authorisation gateway's one-time auth codes and pay_auth_nos.
 *
 * Personal data kept: the insured person's name (the gateway answers it as userName, and a mixed
 * order's payer is checked against it), the masked ID number and the ID digest (an MD5). The ID
 * number itself is never stored; the decrypted payer of an order is not stored either (only a
 * SHA-256 over it, to recognise a repeated order).
 */
import type Database from 'better-sqlite3';

export type MixPayType = 'CASH_ONLY' | 'INSURANCE_ONLY' | 'CASH_AND_INSURANCE';
export type MixPayStatus = 'MIX_PAY_CREATED' | 'MIX_PAY_SUCCESS' | 'MIX_PAY_REFUND' | 'MIX_PAY_FAIL';
export type SelfPayStatus =
  'SELF_PAY_CREATED' | 'SELF_PAY_SUCCESS' | 'SELF_PAY_REFUND' | 'SELF_PAY_FAIL' | 'NO_SELF_PAY';
export type MedInsPayStatus =
  'MED_INS_PAY_CREATED' | 'MED_INS_PAY_SUCCESS' | 'MED_INS_PAY_REFUND' | 'MED_INS_PAY_FAIL' | 'NO_MED_INS_PAY';

/**
 * A mixed order. Stored statuses are the decisions of the sandbox; the refund states (and a cash
 * part closed unpaid) are derived when viewed (med-ins-views.ts), from the cash order's refunds
 * and the 医保 refunds.
 */
export interface MedInsOrderRow {
  seq: number;
  mix_trade_no: string;
  out_trade_no: string;
  mix_pay_type: MixPayType;
  /** Canonical request with the payer replaced by a hash: "the same body" of a repeat. */
  request_key: string;
  /** The order as answered (the request's fields, normalised, without payer and relative). */
  order_json: string;
  /** The cash part: a JSAPI order of this sandbox with the same out_trade_no. */
  prepay_id: string | null;
  callback_url: string;
  total_fee: number;
  med_ins_gov_fee: number;
  med_ins_self_fee: number;
  med_ins_other_fee: number;
  wechat_pay_cash_fee: number;
  pay_auth_no: string | null;
  mix_pay_status: Exclude<MixPayStatus, 'MIX_PAY_REFUND'>;
  med_ins_pay_status: Exclude<MedInsPayStatus, 'MED_INS_PAY_REFUND'>;
  created_at: number;
  cash_paid_at: number | null;
  /** Real time at which the 医保 part settles (cash paid, 医保 pending); null otherwise. */
  settle_at: number | null;
  paid_at: number | null;
  fail_reason: string | null;
  passthrough_response: string | null;
}

/** One `POST /v3/med-ins/refunds/notify`; the same out_refund_no again replaces it (latest wins). */
export interface MedInsRefundRow {
  mix_trade_no: string;
  out_refund_no: string;
  total_fee: number;
  gov_fee: number;
  self_fee: number;
  other_fee: number;
  refund_time: string;
  notified_at: number;
}

/** Who the 医保 mini program authorised (an auth code and the pay_auth_no it becomes). */
export interface InsuredPerson {
  openid: string;
  user_name: string;
  id_number_masked: string;
  id_digest: string;
  city_id: string;
}

export interface AuthCodeRow extends InsuredPerson {
  auth_code: string;
  expires_at: number;
  used_at: number | null;
}

export interface PayAuthRow extends InsuredPerson {
  pay_auth_no: string;
  expires_at: number;
  /** The mix_trade_no of the order that used it (single use). */
  used_by: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS medins_orders (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, mix_trade_no TEXT NOT NULL UNIQUE, out_trade_no TEXT NOT NULL UNIQUE,
  mix_pay_type TEXT NOT NULL, request_key TEXT NOT NULL, order_json TEXT NOT NULL, prepay_id TEXT,
  callback_url TEXT NOT NULL, total_fee INTEGER NOT NULL, med_ins_gov_fee INTEGER NOT NULL,
  med_ins_self_fee INTEGER NOT NULL, med_ins_other_fee INTEGER NOT NULL, wechat_pay_cash_fee INTEGER NOT NULL,
  pay_auth_no TEXT, mix_pay_status TEXT NOT NULL, med_ins_pay_status TEXT NOT NULL,
  created_at INTEGER NOT NULL, cash_paid_at INTEGER, settle_at INTEGER, paid_at INTEGER,
  fail_reason TEXT, passthrough_response TEXT
);
CREATE TABLE IF NOT EXISTS medins_refunds (
  mix_trade_no TEXT NOT NULL, out_refund_no TEXT NOT NULL, total_fee INTEGER NOT NULL,
  gov_fee INTEGER NOT NULL, self_fee INTEGER NOT NULL, other_fee INTEGER NOT NULL,
  refund_time TEXT NOT NULL, notified_at INTEGER NOT NULL, PRIMARY KEY (mix_trade_no, out_refund_no)
);
CREATE TABLE IF NOT EXISTS medins_auth_codes (
  auth_code TEXT PRIMARY KEY, openid TEXT NOT NULL, user_name TEXT NOT NULL, id_number_masked TEXT NOT NULL,
  id_digest TEXT NOT NULL, city_id TEXT NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER
);
CREATE TABLE IF NOT EXISTS medins_pay_auths (
  pay_auth_no TEXT PRIMARY KEY, openid TEXT NOT NULL, user_name TEXT NOT NULL, id_number_masked TEXT NOT NULL,
  id_digest TEXT NOT NULL, city_id TEXT NOT NULL, expires_at INTEGER NOT NULL, used_by TEXT
);
`;

type NewOrder = Omit<MedInsOrderRow, 'seq'>;

function insert(db: Database.Database, table: string, row: object): void {
  const keys = Object.keys(row);
  db.prepare(`INSERT INTO ${table} (${keys.join(', ')}) VALUES (${keys.map((k) => `@${k}`).join(', ')})`).run(row);
}

export class MedInsStore {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  // ---- mixed orders ----

  insertOrder(row: NewOrder): void {
    insert(this.db, 'medins_orders', row);
  }

  order(mixTradeNo: string): MedInsOrderRow | undefined {
    return this.db.prepare('SELECT * FROM medins_orders WHERE mix_trade_no = ?').get(mixTradeNo) as
      MedInsOrderRow | undefined;
  }

  orderByOutTradeNo(outTradeNo: string): MedInsOrderRow | undefined {
    return this.db.prepare('SELECT * FROM medins_orders WHERE out_trade_no = ?').get(outTradeNo) as
      MedInsOrderRow | undefined;
  }

  updateOrder(mixTradeNo: string, set: Partial<NewOrder>): void {
    const keys = Object.keys(set);
    if (keys.length === 0) return;
    const assignments = keys.map((k) => `${k} = @${k}`).join(', ');
    this.db
      .prepare(`UPDATE medins_orders SET ${assignments} WHERE mix_trade_no = @key`)
      .run({ ...set, key: mixTradeNo });
  }

  recentOrders(limit: number): MedInsOrderRow[] {
    return this.db.prepare('SELECT * FROM medins_orders ORDER BY seq DESC LIMIT ?').all(limit) as MedInsOrderRow[];
  }

  /** Orders whose cash part is paid and whose 医保 part is still to settle (a restart resumes them). */
  settling(): MedInsOrderRow[] {
    return this.db
      .prepare("SELECT * FROM medins_orders WHERE settle_at IS NOT NULL AND mix_pay_status = 'MIX_PAY_CREATED'")
      .all() as MedInsOrderRow[];
  }

  // ---- 医保 refunds ----

  upsertRefund(row: MedInsRefundRow): void {
    this.db
      .prepare(
        `INSERT INTO medins_refunds (mix_trade_no, out_refund_no, total_fee, gov_fee, self_fee, other_fee, refund_time, notified_at)
         VALUES (@mix_trade_no, @out_refund_no, @total_fee, @gov_fee, @self_fee, @other_fee, @refund_time, @notified_at)
         ON CONFLICT (mix_trade_no, out_refund_no) DO UPDATE SET total_fee = excluded.total_fee,
           gov_fee = excluded.gov_fee, self_fee = excluded.self_fee, other_fee = excluded.other_fee,
           refund_time = excluded.refund_time, notified_at = excluded.notified_at`,
      )
      .run(row);
  }

  refundsOf(mixTradeNo: string): MedInsRefundRow[] {
    return this.db
      .prepare('SELECT * FROM medins_refunds WHERE mix_trade_no = ? ORDER BY notified_at, out_refund_no')
      .all(mixTradeNo) as MedInsRefundRow[];
  }

  // ---- the authorisation gateway ----

  insertAuthCode(row: AuthCodeRow): void {
    insert(this.db, 'medins_auth_codes', row);
  }

  authCode(code: string): AuthCodeRow | undefined {
    return this.db.prepare('SELECT * FROM medins_auth_codes WHERE auth_code = ?').get(code) as AuthCodeRow | undefined;
  }

  useAuthCode(code: string, at: number): void {
    this.db.prepare('UPDATE medins_auth_codes SET used_at = ? WHERE auth_code = ?').run(at, code);
  }

  insertPayAuth(row: PayAuthRow): void {
    insert(this.db, 'medins_pay_auths', row);
  }

  payAuth(payAuthNo: string): PayAuthRow | undefined {
    return this.db.prepare('SELECT * FROM medins_pay_auths WHERE pay_auth_no = ?').get(payAuthNo) as
      PayAuthRow | undefined;
  }

  usePayAuth(payAuthNo: string, mixTradeNo: string): void {
    this.db.prepare('UPDATE medins_pay_auths SET used_by = ? WHERE pay_auth_no = ?').run(mixTradeNo, payAuthNo);
  }
}
