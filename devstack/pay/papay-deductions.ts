/**
 * Withholding deductions (`POST /pay/pappayapply`, `trade_type=PAP`): SUCCESS only means accepted
 * (trade_state ACCEPT); `deductDelayMs` real ms later the deduction succeeds — or, on the
 * `papayDeductFail` fault, fails for want of balance (PAY_FAIL, NOTENOUGH) — and the result goes
 * to the request's notify_url as a v2 payment notification (signed XML). `/pay/paporderquery`
 * answers the state at any time. The same out_trade_no deducts once.
 *
 * Limits (WeChat's initial ones; refusals are RULELIMIT): ≤ 50 000 fen a deduction; per contract
 * and Asia/Shanghai day, ≤ 250 000 fen and ≤ 5 deductions (the 免密 template rule) — counting the
 * successful and the still pending ones (a pending one may yet succeed), not the failed ones.
 */
import { newNonce } from '../../server/core/wechatpay/crypto';
import type { BillPayment } from './bill';
import { now, type PayContext } from './context';
import { newTransactionId } from './ids';
import { currentContract } from './papay-contracts';
import { checkField, PapayError, requiredField } from './papay-errors';
import { withV2Sign, type V2Fields, type V2Input } from './papay-sign';
import type { DeductionRow, DeductionState } from './papay-store';
import { toV2Xml } from './papay-xml';
import { compactTime, shanghaiDate, shanghaiDayStart } from './time';

export const PAPAY_MAX_DEDUCTION_FEN = 50_000;
export const PAPAY_MAX_DAILY_FEN = 250_000;
export const PAPAY_MAX_DAILY_DEDUCTIONS = 5;
const DAY_MS = 86_400_000;

const TRADE_STATE_DESC: Record<DeductionState, string> = {
  ACCEPT: '已接收，等待扣款',
  SUCCESS: '支付成功',
  PAY_FAIL: '支付失败',
};

interface PapRequest {
  contractId: string;
  outTradeNo: string;
  body: string;
  attach: string | undefined;
  totalFee: number;
  notifyUrl: string;
  requestKey: string;
}

function checkNotifyUrl(v: string): string {
  checkField('notify_url', v, 256);
  let url: URL | undefined;
  try {
    url = new URL(v);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || v.includes('?')) {
    throw new PapayError('PARAM_ERROR', 'notify_url 应为 http(s) 地址，不能携带参数');
  }
  return v;
}

/** The fields that make two requests "the same": all but nonce_str and sign, sorted. */
function requestKey(f: V2Fields): string {
  const keys = Object.keys(f)
    .filter((k) => k !== 'nonce_str' && k !== 'sign')
    .sort();
  return JSON.stringify(keys.map((k) => [k, f[k]]));
}

function parseApply(f: V2Fields): PapRequest {
  if (requiredField(f, 'trade_type') !== 'PAP') throw new PapayError('PARAM_ERROR', 'trade_type 应为 PAP');
  checkField('nonce_str', requiredField(f, 'nonce_str'), 32);
  checkField('spbill_create_ip', requiredField(f, 'spbill_create_ip'), 64, /^[0-9A-Fa-f.:]{2,64}$/);
  if (f.fee_type !== undefined && f.fee_type !== 'CNY') throw new PapayError('PARAM_ERROR', 'fee_type 只支持 CNY');
  const fee = requiredField(f, 'total_fee');
  if (!/^[1-9]\d{0,9}$/.test(fee)) throw new PapayError('PARAM_ERROR', 'total_fee 应为正整数（单位：分）');
  return {
    contractId: checkField('contract_id', requiredField(f, 'contract_id'), 64),
    outTradeNo: checkField('out_trade_no', requiredField(f, 'out_trade_no'), 32, /^[0-9A-Za-z_\-|*@]+$/),
    body: checkField('body', requiredField(f, 'body'), 128),
    attach: f.attach === undefined ? undefined : checkField('attach', f.attach, 127),
    totalFee: Number(fee),
    notifyUrl: checkNotifyUrl(requiredField(f, 'notify_url')),
    requestKey: requestKey(f),
  };
}

