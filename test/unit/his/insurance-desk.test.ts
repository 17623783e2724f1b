/**
 * 医保 pre-settled at the 医生站 (POST /sandbox/fees with medInsCard: the patient's physical 医保 card
 * was read): the charges are uploaded and pre-settled in the same transaction, exactly as
 * insurance.uploadFees + insurance.preSettle would price them, and charges.ready names the order.
 * Then the gateway calls the cloud makes for 微信代扣 behave as for any 医保 order: insurance.query
 * answers it, fee.settle with the split settles it (the cash part by a withholding transaction),
 * re-quotes work for 24 h and not after, and insurance.revokeUpload voids it so that a fresh
 * uploadFees of the same items can pay them in the app.
 */
import type { HisFeeItem } from '../../../server/ports/his-payment';
import { getJson, postJson, rejection } from './helpers';
import { START, insuranceSuite, payAuthNo, rid, type MedClass, type Standing } from './insurance-helpers';

const HOUR = 3_600_000;

// Test-only: sandbox JSON is navigated freely in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** 甲类 10 000 and 自费 2 000 against 5 000 of deductible left and a 3 000 balance. */
const STANDING: Standing = { scheme: 'employee', balanceFen: 3_000, deductibleUsedFen: 45_000 };
const LINES: [MedClass, number][] = [
  ['A', 10_000],
  ['self', 2_000],
];
// 5 000 to the deductible, 60 % of 5 000 from the fund, the account's 3 000, the rest in cash.
const SPLIT = {
  feeSumamt: 12_000,
  fulamtOwnpayAmt: 2_000,
  preselfpayAmt: 0,
  inscpScpAmt: 10_000,
  actPayDedc: 5_000,
  fundPay: 3_000,
  psnAcctPay: 3_000,
  ownPayAmt: 6_000,
};

