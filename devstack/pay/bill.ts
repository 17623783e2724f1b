/**
 * The trade bill (交易账单): `GET /v3/bill/tradebill` answers `{hash_type, hash_value,
 * download_url}`; the download (signed request, unsigned answer) serves the CSV WeChat writes —
 * UTF-8 BOM, a header, every data field prefixed with a backtick, amounts in yuan with two
 * decimals, a summary header and one summary row, CRLF line ends. Rows are the payments (JSAPI
 * orders, and withholding deductions as trade type PAP — papay-deductions.ts) and the successful
 * refunds of one Asia/Shanghai date; the bill is ready at `billReadyAt` the next day.
 */
import { yuanDigits } from '../../common/money';
import { createHash, randomBytes } from 'node:crypto';
import { now, type PayContext } from './context';
import { PayError, paramError } from './errors';
import { papayBillPayments } from './papay-deductions';
import { isDeduction, tradeByOutTradeNo } from './papay-refunds';
import type { OrderRow, RefundRow } from './store';
import { billTime, shanghaiDayStart } from './time';
import type { Json } from './validate';

export const BILL_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
export const BILL_SUMMARY_HEADER =
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';
/** The download URL's token lives this long (WeChat: 30 s). */
export const BILL_TOKEN_TTL_MS = 30_000;
const FEE_RATE_PERMILLE = 6;
const DAY_MS = 86_400_000;

export type BillType = 'ALL' | 'SUCCESS' | 'REFUND';

/** Integer fen → `12.34` (no floating point on the way). */
export const yuan = yuanDigits;

/** 0.6 % service fee, rounded half up to the fen, per transaction as WeChat charges it. */
const fee = (fen: number): number => Math.floor((fen * FEE_RATE_PERMILLE + 500) / 1000);

interface BillLine {
  fields: string[];
  settled: number;
  refunded: number;
  fee: number;
  ordered: number;
  refundApplied: number;
}

/** What a bill's payment row is made of: a JSAPI order, or a withholding deduction. */
export type BillPayment = Pick<
  OrderRow,
  | 'success_at'
  | 'appid'
  | 'mchid'
  | 'transaction_id'
  | 'out_trade_no'
  | 'openid'
  | 'bank_type'
  | 'total'
  | 'description'
  | 'attach'
>;

function paymentLine(o: BillPayment, tradeType: 'JSAPI' | 'PAP' = 'JSAPI'): BillLine {
  const f = fee(o.total);
  // prettier-ignore
  const fields = [
    billTime(o.success_at!), o.appid, o.mchid, '0', '', o.transaction_id!, o.out_trade_no, o.openid, tradeType,
    'SUCCESS', o.bank_type ?? 'OTHERS', 'CNY', yuan(o.total), '0.00', '0', '0', '0.00', '0.00', '', '',
    o.description, o.attach ?? '', yuan(f), '0.60%', yuan(o.total), '0.00', '',
  ];
  return { fields, settled: o.total, refunded: 0, fee: f, ordered: o.total, refundApplied: 0 };
}

function refundLine(r: RefundRow, o: OrderRow, tradeType: 'JSAPI' | 'PAP' = 'JSAPI'): BillLine {
  // The fee of the refunded part comes back to the merchant: negative on the refund row.
  const f = -fee(r.refund);
  // prettier-ignore
  const fields = [
    billTime(r.success_at!), o.appid, o.mchid, '0', '', o.transaction_id!, o.out_trade_no, o.openid, tradeType,
    'REFUND', o.bank_type ?? 'OTHERS', 'CNY', '0.00', '0.00', r.refund_id, r.out_refund_no, yuan(r.refund), '0.00',
    'ORIGINAL', 'SUCCESS', o.description, o.attach ?? '', yuan(f === 0 ? 0 : f), '0.60%', '0.00', yuan(r.refund), '',
  ];
  return { fields, settled: 0, refunded: r.refund, fee: f, ordered: 0, refundApplied: r.refund };
}

const sum = (lines: BillLine[], key: Exclude<keyof BillLine, 'fields'>): number =>
  lines.reduce((s, l) => s + l[key], 0);

