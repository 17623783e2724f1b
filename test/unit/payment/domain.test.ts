/** Pure payment rules: transitions, claims, amounts, refund numbers, message values. */
import {
  canTransition,
  decideCreate,
  newOrderId,
  newPickupCode,
  ORDER_ID_RE,
  refundableFen,
  refundNoFor,
  releaseClaim,
  renderPaymentSuccess,
  renderRefund,
  sourcesOf,
  transactionMismatch,
  unclaimed,
  yuan,
  type PaymentOrderRecord,
} from '../../../server/domain/payment';
import type { HisFeeItem } from '../../../server/ports/his-payment';

const item = (itemId: string, amountFen = 100): HisFeeItem => ({
  itemId,
  patientId: 'P1',
  kind: 'lab',
  title: '血常规',
  deptCode: 'JYK',
  deptName: '检验科',
  doctorName: '',
  orderedAt: '2026-12-04T00:00:00Z',
  amountFen,
  lines: [],
  guide: '门诊楼3楼检验科',
});

describe('payment domain', () => {
  it('allows only the state machine’s transitions', () => {
    expect(canTransition('created', 'paying')).toBe(true);
    expect(canTransition('paying', 'paid')).toBe(true);
    expect(canTransition('closed', 'paid')).toBe(true);
    expect(canTransition('paid', 'settled')).toBe(true);
    expect(canTransition('paid', 'closed')).toBe(false);
    expect(canTransition('settled', 'refunding')).toBe(false);
    expect(canTransition('refunded', 'paid')).toBe(false);
    expect(sourcesOf('paid').sort()).toEqual(['closed', 'created', 'paying']);
  });

  it('decides one order per item set, refuses overlaps and unknown items', () => {
    const unpaid = [item('A'), item('B'), item('C')];
    const fresh = { orderId: 'O1', expiresAtMs: 9 };
    const d = decideCreate({ claims: [] }, ['A', 'B'], unpaid, fresh);
    expect(d.kind).toBe('new');
    if (d.kind !== 'new') return;
    expect(decideCreate(d.next, ['B', 'A'], unpaid, { orderId: 'O2', expiresAtMs: 9 })).toEqual({
      kind: 'existing',
      orderId: 'O1',
    });
    expect(decideCreate(d.next, ['B', 'C'], unpaid, fresh)).toMatchObject({ kind: 'conflict', orderId: 'O1' });
    expect(decideCreate({ claims: [] }, ['Z'], unpaid, fresh)).toEqual({ kind: 'changed', missing: ['Z'] });
    expect(unclaimed(unpaid, d.next).map((i) => i.itemId)).toEqual(['C']);
    expect(releaseClaim(d.next, 'O1')).toEqual({ claims: [] });
    expect(releaseClaim(d.next, 'O9')).toBeNull();
  });

  it('counts a transaction only when it matches the order and the merchant', () => {
    const order = { _id: 'P1', cashFen: 500 };
    const m = { appid: 'wx1', mchid: '19' };
    const tx = {
      appid: 'wx1',
      mchid: '19',
      out_trade_no: 'P1',
      transaction_id: '42',
      trade_state: 'SUCCESS' as const,
      amount: { total: 500 },
    };
    expect(transactionMismatch(order, tx, m)).toBeNull();
    expect(transactionMismatch(order, { ...tx, amount: { total: 499 } }, m)).toBe('amount');
    expect(transactionMismatch(order, { ...tx, mchid: '20' }, m)).toBe('mchid');
    expect(transactionMismatch(order, { ...tx, trade_state: 'NOTPAY' }, m)).toBe('trade_state');
    expect(transactionMismatch(order, { ...tx, out_trade_no: 'P2' }, m)).toBe('out_trade_no');
  });

  it('refund numbers are deterministic; closed refunds do not count against the paid amount', () => {
    expect(refundNoFor('P1', 2)).toBe('P1R2');
    const base = { cashFen: 1000, refunds: [] as PaymentOrderRecord['refunds'] };
    const r = (amountFen: number, status: 'success' | 'closed') => ({
      outRefundNo: 'x',
      amountFen,
      status,
      reason: '',
      createdAtMs: 0,
      succeededAtMs: null,
    });
    expect(refundableFen({ ...base, refunds: [r(300, 'success'), r(700, 'closed')] })).toBe(700);
  });

  it('order ids fit out_trade_no; pickup codes are 8 digits', () => {
    const id = newOrderId(new Date('2026-12-03T17:00:00Z'));
    expect(id).toMatch(ORDER_ID_RE);
    expect(id.startsWith('P20261204')).toBe(true); // the Asia/Shanghai date
    expect(id.length).toBeLessThanOrEqual(32);
    const codes = new Set(Array.from({ length: 200 }, newPickupCode));
    for (const c of codes) expect(c).toMatch(/^\d{8}$/);
    expect(codes.size).toBeGreaterThan(195);
  });

  it('renders messages within WeChat’s value rules', () => {
    expect(yuan(5050)).toBe('¥50.50');
    expect(yuan(7)).toBe('¥0.07');
    const order = {
      _id: 'P20261204AAAAAAAAAAAAAAAA',
      patientName: '王小明',
      totalFen: 12345,
      items: [{ title: '超长的检查项目名称超长的检查项目名称超长', guide: '医技楼2楼CT室' }, { title: 'x' }],
      paidAtMs: Date.parse('2026-12-04T01:30:00Z'),
      updatedAtMs: 0,
      pickupCode: '01234567',
      failure: 'hisRefused',
    } as unknown as PaymentOrderRecord;
    const ok = renderPaymentSuccess(order);
    expect(ok.amount2!.value).toBe('¥123.45');
    expect(ok.time4!.value).toBe('2026年12月04日 09:30');
    expect(ok.character_string5!.value).toBe('01234567');
    for (const [k, v] of Object.entries({ ...ok, ...renderRefund(order, 100, 0) })) {
      if (k.startsWith('thing')) expect(Array.from(v.value).length).toBeLessThanOrEqual(20);
    }
  });
});
