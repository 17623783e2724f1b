/**
 * The `/hisEvents` intake: signed like the HIS gateway, each event recorded once by id, a
 * charges.ready tells every WeChat user with a card of the patient once, whatever the deliveries.
 */
import { createCloudEmulator } from '../../../devstack/cloud';
import { DEVSTACK_TEMPLATES } from '../../../devstack/seed/subscribe-templates';
import { signRequest } from '../../../server/adapters/his/signature';
import { silentLogger } from '../../../server/core/log';
import type { HisEvent } from '../../../server/ports/his-events';
import { HisEventIntake } from '../../../server/services/his-events/intake';

const HIS = { appId: 'his-app', appSecret: 'his-secret-his-secret-his-secret' };
const NOW = Date.parse('2026-12-04T02:00:00Z');

function setup(withholding?: { chargesReady(e: HisEvent): Promise<'handled'> }) {
  const emulator = createCloudEmulator({
    dbFile: ':memory:',
    templates: DEVSTACK_TEMPLATES,
    clock: () => new Date(NOW),
  });
  const intake = new HisEventIntake({
    db: emulator.db,
    openapi: emulator.sdk.openapi,
    his: HIS,
    chargesReadyTemplate: 'tmpl-charges-ready',
    now: () => NOW,
    log: silentLogger,
    withholding,
  });
  const send = async (body: unknown, secret = HIS.appSecret) => {
    const raw = JSON.stringify(body);
    const headers = signRequest({ appId: HIS.appId, appSecret: secret, rawBody: raw, timestampMs: NOW });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return intake.handle({
      httpMethod: 'POST',
      path: '/',
      headers: lower,
      queryStringParameters: {},
      body: raw,
      isBase64Encoded: false,
    });
  };
  return { emulator, send };
}

const event = (eventId = 'EV00000000000000000001') => ({
  eventId,
  type: 'charges.ready',
  occurredAt: '2026-12-04T09:50:00+08:00',
  data: {
    patientId: 'P100',
    visitId: 'V1',
    deptCode: 'NK',
    deptName: '心血管内科',
    doctorName: '张建国',
    itemIds: ['F1', 'F2'],
    totalFen: 12_550,
  },
});

async function addCard(
  e: ReturnType<typeof setup>['emulator'],
  id: string,
  openid: string,
  name: string,
  relation: string,
) {
  await e.db
    .collection('patient_cards')
    .add({ data: { _id: id, _openid: openid, hisPatientId: 'P100', name, relation } });
  e.subscriptions.grant(openid, 'tmpl-charges-ready', 5);
}

describe('HIS events', () => {
  it('charges.ready: one 待缴费提醒 per card holder, once, however often delivered', async () => {
    const s = setup();
    await addCard(s.emulator, 'pc_self', 'o-self', '王小明', '本人');
    await addCard(s.emulator, 'pc_child', 'o-parent', '王小红', '子女');
    for (let i = 0; i < 3; i++) expect((await s.send(event())).statusCode).toBe(200);
    const sent = s.emulator.subscriptions.outbox(50).filter((m) => m.templateId === 'tmpl-charges-ready');
    expect(sent.map((m) => m.touser).sort()).toEqual(['o-parent', 'o-self']);
    const parent = sent.find((m) => m.touser === 'o-parent')!;
    expect(parent.data.thing1?.value).toBe('王*红');
    expect(parent.data.amount3?.value).toBe('¥125.50');
    expect(parent.page).toBe('packagePayment/pages/index/index?cardId=pc_child');
    const [doc] = s.emulator.admin.listDocuments('his_events', { limit: 5 });
    expect(doc).toMatchObject({ _id: 'EV00000000000000000001', type: 'charges.ready', deliveries: 3 });
    expect(JSON.stringify(doc)).not.toContain('P100');
  });

  it('a type not handled yet is acknowledged (200), so the HIS does not retry it', async () => {
    const s = setup();
    const r = await s.send({ ...event(), type: 'report.ready', data: { reportId: 'R1' } });
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'IGNORED' });
  });

  it('a bad signature is 401 and a malformed event 400; neither records anything', async () => {
    const s = setup();
    expect((await s.send(event(), 'wrong-secret-wrong-secret-wrong')).statusCode).toBe(401);
    expect((await s.send({ ...event(), eventId: 'x' })).statusCode).toBe(400);
    expect((await s.send({ ...event(), data: { ...event().data, itemIds: [] } })).statusCode).toBe(400);
    expect(s.emulator.admin.listDocuments('his_events', { limit: 5 })).toEqual([]);
  });

  it('charges.ready’s insurance (医保 pre-settled at the 医生站) reaches the withholding: an order, null or absent', async () => {
    const got: HisEvent[] = [];
    const s = setup({
      chargesReady: async (e) => {
        got.push(e);
        return 'handled';
      },
    });
    const withInsurance = (insurance: unknown, n: number) => ({
      ...event(`EV0000000000000000010${n}`),
      data: { ...event().data, insurance },
    });
    expect((await s.send(withInsurance({ payOrdId: 'ORD3306002026120400000001' }, 1))).statusCode).toBe(200);
    expect((await s.send(withInsurance(null, 2))).statusCode).toBe(200);
    expect((await s.send(event('EV00000000000000000103'))).statusCode).toBe(200);
    expect(got.map((e) => e.data.insurance)).toEqual([{ payOrdId: 'ORD3306002026120400000001' }, null, undefined]);
    for (const bad of [{ payOrdId: '' }, { payOrdId: 'x'.repeat(65) }, {}, 'ORD1']) {
      expect((await s.send(withInsurance(bad, 4))).statusCode).toBe(400);
    }
    expect(got).toHaveLength(3);
  });
});