/** The same out_trade_no again: accepted again while pending, refused once it has an outcome. */
function repeatDeduction(d: DeductionRow, r: PapRequest): V2Input {
  if (d.request_key !== r.requestKey) throw new PapayError('OUT_TRADE_NO_USED', '商户订单号重复（与原请求参数不同）');
  if (d.trade_state === 'SUCCESS') throw new PapayError('ORDERPAID', '该订单已扣款成功');
  if (d.trade_state === 'PAY_FAIL') throw new PapayError('ORDERCLOSED', '该订单扣款失败，请使用新的商户订单号');
  return {};
}

function checkLimits(ctx: PayContext, contractId: string, fee: number, at: number): void {
  if (fee > PAPAY_MAX_DEDUCTION_FEN) throw new PapayError('RULELIMIT', '单笔扣款金额超过限额（500 元）');
  const from = shanghaiDayStart(shanghaiDate(at))!;
  const today = ctx.papay.store.liveDeductionsBetween(contractId, from, from + DAY_MS);
  // The amount first: five deductions of at most 500 yuan never pass 2500 yuan, so checked after
  // the count the day's amount limit could never be seen.
  if (today.reduce((s, d) => s + d.total_fee, 0) + fee > PAPAY_MAX_DAILY_FEN) {
    throw new PapayError('RULELIMIT', '当日扣款金额超过限额（2500 元）');
  }
  if (today.length >= PAPAY_MAX_DAILY_DEDUCTIONS) {
    throw new PapayError('RULELIMIT', `当日扣款次数超过限制（每个协议每天 ${PAPAY_MAX_DAILY_DEDUCTIONS} 次）`);
  }
}

/** POST /pay/pappayapply → {} (accepted); the outcome comes by notification. */
export function applyDeduction(ctx: PayContext, f: V2Fields): V2Input {
  const r = parseApply(f);
  return ctx.store.tx(() => {
    const existing = ctx.papay.store.deduction(r.outTradeNo);
    if (existing) return repeatDeduction(existing, r);
    if (ctx.store.order(r.outTradeNo)) throw new PapayError('OUT_TRADE_NO_USED', '商户订单号重复');
    const found = ctx.papay.store.contract(r.contractId);
    const c = found && found.mch_id === f.mch_id ? currentContract(ctx, found) : undefined;
    if (!c) throw new PapayError('CONTRACT_NOT_EXIST', '签约协议不存在');
    if (c.state !== 'ADD') throw new PapayError('CONTRACT_NOT_EXIST', '签约协议已解约');
    const at = now(ctx);
    checkLimits(ctx, c.contract_id, r.totalFee, at);
    const settleAt = Date.now() + ctx.papay.deductDelayMs;
    ctx.papay.store.insertDeduction({
      out_trade_no: r.outTradeNo,
      transaction_id: newTransactionId(at),
      contract_id: c.contract_id,
      appid: f.appid!,
      mchid: c.mch_id,
      openid: c.openid,
      body: r.body,
      attach: r.attach ?? null,
      total_fee: r.totalFee,
      notify_url: r.notifyUrl,
      request_key: r.requestKey,
      trade_state: 'ACCEPT',
      err_code: null,
      err_code_des: null,
      bank_type: null,
      created_at: at,
      settle_at: settleAt,
      success_at: null,
      failed_at: null,
    });
    scheduleSettle(ctx, r.outTradeNo, settleAt);
    return {};
  });
}

function scheduleSettle(ctx: PayContext, outTradeNo: string, settleAt: number): void {
  ctx.later(Math.max(0, settleAt - Date.now()), () => settleDeduction(ctx, outTradeNo));
}

/** After a restart: accepted deductions settle when they were due. */
export function resumePapay(ctx: PayContext): void {
  for (const d of ctx.papay.store.settling()) scheduleSettle(ctx, d.out_trade_no, d.settle_at ?? 0);
}

