/**
 * HIS sandbox 医保 methods through the cloud-side insurance client, over real HTTP with real
 * signatures: insurance.uploadFees / preSettle / query / revokeUpload, their answers, idempotency
 * by requestId, the payAuthNo rule (format, single use, 10 minutes), refusals that change nothing,
 * fault injection with client retries, and answers whose split does not add up (BAD_RESPONSE).
 */
import type { HisFetch } from '../../../server/adapters/his/node-http';
import { getJson, postJson, rawCall, rejection } from './helpers';
import { START, insuranceSuite, payAuthNo, rid } from './insurance-helpers';

const MIN = 60_000;

describe('HIS sandbox 医保 methods', () => {
  const t = insuranceSuite();

  /** Everything the sandbox holds for a patient (fees and 医保), to prove a refusal changed nothing. */
  const snapshot = async (patientId: string) => ({
    fees: (await getJson(t.his(), `/sandbox/fees?patientId=${patientId}`)).json.data,
    insurance: await t.standingOf(patientId),
  });

  const upload = (patientId: string, itemIds: string[], over: Record<string, unknown> = {}) => ({
    requestId: rid('up'),
    patientId,
    itemIds,
    payAuthNo: payAuthNo(),
    ...over,
  });

  it('seeds about 70 % of the seeded patients insured, each with a believable account and standing', async () => {
    const seeded: { patientId: string; hasSocialSecurityNo: boolean }[] = [];
    for (const offset of [0, 200, 400]) {
      seeded.push(...(await getJson(t.his(), `/sandbox/patients?limit=200&offset=${offset}`)).json.data.items);
    }
    const insured = seeded.slice(0, 500).filter((p) => p.hasSocialSecurityNo);
    expect(insured.length / 500).toBeGreaterThan(0.64);
    expect(insured.length / 500).toBeLessThan(0.76);
    const views = await Promise.all(insured.slice(0, 60).map((p) => t.standingOf(p.patientId)));
    const schemes = new Set(views.map((v) => v.account.scheme));
    expect(schemes).toEqual(new Set(['employee', 'retiree', 'resident']));
    for (const v of views) {
      expect(v.account).toMatchObject({ origin: 'seed', stored: true });
      if (v.account.scheme === 'resident') expect(v.account.balanceFen).toBe(0);
      else expect(v.account.balanceFen).toBeGreaterThan(0);
      expect(v.usage.deductibleUsedFen).toBeLessThanOrEqual(v.policy.deductibleFen);
      expect(v.usage.fundPaidFen).toBeLessThanOrEqual(v.policy.annualCapFen);
    }
    expect(views.some((v) => v.usage.deductibleUsedFen === 0)).toBe(true);
    expect(views.some((v) => v.usage.fundPaidFen > 0)).toBe(true);
    const none = seeded.find((p) => !p.hasSocialSecurityNo)!;
    expect(await t.standingOf(none.patientId)).toMatchObject({ insured: false, account: null });
  });

  it('uploadFees answers the order ids and total; query shows it uploaded', async () => {
    const pid = await t.newPatient({ scheme: 'employee' });
    const items = await t.charges(pid, [
      ['A', 2_500],
      ['B', 4_080],
    ]);
    const input = upload(
      pid,
      items.map((i) => i.itemId),
    );
    const up = await t.insurance().uploadFees({ ...input, medType: '11' });
    expect(up).toEqual({
      payOrdId: expect.stringMatching(/^ORD33060020261127\d{8}$/),
      payToken: expect.stringMatching(/^[0-9a-f]{32}$/),
      medOrgOrd: expect.stringMatching(/^MZYB20261127\d{8}$/),
      feeSumamt: 6_580,
    });
    expect(await t.insurance().query(up.payOrdId)).toEqual({
      payOrdId: up.payOrdId,
      medOrgOrd: up.medOrgOrd,
      patientId: pid,
      itemIds: input.itemIds,
      medType: '11',
      insuType: '310',
      status: 'uploaded',
      feeSumamt: 6_580,
      split: null,
      uploadedAt: START,
      preSettledAt: null,
      setlId: null,
      settlementId: null,
      settledAt: null,
      refundedAt: null,
      revokedAt: null,
    });
  });

  it('uploadFees is idempotent by requestId; a payAuthNo is single use', async () => {
    const pid = await t.newPatient();
    const items = await t.charges(pid, [['A', 1_000]]);
    const input = upload(pid, [items[0]!.itemId]);
    const c = t.insurance();
    const up = await c.uploadFees(input);
    t.clock.add(30 * MIN);
    // The same requestId and body: the same upload, even after the payAuthNo's 10 minutes.
    expect(await c.uploadFees(input)).toEqual(up);
    expect(await c.uploadFees({ ...input, itemIds: [...input.itemIds] })).toEqual(up);
    expect(await rejection(c.uploadFees({ ...input, requestId: rid('up') }))).toMatchObject({
      kind: 'rejected',
      code: 'AUTH_INVALID',
    });
    const other = await rejection(c.uploadFees({ ...input, payAuthNo: payAuthNo() }));
    expect(other).toMatchObject({ kind: 'rejected', code: 'INVALID_REQUEST' });
    expect((await t.standingOf(pid)).orders).toHaveLength(1);
  });

  it('refuses NOT_FOUND, NOT_INSURED, ITEM_NOT_PAYABLE and AUTH_INVALID, changing nothing', async () => {
    const pid = await t.newPatient({ scheme: 'employee', balanceFen: 1_234 });
    const uninsured = await t.newPatient({}, false);
    const [good] = await t.charges(pid, [['A', 1_000]]);
    const [paid] = await t.charges(pid, [['A', 2_000]]);
    await postJson(t.his(), '/sandbox/fees/pay-at-window', { itemIds: [paid!.itemId] });
    const [voided] = await t.charges(pid, [['A', 3_000]]);
    await postJson(t.his(), '/sandbox/fees/cancel', { itemIds: [voided!.itemId] });
    const [others] = await t.charges(uninsured, [['A', 4_000]]);
    const before = await snapshot(pid);
    const beforeUninsured = await snapshot(uninsured);
    const auth = payAuthNo();
    const refusals: [Record<string, unknown>, string][] = [
      [upload('P1999999999', [good!.itemId], { payAuthNo: auth }), 'NOT_FOUND'],
      [upload(uninsured, [others!.itemId], { payAuthNo: auth }), 'NOT_INSURED'],
      ...[paid!, voided!, others!].map(
        (i) =>
          [upload(pid, [good!.itemId, i.itemId], { payAuthNo: auth }), 'ITEM_NOT_PAYABLE'] as [
            Record<string, unknown>,
            string,
          ],
      ),
      [upload(pid, [good!.itemId, 'F999999999999'], { payAuthNo: auth }), 'ITEM_NOT_PAYABLE'],
      ...['pan_short', `PAN_${auth.slice(4)}`, `pan_${'x'.repeat(23)}`, `${auth}!`].map(
        (bad) => [upload(pid, [good!.itemId], { payAuthNo: bad }), 'AUTH_INVALID'] as [Record<string, unknown>, string],
      ),
      [upload(pid, [good!.itemId], { medType: '14', payAuthNo: auth }), 'INVALID_REQUEST'],
    ];
    for (const [body, code] of refusals) {
      const r = await rawCall(t.his(), 'insurance.uploadFees', body, { timestampMs: t.clock.ms() });
      expect([r.status, r.json.code]).toEqual([
        code === 'INVALID_REQUEST' ? 400 : code === 'NOT_FOUND' ? 404 : 409,
        code,
      ]);
    }
    expect(await snapshot(pid)).toEqual(before);
    expect(await snapshot(uninsured)).toEqual(beforeUninsured);
    // A refusal does not consume the payAuthNo.
    expect((await t.insurance().uploadFees(upload(pid, [good!.itemId], { payAuthNo: auth }))).feeSumamt).toBe(1_000);
  });

  it('preSettle quotes the split; a repeat answers the same quote, a new requestId re-quotes', async () => {
    const pid = await t.newPatient({ scheme: 'employee', balanceFen: 50_000, deductibleUsedFen: 50_000 });
    const items = await t.charges(pid, [['A', 10_000]]);
    const c = t.insurance();
    const up = await c.uploadFees(upload(pid, [items[0]!.itemId]));
    const pre = { requestId: rid('pre'), payOrdId: up.payOrdId };
    const split = await c.preSettle(pre);
    expect(split).toMatchObject({ payOrdId: up.payOrdId, fundPay: 6_000, psnAcctPay: 4_000, ownPayAmt: 0 });
    expect(await c.query(up.payOrdId)).toMatchObject({
      status: 'preSettled',
      preSettledAt: START,
      split: { fundPay: 6_000 },
    });
    // Quoting debits nothing.
    expect((await t.standingOf(pid)).account.balanceFen).toBe(50_000);

    await t.setStanding(pid, { balanceFen: 1_000 });
    t.clock.add(MIN);
    expect(await c.preSettle(pre)).toEqual(split);
    const again = await c.preSettle({ requestId: rid('pre'), payOrdId: up.payOrdId });
    expect(again).toMatchObject({ fundPay: 6_000, psnAcctPay: 1_000, ownPayAmt: 3_000 });
    expect((await c.query(up.payOrdId))!.split).toMatchObject({ psnAcctPay: 1_000 });
  });

  it('preSettle refuses (changing nothing) an expired payAuthNo, changed or paid items, unknown orders', async () => {
    const pid = await t.newPatient();
    const c = t.insurance();
    const [a, b] = await t.charges(pid, [
      ['A', 1_000],
      ['A', 2_000],
    ]);
    const up = await c.uploadFees(upload(pid, [a!.itemId, b!.itemId]));
    const pre = () => c.preSettle({ requestId: rid('pre'), payOrdId: up.payOrdId });
    const uploaded = await c.query(up.payOrdId);

    await postJson(t.his(), '/sandbox/fees/reprice', { itemId: b!.itemId });
    expect(await rejection(pre())).toMatchObject({ code: 'AMOUNT_MISMATCH' });
    await postJson(t.his(), '/sandbox/fees/pay-at-window', { itemIds: [b!.itemId] });
    expect(await rejection(pre())).toMatchObject({ code: 'ITEM_NOT_PAYABLE' });
    expect(await rejection(c.preSettle({ requestId: rid('pre'), payOrdId: 'ORD0' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await c.query(up.payOrdId)).toEqual(uploaded);

    // 10 minutes after its first use the payAuthNo still holds; a moment later it no longer does.
    const [x] = await t.charges(pid, [['A', 500]]);
    const fresh = await c.uploadFees(upload(pid, [x!.itemId]));
    t.clock.add(10 * MIN);
    expect((await c.preSettle({ requestId: rid('pre'), payOrdId: fresh.payOrdId })).feeSumamt).toBe(500);
    t.clock.add(1);
    expect(await rejection(c.preSettle({ requestId: rid('pre'), payOrdId: fresh.payOrdId }))).toMatchObject({
      code: 'AUTH_INVALID',
    });
  });

  it('revokeUpload voids an unpaid upload once; the order can then neither be quoted nor settled', async () => {
    const pid = await t.newPatient();
    const items = await t.charges(pid, [['B', 3_000]]);
    const c = t.insurance();
    const { up, split } = await t.quote(pid, items);
    const revoked = await c.revokeUpload({ requestId: rid('rv'), payOrdId: up.payOrdId });
    expect(revoked).toMatchObject({ status: 'revoked', revokedAt: START, split: { feeSumamt: 3_000 } });
    t.clock.add(MIN);
    expect(await c.revokeUpload({ requestId: rid('rv'), payOrdId: up.payOrdId })).toEqual(revoked);
    expect(await rejection(c.preSettle({ requestId: rid('pre'), payOrdId: up.payOrdId }))).toMatchObject({
      code: 'INVALID_STATE',
    });
    expect(await rejection(t.fees().settle(t.settleInput(pid, items, split)))).toMatchObject({ code: 'INVALID_STATE' });
    expect(await t.fees().listUnpaid(pid)).toContainEqual(items[0]);
    expect(await rejection(c.refund({ requestId: rid('rf'), payOrdId: up.payOrdId, reason: '测试' }))).toMatchObject({
      code: 'INVALID_STATE',
    });
  });

  it('query answers null for an unknown order and INVALID_REQUEST for a malformed id', async () => {
    expect(await t.insurance().query('ORD330600202611279999999')).toBeNull();
    expect(await rejection(t.insurance().query('not an id!'))).toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('faults apply by method name: retried through, or applied and lost then resolved by the same requestId', async () => {
    const pid = await t.newPatient({ scheme: 'employee', deductibleUsedFen: 0 });
    const items = await t.charges(pid, [['A', 60_000]]);
    const c = t.insurance();
    t.his().setFaults({ failNext: 2, methods: ['insurance.uploadFees'] });
    const up = await c.uploadFees(upload(pid, [items[0]!.itemId]));
    expect(up.feeSumamt).toBe(60_000);

    t.his().setFaults({ failRate: 1, methods: ['insurance.query'] });
    expect(await rejection(c.query(up.payOrdId))).toMatchObject({ kind: 'unavailable', code: 'UNAVAILABLE' });

    const pre = { requestId: rid('pre'), payOrdId: up.payOrdId };
    t.his().setFaults({ failNext: 1, applyThenFail: true, methods: ['insurance.preSettle'] });
    expect(await rejection(t.insurance({ retries: 0 }).preSettle(pre))).toMatchObject({ kind: 'unavailable' });
    t.his().setFaults({});
    const found = await c.query(up.payOrdId);
    expect(found).toMatchObject({ status: 'preSettled' });
    expect(await c.preSettle(pre)).toEqual({ payOrdId: up.payOrdId, ...found!.split });
  });

  it('an answer whose split does not add up is a BAD_RESPONSE, never passed on', async () => {
    const pid = await t.newPatient({ scheme: 'employee', deductibleUsedFen: 50_000 });
    const items = await t.charges(pid, [['A', 10_000]]);
    const { up } = await t.quote(pid, items);
    const tampering: HisFetch = async (url, init) => {
      const res = await fetch(url, init);
      const json = await res.json();
      if (json.data?.fundPay !== undefined) json.data.fundPay += 1;
      if (json.data?.order?.split) json.data.order.split.ownPayAmt -= 1;
      return { status: res.status, text: async () => JSON.stringify(json) };
    };
    const bad = t.insurance({}, tampering);
    expect(await rejection(bad.preSettle({ requestId: rid('pre'), payOrdId: up.payOrdId }))).toMatchObject({
      kind: 'unavailable',
      code: 'BAD_RESPONSE',
    });
    expect(await rejection(bad.query(up.payOrdId))).toMatchObject({ code: 'BAD_RESPONSE' });
  });
});
