/**
 * Notification delivery: a real signed POST per payment, verified and decrypted with crypto.ts;
 * anything but 2xx retried on WeChat's schedule (scaled) until a 2xx or 16 attempts; the delivery
 * log; extra deliveries on demand; tampered and duplicate deliveries; restarts resume retries.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPaySandbox } from '../../../devstack/pay';
import { decrypted, eventually, placeOrder, receiver, sandbox, sandboxesForFile, v3, verifyWith } from './helpers';

jest.setTimeout(30_000);

const start = sandboxesForFile();

interface Detail {
  order: { trade_state: string };
  notifications: { id: string; state: string; attempts: number; event_type: string }[];
  deliveries: {
    attempt: number;
    kind: string;
    status: number | null;
    ms: number;
    tampered: string | null;
    error: string | null;
  }[];
}

const detailOf = (pay: Parameters<typeof sandbox>[0], no: string) =>
  sandbox<Detail>(pay, 'GET', `orders/${no}`).then((r) => r.json);

test('TRANSACTION.SUCCESS: signed with the WeChat Pay key, resource decrypts to the transaction as queried', async () => {
  const rx = await receiver([204]);
  const pay = await start();
  try {
    const { outTradeNo } = await placeOrder(pay, rx.url);
    pay.pay(outTradeNo);
    const [note] = await rx.waitFor(1);
    const h = note!.headers;
    expect(h['wechatpay-serial']).toBe(pay.merchant.wechatpayPublicKeyId);
    expect(h['wechatpay-signature-type']).toBe('WECHATPAY2-SHA256-RSA2048');
    expect(h['content-type']).toBe('application/json');
    expect(verifyWith(pay, h, note!.raw)).toEqual({ ok: true });
    const { event, resource } = decrypted(pay, note!);
    expect(event).toEqual({
      id: expect.any(String),
      create_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: expect.objectContaining({
        algorithm: 'AEAD_AES_256_GCM',
        original_type: 'transaction',
        associated_data: 'transaction',
      }),
    });
    const query = await v3(pay, 'GET', `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${pay.merchant.mchid}`);
    expect(resource).toEqual(query.json);
    const detail = await eventually(
      () => detailOf(pay, outTradeNo),
      (d) => d.notifications[0]?.state === 'delivered',
    );
    expect(detail.deliveries).toEqual([expect.objectContaining({ attempt: 1, kind: 'scheduled', status: 204 })]);
  } finally {
    await rx.close();
  }
});

test('anything but 2xx is retried on WeChat’s schedule (scaled) until a 2xx; the log keeps every attempt', async () => {
  const rx = await receiver([500, 503, 404, 200]);
  // timeScale 100: the waits 15 s, 15 s, 30 s become 150, 150 and 300 ms.
  const pay = await start({ timeScale: 100 });
  try {
    const { outTradeNo } = await placeOrder(pay, rx.url);
    pay.pay(outTradeNo);
    const got = await rx.waitFor(4);
    const gaps = got.slice(1).map((r, i) => r.at - got[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(140);
    expect(gaps[1]).toBeGreaterThanOrEqual(140);
    expect(gaps[2]).toBeGreaterThanOrEqual(290);
    expect(new Set(got.map((r) => JSON.parse(r.raw).id)).size).toBe(1);
    const detail = await eventually(
      () => detailOf(pay, outTradeNo),
      (d) => d.notifications[0]?.state === 'delivered',
    );
    expect(detail.deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 404],
      [4, 200],
    ]);
    expect(detail.notifications[0]!.attempts).toBe(4);
    await new Promise((r) => setTimeout(r, 400));
    expect(rx.received).toHaveLength(4);
  } finally {
    await rx.close();
  }
});

test('after the 16th failed attempt (first + 15 retries) the notification is given up', async () => {
  const rx = await receiver([500]);
  const pay = await start({ timeScale: 1_000_000 });
  try {
    const { outTradeNo } = await placeOrder(pay, rx.url);
    pay.pay(outTradeNo);
    const detail = await eventually(
      () => detailOf(pay, outTradeNo),
      (d) => d.notifications[0]?.state === 'failed',
    );
    expect(detail.deliveries).toHaveLength(16);
    expect(rx.received).toHaveLength(16);
  } finally {
    await rx.close();
  }
});

test('POST /sandbox/orders/<no>/notify?times=N delivers the same notification N more times at once', async () => {
  const rx = await receiver([200]);
  const pay = await start();
  try {
    const { outTradeNo } = await placeOrder(pay, rx.url);
    pay.pay(outTradeNo);
    await rx.waitFor(1);
    const r = await sandbox<{ answers: { status: number }[] }>(pay, 'POST', `orders/${outTradeNo}/notify?times=5`);
    expect(r.json.answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const all = await rx.waitFor(6);
    expect(new Set(all.map((n) => JSON.parse(n.raw).id)).size).toBe(1);
    for (const n of all) expect(verifyWith(pay, n.headers, n.raw)).toEqual({ ok: true });
    const detail = await detailOf(pay, outTradeNo);
    expect(detail.deliveries.filter((d) => d.kind === 'manual')).toHaveLength(5);
    const unpaid = await placeOrder(pay, rx.url);
    expect((await sandbox(pay, 'POST', `orders/${unpaid.outTradeNo}/notify`)).status).toBe(404);
  } finally {
    await rx.close();
  }
});

test('tamperRate: the altered body fails verification; the receiver’s refusal is retried untampered', async () => {
  const pay = await start({ timeScale: 1000 });
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const ok = verifyWith(pay, req.headers, Buffer.concat(chunks).toString('utf8')).ok;
      statuses.push(ok ? 200 : 401);
      if (!ok) pay.clearFaults();
      res.writeHead(ok ? 200 : 401).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
    const { outTradeNo } = await placeOrder(pay, url);
    pay.setFaults({ tamperRate: 1 });
    pay.pay(outTradeNo);
    const detail = await eventually(
      () => detailOf(pay, outTradeNo),
      (d) => d.notifications[0]?.state === 'delivered',
    );
    expect(statuses).toEqual([401, 200]);
    expect(detail.deliveries.map((d) => d.tampered)).toEqual(['whitespace', null]);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('duplicateRate: a successful delivery arrives a second time within a second', async () => {
  const rx = await receiver([200]);
  const pay = await start();
  try {
    pay.setFaults({ duplicateRate: 1 });
    const { outTradeNo } = await placeOrder(pay, rx.url);
    pay.pay(outTradeNo);
    const [a, b] = await rx.waitFor(2, 3000);
    expect(b!.raw).toBe(a!.raw);
    expect(b!.at - a!.at).toBeLessThan(1100);
    const detail = await eventually(
      () => detailOf(pay, outTradeNo),
      (d) => d.deliveries.length === 2,
    );
    expect(detail.deliveries.map((d) => d.kind)).toEqual(['scheduled', 'duplicate']);
  } finally {
    await rx.close();
  }
});

test('a notify_url off the machine is never posted to (logged as undeliverable)', async () => {
  const pay = await start();
  const { outTradeNo } = await placeOrder(pay, 'https://hospital.example.com/pay/notify');
  pay.pay(outTradeNo);
  const detail = await eventually(
    () => detailOf(pay, outTradeNo),
    (d) => d.notifications[0]?.state === 'undeliverable',
  );
  expect(detail.deliveries[0]!.error).toContain('127.0.0.1');
});

test('a receiver that does not answer within 5 s counts as a failure', async () => {
  const server = createServer(() => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const pay = await start({ timeScale: 1 });
  try {
    const { outTradeNo } = await placeOrder(pay, `http://127.0.0.1:${(server.address() as AddressInfo).port}/n`);
    pay.pay(outTradeNo);
    const detail = await eventually(
      () => detailOf(pay, outTradeNo),
      (d) => d.deliveries.length === 1,
      8000,
    );
    expect(detail.deliveries[0]).toMatchObject({ status: null, error: expect.stringContaining('5000 ms') });
    expect(detail.deliveries[0]!.ms).toBeGreaterThanOrEqual(4900);
    expect(detail.notifications[0]).toMatchObject({ state: 'pending', attempts: 1 });
  } finally {
    await pay.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('a restart resumes pending retries from the store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pay-restart-'));
  const rx = await receiver([500, 200]);
  try {
    const first = await startPaySandbox({ port: 0, stateDir: dir, quiet: true, timeScale: 50 });
    const { outTradeNo } = await placeOrder(first, rx.url);
    first.pay(outTradeNo);
    await rx.waitFor(1);
    await new Promise((r) => setTimeout(r, 50));
    await first.close();
    const second = await startPaySandbox({ port: 0, stateDir: dir, quiet: true, timeScale: 50 });
    try {
      expect(second.merchant.merchantSerialNo).toBe(first.merchant.merchantSerialNo);
      const detail = await eventually(
        () => detailOf(second, outTradeNo),
        (d) => d.notifications[0]?.state === 'delivered',
      );
      expect(detail.order.trade_state).toBe('SUCCESS');
      expect(detail.deliveries.map((d) => d.status)).toEqual([500, 200]);
    } finally {
      await second.close();
    }
  } finally {
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
