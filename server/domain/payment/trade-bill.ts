/**
 * Parsing WeChat Pay's trade bill (交易账单) CSV: a header, data rows whose every field starts with
 * a backtick, then a summary header and one summary row; amounts in yuan with two decimals, turned
 * into integer fen without floating point. Pure.
 */

export interface BillRow {
  outTradeNo: string;
  transactionId: string;
  /** SUCCESS (a payment) or REFUND (a refund row). */
  tradeState: string;
  /** 应结订单金额 of a payment row. */
  totalFen: number;
  outRefundNo: string;
  /** 退款金额 of a refund row. */
  refundFen: number;
  refundStatus: string;
}

/** `12.34` → 1234; throws on anything else (a malformed bill must not reconcile silently). */
export function fenOf(yuanText: string): number {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(yuanText.trim());
  if (!m) throw new Error(`not an amount: ${yuanText.slice(0, 20)}`);
  const fen = Number(m[2]) * 100 + Number(m[3]);
  return m[1] ? -fen : fen;
}

const clean = (f: string | undefined): string => (f ?? '').replace(/^`/, '').trim();

export function parseTradeBill(csv: string): BillRow[] {
  const lines = csv
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',') ?? [];
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`trade bill without column ${name}`);
    return i;
  };
  const at = {
    out: col('商户订单号'),
    tx: col('微信订单号'),
    state: col('交易状态'),
    total: col('应结订单金额'),
    refundNo: col('商户退款单号'),
    refund: col('退款金额'),
    refundStatus: col('退款状态'),
  };
  const rows: BillRow[] = [];
  for (const line of lines.slice(1)) {
    if (!line.startsWith('`')) break; // the summary header: data rows end here
    const f = line.split(',');
    rows.push({
      outTradeNo: clean(f[at.out]),
      transactionId: clean(f[at.tx]),
      tradeState: clean(f[at.state]),
      totalFen: fenOf(clean(f[at.total])),
      outRefundNo: clean(f[at.refundNo]),
      refundFen: fenOf(clean(f[at.refund])),
      refundStatus: clean(f[at.refundStatus]),
    });
  }
  return rows;
}
