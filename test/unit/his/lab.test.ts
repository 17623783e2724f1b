/**
 * HIS sandbox self-ordered lab tests through the cloud-side lab and fee clients, over real HTTP
 * with real signatures: lab.catalog, lab.createOrder (charges listed and settled like any other),
 * idempotency by requestId, refusals that create nothing, and an answer lost then retried. The
 * sandbox and the clients share one fake clock (Friday 2026-11-27 10:00 Asia/Shanghai).
 */
import type { HisSandbox } from '../../../devstack/his';
import { createHisFeeClient } from '../../../server/adapters/his/fee-client';
import { createHisLabClient } from '../../../server/adapters/his/lab-client';
import type { HisClientConfig } from '../../../server/adapters/his/transport';
import { silentLogger } from '../../../server/core/log';
import type { HisFeeItem } from '../../../server/ports/his-payment';
import { APP_ID, APP_SECRET, fakeClock, rawCall, rejection, startTestSandbox } from './helpers';

const START = '2026-11-27T02:00:00.000Z';
const PATIENT = 'P1000000001';

let seq = 0;
const rid = (label: string): string => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

describe('HIS sandbox self-ordered lab tests', () => {
  let his: HisSandbox;
  const clock = fakeClock(START);
  const config = (over: Partial<HisClientConfig> = {}): HisClientConfig => ({
    baseUrl: his.url,
    appId: APP_ID,
    appSecret: APP_SECRET,
    timeoutMs: 2000,
    retries: 2,
    ...over,
  });
  const deps = { sleep: async () => {}, log: silentLogger, now: clock.ms };
  const lab = (over: Partial<HisClientConfig> = {}) => createHisLabClient(config(over), deps);
  const fee = () => createHisFeeClient(config(), deps);

  beforeAll(async () => {
    his = await startTestSandbox({ clock: clock.now });
  });
  afterAll(() => his.close());
  afterEach(() => {
    his.setFaults({});
    clock.set(START);
  });

  it('lab.catalog: the ten tests with integer-fen prices', async () => {
    const tests = await lab().catalog();
    expect(tests.map((t) => t.name)).toEqual([
      '血糖（空腹）',
      '糖化血红蛋白',
      '肝功能',
      '肾功能',
      '血常规',
      '血脂四项',
      '甲状腺功能三项',
      '尿常规',
      '同型半胱氨酸',
      '尿酸',
    ]);
    for (const t of tests) {
      expect(t).toEqual({
        code: expect.stringMatching(/^[A-Z0-9]+$/),
        name: expect.any(String),
        category: expect.stringMatching(/^(血液检查|尿液检查)$/),
        priceFen: expect.any(Number),
        specimen: expect.any(String),
      });
      expect(Number.isInteger(t.priceFen) && t.priceFen >= 100 && t.priceFen <= 10_000).toBe(true);
    }
    expect(tests.find((t) => t.code === 'CBC')).toMatchObject({ name: '血常规', priceFen: 2500, specimen: '静脉血' });
    const extra = await rawCall(his, 'lab.catalog', { all: true }, { timestampMs: clock.ms() });
    expect(extra.json.code).toBe('INVALID_REQUEST');
  });

  it('lab.createOrder: one unpaid lab charge per code, listed and settled like any other', async () => {
    const prices = new Map((await lab().catalog()).map((t) => [t.code, t]));
    const before = (await fee().listUnpaid(PATIENT)).length;
    const items = await lab().createOrder({ requestId: rid('lab'), patientId: PATIENT, codes: ['CBC', 'GLU'] });
    expect(items).toHaveLength(2);
    items.forEach((item, i) => {
      const t = prices.get(['CBC', 'GLU'][i]!)!;
      expect(item).toEqual({
        itemId: expect.stringMatching(/^F\d{12}$/),
        patientId: PATIENT,
        kind: 'lab',
        title: t.name,
        deptCode: expect.any(String),
        deptName: '检验科',
        doctorName: '',
        orderedAt: START,
        amountFen: t.priceFen,
        lines: [{ name: expect.any(String), spec: '项', quantity: 1, unitPriceFen: t.priceFen, amountFen: t.priceFen }],
        guide: '门诊楼3楼检验科采血处',
      });
    });
    const unpaid = await fee().listUnpaid(PATIENT);
    expect(unpaid).toHaveLength(before + 2);
    expect(unpaid.filter((u) => items.some((i) => i.itemId === u.itemId))).toEqual(items);

    const settlement = await fee().settle({
      requestId: rid('order'),
      patientId: PATIENT,
      itemIds: items.map((i) => i.itemId),
      totalFen: items.reduce((s, i) => s + i.amountFen, 0),
      transactionId: `4200${Date.now()}${++seq}`,
      paidAt: START,
    });
    expect(settlement.totalFen).toBe(3100);
    expect((await fee().listUnpaid(PATIENT)).some((u) => items.some((i) => i.itemId === u.itemId))).toBe(false);
  });

  it('idempotent by requestId: the same body answers the same items; another body is refused', async () => {
    const input = { requestId: rid('lab'), patientId: PATIENT, codes: ['URT'] };
    const first = await lab().createOrder(input);
    clock.add(60_000);
    expect(await lab().createOrder(input)).toEqual(first);
    const count = (await fee().listUnpaid(PATIENT)).length;
    for (const other of [
      { ...input, codes: ['URT', 'UA'] },
      { ...input, patientId: 'P1000000002' },
    ]) {
      expect(await rejection(lab().createOrder(other))).toMatchObject({ kind: 'rejected', code: 'INVALID_REQUEST' });
    }
    expect((await fee().listUnpaid(PATIENT)).length).toBe(count);
  });

  it('refusals create nothing: unknown patient, unknown or repeated code, malformed body', async () => {
    const count = (await fee().listUnpaid(PATIENT)).length;
    const call = (body: Record<string, unknown>) =>
      rejection(lab().createOrder({ requestId: rid('lab'), patientId: PATIENT, codes: ['CBC'], ...body }));
    expect(await call({ patientId: 'P1999999999' })).toMatchObject({ code: 'NOT_FOUND' });
    for (const codes of [['CBC', 'NOPE'], ['CBC', 'CBC'], [], Array.from({ length: 11 }, (_, i) => `C${i}`)]) {
      expect(await call({ codes })).toMatchObject({ kind: 'rejected', code: 'INVALID_REQUEST' });
    }
    expect(await call({ requestId: 'short' })).toMatchObject({ code: 'INVALID_REQUEST' });
    expect((await fee().listUnpaid(PATIENT)).length).toBe(count);
    // A refused requestId is not recorded: it may be used once the problem is fixed.
    const requestId = rid('lab');
    await rejection(lab().createOrder({ requestId, patientId: PATIENT, codes: ['NOPE'] }));
    expect(await lab().createOrder({ requestId, patientId: PATIENT, codes: ['UA'] })).toHaveLength(1);
  });

  it('created, answer lost: the retry with the same requestId answers the same charges, once', async () => {
    const input = { requestId: rid('lab'), patientId: PATIENT, codes: ['HCY'] };
    const before = (await fee().listUnpaid(PATIENT)).length;
    his.setFaults({ failNext: 1, applyThenFail: true, methods: ['lab.createOrder'] });
    expect(await rejection(lab({ retries: 0 }).createOrder(input))).toMatchObject({ kind: 'unavailable' });
    his.setFaults({ failNext: 1, methods: ['lab.createOrder'] });
    const items: HisFeeItem[] = await lab().createOrder(input);
    expect(items.map((i) => i.title)).toEqual(['同型半胱氨酸']);
    expect((await fee().listUnpaid(PATIENT)).length).toBe(before + 1);
  });
});