describe('HIS sandbox 医保 pre-settled at the 医生站 (medInsCard)', () => {
  const t = insuranceSuite();

  /** POST /sandbox/fees of one-line items in these classes; the whole answer. */
  const deskCharges = (patientId: string, lines: readonly [MedClass, number][], over: Record<string, unknown> = {}) =>
    postJson(t.his(), '/sandbox/fees', {
      patientId,
      medInsCard: true,
      items: lines.map(([medClass, fen], i) => ({
        kind: 'prescription',
        lines: [{ name: `测试药品${i + 1}`, spec: '盒', quantity: 1, unitPriceFen: fen, medClass }],
      })),
      ...over,
    });

  /** Charges of an insured patient pre-settled with the card: the answer's data. */
  async function deskOrder(standing: Standing = STANDING): Promise<{ pid: string; data: Json }> {
    const pid = await t.newPatient(standing);
    const { status, json } = await deskCharges(pid, LINES);
    expect([status, json.code]).toEqual([200, 'OK']);
    return { pid, data: json.data };
  }

  const sentEvent = async (eventId: string): Promise<Json> => {
    const items = (await getJson(t.his(), '/sandbox/events?limit=1000')).json.data.items as Json[];
    return items.find((e) => e.eventId === eventId)?.event;
  };

  let txSeq = 0;
  /** A 微信代扣 (papay) transaction id: 28 digits like any WeChat Pay transaction's. */
  const withholdingTransactionId = (): string => `4200${Date.now()}${String(++txSeq).padStart(11, '0')}`;

  it('uploads and pre-settles the new charges as uploadFees + preSettle would; charges.ready names the order', async () => {
    const { pid, data } = await deskOrder();
    expect(Object.keys(data).sort()).toEqual(['eventId', 'items', 'payOrdId']);
    expect(data.payOrdId).toMatch(/^ORD33060020261127\d{8}$/);
    const items = data.items as HisFeeItem[];
    const itemIds = items.map((i) => i.itemId);

    const order = await t.insurance().query(data.payOrdId);
    expect(order).toMatchObject({
      payOrdId: data.payOrdId,
      medOrgOrd: expect.stringMatching(/^MZYB20261127\d{8}$/),
      patientId: pid,
      itemIds,
      medType: '11',
      insuType: '310',
      status: 'preSettled',
      feeSumamt: 12_000,
      split: SPLIT,
      uploadedAt: START,
      preSettledAt: START,
      setlId: null,
      settlementId: null,
      settledAt: null,
      revokedAt: null,
    });
    // The same items and standing through the gateway's methods are priced the same.
    const twin = await t.newPatient(STANDING);
    const { split } = await t.quote(twin, await t.charges(twin, LINES));
    expect(split).toEqual({ payOrdId: expect.any(String), ...SPLIT });

    // Only a quote: nothing debited, the items still unpaid.
    const standing = await t.standingOf(pid);
    expect(standing.account.balanceFen).toBe(3_000);
    expect(standing.usage).toEqual({ deductibleUsedFen: 45_000, fundPaidFen: 0 });
    expect((await t.fees().listUnpaid(pid)).map((i) => i.itemId)).toEqual(itemIds);

    const event = await sentEvent(data.eventId);
    expect(event.data).toEqual({
      patientId: pid,
      visitId: expect.stringMatching(/^V\d{12}$/),
      deptCode: items[0]!.deptCode,
      deptName: items[0]!.deptName,
      doctorName: items[0]!.doctorName,
      itemIds,
      totalFen: 12_000,
      insurance: { payOrdId: data.payOrdId },
    });
    expect((await getJson(t.his(), '/sandbox/insurance')).json.data.invariants).toEqual({
      splitIdentityViolations: 0,
      settledOrdersNotPaid: 0,
      settlementTotalMismatches: 0,
    });
  });

  it('fee.settle with the split settles it, the cash part paid by a withholding transaction', async () => {
    const { pid, data } = await deskOrder();
    const order = await t.insurance().query(data.payOrdId);
    // The cloud deducts totalFen − fundFen − accountFen (6 000) and settles with that transaction.
    const input = {
      ...t.settleInput(pid, data.items, { payOrdId: data.payOrdId, ...order!.split! }),
      transactionId: withholdingTransactionId(),
    };
    expect(input.totalFen - input.fundFen! - input.accountFen!).toBe(SPLIT.ownPayAmt);
    const settlement = await t.fees().settle(input);
    expect(settlement).toMatchObject({ totalFen: 12_000, transactionId: input.transactionId, settledAt: START });
    expect(await t.insurance().query(data.payOrdId)).toMatchObject({
      status: 'settled',
      setlId: expect.stringMatching(/^SETL20261127\d{10}$/),
      settlementId: settlement.settlementId,
    });
    const after = await t.standingOf(pid);
    expect(after.account.balanceFen).toBe(0);
    expect(after.usage).toEqual({ deductibleUsedFen: 50_000, fundPaidFen: 3_000 });
    expect(await t.fees().listUnpaid(pid)).toEqual([]);
    const html = await (await fetch(settlement.receipt!.viewUrl)).text();
    expect(html).toContain('个人现金支付：</b>¥60.00');
    // Settled once: the same settle answers the same settlement, nothing more is debited.
    expect(await t.fees().settle(input)).toEqual(settlement);
    expect(await t.standingOf(pid)).toEqual(after);
  });

  it('the card read authorises re-quotes for 24 h (a standing change since is re-priced), not after', async () => {
    const { pid, data } = await deskOrder();
    // Another 医保 payment of the patient's moves the standing: the stored split is stale.
    await t.pay(pid, await t.charges(pid, [['A', 1_000]]));
    const stale = t.settleInput(pid, data.items, { payOrdId: data.payOrdId, ...SPLIT });
    expect(await rejection(t.fees().settle(stale))).toMatchObject({ code: 'AMOUNT_MISMATCH' });
    t.clock.add(23 * HOUR);
    const requote = await t.insurance().preSettle({ requestId: rid('pre'), payOrdId: data.payOrdId });
    // 1 000 more of the deductible used, 1 000 less in the account.
    expect(requote).toMatchObject({ actPayDedc: 4_000, fundPay: 3_600, psnAcctPay: 2_000, ownPayAmt: 6_400 });
    const settlement = await t.fees().settle({
      ...t.settleInput(pid, data.items, requote),
      transactionId: withholdingTransactionId(),
    });
    expect(settlement.totalFen).toBe(12_000);

    const late = await deskOrder();
    t.clock.add(24 * HOUR + 1);
    expect(
      await rejection(t.insurance().preSettle({ requestId: rid('pre'), payOrdId: late.data.payOrdId })),
    ).toMatchObject({ code: 'AUTH_INVALID' });
  });

  it('revokeUpload voids it (the deduction failed); a fresh uploadFees of the same items then pays them', async () => {
    const { pid, data } = await deskOrder();
    const itemIds = (data.items as HisFeeItem[]).map((i) => i.itemId);
    const revoked = await t.insurance().revokeUpload({ requestId: rid('rv'), payOrdId: data.payOrdId });
    expect(revoked).toMatchObject({ payOrdId: data.payOrdId, status: 'revoked', revokedAt: START, split: SPLIT });
    const old = t.settleInput(pid, data.items, { payOrdId: data.payOrdId, ...SPLIT });
    expect(await rejection(t.fees().settle(old))).toMatchObject({ code: 'INVALID_STATE' });
    expect((await t.fees().listUnpaid(pid)).map((i) => i.itemId)).toEqual(itemIds);

    // The patient pays in the app afresh: authorise, upload, quote, pay.
    const c = t.insurance();
    const up = await c.uploadFees({ requestId: rid('up'), patientId: pid, itemIds, payAuthNo: payAuthNo() });
    expect(up.payOrdId).not.toBe(data.payOrdId);
    const split = await c.preSettle({ requestId: rid('pre'), payOrdId: up.payOrdId });
    expect(split).toEqual({ payOrdId: up.payOrdId, ...SPLIT });
    const settlement = await t.fees().settle(t.settleInput(pid, data.items, split));
    expect(settlement.itemIds).toEqual(itemIds);
    expect((await c.query(data.payOrdId))?.status).toBe('revoked');
    expect((await c.query(up.payOrdId))?.status).toBe('settled');
  });

  it('refuses an uninsured patient (NOT_INSURED, nothing created); without a card read nothing is pre-settled', async () => {
    const uninsured = await t.newPatient({}, false);
    const before = (await getJson(t.his(), `/sandbox/fees?patientId=${uninsured}`)).json.data.counts;
    const refused = await deskCharges(uninsured, LINES);
    expect([refused.status, refused.json.code]).toEqual([409, 'NOT_INSURED']);
    expect((await getJson(t.his(), `/sandbox/fees?patientId=${uninsured}`)).json.data.counts).toEqual(before);

    const pid = await t.newPatient(STANDING);
    for (const medInsCard of [false, undefined]) {
      const { json } = await deskCharges(pid, LINES, { medInsCard });
      expect(json.data.payOrdId).toBeNull();
      expect((await sentEvent(json.data.eventId)).data.insurance).toBeNull();
    }
    expect((await t.standingOf(pid)).orders).toEqual([]);
    // A card read without an event still pre-settles (the cloud may learn of it otherwise).
    const quiet = await deskCharges(pid, LINES, { notify: false });
    expect(quiet.json.data).toMatchObject({ eventId: null, payOrdId: expect.stringMatching(/^ORD/) });
    const bad = await deskCharges(pid, LINES, { medInsCard: 'yes' });
    expect([bad.status, bad.json.code]).toEqual([400, 'INVALID_REQUEST']);
  });
});