/** The bill file's bytes, or null when the date has no rows of that type. */
export function buildTradeBill(ctx: PayContext, billDate: string, billType: BillType): Buffer | null {
  const from = shanghaiDayStart(billDate)!;
  const to = from + DAY_MS;
  const lines: { at: number; line: BillLine }[] = [];
  if (billType !== 'REFUND') {
    for (const o of ctx.store.paidBetween(from, to)) lines.push({ at: o.success_at!, line: paymentLine(o) });
    for (const d of papayBillPayments(ctx, from, to)) lines.push({ at: d.success_at!, line: paymentLine(d, 'PAP') });
  }
  if (billType !== 'SUCCESS') {
    for (const r of ctx.store.refundedBetween(from, to)) {
      const type = isDeduction(ctx, r.out_trade_no) ? 'PAP' : 'JSAPI';
      lines.push({ at: r.success_at!, line: refundLine(r, tradeByOutTradeNo(ctx, r.out_trade_no)!, type) });
    }
  }
  if (lines.length === 0) return null;
  const rows = lines.sort((a, b) => a.at - b.at).map((x) => x.line);
  const summary = [
    String(rows.length),
    yuan(sum(rows, 'settled')),
    yuan(sum(rows, 'refunded')),
    '0.00',
    yuan(sum(rows, 'fee')),
    yuan(sum(rows, 'ordered')),
    yuan(sum(rows, 'refundApplied')),
  ];
  const text = [BILL_HEADER, ...rows.map((r) => r.fields.map((f) => `\`${f}`).join(',')), BILL_SUMMARY_HEADER]
    .concat(summary.map((f) => `\`${f}`).join(','))
    .map((line) => `${line}\r\n`)
    .join('');
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

/** Download tokens of this run (a bill URL is only good for 30 s anyway). */
export class BillTokens {
  private readonly tokens = new Map<string, { file: Buffer; expiresAt: number }>();

  issue(file: Buffer, nowMs: number): string {
    for (const [k, v] of this.tokens) if (v.expiresAt <= nowMs) this.tokens.delete(k);
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { file, expiresAt: nowMs + BILL_TOKEN_TTL_MS });
    return token;
  }

  take(token: string, nowMs: number): Buffer {
    const t = this.tokens.get(token);
    if (!t || t.expiresAt <= nowMs) throw new PayError('RESOURCE_NOT_EXISTS', '账单下载地址无效或已过期，请重新申请');
    return t.file;
  }
}

/** `YYYY-MM-DD` 10:00 the next day (Asia/Shanghai) — when the bill of `billDate` is ready. */
function readyAt(billDate: string, readyTime: string): number {
  const [h, m] = readyTime.split(':').map(Number);
  return shanghaiDayStart(billDate)! + DAY_MS + (h! * 60 + m!) * 60_000;
}

/** GET /v3/bill/tradebill → `{hash_type, hash_value, download_url}`. */
export function tradeBill(ctx: PayContext, query: URLSearchParams, tokens: BillTokens, baseUrl: string): Json {
  const billDate = query.get('bill_date') ?? '';
  if (shanghaiDayStart(billDate) === null)
    throw paramError('query', 'bill_date', '应为 YYYY-MM-DD 格式的日期', billDate);
  const billType = (query.get('bill_type') ?? 'ALL') as BillType;
  if (!['ALL', 'SUCCESS', 'REFUND'].includes(billType)) {
    throw paramError('query', 'bill_type', '应为 ALL、SUCCESS 或 REFUND', billType);
  }
  if (query.has('tar_type')) throw paramError('query', 'tar_type', 'the pay sandbox serves uncompressed bills only');
  const at = now(ctx);
  const early = ctx.billsReadyNow.has(billDate);
  if (!early && at < shanghaiDayStart(billDate)! + DAY_MS) {
    throw new PayError('INVALID_REQUEST', '账单日期须早于今天（当日账单次日生成）');
  }
  if (!early && at < readyAt(billDate, ctx.billReadyAt))
    throw new PayError('STATEMENT_CREATING', `账单生成中，次日 ${ctx.billReadyAt} 后可下载`);
  const file = buildTradeBill(ctx, billDate, billType);
  if (!file) throw new PayError('NO_STATEMENT_EXIST', '账单文件不存在：请检查当前商户号在指定日期内是否有成功的交易');
  return {
    hash_type: 'SHA1',
    hash_value: createHash('sha1').update(file).digest('hex'),
    download_url: `${baseUrl}/v3/billdownload/file?token=${tokens.issue(file, at)}`,
  };
}
