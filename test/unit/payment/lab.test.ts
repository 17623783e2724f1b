/**
 * 自助检验申请 through the payment function (emulator, fake HIS and WeChat Pay): the catalog (HIS
 * prices × hospital rules), ordering → one payable order, one order and one count per tap, the
 * daily limit (atomic, reset at the Shanghai midnight), eligibility, ownership, HIS failures, bad input.
 */
import { DEFAULT_LAB_RULES } from '../../../server/config/lab-rules';
import type { LabRules } from '../../../server/domain/payment/lab';
import type { Envelope } from '../../../typings/envelope';
import type {
  PaymentCreateOrderResponse,
  PaymentLabCatalogResponse,
  PaymentListUnpaidResponse,
  PaymentOrderView,
} from '../../../typings/payment';
import { makePaymentHarness, ok, transactionNotice, type PaymentHarness } from './fakes';

/** Friday 2026-12-04 09:00 Asia/Shanghai. */
const NOW = new Date('2026-12-04T01:00:00.000Z');
const ALICE = 'o-alice';
const BOB = 'o-bob';
const ADULT = { gender: 'M', birthDate: '1990-03-07' };

async function setup(card: Record<string, unknown> = ADULT, labRules?: Partial<LabRules>) {
  const h = makePaymentHarness(NOW, undefined, labRules ? { labRules } : {});
  const cardId = await h.addCard(ALICE, 'P100', '王小明', card);
  return { h, cardId };
}

const catalog = async (h: PaymentHarness, cardId: string) =>
  ok<PaymentLabCatalogResponse>(await h.call(ALICE, { action: 'labCatalog', cardId }));
const orderLab = (h: PaymentHarness, cardId: string, codes: unknown, key: unknown, who = ALICE) =>
  h.call(who, { action: 'orderLabTests', cardId, codes, idempotencyKey: key });
const ordered = async (h: PaymentHarness, cardId: string, codes: string[], key: string) =>
  ok<PaymentCreateOrderResponse>(await orderLab(h, cardId, codes, key));
const refusal = (env: Envelope<unknown>) => (env.ok ? env : env.error);
const labItems = (h: PaymentHarness) => [...h.his.items.values()].filter((i) => i.kind === 'lab');
const KEY = (n: number) => `tap-0000000${n}`;

describe('payment: 自助检验 catalog', () => {
  it('offers the HIS tests the rules know, with the HIS price and the rules’ notes', async () => {
    const { h, cardId } = await setup();
    h.lab.tests.find((t) => t.code === 'CBC')!.priceFen = 2650;
    const c = await catalog(h, cardId);
    // Rules order; HOR6 has no rule, HCY no HIS test: neither is offered.
    expect(c.tests.map((t) => t.code)).toEqual(['GLU', 'CBC', 'LIP4', 'URT']);
    expect(c.tests[1]).toEqual({
      code: 'CBC',
      name: '血常规',
      category: '血液检查',
      priceFen: 2650,
      specimen: '静脉血',
      preparation: '',
      turnaround: DEFAULT_LAB_RULES.tests.CBC!.turnaround,
      eligible: true,
      ineligibleReason: null,
    });
    expect(c.tests[0]!.preparation).toBe(DEFAULT_LAB_RULES.tests.GLU!.preparation);
    expect(c).toMatchObject({ cardId, perDayLimit: 3, remainingToday: 3, site: DEFAULT_LAB_RULES.site });
  });

  it('HIS down: hisUnavailable', async () => {
    const { h, cardId } = await setup();
    h.lab.catalogDown = true;
    const env = await h.call(ALICE, { action: 'labCatalog', cardId });
    expect(refusal(env)).toMatchObject({ code: 'UNAVAILABLE', reason: 'hisUnavailable' });
  });
});

