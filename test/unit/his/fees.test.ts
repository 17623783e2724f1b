/**
 * HIS sandbox outpatient fees through the cloud-side fee client, over real HTTP with real
 * signatures: fee.listUnpaid / fee.settle / fee.getSettlement, idempotency, refusals that change
 * nothing, receipts (incl. a delayed one), fault injection and client retries. The sandbox and the
 * client share one fake clock (Friday 2026-11-27 10:00 Asia/Shanghai).
 */
import type { HisSandbox } from '../../../devstack/his';
import { generateIdNumber } from '../../../devstack/seed/identities';
import { createHisFeeClient } from '../../../server/adapters/his/fee-client';
import type { HisClientConfig } from '../../../server/adapters/his/transport';
import { silentLogger } from '../../../server/core/log';
import type { HisFeeItem, HisSettleInput } from '../../../server/ports/his-payment';
import { APP_ID, APP_SECRET, fakeClock, getJson, postJson, rawCall, rejection, startTestSandbox } from './helpers';

const START = '2026-11-27T02:00:00.000Z';

let seq = 0;
const rid = (label: string): string => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
const patient = (n: number): string => `P${1_000_000_000 + n}`;
const sum = (items: HisFeeItem[]): number => items.reduce((s, i) => s + i.amountFen, 0);

