/**
 * The pay sandbox refunds a withholding deduction through the v3 refund API, as WeChat does for
 * PAP trades: by out_trade_no or transaction_id, never more than deducted, a pending or failed
 * deduction refused as unpaid, and the refund in the trade bill as a PAP row.
 */
import { eventually, sandbox, sandboxesForFile, v3 } from '../pay-sandbox/helpers';
import { deduct, signContract, v2 } from '../pay-sandbox/papay-helpers';

jest.setTimeout(20_000);
const start = sandboxesForFile();
const NOWHERE = 'http://127.0.0.1:9/papay';

test('a successful deduction is refunded like a JSAPI order; an unpaid one is not', async () => {
  const pay = await start({ papayDeductDelayMs: 0, refundDelayMs: 0, refundIntervalMs: 0 });
  const { contractId } = await signContract(pay, NOWHERE);
  const applied = await deduct(pay, contractId, NOWHERE, { total_fee: 1200 });
  expect(applied.fields.result_code).toBe('SUCCESS');
  const contract = await sandbox<{ deductions: { out_trade_no: string; transaction_id: string }[] }>(
    pay,
    'GET',
    `papay/contracts/${contractId}`,
  );
  const d = contract.json.deductions[0]!;
  await eventually(
    () => v2(pay, '/pay/paporderquery', { out_trade_no: d.out_trade_no, nonce_str: 'q' }),
    (r) => r.fields.trade_state === 'SUCCESS',
  );
  const body = (no: string, refund: number, by: Record<string, string>) => ({
    ...by,
    out_refund_no: no,
    reason: '医院未能确认本次缴费',
    amount: { refund, total: 1200, currency: 'CNY' },
  });
  const first = await v3(
    pay,
    'POST',
    '/v3/refund/domestic/refunds',
    body(`${d.out_trade_no}R1`, 700, { out_trade_no: d.out_trade_no }),
  );
  expect(first.status).toBe(200);
  expect(first.json).toMatchObject({
    out_trade_no: d.out_trade_no,
    transaction_id: d.transaction_id,
    status: 'PROCESSING',
  });
  const over = await v3(
    pay,
    'POST',
    '/v3/refund/domestic/refunds',
    body(`${d.out_trade_no}R2`, 600, { transaction_id: d.transaction_id }),
  );
  expect(over.status).toBe(400);
  const done = await eventually(
    () => v3(pay, 'GET', `/v3/refund/domestic/refunds/${d.out_trade_no}R1`),
    (r) => r.json.status === 'SUCCESS',
  );
  expect(done.json.status).toBe('SUCCESS');
  const detail = await sandbox<{ refunds: { status: string }[] }>(pay, 'GET', `papay/deductions/${d.out_trade_no}`);
  expect(detail.json.refunds.map((r) => r.status)).toEqual(['SUCCESS']);

  // Accepted but not yet decided: not refundable.
  const slow = await start({ papayDeductDelayMs: 60_000 });
  const c2 = await signContract(slow, NOWHERE);
  await deduct(slow, c2.contractId, NOWHERE, { out_trade_no: 'PSLOW1' });
  const early = await v3(slow, 'POST', '/v3/refund/domestic/refunds', {
    out_trade_no: 'PSLOW1',
    out_refund_no: 'PSLOW1R1',
    amount: { refund: 100, total: 1200, currency: 'CNY' },
  });
  expect(early.status).toBe(400);
  expect(JSON.stringify(early.json)).toContain('未支付');
});
