/**
 * The pay sandbox inside the devstack: started with it (ephemeral with an ephemeral devstack), the
 * functions' WXPAY_* variables set before their cold start — WXPAY_NOTIFY_URL included, although
 * the devstack's port is only known once it listens — and restored on stop; notifications reach
 * `/http/payNotify`; `/paysandbox/*` proxies to the sandbox's `/sandbox/*`. A fixture payNotify
 * function (plain node:crypto) verifies and decrypts what it gets with nothing but its env.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevstack, type Devstack } from '../../../devstack/stack';
import { eventually, jsapiBody, v3 } from './helpers';

jest.setTimeout(60_000);

const PAY_NOTIFY = `"use strict";
const crypto = require("node:crypto");
const cloud = require("wx-server-sdk");
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const env = { ...process.env };
const received = [];
exports.main = async (event) => {
  if (event && event.action === "env") {
    const names = Object.keys(env).filter((k) => k.startsWith("WXPAY_")).sort();
    return { names, notifyUrl: env.WXPAY_NOTIFY_URL, baseUrl: env.WXPAY_BASE_URL, keyHasNewlines: env.WXPAY_MERCHANT_PRIVATE_KEY.includes("\\n") };
  }
  if (event && event.action === "received") return received;
  const h = event.headers;
  const message = h["wechatpay-timestamp"] + "\\n" + h["wechatpay-nonce"] + "\\n" + event.body + "\\n";
  const ok = h["wechatpay-serial"] === env.WXPAY_PUBLIC_KEY_ID &&
    crypto.createVerify("RSA-SHA256").update(message).verify(env.WXPAY_PUBLIC_KEY, h["wechatpay-signature"], "base64");
  if (!ok) return { statusCode: 401, body: { code: "FAIL", message: "bad signature" } };
  const r = JSON.parse(event.body).resource;
  const data = Buffer.from(r.ciphertext, "base64");
  const d = crypto.createDecipheriv("aes-256-gcm", Buffer.from(env.WXPAY_APIV3_KEY), Buffer.from(r.nonce));
  d.setAuthTag(data.subarray(data.length - 16));
  d.setAAD(Buffer.from(r.associated_data));
  received.push(JSON.parse(Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]).toString()));
  return { statusCode: 204, body: "" };
};
`;

let stack: Devstack;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pay-devstack-'));
  const functionsDir = join(dir, 'functions');
  mkdirSync(join(functionsDir, 'payNotify'), { recursive: true });
  writeFileSync(join(functionsDir, 'payNotify', 'index.js'), PAY_NOTIFY);
  stack = await startDevstack({ port: 0, hisPort: 0, stateDir: join(dir, 'state'), functionsDir, quiet: true });
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (action: string): Promise<Record<string, unknown>> => {
  const r = await fetch(`${stack.url}/functions/payNotify`, { method: 'POST', body: JSON.stringify({ action }) });
  return (await r.json()) as Record<string, unknown>;
};

test('the functions see the merchant variables at cold start, WXPAY_NOTIFY_URL on the ephemeral port included', async () => {
  expect(stack.payUrl).toBe(stack.pay.url);
  expect(stack.payUrl).not.toContain(':7302');
  const env = await call('env');
  expect(env).toEqual({
    names: [
      'WXPAY_APIV2_KEY',
      'WXPAY_APIV3_KEY',
      'WXPAY_APPID',
      'WXPAY_BASE_URL',
      'WXPAY_MCHID',
      'WXPAY_MERCHANT_PRIVATE_KEY',
      'WXPAY_MERCHANT_SERIAL',
      'WXPAY_NOTIFY_URL',
      'WXPAY_PAPAY_PLAN_ID',
      'WXPAY_PUBLIC_KEY',
      'WXPAY_PUBLIC_KEY_ID',
    ],
    notifyUrl: `${stack.url}/http/payNotify`,
    baseUrl: stack.payUrl,
    keyHasNewlines: true,
  });
  expect(stack.pay.notifyUrl()).toBe(`${stack.url}/http/payNotify`);
});

test('a payment through the console proxy is notified to /http/payNotify, which verifies and answers 204', async () => {
  const body = jsapiBody(stack.pay, `${stack.url}/http/payNotify`);
  expect((await v3(stack.pay, 'POST', '/v3/pay/transactions/jsapi', body)).status).toBe(200);
  const listed = await fetch(`${stack.url}/paysandbox/orders?limit=5`);
  expect(listed.headers.get('access-control-allow-origin')).toBe('*');
  const { orders } = (await listed.json()) as { orders: { out_trade_no: string }[] };
  expect(orders[0]!.out_trade_no).toBe(body.out_trade_no);
  const paid = await fetch(`${stack.url}/paysandbox/orders/${body.out_trade_no}/pay`, { method: 'POST' });
  expect(paid.status).toBe(200);
  const received = await eventually(
    async () => (await call('received')) as unknown as { out_trade_no: string; trade_state: string }[],
    (r) => r.length === 1,
  );
  expect(received[0]).toMatchObject({ out_trade_no: body.out_trade_no, trade_state: 'SUCCESS' });
  const detail = await eventually(
    async () =>
      (await (await fetch(`${stack.url}/paysandbox/orders/${body.out_trade_no}`)).json()) as {
        deliveries: { status: number }[];
      },
    (d) => d.deliveries.length === 1,
  );
  expect(detail.deliveries[0]!.status).toBe(204);
  expect((await fetch(`${stack.url}/paysandbox/../merchant`)).status).toBe(404);
  expect((await fetch(`${stack.url}/paysandbox/orders/nope%2F..%2Fx`)).status).toBe(400);
});

test('stop() closes the sandbox and restores the environment', async () => {
  const url = stack.payUrl;
  await stack.stop();
  expect(process.env.WXPAY_MCHID).toBeUndefined();
  expect(process.env.WXPAY_NOTIFY_URL).toBeUndefined();
  await expect(fetch(`${url}/sandbox/orders`)).rejects.toThrow();
});