describe('HIS sandbox outpatient fees', () => {
  let his: HisSandbox;
  const clock = fakeClock(START);
  const client = (config: Partial<HisClientConfig> = {}) =>
    createHisFeeClient(
      { baseUrl: his.url, appId: APP_ID, appSecret: APP_SECRET, timeoutMs: 2000, retries: 2, ...config },
      { sleep: async () => {}, log: silentLogger, now: clock.ms },
    );

  beforeAll(async () => {
    his = await startTestSandbox({ clock: clock.now });
  });
  afterAll(() => his.close());
  afterEach(async () => {
    his.setFaults({});
    clock.set(START);
    await postJson(his, '/sandbox/fees/config', { receiptDelayMs: 0 });
  });

  /** New unpaid charges of a patient (sandbox route). */
  async function charges(patientId: string, body: Record<string, unknown> = {}): Promise<HisFeeItem[]> {
    const { status, json } = await postJson(his, '/sandbox/fees', { patientId, ...body });
    expect(status).toBe(200);
    return json.data.items;
  }

  function settleInput(patientId: string, items: HisFeeItem[], over: Partial<HisSettleInput> = {}): HisSettleInput {
    return {
      requestId: rid('order'),
      patientId,
      itemIds: items.map((i) => i.itemId),
      totalFen: sum(items),
      transactionId: `4200${Date.now()}${++seq}`,
      paidAt: new Date(clock.ms() - 5000).toISOString(),
      ...over,
    };
  }

  /** Everything the sandbox holds for a patient, to prove a refusal changed nothing. */
  const snapshot = async (patientId: string) => (await getJson(his, `/sandbox/fees?patientId=${patientId}`)).json.data;

  it('lists a seeded patient’s unpaid charges, oldest first, each its lines’ sum', async () => {
    const all = (await getJson(his, '/sandbox/fees?status=unpaid&limit=10000')).json.data.items as HisFeeItem[];
    const pid = all[0]!.patientId;
    const items = await client().listUnpaid(pid);
    expect(items.length).toBeGreaterThan(0);
    expect(items.map((i) => i.itemId).sort()).toEqual(
      all
        .filter((i) => i.patientId === pid)
        .map((i) => i.itemId)
        .sort(),
    );
    const ordered = items.map((i) => i.orderedAt);
    expect([...ordered].sort()).toEqual(ordered);
    for (const i of items) {
      expect(i).toEqual({
        itemId: expect.stringMatching(/^F\d{12}$/),
        patientId: pid,
        kind: expect.stringMatching(/^(registration|prescription|lab|exam)$/),
        title: expect.any(String),
        deptCode: expect.any(String),
        deptName: expect.any(String),
        doctorName: expect.any(String),
        orderedAt: expect.any(String),
        amountFen: i.lines.reduce((s, l) => s + l.amountFen, 0),
        lines: expect.any(Array),
        guide: expect.stringMatching(/楼/),
      });
      expect(Date.parse(i.orderedAt)).toBeLessThanOrEqual(clock.ms());
    }
  });

  it('answers an empty list for a patient without charges and NOT_FOUND for an unknown one', async () => {
    const idNumber = generateIdNumber({ fromYear: 1980, toYear: 1990 });
    const created = await rawCall(
      his,
      'patient.create',
      {
        requestId: rid('bind'),
        name: '缴费测试',
        idNumber,
        phone: '13800000000',
        gender: Number(idNumber[16]) % 2 === 1 ? 'M' : 'F',
        birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
        socialSecurityNo: null,
      },
      // The sandbox's clock is faked: sign with it.
      { timestampMs: clock.ms() },
    );
    expect(created.status).toBe(200);
    const { patientId } = (created.json.data as { patient: { patientId: string } }).patient;
    expect(await client().listUnpaid(patientId)).toEqual([]);
    const err = await rejection(client().listUnpaid(patient(999_999)));
    expect(err).toMatchObject({ kind: 'rejected', code: 'NOT_FOUND' });
    const bad = await rejection(client().listUnpaid('nope'));
    expect(bad).toMatchObject({ kind: 'rejected', code: 'INVALID_REQUEST' });
  });

  it('settles items once: a receipt, the items paid; a repeat answers the same settlement', async () => {
    const pid = patient(11);
    const items = await charges(pid, { count: 3 });
    const input = settleInput(pid, items);
    const c = client();
    const settlement = await c.settle(input);
    expect(settlement).toEqual({
      settlementId: expect.stringMatching(/^JS\d{12}$/),
      requestId: input.requestId,
      patientId: pid,
      itemIds: input.itemIds,
      totalFen: sum(items),
      transactionId: input.transactionId,
      settledAt: START,
      receipt: {
        billBatchCode: expect.stringMatching(/^\d{8}$/),
        billNo: expect.stringMatching(/^\d{10}$/),
        random: expect.stringMatching(/^[0-9a-z]{6}$/),
        issuedAt: START,
        viewUrl: `${his.url}/receipts/${settlement.receipt!.billNo}`,
      },
    });
    const unpaid = (await c.listUnpaid(pid)).map((i) => i.itemId);
    for (const id of input.itemIds) expect(unpaid).not.toContain(id);

    clock.add(60_000);
    expect(await c.settle(input)).toEqual(settlement);
    expect(await c.settle({ ...input, itemIds: [...input.itemIds] })).toEqual(settlement);
    const listed = await snapshot(pid);
    expect(listed.settlements).toHaveLength(1);
    expect(listed.items.filter((i: { settlementId: string }) => i.settlementId === settlement.settlementId)).toEqual(
      expect.arrayContaining([expect.objectContaining({ status: 'paid', paidVia: 'gateway' })]),
    );
    expect(listed.invariants).toEqual({ settlementTotalMismatches: 0, settledItemsNotPaid: 0 });

    // The same requestId with another body is refused.
    const other = await rejection(c.settle({ ...input, transactionId: 'another-tx-1' }));
    expect(other).toMatchObject({ kind: 'rejected', code: 'INVALID_REQUEST' });
  });

  it('getSettlement: null before, the settlement after', async () => {
    const pid = patient(12);
    const items = await charges(pid, { kind: 'lab' });
    const input = settleInput(pid, items);
    const c = client();
    expect(await c.getSettlement(input.requestId)).toBeNull();
    const settlement = await c.settle(input);
    expect(await c.getSettlement(input.requestId)).toEqual(settlement);
  });

  it('refuses ITEM_NOT_PAYABLE (paid, cancelled, paid at the window, other patient, unknown) changing nothing', async () => {
    const pid = patient(13);
    const c = client();
    const [paid] = await charges(pid, { kind: 'exam' });
    await c.settle(settleInput(pid, [paid!]));
    const [voided] = await charges(pid, { kind: 'prescription' });
    expect((await postJson(his, '/sandbox/fees/cancel', { itemIds: [voided!.itemId] })).status).toBe(200);
    const [atWindow] = await charges(pid, { kind: 'lab' });
    expect((await postJson(his, '/sandbox/fees/pay-at-window', { itemIds: [atWindow!.itemId] })).status).toBe(200);
    const [others] = await charges(patient(14), { kind: 'registration' });
    const [good] = await charges(pid, { kind: 'registration' });

    const before = await snapshot(pid);
    const beforeOther = await snapshot(patient(14));
    const unknown = { ...good!, itemId: 'F999999999999' };
    for (const bad of [paid!, voided!, atWindow!, others!, unknown]) {
      const input = settleInput(pid, [good!, bad]);
      const err = await rejection(c.settle(input));
      expect(err).toMatchObject({ kind: 'rejected', code: 'ITEM_NOT_PAYABLE' });
      expect(await c.getSettlement(input.requestId)).toBeNull();
    }
    expect(await snapshot(pid)).toEqual(before);
    expect(await snapshot(patient(14))).toEqual(beforeOther);
    expect(await c.listUnpaid(pid)).toContainEqual(good);
  });

  it('refuses AMOUNT_MISMATCH changing nothing; the same requestId works once the total is right', async () => {
    const pid = patient(15);
    const c = client();
    const items = await charges(pid, { count: 2, kind: 'prescription' });
    const input = settleInput(pid, items, { totalFen: sum(items) - 1 });
    const before = await snapshot(pid);
    expect(await rejection(c.settle(input))).toMatchObject({ kind: 'rejected', code: 'AMOUNT_MISMATCH' });
    expect(await snapshot(pid)).toEqual(before);

    // The pharmacy changed the prescription meanwhile: the old total no longer matches.
    const { json } = await postJson(his, '/sandbox/fees/reprice', { itemId: items[0]!.itemId });
    const repriced = json.data.item as HisFeeItem;
    expect(repriced.amountFen).toBe(items[0]!.amountFen + repriced.lines[0]!.unitPriceFen);
    const stale = { ...input, totalFen: sum(items) };
    expect(await rejection(c.settle(stale))).toMatchObject({ code: 'AMOUNT_MISMATCH' });
    const fixed = { ...input, totalFen: repriced.amountFen + items[1]!.amountFen };
    expect((await c.settle(fixed)).totalFen).toBe(fixed.totalFen);
  });

  it('refuses a transactionId already settled, malformed input, and NOT_FOUND for an unknown patient', async () => {
    const pid = patient(16);
    const c = client();
    const [a] = await charges(pid);
    const [b] = await charges(pid);
    const first = settleInput(pid, [a!]);
    await c.settle(first);
    const reuse = settleInput(pid, [b!], { transactionId: first.transactionId });
    expect(await rejection(c.settle(reuse))).toMatchObject({ code: 'INVALID_REQUEST' });
    const dup = settleInput(pid, [b!, b!], { totalFen: 2 * b!.amountFen });
    expect(await rejection(c.settle(dup))).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await rejection(c.settle(settleInput(pid, [b!], { paidAt: 'yesterday' })))).toMatchObject({
      code: 'INVALID_REQUEST',
    });
    expect(await rejection(c.settle(settleInput(patient(999_998), [b!])))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await c.listUnpaid(pid)).toContainEqual(b);
  });

  it('two concurrent settles of the same item: exactly one wins', async () => {
    const pid = patient(17);
    const items = await charges(pid, { count: 2 });
    const c = client();
    const results = await Promise.allSettled([c.settle(settleInput(pid, items)), c.settle(settleInput(pid, items))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ kind: 'rejected', code: 'ITEM_NOT_PAYABLE' });
    expect((await snapshot(pid)).counts.settlements).toBe(1);
  });

  it('a delayed receipt: null until issued, then in getSettlement and a repeated settle', async () => {
    await postJson(his, '/sandbox/fees/config', { receiptDelayMs: 30_000 });
    const pid = patient(18);
    const items = await charges(pid, { kind: 'exam' });
    const input = settleInput(pid, items);
    const c = client();
    const settlement = await c.settle(input);
    expect(settlement.receipt).toBeNull();
    expect((await c.getSettlement(input.requestId))!.receipt).toBeNull();
    clock.add(30_000);
    const later = await c.getSettlement(input.requestId);
    expect(later!.receipt).toMatchObject({ issuedAt: new Date(Date.parse(START) + 30_000).toISOString() });
    expect(await c.settle(input)).toEqual(later);
  });

  it('fault injection: the client sees unavailable, retries settle safely, and applied-then-lost resolves', async () => {
    const pid = patient(19);
    const items = await charges(pid, { count: 2 });
    const c = client();

    his.setFaults({ failRate: 1, methods: ['fee.settle', 'fee.listUnpaid', 'fee.getSettlement'] });
    const input = settleInput(pid, items);
    expect(await rejection(c.settle(input))).toMatchObject({ kind: 'unavailable', code: 'UNAVAILABLE' });
    expect(await rejection(c.listUnpaid(pid))).toMatchObject({ kind: 'unavailable' });
    expect(await rejection(c.getSettlement(input.requestId))).toMatchObject({ kind: 'unavailable' });
    his.setFaults({});
    expect(await c.getSettlement(input.requestId)).toBeNull();

    // Fail, then succeed: the transport's retry settles it.
    his.setFaults({ failNext: 2, methods: ['fee.settle'] });
    const settled = await c.settle(input);
    expect(settled.itemIds).toEqual(input.itemIds);

    // Applied, then the answer lost: the outcome is unknown to a client without retries…
    const more = await charges(pid, { kind: 'lab' });
    const lost = settleInput(pid, more);
    his.setFaults({ failNext: 1, applyThenFail: true, methods: ['fee.settle'] });
    expect(await rejection(client({ retries: 0 }).settle(lost))).toMatchObject({ kind: 'unavailable' });
    // …and resolved by asking, or by settling again with the same requestId.
    const found = await c.getSettlement(lost.requestId);
    expect(found).toMatchObject({ requestId: lost.requestId, totalFen: sum(more) });
    expect(await c.settle(lost)).toEqual(found);
  });
});
