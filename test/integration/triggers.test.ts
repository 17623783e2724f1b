/**
 * The plumbing no real function uses yet: timer triggers, the HTTP access service, subscription
 * messages into the outbox, identity per source, and a function that throws (HTTP 500). Runs the
 * devstack on a temporary functions folder holding one small fixture function written here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDevstack, type Devstack } from '../../devstack/stack';
import { callFn, freshStateDir, getJson, removeStateDir } from './helpers';

jest.setTimeout(60_000);

const FIXTURE = `"use strict";
const cloud = require("wx-server-sdk");
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const coldStartHis = process.env.HIS_BASE_URL;
exports.main = async (event) => {
  const wx = cloud.getWXContext();
  if (event && event.Type === "Timer") {
    try {
      await cloud.openapi.subscribeMessage.send({
        touser: "u1",
        templateId: "tmpl-visit-reminder",
        page: "pages/index/index",
        data: {
          thing1: { value: "张*" },
          thing2: { value: "心内科" },
          time3: { value: "2025年10月1日 08:30" },
          character_string4: { value: "A012" },
          thing5: { value: "请提前15分钟到达" },
        },
      });
      return { ok: true, data: { trigger: event.TriggerName, time: event.Time, source: wx.SOURCE, openid: wx.OPENID, sent: true } };
    } catch (err) {
      return { ok: false, error: { code: "FAILED_PRECONDITION", message: "errCode " + err.errCode } };
    }
  }
  if (event && typeof event.httpMethod === "string") {
    if (event.path === "/json") return { statusCode: 202, headers: { "x-source": wx.SOURCE }, body: { got: event.queryStringParameters } };
    return {
      statusCode: 201,
      headers: { "content-type": "text/plain; charset=utf-8", "x-echo-path": event.path },
      body: [event.httpMethod, event.path, JSON.stringify(event.queryStringParameters), event.body, String(event.isBase64Encoded), wx.SOURCE, String(event.headers["x-probe"])].join("|"),
    };
  }
  if (event.action === "boom") throw new Error("kaboom");
  if (event.action === "whoami") return { ok: true, data: { openid: wx.OPENID, source: wx.SOURCE, his: coldStartHis } };
  return { ok: false, error: { code: "INVALID_ARGUMENT", message: "不支持的操作", field: "action" } };
};
`;

let stack: Devstack;
let stateDir: string;

beforeAll(async () => {
  stateDir = freshStateDir();
  const functionsDir = join(stateDir, 'functions');
  mkdirSync(join(functionsDir, 'echo'), { recursive: true });
  writeFileSync(join(functionsDir, 'echo', 'index.js'), FIXTURE);
  writeFileSync(
    join(functionsDir, 'echo', 'config.json'),
    JSON.stringify({
      permissions: { openapi: ['subscribeMessage.send'] },
      triggers: [
        { name: 'morningReminder', type: 'timer', config: '0 30 7 * * * *' },
        { name: 'nightly', type: 'timer', config: '0 0 2 * * * *' },
      ],
    }),
  );
  stack = await startDevstack({ port: 0, hisPort: 0, stateDir, reset: true, quiet: true, functionsDir });
});

afterAll(async () => {
  await stack?.stop();
  removeStateDir(stateDir);
});

test('callFunction: identity from X-WX-OPENID, SOURCE wx_client, HIS env set before cold start', async () => {
  const r = await callFn(stack, 'echo', { action: 'whoami' }, 'nurse-wang');
  expect(r.body).toEqual({ ok: true, data: { openid: 'nurse-wang', source: 'wx_client', his: stack.hisUrl } });
});

test('a function that throws → HTTP 500 { error }', async () => {
  const r = await callFn(stack, 'echo', { action: 'boom' }, 'u1');
  expect(r.status).toBe(500);
  expect(r.body).toEqual({ error: 'kaboom' });
});

test('timer without consent: the send is rejected (43101) and recorded in the outbox', async () => {
  const r = await getJson<{ trigger: string; result: { ok: boolean; error?: { message: string } } }>(
    `${stack.url}/timers/echo`,
    { method: 'POST' },
  );
  expect(r.status).toBe(200);
  expect(r.body.trigger).toBe('morningReminder');
  expect(r.body.result).toMatchObject({ ok: false, error: { message: 'errCode 43101' } });
  const outbox = await getJson<{ status: string; errCode: number }[]>(`${stack.url}/outbox`);
  expect(outbox.body[0]).toMatchObject({ status: 'rejected', errCode: 43101 });
});

test('timer with consent: named trigger, SOURCE wx_trigger, empty OPENID, message sent (newest first)', async () => {
  const outboxBefore = (await getJson<unknown[]>(`${stack.url}/outbox`)).body.length;
  const g = await getJson(`${stack.url}/devstack/api/consents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ openid: 'u1', templateId: 'tmpl-visit-reminder', count: 1 }),
  });
  expect(g.status).toBe(200);
  const r = await getJson<{ trigger: string; time: string; result: unknown }>(
    `${stack.url}/timers/echo?trigger=nightly`,
    {
      method: 'POST',
    },
  );
  expect(r.status).toBe(200);
  expect(r.body.result).toEqual({
    ok: true,
    data: { trigger: 'nightly', time: r.body.time, source: 'wx_trigger', openid: '', sent: true },
  });
  expect(new Date(r.body.time).toISOString()).toBe(r.body.time);
  const outbox = await getJson<{ status: string; errCode: number; touser: string; templateId: string }[]>(
    `${stack.url}/outbox`,
  );
  expect(outbox.body).toHaveLength(outboxBefore + 1);
  expect(outbox.body[0]).toMatchObject({ status: 'sent', errCode: 0, touser: 'u1', templateId: 'tmpl-visit-reminder' });
  const consents = await getJson<{ consents: { templateId: string; remaining: number }[] }>(
    `${stack.url}/devstack/api/consents?openid=u1`,
  );
  const left = consents.body.consents.find((c) => c.templateId === 'tmpl-visit-reminder');
  expect(left?.remaining ?? 0).toBe(0);
});

test('unknown trigger name → 404', async () => {
  const r = await getJson<{ error: string }>(`${stack.url}/timers/echo?trigger=nope`, { method: 'POST' });
  expect(r.status).toBe(404);
  expect(r.body.error).toContain('morningReminder');
});

test('HTTP access: integration event in, integration response out (POST and GET)', async () => {
  const post = await fetch(`${stack.url}/http/echo/pay/notify?a=1&a=2&b=x`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-probe': 'p1' },
    body: '{"n":1}',
  });
  expect(post.status).toBe(201);
  expect(post.headers.get('x-echo-path')).toBe('/pay/notify');
  expect(await post.text()).toBe('POST|/pay/notify|{"a":"1","b":"x"}|{"n":1}|false|wx_http|p1');

  const get = await fetch(`${stack.url}/http/echo`);
  expect(get.status).toBe(201);
  expect(await get.text()).toBe('GET|/|{}||false|wx_http|undefined');

  const bin = await fetch(`${stack.url}/http/echo/bin`, { method: 'PUT', body: new Uint8Array([0xff, 0xfe, 0x00]) });
  expect((await bin.text()).split('|').slice(3, 5)).toEqual([
    Buffer.from([0xff, 0xfe, 0x00]).toString('base64'),
    'true',
  ]);

  const json = await getJson<{ got: Record<string, string> }>(`${stack.url}/http/echo/json?k=v`);
  expect(json.status).toBe(202);
  expect(json.headers.get('x-source')).toBe('wx_http');
  expect(json.body).toEqual({ got: { k: 'v' } });
});

test('the console sees timers and recent calls of every kind', async () => {
  // One call of each kind and outcome, made here (not left over from other tests).
  await callFn(stack, 'echo', { action: 'whoami' }, 'u1'); // ok
  await callFn(stack, 'echo', { action: 'boom' }, 'u1'); // threw
  await fetch(`${stack.url}/timers/echo`, { method: 'POST' }); // a timer without consent: FAILED_PRECONDITION
  await fetch(`${stack.url}/http/echo`); // HTTP 201
  const r = await getJson<{
    functions: {
      name: string;
      timers: { name: string; config: string }[];
      recentCalls: { kind: string; outcome: string }[];
    }[];
  }>(`${stack.url}/devstack/api/functions`);
  const fn = r.body.functions.find((f) => f.name === 'echo')!;
  expect(fn.timers).toEqual([
    { name: 'morningReminder', config: '0 30 7 * * * *' },
    { name: 'nightly', config: '0 0 2 * * * *' },
  ]);
  const kinds = new Set(fn.recentCalls.map((c) => c.kind));
  expect(kinds).toEqual(new Set(['call', 'timer', 'http']));
  expect(fn.recentCalls.map((c) => c.outcome)).toEqual(
    expect.arrayContaining(['threw', 'HTTP 201', 'FAILED_PRECONDITION', 'ok']),
  );
});

test('a function folder with sources but no bundle refuses to start: run npm run build', async () => {
  await stack.stop();
  const functionsDir = join(stateDir, 'functions-unbuilt');
  mkdirSync(join(functionsDir, 'todo'), { recursive: true });
  writeFileSync(join(functionsDir, 'todo', 'index.ts'), 'export {};\n');
  await expect(
    startDevstack({ port: 0, hisPort: 0, stateDir: join(stateDir, 'other'), reset: true, quiet: true, functionsDir }),
  ).rejects.toThrow(/run npm run build/);
  // A failed start cleaned up after itself: a new stack can start.
  stack = await startDevstack({
    port: 0,
    hisPort: 0,
    stateDir,
    quiet: true,
    functionsDir: join(stateDir, 'functions'),
  });
  expect((await getJson<{ functions: string[] }>(`${stack.url}/healthz`)).body.functions).toEqual(['echo']);
});
