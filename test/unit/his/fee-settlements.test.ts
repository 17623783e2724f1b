/**
 * fee.listSettlements (the daily payment reconciliation's read) against the HIS sandbox, through the
 * cloud-side fee client and hand-signed calls: Asia/Shanghai business dates whatever the process TZ
 * (the suite runs under TZ=UTC and TZ=Asia/Shanghai), keyset paging with a cursor (ties on
 * settledAt, settlements made out of id order, one made between pages), window payments left out,
 * bad input refused, fault injection and retries, and the client's validation of the answer.
 */
import type { HisSandbox } from '../../../devstack/his';
import { createHisFeeClient } from '../../../server/adapters/his/fee-client';
import type { HisFetch } from '../../../server/adapters/his/node-http';
import type { HisClientConfig } from '../../../server/adapters/his/transport';
import { silentLogger } from '../../../server/core/log';
import type { HisFeeItem, HisSettlement, HisSettlementPage } from '../../../server/ports/his-payment';
import { APP_ID, APP_SECRET, fakeClock, postJson, rawCall, rejection, startTestSandbox } from './helpers';

const START = '2026-11-27T02:00:00.000Z';

let seq = 0;
const patient = (n: number): string => `P${1_000_000_000 + n}`;
const byPosition = (a: HisSettlement, b: HisSettlement): number =>
  a.settledAt.localeCompare(b.settledAt) || a.settlementId.localeCompare(b.settlementId);
const ids = (list: HisSettlement[]): string[] => list.map((s) => s.settlementId);

