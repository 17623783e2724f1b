/**
 * The kiosk API: signed per kiosk (the HIS gateway scheme), a settled payment's pickup code redeems
 * once into the slip, wrong codes lock out per kiosk and per code, and nothing logged holds a code.
 */
import { signRequest } from '../../../server/adapters/his/signature';
import type { HttpAccessResponse } from '../../../server/core/http-main';
import { KioskService } from '../../../server/services/kiosk/kiosk-service';
import type { KioskAnswer } from '../../../typings/kiosk';
import type { PaymentCreateOrderResponse, PaymentOrderView } from '../../../typings/payment';
import { memoryLogger } from '../core/memory-logger';
import { HARNESS_PII_KEY, makePaymentHarness, ok, transactionNotice } from '../payment/fakes';

const NOW = new Date('2026-12-04T01:00:00.000Z');
const KIOSKS = new Map([
  ['KIOSK-01', 'k1-secret-k1-secret-k1-secret-k1-secret'],
  ['KIOSK-02', 'k2-secret-k2-secret-k2-secret-k2-secret'],
]);

async function setup() {
  const h = makePaymentHarness(NOW);
  const cardId = await h.addCard('o-alice', 'P100', '王小明');
  const item = h.his.addItem('P100', 1250);
  const { order } = ok<PaymentCreateOrderResponse>(
    await h.call('o-alice', { action: 'createOrder', cardId, itemIds: [item] }),
  );
  await h.notify(transactionNotice(h.pay.pay(order.orderId)));
  const settled = ok<PaymentOrderView>(await h.call('o-alice', { action: 'get', orderId: order.orderId }));
  const log = memoryLogger();
  const clock = { ms: NOW.getTime() };
  const kiosk = new KioskService({
    db: h.emulator.db,
    keys: KIOSKS,
    piiHashKey: HARNESS_PII_KEY,
    now: () => clock.ms,
    log,
  });
  let last: Record<string, string> = {};
  const send = async (
    kioskId: string,
    body: unknown,
    tamper = false,
    replay = false,
  ): Promise<{ status: number; a: KioskAnswer }> => {
    const raw = JSON.stringify(body);
    const headers = signRequest({
      appId: kioskId,
      appSecret: KIOSKS.get(kioskId) ?? 'x'.repeat(32),
      rawBody: raw,
      timestampMs: clock.ms,
    });
    const lower = replay ? last : Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    last = lower;
    const res: HttpAccessResponse = await kiosk.handle({
      httpMethod: 'POST',
      path: '/',
      headers: lower,
      queryStringParameters: {},
      body: tamper ? raw.replace('redeem', 'redeeM') : raw,
      isBase64Encoded: false,
    });
    return { status: res.statusCode, a: JSON.parse(res.body) as KioskAnswer };
  };
  return { h, settled, send, log, clock };
}

describe('kiosk API', () => {
  it('redeems a settled payment’s code once into the slip; the second redeem is refused', async () => {
    const { settled, send } = await setup();
    const code = settled.pickup!.code;
    const first = await send('KIOSK-01', { action: 'redeem', code: `${code.slice(0, 4)} ${code.slice(4)}` });
    expect(first.status).toBe(200);
    expect(first.a).toMatchObject({
      code: 'OK',
      data: { orderId: settled.orderId, patientName: '王*明', totalFen: 1250, items: [{ guide: '门诊楼1楼西药房' }] },
    });
    const again = await send('KIOSK-02', { action: 'redeem', code });
    expect(again).toMatchObject({ status: 409, a: { code: 'ALREADY_REDEEMED' } });
  });

  it('refuses unsigned, tampered, unknown-kiosk and replayed requests', async () => {
    const { settled, send } = await setup();
    const body = { action: 'redeem', code: settled.pickup!.code };
    expect((await send('KIOSK-01', body, true)).status).toBe(401);
    expect((await send('KIOSK-99', body)).status).toBe(401);
    const code = { action: 'redeem', code: '12345678' };
    expect((await send('KIOSK-01', code)).a.code).toBe('NOT_FOUND');
    expect((await send('KIOSK-01', code, false, true)).status).toBe(401);
    expect((await send('KIOSK-01', { action: 'redeem', code: '1', extra: 1 })).a.code).toBe('INVALID_REQUEST');
  });

  it('locks a kiosk after 10 wrong codes, and a code value after 5 failed tries; logs without the code', async () => {
    const { settled, send, log, clock } = await setup();
    for (let i = 0; i < 10; i++) {
      const r = await send('KIOSK-01', { action: 'redeem', code: String(10_000_000 + i) });
      expect(r.a.code).toBe('NOT_FOUND');
    }
    expect((await send('KIOSK-01', { action: 'redeem', code: settled.pickup!.code })).a.code).toBe('LOCKED');
    // Another kiosk is not locked; the valid code still works there.
    expect((await send('KIOSK-02', { action: 'redeem', code: settled.pickup!.code })).a.code).toBe('OK');
    for (let i = 0; i < 5; i++) await send('KIOSK-02', { action: 'redeem', code: settled.pickup!.code });
    expect((await send('KIOSK-02', { action: 'redeem', code: settled.pickup!.code })).a.code).toBe('LOCKED');
    const lockouts = log.lines.filter((l) => l.msg === 'kiosk lockout');
    expect(lockouts.map((l) => l.fields?.scope)).toEqual(['kiosk', 'code']);
    expect(JSON.stringify(log.lines)).not.toContain(settled.pickup!.code);
    clock.ms += 16 * 60_000;
    expect((await send('KIOSK-01', { action: 'redeem', code: '10000000' })).a.code).toBe('NOT_FOUND');
  });

  it('an expired code is not redeemed', async () => {
    const { settled, send, clock } = await setup();
    clock.ms += 8 * 24 * 3_600_000;
    expect((await send('KIOSK-01', { action: 'redeem', code: settled.pickup!.code })).a.code).toBe('NOT_FOUND');
  });
});