describe('payment: orderLabTests', () => {
  it('creates the HIS charges and one order of them, paid and settled like any other', async () => {
    const { h, cardId } = await setup();
    const { order, payParams } = await ordered(h, cardId, ['CBC', 'GLU'], KEY(1));
    expect(order.items.map((i) => [i.kind, i.title, i.amountFen, i.doctorName])).toEqual([
      ['lab', '血常规', 2500, ''],
      ['lab', '血糖（空腹）', 600, ''],
    ]);
    expect(order.items[0]!.guide).toBe('门诊楼3楼检验科采血处');
    expect(order.split.totalFen).toBe(3100);
    expect(payParams?.package).toMatch(/^prepay_id=/);
    expect(h.lab.requests.size).toBe(1);
    expect((await catalog(h, cardId)).remainingToday).toBe(2);

    await h.notify(transactionNotice(h.pay.pay(order.orderId)));
    const done = ok<PaymentOrderView>(await h.call(ALICE, { action: 'get', orderId: order.orderId }));
    expect(done.status).toBe('settled');
    const unpaid = ok<PaymentListUnpaidResponse>(await h.call(ALICE, { action: 'listUnpaid', cardId }));
    expect(unpaid.items).toEqual([]);
  });

  it('the same key twice — later, at once, after payment — is the same order and one count', async () => {
    const { h, cardId } = await setup();
    const [a, b] = await Promise.all([
      ordered(h, cardId, ['CBC', 'GLU'], KEY(1)),
      ordered(h, cardId, ['CBC', 'GLU'], KEY(1)),
    ]);
    expect(b.order.orderId).toBe(a.order.orderId);
    const again = await ordered(h, cardId, ['GLU', 'CBC'], KEY(1));
    expect(again.order.orderId).toBe(a.order.orderId);
    expect(labItems(h)).toHaveLength(2);
    expect(h.pay.orders.size).toBe(1);
    expect((await catalog(h, cardId)).remainingToday).toBe(2);

    await h.notify(transactionNotice(h.pay.pay(a.order.orderId)));
    const paid = await ordered(h, cardId, ['CBC', 'GLU'], KEY(1));
    expect(paid.order).toMatchObject({ orderId: a.order.orderId, status: 'settled' });
    expect(paid.payParams).toBeNull();
  });

  it('the limit: the 4th order of the day is labDailyLimit and creates nothing; a repeat still answers', async () => {
    const { h, cardId } = await setup();
    const first = await ordered(h, cardId, ['CBC'], KEY(1));
    await ordered(h, cardId, ['GLU'], KEY(2));
    await ordered(h, cardId, ['URT', 'LIP4'], KEY(3));
    const calls = h.lab.createCalls;
    const env = await orderLab(h, cardId, ['CBC'], KEY(4));
    expect(refusal(env)).toMatchObject({ code: 'RESOURCE_EXHAUSTED', reason: 'labDailyLimit' });
    expect(h.lab.createCalls).toBe(calls);
    expect(labItems(h)).toHaveLength(4);
    expect((await catalog(h, cardId)).remainingToday).toBe(0);
    expect((await ordered(h, cardId, ['CBC'], KEY(1))).order.orderId).toBe(first.order.orderId);
  });

  it('taps at once never pass the limit together', async () => {
    const { h, cardId } = await setup(ADULT, { perDayLimit: 2 });
    const envs = await Promise.all([1, 2, 3, 4, 5].map((n) => orderLab(h, cardId, ['CBC'], KEY(n))));
    expect(envs.filter((e) => e.ok)).toHaveLength(2);
    for (const e of envs.filter((x) => !x.ok)) expect(refusal(e)).toMatchObject({ reason: 'labDailyLimit' });
    expect(h.lab.requests.size).toBe(2);
  });

  it('the limit resets at the Asia/Shanghai midnight, whatever the server’s TZ', async () => {
    const { h, cardId } = await setup(ADULT, { perDayLimit: 1 });
    h.clock.now = new Date('2026-12-04T15:59:00.000Z'); // 23:59 in Shanghai
    const late = await ordered(h, cardId, ['CBC'], KEY(1));
    expect(refusal(await orderLab(h, cardId, ['GLU'], KEY(2)))).toMatchObject({ reason: 'labDailyLimit' });
    h.clock.now = new Date('2026-12-04T16:00:00.000Z'); // 00:00 on 12-05 in Shanghai, still 12-04 in UTC
    expect((await catalog(h, cardId)).remainingToday).toBe(1);
    // Yesterday's tap repeated after midnight: its order, no count today.
    expect((await ordered(h, cardId, ['CBC'], KEY(1))).order.orderId).toBe(late.order.orderId);
    await ordered(h, cardId, ['GLU'], KEY(2));
    expect((await catalog(h, cardId)).remainingToday).toBe(0);
  });

  it('HIS down or its answer lost: hisUnavailable, nothing counted; the same key then orders once', async () => {
    const { h, cardId } = await setup();
    for (const mode of ['unavailable', 'lost'] as const) {
      h.lab.mode = mode;
      const env = await orderLab(h, cardId, ['CBC'], KEY(1));
      expect(refusal(env)).toMatchObject({ code: 'UNAVAILABLE', reason: 'hisUnavailable' });
      expect((await catalog(h, cardId)).remainingToday).toBe(3);
    }
    h.lab.mode = 'ok';
    const { order } = await ordered(h, cardId, ['CBC'], KEY(1));
    expect(order.items).toHaveLength(1);
    expect(labItems(h)).toHaveLength(1);
    expect((await catalog(h, cardId)).remainingToday).toBe(2);
  });

  it('charges created but no order (HIS unpaid list down): it counts once, the same key makes the order', async () => {
    const { h, cardId } = await setup();
    h.his.listDown = true;
    const env = await orderLab(h, cardId, ['CBC'], KEY(1));
    expect(refusal(env)).toMatchObject({ code: 'UNAVAILABLE', reason: 'hisUnavailable' });
    h.his.listDown = false;
    expect((await catalog(h, cardId)).remainingToday).toBe(2);
    const { order } = await ordered(h, cardId, ['CBC'], KEY(1));
    expect(order.items.map((i) => i.itemId)).toEqual(labItems(h).map((i) => i.itemId));
    expect((await catalog(h, cardId)).remainingToday).toBe(2);
  });
});