/** The deduction's outcome: SUCCESS, or PAY_FAIL/NOTENOUGH on the fault; then its notification. */
export function settleDeduction(ctx: PayContext, outTradeNo: string): void {
  ctx.store.tx(() => {
    const d = ctx.papay.store.deduction(outTradeNo);
    if (!d || d.trade_state !== 'ACCEPT') return;
    const at = now(ctx);
    if (ctx.faults.papayDeductFails()) {
      ctx.papay.store.updateDeduction(outTradeNo, {
        trade_state: 'PAY_FAIL',
        err_code: 'NOTENOUGH',
        err_code_des: '余额不足',
        failed_at: at,
        settle_at: null,
      });
    } else {
      ctx.papay.store.updateDeduction(outTradeNo, {
        trade_state: 'SUCCESS',
        bank_type: 'OTHERS',
        success_at: at,
        settle_at: null,
      });
    }
    queueDeductionNotice(ctx, ctx.papay.store.deduction(outTradeNo)!);
  });
}

/** The order's fields as queried and notified (time_end, bank_type and cash_fee once paid). */
export function deductionFields(d: DeductionRow): V2Input {
  const paid = d.trade_state === 'SUCCESS';
  return {
    openid: d.openid,
    is_subscribe: 'N',
    trade_type: 'PAP',
    bank_type: paid ? (d.bank_type ?? 'OTHERS') : undefined,
    total_fee: d.total_fee,
    fee_type: 'CNY',
    cash_fee: paid ? d.total_fee : undefined,
    transaction_id: d.transaction_id,
    out_trade_no: d.out_trade_no,
    attach: d.attach ?? undefined,
    time_end: paid ? compactTime(d.success_at!) : undefined,
    trade_state: d.trade_state,
    contract_id: d.contract_id,
  };
}

function queueDeductionNotice(ctx: PayContext, d: DeductionRow): void {
  const failed = d.trade_state === 'PAY_FAIL';
  const body = toV2Xml(
    withV2Sign(
      {
        return_code: 'SUCCESS',
        appid: d.appid,
        mch_id: d.mchid,
        nonce_str: newNonce(),
        result_code: failed ? 'FAIL' : 'SUCCESS',
        err_code: d.err_code ?? undefined,
        err_code_des: d.err_code_des ?? undefined,
        ...deductionFields(d),
      },
      ctx.credentials.merchant.apiV2Key,
    ),
  );
  ctx.papay.notifier.queue({
    kind: 'deduction',
    ref: d.out_trade_no,
    event: d.trade_state,
    url: d.notify_url,
    body,
    created_at: now(ctx),
  });
}

/** POST /pay/paporderquery (out_trade_no or transaction_id). */
export function queryDeduction(ctx: PayContext, f: V2Fields): V2Input {
  checkField('nonce_str', requiredField(f, 'nonce_str'), 32);
  if (!f.out_trade_no && !f.transaction_id)
    throw new PapayError('LACK_PARAMS', '缺少参数 out_trade_no 或 transaction_id');
  const d = f.out_trade_no
    ? ctx.papay.store.deduction(f.out_trade_no)
    : ctx.papay.store.deductionByTransaction(f.transaction_id!);
  if (!d || d.mchid !== f.mch_id) throw new PapayError('ORDERNOTEXIST', '订单不存在');
  return { ...deductionFields(d), trade_state_desc: d.err_code_des ?? TRADE_STATE_DESC[d.trade_state] };
}

/** The successful deductions of [fromMs, toMs) as bill payment rows (trade type PAP). */
export function papayBillPayments(ctx: PayContext, fromMs: number, toMs: number): BillPayment[] {
  return ctx.papay.store.paidBetween(fromMs, toMs).map((d) => ({
    success_at: d.success_at,
    appid: d.appid,
    mchid: d.mchid,
    transaction_id: d.transaction_id,
    out_trade_no: d.out_trade_no,
    openid: d.openid,
    bank_type: d.bank_type,
    total: d.total_fee,
    description: d.body,
    attach: d.attach,
  }));
}
