/**
 * Pure rules of a withholding (代扣) contract: one per (WeChat user, card), its WeChat ids, how a
 * notification or a query changes it (idempotent, in any order), what the patient sees, and the
 * per-day ledger that keeps deductions within WeChat's limits.
 */
import type { ContractStatus, WithholdingContractView } from '../../../typings/payment';
import type { PapayContract } from '../../ports/wechat-papay';

/** WeChat's initial withholding limits (≤ 500 yuan a deduction; per contract and day ≤ 2500 yuan, ≤ 5). */
export const WITHHOLDING_LIMITS = { perDeductionFen: 50_000, perDayFen: 250_000, perDayCount: 5 } as const;

/** A deduction of the ledger's day that succeeded or may still succeed (failed ones are removed). */
export interface LedgerEntry {
  orderId: string;
  fen: number;
}

/** `payment_contracts/wc_<hash>`: the caller's contract for one card, changed by compare-and-set on `rev`. */
export interface ContractRecord {
  _id: string;
  _openid: string;
  cardId: string;
  hisPatientId: string;
  /** The card number's last 4 digits (the contract's display account). */
  cardNoTail: string;
  status: Exclude<ContractStatus, 'none'> | 'none';
  /** Incremented when a terminated contract is signed again: a new contract_code. */
  generation: number;
  contractCode: string;
  requestSerial: string | null;
  contractId: string | null;
  signedAtMs: number | null;
  expiresAtMs: number | null;
  terminatedAtMs: number | null;
  terminationMode: number | null;
  /** Asia/Shanghai date of `entries`. */
  ledgerDate: string;
  ledger: LedgerEntry[];
  createdAtMs: number;
  updatedAtMs: number;
}

/** The 27 hex characters shared by the `_id` and every contract_code of (user, card). */
export const contractKeyOf = (hashHex: string): string => hashHex.slice(0, 27);
export const contractDocId = (key: string): string => `wc_${key}`;

/** contract_code: `C` + key + generation (base 36, 4 characters) — 32 letters/digits, deterministic. */
export function contractCodeOf(key: string, generation: number): string {
  return `C${key}${generation.toString(36).padStart(4, '0')}`;
}

/** The `_id` a contract_code belongs to, or null when it is not one of ours. */
export function docIdOfCode(code: string): string | null {
  return /^C[0-9a-f]{27}[0-9a-z]{4}$/.test(code) ? contractDocId(code.slice(1, 28)) : null;
}

export function displayAccountOf(cardNoTail: string): string {
  return `就诊卡尾号${cardNoTail}`;
}

export const cardNoTailOf = (cardNo: string): string => cardNo.replace(/\D/g, '').slice(-4) || '0000';

/** Whether deductions may run on it now (in force at WeChat and not past its expiry). */
export function usable(c: ContractRecord, nowMs: number): boolean {
  return c.status === 'active' && c.contractId !== null && (c.expiresAtMs === null || c.expiresAtMs > nowMs);
}

export function toContractView(cardId: string, c: ContractRecord | null, nowMs: number): WithholdingContractView {
  const expired = c?.status === 'active' && !usable(c, nowMs);
  const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
  return {
    cardId,
    status: expired ? 'terminated' : (c?.status ?? 'none'),
    signedAt: iso(c?.signedAtMs),
    terminatedAt: expired ? iso(c!.expiresAtMs) : iso(c?.terminatedAtMs),
    perDeductionLimitFen: WITHHOLDING_LIMITS.perDeductionFen,
    perDayLimitFen: WITHHOLDING_LIMITS.perDayFen,
    perDayCount: WITHHOLDING_LIMITS.perDayCount,
    displayAccount: displayAccountOf(c?.cardNoTail ?? '0000'),
  };
}

export type ContractChange = Partial<
  Pick<ContractRecord, 'status' | 'contractId' | 'signedAtMs' | 'expiresAtMs' | 'terminatedAtMs' | 'terminationMode'>
>;

/**
 * What WeChat's word about this generation's contract (an ADD or DELETE notification, or a query)
 * changes; null: nothing. A termination is final for its contract_id, so a DELETE before its ADD,
 * or a duplicate of either, ends in the same state as the ordered sequence.
 */
export function applyWechatState(c: ContractRecord, w: PapayContract): ContractChange | null {
  if (w.contractCode !== c.contractCode) return null;
  const ended = c.status === 'terminated';
  if (!w.inForce) {
    if (ended && c.contractId === w.contractId) return null;
    return {
      status: 'terminated',
      contractId: w.contractId,
      signedAtMs: c.signedAtMs ?? w.signedAtMs,
      expiresAtMs: c.expiresAtMs ?? w.expiresAtMs,
      terminatedAtMs: w.terminatedAtMs,
      terminationMode: w.terminationMode,
    };
  }
  if (ended && c.contractId === w.contractId) return null;
  if (c.status === 'active' && c.contractId === w.contractId) return null;
  if (ended) return null; // another contract_id of a generation already ended: not ours to revive
  return {
    status: 'active',
    contractId: w.contractId,
    signedAtMs: w.signedAtMs,
    expiresAtMs: w.expiresAtMs,
    terminatedAtMs: null,
    terminationMode: null,
  };
}

export type LedgerDecision =
  | { ok: true; date: string; ledger: LedgerEntry[] }
  | { ok: false; why: 'perDeduction' | 'perDayAmount' | 'perDayCount' };

/** Reserves `fen` for `orderId` on `date` within the limits (idempotent for the same order). */
export function reserve(c: ContractRecord, date: string, orderId: string, fen: number): LedgerDecision {
  const today = c.ledgerDate === date ? c.ledger : [];
  if (today.some((e) => e.orderId === orderId)) return { ok: true, date, ledger: today };
  if (fen > WITHHOLDING_LIMITS.perDeductionFen) return { ok: false, why: 'perDeduction' };
  if (today.reduce((s, e) => s + e.fen, 0) + fen > WITHHOLDING_LIMITS.perDayFen)
    return { ok: false, why: 'perDayAmount' };
  if (today.length >= WITHHOLDING_LIMITS.perDayCount) return { ok: false, why: 'perDayCount' };
  return { ok: true, date, ledger: [...today, { orderId, fen }] };
}

/** The ledger without a failed deduction (null: it holds none). */
export function unreserve(c: ContractRecord, orderId: string): LedgerEntry[] | null {
  const rest = c.ledger.filter((e) => e.orderId !== orderId);
  return rest.length === c.ledger.length ? null : rest;
}
