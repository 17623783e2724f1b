/**
 * Withholding flows: the contract's notifications duplicated, reordered and tampered; a deduction
 * whose notification is lost, found by the paymentDue timer's paporderquery; NOTENOUGH; the day's
 * limits checked before pappayapply; an insured patient; a manual order first; another user's card.
 */
import type { WithholdingContractView } from '../../../typings/payment';
import { harnessFactory, type Harness } from './harness';

jest.setTimeout(30_000);

const make = harnessFactory();
const ALICE = 'o-alice';

async function contracted(): Promise<{ h: Harness; cardId: string; contractId: string }> {
  const h = await make();
  const cardId = await h.addCard(ALICE, 'P100');
  h.emulator.subscriptions.grant(ALICE, 'tmpl-payment-success');
  h.emulator.subscriptions.grant(ALICE, 'tmpl-charges-ready');
  const contractId = await h.sign(ALICE, cardId);
  const [add] = await h.notices(contractId);
  expect((await h.notify(add!)).statusCode).toBe(200);
  return { h, cardId, contractId };
}

const view = async (h: Harness, cardId: string, who = ALICE) => {
  const r = await h.call<WithholdingContractView>(who, { action: 'contract', cardId });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.data;
};
const order = (h: Harness, id: string) =>
  h.docs('payment_orders').find((o) => o._id === id) as { _id: string; status: string; mode: string; cashFen: number };
const onlyOrder = (h: Harness) =>
  h.docs('payment_orders').filter((o) => o.mode === 'withholding') as { _id: string; status: string }[];
const deductionsAt = async (h: Harness, contractId: string) =>
  ((await (await fetch(`${h.pay.url}/sandbox/papay/contracts/${contractId}`)).json()) as { deductions: unknown[] })
    .deductions;

async function settledAtWechat(h: Harness, outTradeNo: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = (await (await fetch(`${h.pay.url}/sandbox/papay/deductions/${outTradeNo}`)).json()) as {
      deduction?: { trade_state: string };
    };
    if (r.deduction && r.deduction.trade_state !== 'ACCEPT') return;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('deduction never settled');
}

describe('withholding: contract notifications', () => {
  it('ADD twice, DELETE, then ADD again: terminated, whatever the order; a tampered one is refused', async () => {
    const { h, cardId, contractId } = await contracted();
    expect((await view(h, cardId)).status).toBe('active');
    const [add] = await h.notices(contractId);
    const tampered = add!.replace(/<openid><!\[CDATA\[[^\]]+/, '<openid><![CDATA[o-mallory');
    const bad = await h.notify(tampered);
    expect(bad.statusCode).toBe(401);
    expect(bad.body).toContain('FAIL');
    await fetch(`${h.pay.url}/sandbox/papay/contracts/${contractId}/terminate`, { method: 'POST', body: '{}' });
    const [, del] = await h.notices(contractId);
    for (const body of [del!, add!, del!, add!]) {
      const r = await h.notify(body);
      expect(r).toMatchObject({ statusCode: 200, body: expect.stringContaining('<return_code><![CDATA[SUCCESS]]>') });
    }
    expect(await view(h, cardId)).toMatchObject({ status: 'terminated', terminatedAt: expect.any(String) });
  });

  it('the DELETE before the ADD ends in the same state', async () => {
    const h = await make();
    const cardId = await h.addCard(ALICE, 'P100');
    const contractId = await h.sign(ALICE, cardId);
    await fetch(`${h.pay.url}/sandbox/papay/contracts/${contractId}/terminate`, { method: 'POST', body: '{}' });
    const [add, del] = await h.notices(contractId);
    expect((await h.notify(del!)).statusCode).toBe(200);
    expect((await h.notify(add!)).statusCode).toBe(200);
    expect((await view(h, cardId)).status).toBe('terminated');
    // Signed again later: a new contract_code, active.
    const again = await h.sign(ALICE, cardId);
    expect(again).not.toBe(contractId);
    await h.notify((await h.notices(again))[0]!);
    expect((await view(h, cardId)).status).toBe('active');
  });

  it('a lost ADD is found by querycontract when the patient looks', async () => {
    const h = await make();
    const cardId = await h.addCard(ALICE, 'P100');
    await h.sign(ALICE, cardId);
    expect((await view(h, cardId)).status).toBe('active');
  });

  it('another user: NOT_FOUND, exactly as a card that does not exist', async () => {
    const { h, cardId } = await contracted();
    for (const action of ['contract', 'signContract', 'cancelContract']) {
      const theirs = await h.call('o-bob', { action, cardId });
      const none = await h.call('o-bob', { action, cardId: 'pc_nope' });
      expect(theirs).toEqual(none);
      expect(theirs.ok || theirs.error.code).toBe('NOT_FOUND');
    }
    const missing = await h.call(ALICE, { action: 'signContract' });
    expect(missing.ok || missing.error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'cardId' });
  });

  it('cancel: deletecontract at WeChat, terminated; cancel again changes nothing', async () => {
    const { h, cardId, contractId } = await contracted();
    const r = await h.call<WithholdingContractView>(ALICE, { action: 'cancelContract', cardId });
    expect(r.ok && r.data.status).toBe('terminated');
    const wx = (await (await fetch(`${h.pay.url}/sandbox/papay/contracts/${contractId}`)).json()) as {
      contract: { state: string; contract_termination_mode: string };
    };
    expect(wx.contract).toMatchObject({ state: 'DELETE', contract_termination_mode: '3' });
    await h.notify((await h.notices(contractId))[1]!);
    expect((await h.call<WithholdingContractView>(ALICE, { action: 'cancelContract', cardId })).ok).toBe(true);
    expect((await view(h, cardId)).status).toBe('terminated');
  });
});