describe('HIS sandbox fee.listSettlements', () => {
  let his: HisSandbox;
  const clock = fakeClock(START);
  const client = (config: Partial<HisClientConfig> = {}, fetch?: HisFetch) =>
    createHisFeeClient(
      { baseUrl: his.url, appId: APP_ID, appSecret: APP_SECRET, timeoutMs: 2000, retries: 2, ...config },
      { sleep: async () => {}, log: silentLogger, now: clock.ms, fetch },
    );

  beforeAll(async () => {
    his = await startTestSandbox({ clock: clock.now });
  });
  afterAll(() => his.close());
  afterEach(() => {
    his.setFaults({});
    clock.set(START);
  });

  /** A new charge of patient n settled through the gateway at `iso` (sandbox clock). */
  async function settleAt(iso: string, n = 21): Promise<HisSettlement> {
    clock.set(iso);
    const pid = patient(n);
    const { status, json } = await postJson(his, '/sandbox/fees', { patientId: pid });
    expect(status).toBe(200);
    const items = json.data.items as HisFeeItem[];
    return client().settle({
      requestId: `recon-${++seq}-${Math.random().toString(36).slice(2, 8)}`,
      patientId: pid,
      itemIds: items.map((i) => i.itemId),
      totalFen: items.reduce((s, i) => s + i.amountFen, 0),
      transactionId: `4200recon${Date.now()}${seq}`,
      paidAt: new Date(Date.parse(iso) - 3000).toISOString(),
    });
  }

  /** A hand-signed fee.listSettlements (to set `limit` and send malformed bodies). */
  async function list(body: unknown): Promise<{ status: number; code: string; page?: HisSettlementPage }> {
    const { status, json } = await rawCall(his, 'fee.listSettlements', body, { timestampMs: clock.ms() });
    return { status, code: json.code, page: json.data as HisSettlementPage | undefined };
  }

  /** Every page of `date` at `limit` per page, following nextCursor. */
  async function allPages(date: string, limit: number): Promise<HisSettlementPage[]> {
    const pages: HisSettlementPage[] = [];
    let cursor: string | undefined;
    do {
      const { status, page } = await list(cursor === undefined ? { date, limit } : { date, cursor, limit });
      expect(status).toBe(200);
      pages.push(page!);
      cursor = page!.nextCursor ?? undefined;
    } while (cursor !== undefined && pages.length < 100);
    return pages;
  }

  it('lists by the Asia/Shanghai date of settledAt: 23:59:59 and 00:00:00 land on different dates', async () => {
    // 2026-12-01 runs from 2026-11-30T16:00:00Z to 2026-12-01T16:00:00Z, whatever the process TZ.
    const lastOfNov30 = await settleAt('2026-11-30T15:59:59.999Z');
    const firstOfDec1 = await settleAt('2026-11-30T16:00:00.000Z');
    const lastOfDec1 = await settleAt('2026-12-01T15:59:59.000Z');
    const firstOfDec2 = await settleAt('2026-12-01T16:00:00.000Z');
    clock.set('2026-12-02T02:00:00.000Z');
    const c = client();

    const dec1 = await c.listSettlements('2026-12-01');
    expect(dec1).toEqual({ settlements: [firstOfDec1, lastOfDec1], nextCursor: null });
    expect(await c.listSettlements('2026-12-02')).toEqual({ settlements: [firstOfDec2], nextCursor: null });
    expect(await c.listSettlements('2026-11-30')).toEqual({ settlements: [lastOfNov30], nextCursor: null });
    // The answer is the settlement as getSettlement has it now.
    expect(dec1.settlements[1]).toEqual(await c.getSettlement(lastOfDec1.requestId));
    // A day without gateway settlements: an empty page.
    expect(await c.listSettlements('2026-12-24')).toEqual({ settlements: [], nextCursor: null });
  });

  it('pages with a cursor in settledAt, settlementId order: ties, out-of-id-order and later settlements', async () => {
    const date = '2026-12-03'; // 2026-12-02T16:00Z … 2026-12-03T16:00Z
    const made: HisSettlement[] = [];
    // Three at the very same instant (only settlementId orders them), then some out of id order.
    for (let i = 0; i < 3; i++) made.push(await settleAt('2026-12-03T02:00:00.000Z', 22 + i));
    made.push(await settleAt('2026-12-03T01:00:00.000Z', 25));
    made.push(await settleAt('2026-12-03T03:00:00.000Z', 26));
    made.push(await settleAt('2026-12-02T16:00:00.000Z', 27));
    made.push(await settleAt('2026-12-03T02:00:00.000Z', 28));
    // Paid at the window that day: not the cloud's business, never listed.
    clock.set('2026-12-03T04:00:00.000Z');
    const [atWindow] = (await postJson(his, '/sandbox/fees', { patientId: patient(29) })).json.data.items;
    expect((await postJson(his, '/sandbox/fees/pay-at-window', { itemIds: [atWindow.itemId] })).status).toBe(200);
    clock.set('2026-12-03T08:00:00.000Z');
    const expected = [...made].sort(byPosition);
    expect(ids(expected)).not.toEqual(ids(made));

    // Pages of 3: 3 + 3 + 1, the last with nextCursor null; together exactly the day, in order.
    const pages = await allPages(date, 3);
    expect(pages.map((p) => p.settlements.length)).toEqual([3, 3, 1]);
    expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);
    expect(pages.flatMap((p) => p.settlements)).toEqual(expected);
    // A page boundary inside the tie at 02:00 (positions 2–5): nothing repeated, nothing skipped.
    expect(ids(pages[0]!.settlements).concat(ids(pages[1]!.settlements))).toEqual(ids(expected.slice(0, 6)));

    // Pages of 1, and a page size that fits exactly (no empty trailing page).
    expect((await allPages(date, 1)).map((p) => ids(p.settlements))).toEqual(ids(expected).map((id) => [id]));
    expect(await list({ date, limit: 7 })).toMatchObject({ status: 200, page: { nextCursor: null } });
    // The client (default page size 200): the whole day at once, and on from a cursor it was given.
    const c = client();
    expect(await c.listSettlements(date)).toEqual({ settlements: expected, nextCursor: null });
    expect(await c.listSettlements(date, pages[0]!.nextCursor!)).toEqual({
      settlements: expected.slice(3),
      nextCursor: null,
    });

    // Settled after the first page was read, sorting after it: on a later page.
    const first = (await list({ date, limit: 3 })).page!;
    const late = await settleAt('2026-12-03T15:59:59.999Z', 30);
    clock.set('2026-12-03T16:30:00.000Z');
    const second = (await list({ date, cursor: first.nextCursor, limit: 3 })).page!;
    const rest = await c.listSettlements(date, second.nextCursor!);
    expect([...first.settlements, ...second.settlements, ...rest.settlements]).toEqual([...expected, late]);
    expect(rest.nextCursor).toBeNull();
    // The next day starts where this one ends.
    expect((await c.listSettlements('2026-12-04')).settlements).toEqual([]);
  });

  it('refuses a bad date, limit or cursor and unknown fields with INVALID_REQUEST', async () => {
    await settleAt('2026-12-05T02:00:00.000Z', 31);
    await settleAt('2026-12-05T03:00:00.000Z', 32);
    await settleAt('2026-12-06T03:00:00.000Z', 33);
    clock.set('2026-12-06T08:00:00.000Z');
    const { page } = await list({ date: '2026-12-05', limit: 1 });
    const cursor = page!.nextCursor!;
    expect(cursor).toEqual(expect.any(String));
    expect((await list({ date: '2026-12-05', cursor })).page!.settlements).toHaveLength(1);

    const forged = (parts: unknown): string => Buffer.from(JSON.stringify(parts)).toString('base64url');
    const bad: unknown[] = [
      {},
      { date: '2026-12-5' },
      { date: '2026/12/05' },
      { date: '2026-02-30' },
      { date: '2026-12-05T00:00:00Z' },
      { date: 20261205 },
      { date: null },
      { date: '2026-12-05', limit: 0 },
      { date: '2026-12-05', limit: 501 },
      { date: '2026-12-05', limit: 2.5 },
      { date: '2026-12-05', limit: -1 },
      { date: '2026-12-05', limit: '10' },
      { date: '2026-12-05', cursor: '' },
      { date: '2026-12-05', cursor: 'not-a-cursor' },
      { date: '2026-12-05', cursor: 'x'.repeat(300) },
      { date: '2026-12-05', cursor: 42 },
      { date: '2026-12-05', cursor: null },
      // Another date's cursor, and well-formed but forged ones.
      { date: '2026-12-06', cursor },
      { date: '2026-12-05', cursor: forged(['2026-12-05', 'yesterday', 'JS100000000001']) },
      { date: '2026-12-05', cursor: forged(['2026-12-05', '2026-12-06T03:00:00.000Z', 'JS100000000001']) },
      { date: '2026-12-05', cursor: forged(['2026-12-05', '2026-12-05T02:00:00.000Z', 'DROP TABLE']) },
      { date: '2026-12-05', cursor: forged({ date: '2026-12-05' }) },
      { date: '2026-12-05', cursor: `${cursor}==` },
      { date: '2026-12-05', page: 2 },
    ];
    for (const body of bad) {
      const r = await list(body);
      expect({ body, status: r.status, code: r.code }).toEqual({ body, status: 400, code: 'INVALID_REQUEST' });
    }
    // The extremes of limit are fine.
    expect((await list({ date: '2026-12-05', limit: 1 })).status).toBe(200);
    expect((await list({ date: '2026-12-05', limit: 500 })).status).toBe(200);

    // Through the client: definitive rejections, not retried.
    let calls = 0;
    const counting: HisFetch = (url, init) => {
      calls++;
      return fetch(url, init);
    };
    const c = client({}, counting);
    expect(await rejection(c.listSettlements('2026-13-01'))).toMatchObject({
      kind: 'rejected',
      code: 'INVALID_REQUEST',
    });
    expect(await rejection(c.listSettlements('2026-12-05', 'garbage'))).toMatchObject({
      kind: 'rejected',
      code: 'INVALID_REQUEST',
    });
    expect(await rejection(c.listSettlements('2026-12-06', cursor))).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(calls).toBe(3);
  });

  it('fault injection applies: unavailable after retries, retried to success, other methods’ faults ignored', async () => {
    const settled = await settleAt('2026-12-07T02:00:00.000Z', 34);
    clock.set('2026-12-07T08:00:00.000Z');
    let calls = 0;
    const counting: HisFetch = (url, init) => {
      calls++;
      return fetch(url, init);
    };
    const c = client({ retries: 2 }, counting);
    const ok = { settlements: [settled], nextCursor: null };

    his.setFaults({ failRate: 1, methods: ['fee.listSettlements'] });
    expect(await rejection(c.listSettlements('2026-12-07'))).toMatchObject({
      kind: 'unavailable',
      code: 'UNAVAILABLE',
    });
    expect(calls).toBe(3);
    expect((await list({ date: '2026-12-07' })).status).toBe(503);

    // Fail twice, then succeed: a read, so the transport retries it.
    calls = 0;
    his.setFaults({ failNext: 2, methods: ['fee.listSettlements'] });
    expect(await c.listSettlements('2026-12-07')).toEqual(ok);
    expect(calls).toBe(3);

    // One failure more than the retries: unavailable.
    his.setFaults({ failNext: 3, methods: ['fee.listSettlements'] });
    expect(await rejection(c.listSettlements('2026-12-07'))).toMatchObject({ kind: 'unavailable' });

    // Faults of all methods apply to it too; faults of other methods do not.
    his.setFaults({ failNext: 1 });
    expect(await rejection(client({ retries: 0 }).listSettlements('2026-12-07'))).toMatchObject({
      kind: 'unavailable',
    });
    his.setFaults({ failRate: 1, methods: ['fee.settle', 'fee.getSettlement'] });
    expect(await client({ retries: 0 }).listSettlements('2026-12-07')).toEqual(ok);
  });

  it('the client refuses an answer that does not match the protocol (BAD_RESPONSE, not retried)', async () => {
    await settleAt('2026-12-08T02:00:00.000Z', 35);
    clock.set('2026-12-08T08:00:00.000Z');
    /** Forwards the call and rewrites the page in the answer. */
    const tampering =
      (edit: (page: HisSettlementPage) => unknown): HisFetch =>
      async (url, init) => {
        const res = await fetch(url, init);
        const json = (await res.json()) as { code: string; data: HisSettlementPage };
        const text = JSON.stringify({ ...json, data: edit(json.data) });
        return { status: res.status, text: async () => text };
      };
    const cases: ((p: HisSettlementPage) => unknown)[] = [
      // A settlement of another Shanghai date (one second before the day starts).
      (p) => ({ ...p, settlements: [{ ...p.settlements[0]!, settledAt: '2026-12-07T15:59:59.000Z' }] }),
      (p) => ({ ...p, settlements: [{ ...p.settlements[0]!, settledAt: 'today' }] }),
      (p) => ({ ...p, nextCursor: '' }),
      (p) => ({ settlements: p.settlements }),
      (p) => ({ ...p, settlements: [{ ...p.settlements[0]!, requestId: undefined }] }),
    ];
    for (const edit of cases) {
      let calls = 0;
      const f = tampering(edit);
      const counting: HisFetch = (url, init) => {
        calls++;
        return f(url, init);
      };
      expect(await rejection(client({ retries: 2 }, counting).listSettlements('2026-12-08'))).toMatchObject({
        kind: 'unavailable',
        code: 'BAD_RESPONSE',
      });
      expect(calls).toBe(1);
    }
    // Untampered, the same day passes.
    expect((await client().listSettlements('2026-12-08')).settlements).toHaveLength(1);
  });
});
