/**
 * Settling a 医保 order (fee.settle with payOrdId, fundFen, accountFen) and refunding it
 * (insurance.refund, 6203) through the cloud-side clients over real HTTP with real signatures: the
 * account is debited once and restored once, splits other than the preSettle's and standings that
 * moved since are AMOUNT_MISMATCH, refusals change nothing, lost answers resolve by the same
 * requestId, and the annual standing follows the Asia/Shanghai calendar year whatever the TZ.
 */
import { getJson, postJson, rawCall, rejection } from './helpers';
import { START, insuranceSuite, payAuthNo, rid } from './insurance-helpers';

describe('HIS sandbox 医保 settlement and refund', () => {
  const t = insuranceSuite();

  const snapshot = async (patientId: string) => ({
    fees: (await getJson(t.his(), `/sandbox/fees?patientId=${patientId}`)).json.data,
    insurance: await t.standingOf(patientId),
  });

  it('settles once: items paid, the order settled, the account debited once', async () => {
    const pid = await t.newPatient({ scheme: 'employee', balanceFen: 20_000, deductibleUsedFen: 45_000 });
    const items = await t.charges(pid, [
      ['A', 15_000],
      ['self', 2_000],
    ]);
    const { split } = await t.quote(pid, items);
    // 5 000 to the deductible, 60 % of 10 000 from the fund, the account pays the rest up to 20 000.
    expect(split).toMatchObject({ actPayDedc: 5_000, fundPay: 6_000, psnAcctPay: 11_000, ownPayAmt: 0 });
    const input = t.settleInput(pid, items, split);
    const settlement = await t.fees().settle(input);
    expect(settlement).toMatchObject({ totalFen: 17_000, itemIds: input.itemIds, settledAt: START });
    expect(settlement.receipt).not.toBeNull();
    const order = await t.insurance().query(split.payOrdId);
    expect(order).toMatchObject({
      status: 'settled',
      setlId: expect.stringMatching(/^SETL20261127\d{10}$/),
      settlementId: settlement.settlementId,
      settledAt: START,
    });
    const after = await t.standingOf(pid);
    expect(after.account.balanceFen).toBe(9_000);
    expect(after.usage).toEqual({ deductibleUsedFen: 50_000, fundPaidFen: 6_000 });
    expect(await t.fees().listUnpaid(pid)).toEqual([]);
    // The e-receipt says how it was paid.
    const html = await (await fetch(settlement.receipt!.viewUrl)).text();
    for (const text of [
      '职工基本医疗保险',
      '医保统筹基金支付：</b>¥60.00',
      '个人账户支付：</b>¥110.00',
      '全自费金额：</b>¥20.00',
    ]) {
      expect(html).toContain(text);
    }

    t.clock.add(60_000);
    expect(await t.fees().settle(input)).toEqual(settlement);
    expect(await t.fees().getSettlement(input.requestId)).toEqual(settlement);
    expect(await t.standingOf(pid)).toEqual(after);
    const { json } = await getJson(t.his(), '/sandbox/insurance');
    expect(json.data.invariants).toEqual({
      splitIdentityViolations: 0,
      settledOrdersNotPaid: 0,
      settlementTotalMismatches: 0,
    });
  });

  it('refuses splits other than the preSettle’s and a standing moved since, changing nothing', async () => {
    const pid = await t.newPatient({ scheme: 'employee', balanceFen: 30_000, deductibleUsedFen: 50_000 });
    const other = await t.newPatient();
    const items = await t.charges(pid, [['A', 10_000]]);
    const [extra] = await t.charges(pid, [['A', 100]]);
    const { up, split } = await t.quote(pid, items);
    const good = t.settleInput(pid, items, split);
    const before = await snapshot(pid);
    const f = t.fees();
    const refusals: [Partial<typeof good>, string][] = [
      [{ fundFen: split.fundPay - 1 }, 'AMOUNT_MISMATCH'],
      [{ accountFen: split.psnAcctPay - 1 }, 'AMOUNT_MISMATCH'],
      [{ fundFen: 10_000, accountFen: 1 }, 'INVALID_REQUEST'],
      [{ fundFen: undefined }, 'INVALID_REQUEST'],
      [{ payOrdId: 'ORD330600202611270000999' }, 'NOT_FOUND'],
      [{ patientId: other }, 'ITEM_NOT_PAYABLE'],
      [{ itemIds: [...good.itemIds, extra!.itemId], totalFen: 10_100 }, 'INVALID_REQUEST'],
    ];
    for (const [over, code] of refusals) {
      expect(await rejection(f.settle({ ...good, requestId: rid('order'), ...over }))).toMatchObject({ code });
    }
    expect(await snapshot(pid)).toEqual(before);
    // Uploaded but never quoted: INVALID_STATE.
    const [lone] = await t.charges(pid, [['A', 700]]);
    const bare = await t.insurance().uploadFees({
      requestId: rid('up'),
      patientId: pid,
      itemIds: [lone!.itemId],
      payAuthNo: payAuthNo(),
    });
    const unquoted = t.settleInput(pid, [lone!], {
      ...split,
      payOrdId: bare.payOrdId,
      feeSumamt: 700,
      fundPay: 0,
      psnAcctPay: 0,
    });
    expect(await rejection(f.settle(unquoted))).toMatchObject({ code: 'INVALID_STATE' });

    // The account was spent elsewhere meanwhile: the quoted split cannot be given again.
    await t.setStanding(pid, { balanceFen: 1_000 });
    const moved = await snapshot(pid);
    expect(await rejection(f.settle(good))).toMatchObject({ code: 'AMOUNT_MISMATCH' });
    expect(await snapshot(pid)).toEqual(moved);
    // Quoted again, it settles with the new split (the same requestId may be used once fixed).
    const again = await t.insurance().preSettle({ requestId: rid('pre'), payOrdId: up.payOrdId });
    expect(again).toMatchObject({ psnAcctPay: 1_000, ownPayAmt: 3_000 });
    const settled = await f.settle({ ...good, fundFen: again.fundPay, accountFen: again.psnAcctPay });
    expect(settled.requestId).toBe(good.requestId);
    expect((await t.standingOf(pid)).account.balanceFen).toBe(0);
  });

  it('two quotes against one balance: the first settles, the second must be quoted again', async () => {
    const pid = await t.newPatient({ scheme: 'employee', balanceFen: 5_000, deductibleUsedFen: 50_000 });
    const aItems = await t.charges(pid, [['A', 10_000]]);
    const bItems = await t.charges(pid, [['A', 10_000]]);
    const a = await t.quote(pid, aItems);
    const b = await t.quote(pid, bItems);
    expect(a.split.psnAcctPay).toBe(4_000);
    expect(b.split.psnAcctPay).toBe(4_000);
    await t.fees().settle(t.settleInput(pid, aItems, a.split));
    expect(await rejection(t.fees().settle(t.settleInput(pid, bItems, b.split)))).toMatchObject({
      code: 'AMOUNT_MISMATCH',
    });
    expect((await t.standingOf(pid)).account.balanceFen).toBe(1_000);
  });

  it('refund returns the 医保 part once; the order stays refunded', async () => {
    const pid = await t.newPatient({ scheme: 'retiree', balanceFen: 8_000, deductibleUsedFen: 20_000 });
    const before = await t.standingOf(pid);
    const items = await t.charges(pid, [
      ['A', 30_000],
      ['B', 5_000],
    ]);
    const { split, settlement } = await t.pay(pid, items);
    expect(split).toMatchObject({ preselfpayAmt: 500, actPayDedc: 10_000, fundPay: 17_150, psnAcctPay: 8_000 });
    const paid = await t.standingOf(pid);
    expect(paid.account.balanceFen).toBe(0);

    const c = t.insurance();
    const input = { requestId: rid('rf'), payOrdId: split.payOrdId, reason: '患者申请退费' };
    t.clock.add(3_600_000);
    const refunded = await c.refund(input);
    const at = new Date(Date.parse(START) + 3_600_000).toISOString();
    expect(refunded).toMatchObject({ status: 'refunded', refundedAt: at, settlementId: settlement.settlementId });
    const restored = await t.standingOf(pid);
    expect(restored.account.balanceFen).toBe(before.account.balanceFen);
    expect(restored.usage).toEqual(before.usage);

    t.clock.add(60_000);
    expect(await c.refund(input)).toEqual(refunded);
    expect(await c.refund({ ...input, requestId: rid('rf') })).toEqual(refunded);
    expect(await rejection(c.refund({ ...input, reason: '另一个原因' }))).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await t.standingOf(pid)).toEqual(restored);
    expect(await rejection(c.revokeUpload({ requestId: rid('rv'), payOrdId: split.payOrdId }))).toMatchObject({
      code: 'INVALID_STATE',
    });
    // The items' own 退费 is the hospital's window process: they stay paid, the settlement stands.
    expect(await t.fees().getSettlement(settlement.requestId)).toEqual(settlement);
  });

  it('a settle whose answer is lost is resolved by the same requestId: debited once', async () => {
    const pid = await t.newPatient({ scheme: 'employee', balanceFen: 50_000, deductibleUsedFen: 50_000 });
    const items = await t.charges(pid, [['A', 10_000]]);
    const { split } = await t.quote(pid, items);
    const input = t.settleInput(pid, items, split);
    t.his().setFaults({ failNext: 1, applyThenFail: true, methods: ['fee.settle'] });
    expect(await rejection(t.fees({ retries: 0 }).settle(input))).toMatchObject({ kind: 'unavailable' });
    expect((await t.standingOf(pid)).account.balanceFen).toBe(46_000);
    t.his().setFaults({ failNext: 1, methods: ['fee.settle'] });
    const settled = await t.fees().settle(input);
    expect(settled.totalFen).toBe(10_000);
    expect((await t.standingOf(pid)).account.balanceFen).toBe(46_000);
    expect((await t.insurance().query(split.payOrdId))!.status).toBe('settled');
  });

  it('the annual standing follows the Asia/Shanghai calendar year, whatever the process TZ', async () => {
    const pid = await t.newPatient({ scheme: 'employee', balanceFen: 0, deductibleUsedFen: 50_000, year: 2026 });
    // 2026-12-31 23:59 in Shanghai: still 2026, the deductible is used up.
    t.clock.set('2026-12-31T15:59:00.000Z');
    const lateItems = await t.charges(pid, [['A', 10_000]]);
    const late = await t.quote(pid, lateItems);
    expect(late.split.actPayDedc).toBe(0);
    // 2027-01-01 00:01 in Shanghai (still 2026-12-31 in UTC): a new year, a new deductible.
    t.clock.set('2026-12-31T16:01:00.000Z');
    const items = await t.charges(pid, [['A', 10_000]]);
    const early = await t.quote(pid, items);
    expect(early.up.payOrdId).toMatch(/^ORD33060020270101\d{8}$/);
    expect(early.split).toMatchObject({ actPayDedc: 10_000, fundPay: 0, ownPayAmt: 10_000 });
    await t.fees().settle(t.settleInput(pid, items, early.split));
    // The order quoted on 31 December counts in 2026 even when settled on 1 January.
    await t.fees().settle(t.settleInput(pid, lateItems, late.split));
    const y2027 = (await getJson(t.his(), `/sandbox/insurance?patientId=${pid}&year=2027`)).json.data;
    const y2026 = (await getJson(t.his(), `/sandbox/insurance?patientId=${pid}&year=2026`)).json.data;
    expect(y2027.usage).toEqual({ deductibleUsedFen: 10_000, fundPaidFen: 0 });
    expect(y2026.usage).toEqual({ deductibleUsedFen: 50_000, fundPaidFen: 6_000 });
  });

  it('a cash-only settle is unaffected; unknown fields and bad sandbox input are refused', async () => {
    const pid = await t.newPatient({ scheme: 'employee' });
    const r = await rawCall(t.his(), 'insurance.query', { payOrdId: 'x', extra: 1 }, { timestampMs: t.clock.ms() });
    expect([r.status, r.json.code]).toEqual([400, 'INVALID_REQUEST']);
    const over = await postJson(t.his(), '/sandbox/insurance/accounts', { patientId: pid, deductibleUsedFen: 50_001 });
    expect([over.status, over.json.code]).toEqual([400, 'INVALID_REQUEST']);
    const uninsured = await t.newPatient({}, false);
    const none = await postJson(t.his(), '/sandbox/insurance/accounts', { patientId: uninsured });
    expect([none.status, none.json.code]).toEqual([409, 'NOT_INSURED']);
    const items = await t.charges(pid, [['A', 1_000]]);
    const cash = await t.fees().settle({
      requestId: rid('order'),
      patientId: pid,
      itemIds: items.map((i) => i.itemId),
      totalFen: 1_000,
      transactionId: `4200${Date.now()}`,
      paidAt: START,
    });
    expect(cash.totalFen).toBe(1_000);
  });
});
