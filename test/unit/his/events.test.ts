/**
 * The HIS sandbox's events (HIS → cloud) over real HTTP, against a receiver that verifies each
 * delivery with the gateway's verifyRequest: one charges.ready per POST /sandbox/fees, signed like
 * gateway requests, retried on the schedule until 2xx, given up after it, redelivered on demand,
 * none with notify:false or for lab.createOrder, pending while no URL is set, resumed after a
 * restart; emit for existing unpaid items.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HisSandbox } from '../../../devstack/his';
import { HIS_EVENT_RETRY_SCHEDULE_MS } from '../../../devstack/his';
import { APP_ID, getJson, postJson, rawCall, startTestSandbox } from './helpers';
import { sleep, startReceiver, until, type Receiver } from './event-receiver';

const patient = (n: number): string => `P${1_000_000_000 + n}`;

// Test-only: sandbox JSON is navigated freely in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const started: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of started.splice(0).reverse()) await s.close();
});

async function receiver(): Promise<Receiver> {
  const rx = await startReceiver();
  started.push(rx);
  return rx;
}

async function sandbox(opts: Parameters<typeof startTestSandbox>[0] = {}): Promise<HisSandbox> {
  const his = await startTestSandbox(opts);
  started.push(his);
  return his;
}

async function listEvents(his: HisSandbox, query = ''): Promise<Json> {
  const r = await getJson(his, `/sandbox/events${query}`);
  expect(r.status).toBe(200);
  return r.json.data;
}

async function eventById(his: HisSandbox, eventId: string): Promise<Json> {
  const items = (await listEvents(his, '?limit=1000')).items as Json[];
  return items.find((e) => e.eventId === eventId);
}

const stateIs = (his: HisSandbox, eventId: string, state: string) => async (): Promise<boolean> =>
  (await eventById(his, eventId))?.state === state;

async function createFees(his: HisSandbox, body: Record<string, unknown>): Promise<Json> {
  const r = await postJson(his, '/sandbox/fees', body);
  expect(r.status).toBe(200);
  return r.json.data;
}

describe('HIS sandbox events (HIS → cloud)', () => {
  it('delivers one signed charges.ready per fee creation, covering the created items', async () => {
    const rx = await receiver();
    const his = await sandbox({ eventsUrl: rx.url, eventTimeScale: 1000 });
    const created = await createFees(his, { patientId: patient(3), count: 3 });
    expect(Object.keys(created).sort()).toEqual(['eventId', 'items', 'payOrdId']);
    expect(created.payOrdId).toBeNull();
    expect(created.eventId).toMatch(/^EV\d{20}$/);
    const items = created.items as Json[];
    expect(items).toHaveLength(3);

    await until(stateIs(his, created.eventId, 'delivered'));
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0]!;
    expect(got.auth).toEqual({ ok: true, appId: APP_ID });
    expect(got.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(got.headers['x-his-nonce']).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(Math.abs(Number(got.headers['x-his-timestamp']) - got.at)).toBeLessThan(5000);
    expect(got.event).toEqual({
      eventId: created.eventId,
      type: 'charges.ready',
      occurredAt: expect.any(String),
      data: {
        patientId: patient(3),
        visitId: expect.stringMatching(/^V\d{12}$/),
        deptCode: items[0].deptCode,
        deptName: items[0].deptName,
        doctorName: items[0].doctorName,
        itemIds: items.map((i) => i.itemId),
        totalFen: items.reduce((s, i) => s + (i.amountFen as number), 0),
        // No card read at the 医生站: nothing pre-settled.
        insurance: null,
      },
    });
    expect(new Date(got.event.occurredAt).toISOString()).toBe(got.event.occurredAt);

    const view = await eventById(his, created.eventId);
    expect(view).toMatchObject({
      type: 'charges.ready',
      patientId: patient(3),
      state: 'delivered',
      attempts: 1,
      lastStatus: 200,
      nextAttemptAt: null,
      event: got.event,
    });
    expect(view.deliveries).toEqual([
      {
        kind: 'scheduled',
        attempt: 1,
        at: expect.any(String),
        url: rx.url,
        status: 200,
        ms: expect.any(Number),
        error: null,
      },
    ]);

    // Another call, another event (and visit); the list is newest first.
    const second = await createFees(his, { patientId: patient(3), kind: 'exam' });
    expect(second.eventId).not.toBe(created.eventId);
    await until(stateIs(his, second.eventId, 'delivered'));
    expect(rx.received[1]!.event.data.visitId).not.toBe(got.event.data.visitId);
    const newest = await listEvents(his, '?limit=1');
    expect(newest.items.map((e: Json) => e.eventId)).toEqual([second.eventId]);
    expect(newest).toMatchObject({ eventsUrl: rx.url, timeScale: 1000, counts: { total: 2, delivered: 2 } });
    expect((await getJson(his, '/sandbox/summary')).json.data.events).toEqual({
      total: 2,
      pending: 0,
      delivered: 2,
      failed: 0,
    });
    expect((await getJson(his, '/sandbox/events?limit=0')).status).toBe(400);
  });

  it('retries anything but 2xx on the back-off schedule, signed anew with the same body', async () => {
    const rx = await receiver();
    rx.script([500, 503, 404, 200]);
    const his = await sandbox({ eventsUrl: rx.url, eventTimeScale: 100 });
    const { eventId } = await createFees(his, { patientId: patient(5) });
    await until(stateIs(his, eventId, 'delivered'));
    expect(rx.received.map((r) => r.status)).toEqual([500, 503, 404, 200]);
    expect(rx.received.every((r) => r.auth.ok)).toBe(true);
    expect(new Set(rx.received.map((r) => r.raw)).size).toBe(1);
    expect(new Set(rx.received.map((r) => r.headers['x-his-nonce'])).size).toBe(4);
    // 1 s, 2 s, 5 s divided by 100.
    const gaps = rx.received.slice(1).map((r, i) => r.at - rx.received[i]!.at);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(HIS_EVENT_RETRY_SCHEDULE_MS[i]! / 100 - 2));
    const view = await eventById(his, eventId);
    expect(view).toMatchObject({ state: 'delivered', attempts: 4, lastStatus: 200 });
    expect(view.deliveries.map((d: Json) => [d.kind, d.attempt, d.status])).toEqual([
      ['scheduled', 1, 500],
      ['scheduled', 2, 503],
      ['scheduled', 3, 404],
      ['scheduled', 4, 200],
    ]);
  });

  it('gives up after the schedule (the event stays visible as failed); a later 2xx redelivery delivers it', async () => {
    const rx = await receiver();
    rx.script([], 500);
    const his = await sandbox({ eventsUrl: rx.url, eventTimeScale: 100_000 });
    const { eventId } = await createFees(his, { patientId: patient(7) });
    await until(stateIs(his, eventId, 'failed'));
    const attempts = HIS_EVENT_RETRY_SCHEDULE_MS.length + 1;
    expect(rx.received).toHaveLength(attempts);
    await sleep(100);
    expect(rx.received).toHaveLength(attempts);
    expect(await eventById(his, eventId)).toMatchObject({ state: 'failed', attempts, lastStatus: 500 });

    rx.script([], 200);
    const again = await postJson(his, `/sandbox/events/${eventId}/redeliver`, {});
    expect(again.json.data.statuses).toEqual([200]);
    expect(await eventById(his, eventId)).toMatchObject({ state: 'delivered', attempts, lastStatus: 200 });
  });

  it('counts no answer (connection refused) as a failure', async () => {
    const rx = await startReceiver();
    const deadUrl = rx.url;
    await rx.close();
    const his = await sandbox({ eventsUrl: deadUrl, eventTimeScale: 100_000 });
    const { eventId } = await createFees(his, { patientId: patient(8) });
    await until(stateIs(his, eventId, 'failed'));
    const view = await eventById(his, eventId);
    expect(view.lastStatus).toBeNull();
    expect(view.deliveries[0]).toMatchObject({ status: null, error: expect.any(String) });
  });

  it('retries a delivery the cloud does not answer within 5 s', async () => {
    const rx = await receiver();
    rx.script([0]);
    const his = await sandbox({ eventsUrl: rx.url, eventTimeScale: 1000 });
    const { eventId } = await createFees(his, { patientId: patient(6) });
    await until(stateIs(his, eventId, 'delivered'), 9000);
    const view = await eventById(his, eventId);
    expect(view).toMatchObject({ attempts: 2, lastStatus: 200 });
    expect(view.deliveries[0]).toMatchObject({ status: null, error: 'no answer within 5000 ms' });
    expect(view.deliveries[0].ms).toBeGreaterThanOrEqual(4990);
  }, 15_000);

  it('redelivers an event N times at once, answering the statuses', async () => {
    const rx = await receiver();
    const his = await sandbox({ eventsUrl: rx.url, eventTimeScale: 1000 });
    const { eventId } = await createFees(his, { patientId: patient(9) });
    await until(stateIs(his, eventId, 'delivered'));

    rx.script([200, 409, 200, 500, 200]);
    const r = await postJson(his, `/sandbox/events/${eventId}/redeliver?times=5`, {});
    expect(r.status).toBe(200);
    expect(r.json.data.eventId).toBe(eventId);
    expect([...r.json.data.statuses].sort()).toEqual([200, 200, 200, 409, 500]);
    expect(r.json.data.deliveries).toHaveLength(5);
    expect(rx.received).toHaveLength(6);
    expect(new Set(rx.received.map((x) => x.raw)).size).toBe(1);
    expect(new Set(rx.received.map((x) => x.headers['x-his-nonce'])).size).toBe(6);
    expect(rx.received.every((x) => x.auth.ok)).toBe(true);
    const view = await eventById(his, eventId);
    expect(view).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(view.deliveries.map((d: Json) => d.kind)).toEqual(['scheduled', ...Array(5).fill('manual')]);

    expect((await postJson(his, '/sandbox/events/EV00000000000000000000/redeliver', {})).status).toBe(404);
    expect((await postJson(his, `/sandbox/events/${eventId}/redeliver?times=0`, {})).status).toBe(400);
    expect((await postJson(his, `/sandbox/events/${eventId}/redeliver?times=51`, {})).status).toBe(400);
  });

  it('sends none for notify:false, nor for lab.createOrder (the patient ordered those)', async () => {
    const rx = await receiver();
    const his = await sandbox({ eventsUrl: rx.url, eventTimeScale: 1000 });
    const created = await createFees(his, { patientId: patient(10), count: 2, notify: false });
    expect(created.eventId).toBeNull();
    expect(created.items).toHaveLength(2);
    const lab = await rawCall(his, 'lab.createOrder', {
      requestId: 'lab-events-0001',
      patientId: patient(10),
      codes: ['CBC'],
    });
    expect(lab.json.code).toBe('OK');
    await sleep(50);
    expect(rx.received).toHaveLength(0);
    expect((await listEvents(his)).counts.total).toBe(0);
    expect((await postJson(his, '/sandbox/fees', { patientId: patient(10), notify: 'no' })).status).toBe(400);
  });

  it('keeps events pending while no URL is set and delivers them once one is', async () => {
    const rx = await receiver();
    const his = await sandbox({ eventTimeScale: 1000 });
    const { eventId } = await createFees(his, { patientId: patient(11) });
    await sleep(30);
    expect(await eventById(his, eventId)).toMatchObject({
      state: 'pending',
      attempts: 0,
      lastStatus: null,
      nextAttemptAt: null,
      deliveries: [],
    });
    expect((await listEvents(his)).eventsUrl).toBeNull();
    const refused = await postJson(his, `/sandbox/events/${eventId}/redeliver`, {});
    expect(refused).toMatchObject({ status: 409, json: { code: 'INVALID_STATE' } });

    expect(() => his.setEventsUrl('https://example.com/http/hisEvents')).toThrow(/127\.0\.0\.1/);
    his.setEventsUrl(rx.url);
    await until(stateIs(his, eventId, 'delivered'));
    expect(rx.received.map((r) => r.event.eventId)).toEqual([eventId]);

    // null pauses: new events wait again.
    his.setEventsUrl(null);
    const later = await createFees(his, { patientId: patient(11) });
    await sleep(30);
    expect((await eventById(his, later.eventId)).state).toBe('pending');
    his.setEventsUrl(rx.url);
    await until(stateIs(his, later.eventId, 'delivered'));

    await expect(startTestSandbox({ eventsUrl: 'http://10.1.2.3/http/hisEvents' })).rejects.toThrow(/127\.0\.0\.1/);
    await expect(startTestSandbox({ eventTimeScale: 0 })).rejects.toThrow(/eventTimeScale/);
  });

  it('emits charges.ready for existing unpaid items, refusing paid, unknown and other patients’ items', async () => {
    const rx = await receiver();
    const his = await sandbox({ eventsUrl: rx.url, eventTimeScale: 1000 });
    const pid = patient(12);
    const created = await createFees(his, { patientId: pid, count: 3 });
    await until(stateIs(his, created.eventId, 'delivered'));
    const [a, b, c] = created.items as Json[];

    const emit = (body: unknown): Promise<Json> => postJson(his, '/sandbox/events/emit', body);
    const r = await emit({ type: 'charges.ready', patientId: pid, itemIds: [c.itemId, a.itemId] });
    expect(r.status).toBe(200);
    expect(r.json.data.eventId).toMatch(/^EV\d{20}$/);
    expect(r.json.data.event).toMatchObject({ eventId: r.json.data.eventId, patientId: pid });
    await until(stateIs(his, r.json.data.eventId, 'delivered'));
    const sent = rx.received[1]!.event;
    expect(sent.data).toEqual({
      ...rx.received[0]!.event.data,
      // The same visit as the event that announced these items; department and doctor of the first.
      deptCode: c.deptCode,
      deptName: c.deptName,
      doctorName: c.doctorName,
      itemIds: [c.itemId, a.itemId],
      totalFen: c.amountFen + a.amountFen,
    });

    await postJson(his, '/sandbox/fees/pay-at-window', { itemIds: [b.itemId] });
    const other = await createFees(his, { patientId: patient(13), notify: false });
    const cases: [unknown, number, string][] = [
      [{ type: 'charges.ready', patientId: pid, itemIds: [b.itemId] }, 409, 'INVALID_STATE'],
      [{ type: 'charges.ready', patientId: pid, itemIds: [other.items[0].itemId] }, 400, 'INVALID_REQUEST'],
      [{ type: 'charges.ready', patientId: pid, itemIds: ['F999999999999'] }, 404, 'NOT_FOUND'],
      [{ type: 'charges.ready', patientId: patient(99_999), itemIds: [a.itemId] }, 404, 'NOT_FOUND'],
      [{ type: 'report.ready', patientId: pid, itemIds: [a.itemId] }, 400, 'INVALID_REQUEST'],
      [{ type: 'charges.ready', patientId: pid, itemIds: [] }, 400, 'INVALID_REQUEST'],
      [{ type: 'charges.ready', patientId: pid, itemIds: [a.itemId, a.itemId] }, 400, 'INVALID_REQUEST'],
    ];
    for (const [body, status, code] of cases) {
      expect(await emit(body)).toMatchObject({ status, json: { code } });
    }
    expect((await listEvents(his)).counts.total).toBe(2);

    // A seeded charge (no earlier event) gets a visit of its own.
    const unpaid = (await getJson(his, '/sandbox/fees?status=unpaid&limit=10000')).json.data.items as Json[];
    const seeded = unpaid.find((i) => i.origin === 'seed')!;
    const s = await emit({ type: 'charges.ready', patientId: seeded.patientId, itemIds: [seeded.itemId] });
    expect(s.status).toBe(200);
    expect(s.json.data.event.event.data).toMatchObject({ patientId: seeded.patientId, totalFen: seeded.amountFen });
    expect(s.json.data.event.event.data.visitId).not.toBe(sent.data.visitId);
  });

  describe('with a database file', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'his-events-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('resumes pending deliveries after a restart', async () => {
      const dbFile = join(dir, 'his.sqlite');
      const rx = await receiver();
      rx.script([], 503);
      const first = await startTestSandbox({ dbFile, eventsUrl: rx.url, eventTimeScale: 1 });
      const ids = async (): Promise<{ retried: string; waiting: string }> => {
        // Refused once: its next delivery is due in 1 s.
        const retried = (await createFees(first, { patientId: patient(15) })).eventId as string;
        await until(async () => (await eventById(first, retried))?.attempts === 1);
        expect((await eventById(first, retried)).nextAttemptAt).toEqual(expect.any(String));
        // Never sent: no URL.
        first.setEventsUrl(null);
        const waiting = (await createFees(first, { patientId: patient(16) })).eventId as string;
        return { retried, waiting };
      };
      const { retried, waiting } = await ids().finally(() => first.close());
      expect(rx.received.map((r) => r.event.eventId)).toEqual([retried]);

      rx.script([], 200);
      const second = await sandbox({ dbFile, eventsUrl: rx.url, eventTimeScale: 1 });
      await until(stateIs(second, waiting, 'delivered'));
      await until(stateIs(second, retried, 'delivered'), 3000);
      expect(await eventById(second, retried)).toMatchObject({ attempts: 2, lastStatus: 200 });
      expect(await eventById(second, waiting)).toMatchObject({ attempts: 1, lastStatus: 200 });
      const bodies = rx.received.filter((r) => r.event.eventId === retried).map((r) => r.raw);
      expect(bodies).toHaveLength(2);
      expect(bodies[0]).toBe(bodies[1]);
    });
  });
});