describe('payment: 自助检验 eligibility and ownership', () => {
  it('a minor: every test ineligible in the catalog, labNotEligible on order, nothing created', async () => {
    const { h, cardId } = await setup({ gender: 'F', birthDate: '2008-12-05' });
    const c = await catalog(h, cardId);
    expect(c.tests.every((t) => !t.eligible && t.ineligibleReason?.includes('18周岁'))).toBe(true);
    const env = await orderLab(h, cardId, ['CBC'], KEY(1));
    expect(refusal(env)).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'labNotEligible' });
    expect(h.lab.createCalls).toBe(0);
    expect((await catalog(h, cardId)).remainingToday).toBe(3);
    // 18 on the Shanghai date 12-05, although UTC still says 12-04.
    h.clock.now = new Date('2026-12-04T17:00:00.000Z');
    expect((await ordered(h, cardId, ['CBC'], KEY(1))).order.items).toHaveLength(1);
  });

  it('over 75: the fasting tests are not offered to order, the others are', async () => {
    const { h, cardId } = await setup({ gender: 'M', birthDate: '1950-01-01' });
    const c = await catalog(h, cardId);
    expect(c.tests.filter((t) => t.eligible).map((t) => t.code)).toEqual(['CBC', 'URT']);
    const env = await orderLab(h, cardId, ['CBC', 'GLU'], KEY(1));
    expect(refusal(env)).toMatchObject({ reason: 'labNotEligible' });
    await ordered(h, cardId, ['CBC', 'URT'], KEY(2));
  });

  it('a rule of sex (config override) admits only that sex', async () => {
    const tests = { ...DEFAULT_LAB_RULES.tests, URT: { ...DEFAULT_LAB_RULES.tests.URT!, sex: 'F' as const } };
    const { h, cardId } = await setup(ADULT, { tests });
    const urt = (await catalog(h, cardId)).tests.find((t) => t.code === 'URT')!;
    expect(urt).toMatchObject({ eligible: false, ineligibleReason: '该项目仅限女性自助申请' });
    expect(refusal(await orderLab(h, cardId, ['URT'], KEY(1)))).toMatchObject({ reason: 'labNotEligible' });
    const her = await h.addCard(ALICE, 'P200', '王小红', { gender: 'F', birthDate: '1992-05-01' });
    expect((await ordered(h, her, ['URT'], KEY(2))).order.items[0]!.title).toBe('尿常规');
  });

  it("another user's card answers exactly like a missing one", async () => {
    const { h, cardId } = await setup();
    const missing = 'pc_000000000000000000000000aaaaaaaaaaaaaaaa';
    for (const ev of [
      { action: 'labCatalog', cardId },
      { action: 'orderLabTests', cardId, codes: ['CBC'], idempotencyKey: KEY(1) },
    ]) {
      const theirs = await h.call(BOB, ev);
      expect(theirs).toEqual(await h.call(BOB, { ...ev, cardId: missing }));
      expect(refusal(theirs)).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(h.lab.createCalls).toBe(0);
  });
});

describe('payment: orderLabTests input', () => {
  it('bad codes or key: INVALID_ARGUMENT naming the field, nothing stored or asked', async () => {
    const { h, cardId } = await setup();
    const eleven = ['GLU', 'CBC', 'LIP4', 'URT', 'HOR6', 'A1', 'A2', 'A3', 'A4', 'A5', 'A6'];
    for (const codes of [[], ['CBC', 'CBC'], 'CBC', eleven, ['bad code'], ['HOR6'], ['HCY1']]) {
      expect(refusal(await orderLab(h, cardId, codes, KEY(1)))).toMatchObject({
        code: 'INVALID_ARGUMENT',
        field: 'codes',
      });
    }
    for (const key of [undefined, 'short', 'x'.repeat(65), 'has space 123']) {
      expect(refusal(await orderLab(h, cardId, ['CBC'], key))).toMatchObject({ field: 'idempotencyKey' });
    }
    const extra = await h.call(ALICE, {
      action: 'orderLabTests',
      cardId,
      codes: ['CBC'],
      idempotencyKey: KEY(1),
      priceFen: 1,
    });
    expect(refusal(extra)).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'priceFen' });
    expect(h.lab.createCalls).toBe(0);
    expect(h.docs('payment_lab_quota')).toEqual([]);
  });

  it('the same key with other tests is refused (naming the key), and counts nothing more', async () => {
    const { h, cardId } = await setup();
    await ordered(h, cardId, ['CBC'], KEY(1));
    const env = await orderLab(h, cardId, ['CBC', 'GLU'], KEY(1));
    expect(refusal(env)).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'idempotencyKey' });
    expect((await catalog(h, cardId)).remainingToday).toBe(2);
  });
});