describe('withholding: deductions', () => {
  it('a lost result notification: the paymentDue timer asks paporderquery, then settles', async () => {
    const { h } = await contracted();
    const item = h.his.addItem('P100', 1250);
    expect(await h.chargesReady('P100', [item], 'EV00000000000000000001')).toBe('deducting');
    const [o] = onlyOrder(h);
    expect(o!.status).toBe('paying');
    await settledAtWechat(h, o!._id);
    await h.service.timers.runDue(Date.now() + 120_000);
    expect(order(h, o!._id)).toMatchObject({ status: 'settled', mode: 'withholding', cashFen: 1250 });
    // The notification arriving late, twice, changes nothing.
    const [late] = await h.notices(o!._id);
    for (let i = 0; i < 2; i++) expect((await h.notify(late!)).statusCode).toBe(200);
    expect(h.his.settleCalls).toBe(1);
    expect(h.docs('message_outbox').filter((m) => m.kind === 'paymentSuccess')).toHaveLength(1);
    // The same event again: nothing new.
    expect(await h.chargesReady('P100', [item], 'EV00000000000000000001')).toBe('handled');
    expect(onlyOrder(h)).toHaveLength(1);
  });

  it('NOTENOUGH: closed, items free again, the 待缴费提醒 says the deduction did not succeed', async () => {
    const { h, cardId } = await contracted();
    h.pay.setFaults({ papayDeductFail: true });
    const item = h.his.addItem('P100', 1250);
    await h.chargesReady('P100', [item], 'EV00000000000000000002');
    const [o] = onlyOrder(h);
    await settledAtWechat(h, o!._id);
    const [notice] = await h.notices(o!._id);
    expect((await h.notify(notice!)).statusCode).toBe(200);
    expect(order(h, o!._id).status).toBe('closed');
    const msg = h.docs('message_outbox').find((m) => String(m._id).startsWith(`chg_wh_${o!._id}`)) as {
      data: Record<string, { value: string }>;
    };
    expect(msg.data.thing5!.value).toBe('自动扣费未成功，请在小程序缴费');
    const unpaid = await h.call<{ items: { itemId: string }[] }>(ALICE, { action: 'listUnpaid', cardId });
    expect(unpaid.ok && unpaid.data.items.map((i) => i.itemId)).toEqual([item]);
    // A failed deduction does not count against the day's limits.
    const contract = h.docs('payment_contracts')[0] as { ledger: unknown[] };
    expect(contract.ledger).toEqual([]);
  });

  it('the day’s limits are checked before pappayapply: the 6th deduction and one over 500 yuan go to the patient', async () => {
    const { h, contractId } = await contracted();
    for (let i = 0; i < 5; i++) {
      const item = h.his.addItem('P100', 100);
      expect(await h.chargesReady('P100', [item], `EV0000000000000000010${i}`)).toBe('deducting');
    }
    expect(await deductionsAt(h, contractId)).toHaveLength(5);
    const sixth = h.his.addItem('P100', 100);
    expect(await h.chargesReady('P100', [sixth], 'EV00000000000000000106')).toBe('deducting');
    const big = h.his.addItem('P100', 50_001);
    await h.chargesReady('P100', [big], 'EV00000000000000000107');
    expect(await deductionsAt(h, contractId)).toHaveLength(5);
    const closed = onlyOrder(h).filter((o) => o.status === 'closed');
    expect(closed).toHaveLength(2);
    expect(h.docs('message_outbox').filter((m) => String(m._id).startsWith('chg_wh_'))).toHaveLength(2);
  });

  it('an insured patient is not deducted (the 医保 part needs their own authorisation)', async () => {
    const { h } = await contracted();
    await h.addCard('o-carol', 'P100', { socialSecurityMasked: '3306****1234' });
    const item = h.his.addItem('P100', 1250);
    expect(await h.chargesReady('P100', [item], 'EV00000000000000000003')).toBe('insured');
    expect(onlyOrder(h)).toHaveLength(0);
  });

  it('the patient paying the same items by hand first: no deduction', async () => {
    const { h, cardId, contractId } = await contracted();
    const item = h.his.addItem('P100', 1250);
    const manual = await h.call<{ order: { orderId: string } }>(ALICE, {
      action: 'createOrder',
      cardId,
      itemIds: [item],
    });
    expect(manual.ok).toBe(true);
    expect(await h.chargesReady('P100', [item], 'EV00000000000000000004')).toBe('handled');
    expect(await deductionsAt(h, contractId)).toHaveLength(0);
  });
});
