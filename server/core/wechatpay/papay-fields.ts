/**
 * WeChat's v2 papay fields → the port's shapes (server/ports/wechat-papay.ts), and the two time
 * forms v2 writes, both Asia/Shanghai wall time: `yyyy-MM-dd HH:mm:ss` (contracts) and
 * `yyyyMMddHHmmss` (time_end of a deduction).
 */
import type { PapayContract, PapayDeduction } from '../../ports/wechat-papay';
import type { V2Fields } from './v2';

const WALL = /^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2})$/;

/** Epoch ms of a v2 time (+08:00), or null when absent or malformed. */
export function v2TimeMs(text: string | undefined): number | null {
  const m = text ? WALL.exec(text) : null;
  if (!m) return null;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
  return Number.isNaN(ms) ? null : ms;
}

const intOrNull = (v: string | undefined): number | null =>
  v !== undefined && /^\d{1,12}$/.test(v) ? Number(v) : null;

/** querycontract's answer or a contract notification (contract_state absent there: by change_type). */
export function contractOf(f: V2Fields, inForce: boolean): PapayContract {
  return {
    contractId: f.contract_id ?? '',
    contractCode: f.contract_code ?? '',
    planId: f.plan_id ?? '',
    openid: f.openid ?? '',
    requestSerial: f.request_serial ?? null,
    inForce,
    signedAtMs: v2TimeMs(f.contract_signed_time),
    expiresAtMs: v2TimeMs(f.contract_expired_time),
    terminatedAtMs: v2TimeMs(f.contract_terminated_time),
    terminationMode: intOrNull(f.contract_termination_mode),
  };
}

/**
 * paporderquery's answer or a deduction's result notification. A notification may carry only
 * result_code (WeChat's PAP payment notifications do); the sandbox adds trade_state.
 */
export function deductionOf(f: V2Fields): PapayDeduction {
  const tradeState = f.trade_state ?? (f.result_code === 'SUCCESS' ? 'SUCCESS' : 'PAY_FAIL');
  return {
    outTradeNo: f.out_trade_no ?? '',
    transactionId: f.transaction_id || null,
    contractId: f.contract_id || null,
    tradeState,
    totalFen: intOrNull(f.total_fee) ?? -1,
    cashFen: intOrNull(f.cash_fee),
    paidAtMs: tradeState === 'SUCCESS' ? v2TimeMs(f.time_end) : null,
    errCode: f.err_code || null,
  };
}
