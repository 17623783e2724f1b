/**
 * The HIS sandbox's outpatient-fee data and sandbox-only routes: seeded charges (deterministic,
 * believable, amounts consistent), POST/GET /sandbox/fees and the hospital-side changes (作废,
 * window payment, reprice, receipt delay), the e-receipt page, and the 大写 amount on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { HisSandbox } from '../../../devstack/his';
import { DEFAULT_SEED } from '../../../devstack/his/seed';
import { rmbUpper } from '../../../devstack/his/receipt-page';
import { expertFeeFen, specialistFeeFen } from '../../../devstack/his/schedule';
import { createHisFeeClient } from '../../../server/adapters/his/fee-client';
import { silentLogger } from '../../../server/core/log';
import type { HisFeeItem } from '../../../server/ports/his-payment';
import { APP_ID, APP_SECRET, fakeClock, getJson, postJson, rawCall, startTestSandbox } from './helpers';

const START = '2026-11-27T02:00:00.000Z';
const patient = (n: number): string => `P${1_000_000_000 + n}`;

type Listed = HisFeeItem & { status: string; paidVia: string | null; origin: string; cancelledAt: string | null };

describe('rmbUpper', () => {
  it.each([
    [0, '零元整'],
    [1, '壹分'],
    [50, '伍角整'],
    [12345, '壹佰贰拾叁元肆角伍分'],
    [100_000, '壹仟元整'],
    [100_005, '壹仟元零伍分'],
    [100_500, '壹仟零伍元整'],
    [1_005_000, '壹万零伍拾元整'],
    [1_000_000_100, '壹仟万零壹元整'],
  ])('%i fen → %s', (fen, text) => {
    expect(rmbUpper(fen)).toBe(text);
  });
});

describe('HIS sandbox fee data and sandbox routes', () => {
  let his: HisSandbox;
  const clock = fakeClock(START);

  beforeAll(async () => {
    his = await startTestSandbox({ clock: clock.now });
  });
  afterAll(() => his.close());

  const allItems = async (query = ''): Promise<Listed[]> =>
    (await getJson(his, `/sandbox/fees?limit=10000${query}`)).json.data.items;

  it('seeds believable charges: recent unpaid ones for most patients, amounts = lines, fees as scheduled', async () => {
    const items = await allItems();
    const unpaid = items.filter((i) => i.status === 'unpaid');
    expect(new Set(unpaid.map((i) => i.patientId)).size).toBeGreaterThan(300);
    expect(items.some((i) => i.status === 'paid' && i.paidVia === 'window')).toBe(true);
    expect(items.some((i) => i.status === 'cancelled')).toBe(true);
    for (const kind of ['registration', 'prescription', 'lab', 'exam']) {
      expect(unpaid.filter((i) => i.kind === kind).length).toBeGreaterThan(30);
    }
    const doctors = (await getJson(his, '/sandbox/doctors')).json.data.items as {
      name: string;
      title: string;
      level: string;
      deptCode: string;
    }[];
    for (const i of items) {
      expect(i.amountFen).toBe(i.lines.reduce((s, l) => s + l.amountFen, 0));
      for (const l of i.lines) expect(l.amountFen).toBe(l.quantity * l.unitPriceFen);
      expect(Number.isInteger(i.amountFen)).toBe(true);
      expect(i.guide).not.toBe('');
      expect(i.origin).toBe('seed');
      if (i.status === 'unpaid') {
        // Recent: today's or yesterday's clinic, in the past.
        expect(Date.parse(i.orderedAt)).toBeLessThan(clock.ms());
        expect(clock.ms() - Date.parse(i.orderedAt)).toBeLessThan(2 * 86_400_000);
      }
      const doctor = doctors.find((d) => d.name === i.doctorName && d.deptCode === i.deptCode);
      expect(doctor).toBeDefined();
      if (i.kind === 'registration') {
        expect(i.title).toBe(`挂号费·${i.deptName}`);
        const fee =
          doctor!.level === 'expert' ? expertFeeFen(doctor!.title) : specialistFeeFen(DEFAULT_SEED, i.deptCode);
        expect(i.amountFen).toBe(fee);
      }
    }
    const rx = unpaid.find((i) => i.kind === 'prescription' && i.title === '西药处方')!;
    expect(rx.guide).toBe('门诊楼1楼西药房');
    expect(rx.lines[0]!.spec).toMatch(/×|:|袋|丸|ml/);
    const titles = new Set(items.map((i) => i.title));
    for (const t of ['血常规', '胸部CT平扫', '腹部彩超']) expect(titles).toContain(t);
  });

  it('seeds the same charges for the same seed and clock', async () => {
    const other = await startTestSandbox({ clock: clock.now });
    try {
      const strip = (xs: Listed[]) => xs.filter((i) => i.origin === 'seed');
      const theirs = (await getJson(other, '/sandbox/fees?limit=10000')).json.data.items as Listed[];
      expect(strip(theirs).length).toBeGreaterThan(500);
      expect(strip(theirs)).toEqual(strip(await allItems()));
    } finally {
      await other.close();
    }
  });

  it('POST /sandbox/fees generates a charge of a kind, several of a visit, or given items', async () => {
    const pid = patient(31);
    const one = await postJson(his, '/sandbox/fees', { patientId: pid, kind: 'exam', deptCode: '1003' });
    expect(one.status).toBe(200);
    expect(one.json.data.items).toEqual([
      expect.objectContaining({ kind: 'exam', deptCode: '1003', deptName: '呼吸内科', patientId: pid }),
    ]);
    const visit = (await postJson(his, '/sandbox/fees', { patientId: pid, count: 4 })).json.data.items as HisFeeItem[];
    expect(visit).toHaveLength(4);
    expect(new Set(visit.map((i) => i.doctorName)).size).toBe(1);
    expect(visit.map((i) => i.orderedAt)).toEqual([...visit.map((i) => i.orderedAt)].sort());

    const given = await postJson(his, '/sandbox/fees', {
      patientId: pid,
      items: [
        { kind: 'lab', lines: [{ name: '血常规', spec: '项', quantity: 1, unitPriceFen: 2500 }] },
        {
          kind: 'prescription',
          deptCode: '1001',
          lines: [
            { name: '阿莫西林胶囊', spec: '0.25g×24粒', quantity: 2, unitPriceFen: 1250, amountFen: 2500 },
            { name: '布洛芬缓释胶囊', spec: '0.3g×20粒', quantity: 1, unitPriceFen: 1580 },
          ],
        },
      ],
    });
    expect(given.json.data.items).toMatchObject([
      { kind: 'lab', title: '血常规', amountFen: 2500, guide: '门诊楼3楼检验科' },
      { kind: 'prescription', title: '西药处方', amountFen: 4080, deptName: '内科', guide: '门诊楼1楼西药房' },
    ]);
    const client = createHisFeeClient(
      { baseUrl: his.url, appId: APP_ID, appSecret: APP_SECRET, timeoutMs: 2000, retries: 0 },
      { log: silentLogger, now: clock.ms },
    );
    const unpaid = (await client.listUnpaid(pid)).map((i) => i.itemId);
    for (const i of [...one.json.data.items, ...visit, ...given.json.data.items]) expect(unpaid).toContain(i.itemId);
  });

  it('POST /sandbox/fees refuses unknown patients and departments and inconsistent lines', async () => {
    const cases: [unknown, number, string][] = [
      [{ patientId: patient(999_997) }, 404, 'NOT_FOUND'],
      [{ patientId: patient(31), deptCode: '9999' }, 404, 'NOT_FOUND'],
      [{ patientId: patient(31), kind: 'surgery' }, 400, 'INVALID_REQUEST'],
      [
        { patientId: patient(31), items: [{ lines: [{ name: 'x', quantity: 2, unitPriceFen: 5, amountFen: 9 }] }] },
        400,
        'INVALID_REQUEST',
      ],
      [{ patientId: patient(31), count: 2, items: [{}] }, 400, 'INVALID_REQUEST'],
    ];
    const before = (await getJson(his, `/sandbox/fees?patientId=${patient(31)}`)).json.data.counts;
    for (const [body, status, code] of cases) {
      const r = await postJson(his, '/sandbox/fees', body);
      expect([r.status, r.json.code]).toEqual([status, code]);
    }
    expect((await getJson(his, `/sandbox/fees?patientId=${patient(31)}`)).json.data.counts).toEqual(before);
  });

  it('cancel / pay-at-window / reprice change unpaid items only; GET lists all with counts', async () => {
    const pid = patient(32);
    const [a, b, c] = (await postJson(his, '/sandbox/fees', { patientId: pid, count: 3, kind: 'prescription' })).json
      .data.items as HisFeeItem[];
    expect((await postJson(his, '/sandbox/fees/cancel', { itemIds: [a!.itemId] })).json.data.items).toMatchObject([
      { itemId: a!.itemId, status: 'cancelled', cancelledAt: START },
    ]);
    expect(
      (await postJson(his, '/sandbox/fees/pay-at-window', { itemIds: [b!.itemId] })).json.data.items,
    ).toMatchObject([{ itemId: b!.itemId, status: 'paid', paidVia: 'window', paidAt: START }]);
    const again = await postJson(his, '/sandbox/fees/cancel', { itemIds: [c!.itemId, b!.itemId] });
    expect([again.status, again.json.code]).toEqual([409, 'INVALID_STATE']);
    const missing = await postJson(his, '/sandbox/fees/pay-at-window', { itemIds: ['F000000000000'] });
    expect([missing.status, missing.json.code]).toEqual([404, 'NOT_FOUND']);

    const lines = [{ name: '阿莫西林胶囊', spec: '0.25g×24粒', quantity: 3, unitPriceFen: 1250 }];
    const repriced = await postJson(his, '/sandbox/fees/reprice', { itemId: c!.itemId, lines });
    expect(repriced.json.data.item).toMatchObject({ itemId: c!.itemId, status: 'unpaid', amountFen: 3750 });

    const listed = (await getJson(his, `/sandbox/fees?patientId=${pid}`)).json.data;
    const mine = new Map((listed.items as Listed[]).map((i) => [i.itemId, i.status]));
    expect([mine.get(a!.itemId), mine.get(b!.itemId), mine.get(c!.itemId)]).toEqual(['cancelled', 'paid', 'unpaid']);
    expect(listed.counts).toMatchObject({ cancelled: expect.any(Number), paidAtWindow: expect.any(Number) });
    expect(listed.invariants).toEqual({ settlementTotalMismatches: 0, settledItemsNotPaid: 0 });
    expect((await getJson(his, '/sandbox/fees?patientId=P0000000000')).status).toBe(404);
    expect((await getJson(his, '/sandbox/summary')).json.data.fees).toMatchObject({ receiptDelayMs: 0 });
  });

  it('renders the e-receipt page in Chinese with masked name, items, total and codes', async () => {
    const pid = patient(33);
    const items = (await postJson(his, '/sandbox/fees', { patientId: pid, count: 3 })).json.data.items as HisFeeItem[];
    const total = items.reduce((s, i) => s + i.amountFen, 0);
    const client = createHisFeeClient(
      { baseUrl: his.url, appId: APP_ID, appSecret: APP_SECRET, timeoutMs: 2000, retries: 0 },
      { log: silentLogger, now: clock.ms },
    );
    const settlement = await client.settle({
      requestId: 'receipt-page-order-1',
      patientId: pid,
      itemIds: items.map((i) => i.itemId),
      totalFen: total,
      transactionId: '4200002026112700001234',
      paidAt: START,
    });
    const receipt = settlement.receipt!;
    const res = await fetch(receipt.viewUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    const masked = (await getJson(his, `/sandbox/patients?q=${pid}`)).json.data.items[0].name as string;
    const record = await rawCall(his, 'patient.get', { patientId: pid }, { timestampMs: clock.ms() });
    const full = (record.json.data as { patient: { name: string; cardNo: string } }).patient;
    for (const text of [
      '浙江省医疗门诊收费票据（电子）',
      '越州市第一人民医院',
      masked,
      receipt.billBatchCode,
      receipt.billNo,
      receipt.random,
      rmbUpper(total),
      `¥${(total / 100).toFixed(2)}`,
      '2026-11-27 10:00:00',
      ...items.map((i) => i.title),
      ...items.flatMap((i) => i.lines.map((l) => l.name)),
    ]) {
      expect(html).toContain(text);
    }
    expect(masked).toContain('*');
    expect(html).not.toContain(full.name);
    expect(html).not.toContain(full.cardNo);

    expect((await fetch(`${his.url}/receipts/0000000000`)).status).toBe(404);
    expect((await fetch(`${his.url}/receipts/<script>`)).status).toBe(404);
  });

  it('a delayed receipt: none in the sandbox listing until issued, then its page renders', async () => {
    expect((await postJson(his, '/sandbox/fees/config', { receiptDelayMs: 10_000 })).json.data.config).toEqual({
      receiptDelayMs: 10_000,
      receiptBaseUrl: his.url,
    });
    try {
      const pid = patient(34);
      const items = (await postJson(his, '/sandbox/fees', { patientId: pid })).json.data.items as HisFeeItem[];
      const client = createHisFeeClient(
        { baseUrl: his.url, appId: APP_ID, appSecret: APP_SECRET, timeoutMs: 2000, retries: 0 },
        { log: silentLogger, now: clock.ms },
      );
      const input = {
        requestId: 'receipt-delay-order-1',
        patientId: pid,
        itemIds: [items[0]!.itemId],
        totalFen: items[0]!.amountFen,
        transactionId: '4200002026112700005678',
        paidAt: START,
      };
      expect((await client.settle(input)).receipt).toBeNull();
      const listed = (await getJson(his, `/sandbox/fees?patientId=${pid}`)).json.data.settlements[0];
      expect(listed.receipt).toBeNull();
      clock.add(10_000);
      const { receipt } = (await client.getSettlement(input.requestId))!;
      expect((await fetch(receipt!.viewUrl)).status).toBe(200);
    } finally {
      clock.set(START);
      await postJson(his, '/sandbox/fees/config', { receiptDelayMs: 0 });
    }
  });
});

describe('HIS sandbox fee data in a database file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'his-fees-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seeds charges once, also into a database from before they existed; settlements survive a restart', async () => {
    const dbFile = join(dir, 'his.sqlite');
    const count = async (his: HisSandbox): Promise<number> =>
      (await getJson(his, '/sandbox/summary')).json.data.fees.items as number;
    const first = await startTestSandbox({ dbFile });
    const seeded = await count(first);
    const pid = patient(41);
    const [item] = (await postJson(first, '/sandbox/fees', { patientId: pid })).json.data.items as HisFeeItem[];
    const client = (his: HisSandbox) =>
      createHisFeeClient(
        { baseUrl: his.url, appId: APP_ID, appSecret: APP_SECRET, timeoutMs: 2000, retries: 0 },
        { log: silentLogger },
      );
    const input = {
      requestId: 'persist-order-1',
      patientId: pid,
      itemIds: [item!.itemId],
      totalFen: item!.amountFen,
      transactionId: '4200002026112700009999',
      paidAt: new Date().toISOString(),
    };
    const settlement = await client(first).settle(input);
    await first.close();

    const second = await startTestSandbox({ dbFile });
    try {
      expect(await count(second)).toBe(seeded + 1);
      expect(await client(second).getSettlement(input.requestId)).toEqual({
        ...settlement,
        receipt: { ...settlement.receipt!, viewUrl: `${second.url}/receipts/${settlement.receipt!.billNo}` },
      });
      expect(await client(second).settle(input)).toMatchObject({ settlementId: settlement.settlementId });
    } finally {
      await second.close();
    }

    // A database from before charges existed: no fee rows, no feeSeed mark.
    const raw = new Database(dbFile);
    raw.exec(
      "DELETE FROM fee_settlement_items; DELETE FROM fee_settlements; DELETE FROM fee_lines; DELETE FROM fee_items; DELETE FROM meta WHERE key = 'feeSeed'",
    );
    raw.close();
    const third = await startTestSandbox({ dbFile });
    try {
      expect(await count(third)).toBe(seeded);
    } finally {
      await third.close();
    }
  });
});
