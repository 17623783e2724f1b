/** The trade bill parser and the daily reconciliation's decisions (pure). */
import { fenOf, parseTradeBill, reconcileDay, type ReconOrder } from '../../../server/domain/payment';
import type { HisSettlement } from '../../../server/ports/his-payment';

const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const pay = (no: string, yuan: string) =>
  `\`2026-12-04 09:30:00,\`wx1,\`19,\`0,\`,\`42${no},\`${no},\`o1,\`JSAPI,\`SUCCESS,\`OTHERS,\`CNY,\`${yuan},\`0.00,\`0,\`0,\`0.00,\`0.00,\`,\`,\`门诊缴费,\`,\`0.07,\`0.60%,\`${yuan},\`0.00,\``;
const refund = (no: string, refundNo: string, yuan: string) =>
  `\`2026-12-04 10:00:00,\`wx1,\`19,\`0,\`,\`42${no},\`${no},\`o1,\`JSAPI,\`REFUND,\`OTHERS,\`CNY,\`0.00,\`0.00,\`50${no},\`${refundNo},\`${yuan},\`0.00,\`ORIGINAL,\`SUCCESS,\`门诊缴费,\`,\`-0.07,\`0.60%,\`0.00,\`${yuan},\``;
const csv = (rows: string[]) =>
  `\uFEFF${HEADER}\r\n${rows.join('\r\n')}\r\n总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n\`${rows.length},\`0.00,\`0.00,\`0.00,\`0.00,\`0.00,\`0.00\r\n`;

const DAY = { fromMs: Date.parse('2026-12-04T00:00:00+08:00'), toMs: Date.parse('2026-12-05T00:00:00+08:00') };
const order = (id: string, status: ReconOrder['status'], cashFen = 1250): ReconOrder => ({
  _id: id,
  status,
  cashFen,
  transactionId: null,
  refunds: [],
});
const settled = (requestId: string): HisSettlement => ({
  settlementId: `JS${requestId}`,
  requestId,
  patientId: 'P1',
  itemIds: [],
  totalFen: 1250,
  transactionId: 'x',
  settledAt: '2026-12-04T01:00:00Z',
  receipt: null,
});

describe('trade bill', () => {
  it('parses yuan into fen exactly, and stops at the summary', () => {
    expect(fenOf('12.50')).toBe(1250);
    expect(fenOf('0.07')).toBe(7);
    expect(fenOf('-0.07')).toBe(-7);
    expect(() => fenOf('12.5')).toThrow();
    const rows = parseTradeBill(csv([pay('A', '12.50'), refund('A', 'AR1', '12.50')]));
    expect(rows).toEqual([
      expect.objectContaining({ outTradeNo: 'A', tradeState: 'SUCCESS', totalFen: 1250 }),
      expect.objectContaining({ outTradeNo: 'A', tradeState: 'REFUND', outRefundNo: 'AR1', refundFen: 1250 }),
    ]);
  });
});

describe('reconcileDay', () => {
  it('fixes the safe cases and lists the rest', () => {
    const bill = parseTradeBill(
      csv([
        pay('OPEN', '12.50'),
        pay('CLOSED', '12.50'),
        pay('PAID', '12.50'),
        pay('GHOST', '1.00'),
        pay('ODD', '9.99'),
      ]),
    );
    const orders = [
      order('OPEN', 'paying'),
      order('CLOSED', 'closed'),
      order('PAID', 'paid'),
      order('ODD', 'settled'),
      order('NOBILL', 'settled'),
      order('BACK', 'refunded'),
    ];
    const r = reconcileDay(bill, orders, [settled('ODD'), settled('NOBILL'), settled('BACK'), settled('WHO')], DAY);
    expect(r.fixes).toEqual([
      { kind: 'applyPayment', orderId: 'OPEN' },
      { kind: 'refundClosed', orderId: 'CLOSED' },
      { kind: 'settle', orderId: 'PAID' },
    ]);
    expect(r.issues.map((i) => [i.kind, i.outTradeNo])).toEqual([
      ['unknownPayment', 'GHOST'],
      ['amountMismatch', 'ODD'],
      ['notInBill', 'NOBILL'],
      ['notInBill', 'BACK'],
      ['refundedButSettled', 'BACK'],
      ['hisSettledUnknownOrder', 'WHO'],
    ]);
  });

  it('a clean day has nothing to fix and nothing to list', () => {
    const bill = parseTradeBill(csv([pay('A', '12.50'), pay('B', '12.50'), refund('B', 'BR1', '12.50')]));
    const b = { ...order('B', 'refunded') };
    b.refunds = [
      {
        outRefundNo: 'BR1',
        amountFen: 1250,
        status: 'success',
        reason: '',
        createdAtMs: 0,
        succeededAtMs: DAY.fromMs + 1,
      },
    ];
    const r = reconcileDay(bill, [order('A', 'settled'), b], [settled('A')], DAY);
    expect(r).toMatchObject({ fixes: [], issues: [] });
    expect(r.counts).toEqual({ billPayments: 2, billRefunds: 1, orders: 2, hisSettlements: 1 });
  });

  it('a refund that succeeded that day but is not in the bill is listed', () => {
    const b = order('B', 'refunded');
    b.refunds = [
      {
        outRefundNo: 'BR1',
        amountFen: 1250,
        status: 'success',
        reason: '',
        createdAtMs: 0,
        succeededAtMs: DAY.fromMs + 1,
      },
    ];
    const r = reconcileDay(parseTradeBill(csv([pay('B', '12.50')])), [b], [], DAY);
    expect(r.issues.map((i) => i.kind)).toEqual(['refundNotInBill']);
  });
});
