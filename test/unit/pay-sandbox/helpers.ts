/**
 * Pay sandbox test scaffolding: a sandbox on an ephemeral port with an in-memory store (the
 * credentials of one temp dir per test file, so RSA keys are made once per file), hand-signed v3
 * calls through server/core/wechatpay/crypto.ts, answer verification, and a tiny notification
 * receiver whose answers a test scripts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPaySandbox, type PaySandbox, type PaySandboxOptions } from '../../../devstack/pay';
import { wechatpayVerifyKeys } from '../../../devstack/pay/merchant';
import {
  authorizationHeader,
  decryptResource,
  signedHeadersOf,
  verifySigned,
  type EncryptedResource,
} from '../../../server/core/wechatpay/crypto';

/** A clock tests move by hand. */
export function manualClock(start = Date.now()): { clock: () => Date; advance(ms: number): void; ms(): number } {
  let now = start;
  return { clock: () => new Date(now), advance: (ms) => (now += ms), ms: () => now };
}

/** One credentials dir for the calling test file; removed after its tests. */
export function sandboxesForFile(): (opts?: Partial<PaySandboxOptions>) => Promise<PaySandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'pay-sandbox-'));
  const started: PaySandbox[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.close()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return async (opts = {}) => {
    const pay = await startPaySandbox({ port: 0, stateDir: dir, dbFile: ':memory:', quiet: true, ...opts });
    started.push(pay);
    return pay;
  };
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  text: string;
  json: T;
  headers: Record<string, string>;
}

export interface CallOptions {
  /** Unix seconds of the signature (default: now by `clock`). */
  timestamp?: string;
  serialNo?: string;
  mchid?: string;
  clock?: () => Date;
  /** Sign one body, send another. */
  sendBody?: string;
  /** Sign one path, request another. */
  sendPath?: string;
  headers?: Record<string, string>;
}

/** A v3 call signed by the merchant (crypto.ts's authorizationHeader). */
export async function v3(
  pay: PaySandbox,
  method: string,
  path: string,
  body?: unknown,
  o: CallOptions = {},
): Promise<Answer> {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const m = pay.merchant;
  const authorization = authorizationHeader({
    mchid: o.mchid ?? m.mchid,
    serialNo: o.serialNo ?? m.merchantSerialNo,
    privateKey: m.merchantPrivateKey,
    method,
    pathWithQuery: path,
    body: text,
    timestamp: o.timestamp ?? String(Math.floor((o.clock ?? (() => new Date()))().getTime() / 1000)),
  });
  const res = await fetch(`${pay.url}${o.sendPath ?? path}`, {
    method,
    headers: {
      Authorization: authorization,
      Accept: 'application/json',
      'Content-Type': 'application/json',
      ...o.headers,
    },
    ...(method === 'GET' ? {} : { body: o.sendBody ?? text }),
  });
  const answerText = await res.text();
  let json: unknown = null;
  try {
    json = answerText ? JSON.parse(answerText) : null;
  } catch {
    json = answerText;
  }
  return {
    status: res.status,
    text: answerText,
    json: json as Record<string, unknown>,
    headers: Object.fromEntries(res.headers),
  };
}

/** crypto.ts's verifySigned over an answer or notification, with the keys merchant.json gives. */
export function verifyWith(
  pay: PaySandbox,
  headers: Record<string, string> | IncomingHttpHeaders,
  raw: string,
  nowSec = Math.floor(Date.now() / 1000),
) {
  return verifySigned(signedHeadersOf(headers), raw, wechatpayVerifyKeys(pay.merchant), nowSec);
}

/** POST to the sandbox-only routes. */
export async function sandbox<T = Record<string, unknown>>(
  pay: PaySandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const res = await fetch(`${pay.url}/sandbox/${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as T };
}

let orderSeq = 0;

/** A valid JSAPI order body; `extra` overrides fields. */
export function jsapiBody(
  pay: PaySandbox,
  notifyUrl: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  orderSeq += 1;
  return {
    appid: pay.merchant.appid,
    mchid: pay.merchant.mchid,
    description: '门诊缴费-西药处方',
    out_trade_no: `T${Date.now()}${orderSeq}`,
    notify_url: notifyUrl,
    amount: { total: 2580, currency: 'CNY' },
    payer: { openid: 'o-test-openid-0001' },
    ...extra,
  };
}

export async function placeOrder(
  pay: PaySandbox,
  notifyUrl: string,
  extra: Record<string, unknown> = {},
  o: CallOptions = {},
) {
  const body = jsapiBody(pay, notifyUrl, extra);
  const answer = await v3(pay, 'POST', '/v3/pay/transactions/jsapi', body, o);
  if (answer.status !== 200) throw new Error(`jsapi answered ${answer.status} ${answer.text}`);
  return { outTradeNo: body.out_trade_no as string, prepayId: answer.json.prepay_id as string, body };
}

export interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  at: number;
}

/** A notification receiver: answers the scripted statuses in turn (then the last one again). */
export async function receiver(statuses: number[] = [200]): Promise<{
  url: string;
  received: Received[];
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  let i = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const status = statuses[Math.min(i++, statuses.length - 1)]!;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(status < 300 ? '' : JSON.stringify({ code: 'FAIL', message: 'scripted failure' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  return {
    url,
    received,
    async waitFor(n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} notifications, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return received.slice(0, n);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The decrypted resource of a received notification. */
export function decrypted(
  pay: PaySandbox,
  r: Received,
): { event: Record<string, unknown>; resource: Record<string, unknown> } {
  const event = JSON.parse(r.raw) as Record<string, unknown> & { resource: EncryptedResource };
  return {
    event,
    resource: JSON.parse(decryptResource(event.resource, pay.merchant.apiV3Key)) as Record<string, unknown>,
  };
}

/** Polls until `check` holds (the sandbox's timers are real). */
export async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    if (Date.now() > until)
      throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
