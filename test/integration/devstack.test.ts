/**
 * The devstack HTTP contract itself (docs/design.md, "devstack HTTP contract"): routes, status codes,
 * CORS, the console page and its helper API.
 */
import { freshPerson } from '../../devstack/seed/identities';
import { bindEvent, callFn, getJson, stackForTests } from './helpers';

jest.setTimeout(60_000);

const stack = stackForTests();

describe('contract routes', () => {
  test('GET /healthz lists the loaded functions', async () => {
    const r = await getJson<{ ok: boolean; functions: string[] }>(`${stack().url}/healthz`);
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(true);
    expect(r.body.functions).toContain('patient');
  });

  test('POST /functions/<unknown> → 404 JSON', async () => {
    const r = await callFn(stack(), 'no-such-fn', { action: 'list' }, 'u1');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    expect(r.body).toEqual({ error: expect.stringContaining('no-such-fn') });
  });

  test('POST /functions/<name> with invalid JSON → 400 JSON; GET → 405', async () => {
    const bad = await callFn(stack(), 'patient', 'not json', 'u1', { raw: true });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: expect.any(String) });
    const get = await getJson(`${stack().url}/functions/patient`);
    expect(get.status).toBe(405);
  });

  test('CORS: preflight and headers on answers', async () => {
    const pre = await fetch(`${stack().url}/functions/patient`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-wx-openid',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/x-wx-openid/i);
    const r = await callFn(stack(), 'patient', { action: 'list' }, 'u1');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('/http/<unknown> and /timers/<unknown> → 404 JSON', async () => {
    for (const [method, path] of [
      ['POST', '/http/no-such-fn'],
      ['GET', '/http/no-such-fn/sub/path?x=1'],
      ['POST', '/timers/no-such-fn'],
    ] as const) {
      const r = await getJson<{ error: string }>(`${stack().url}${path}`, { method });
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/application\/json/);
      expect(r.body.error).toContain('no-such-fn');
    }
  });

  test('/timers/<fn> without a configured timer trigger → 404 JSON naming the problem', async () => {
    const r = await getJson<{ error: string }>(`${stack().url}/timers/patient`, { method: 'POST' });
    expect(r.status).toBe(404);
    expect(r.body.error).toMatch(/timer trigger/);
    const named = await getJson<{ error: string }>(`${stack().url}/timers/patient?trigger=nightly`, { method: 'POST' });
    expect(named.status).toBe(404);
  });

  test('/http/<fn> passes an HTTP access event and answers what the function returns', async () => {
    // `patient` is not an HTTP-access function: the event has no action, so it answers the
    // INVALID_ARGUMENT envelope, which the service returns as JSON with HTTP 200.
    const r = await getJson<{ ok: boolean; error: { code: string } }>(`${stack().url}/http/patient/x?y=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  test('GET /outbox → JSON array (newest first)', async () => {
    const r = await getJson<unknown[]>(`${stack().url}/outbox`);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
  });

  test('GET / → the console page; its assets load from this origin only', async () => {
    const r = await fetch(`${stack().url}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    const html = await r.text();
    expect(html).toContain('智慧医院');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    for (const asset of ['/console/app.js', '/console/pay.js', '/console/identities.js', '/console/style.css']) {
      const a = await fetch(`${stack().url}${asset}`);
      expect(a.status).toBe(200);
      expect(await a.text()).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    }
  });

  test('GET /preview → the preview page, its built assets, all local', async () => {
    const r = await fetch(`${stack().url}/preview`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    const html = await r.text();
    expect(html).toContain('href="/"');
    for (const asset of ['/preview/filemap.js', '/preview/runtime.js', '/preview/preview.css']) {
      expect(html).toContain(asset);
      const a = await fetch(`${stack().url}${asset}`);
      expect(a.status).toBe(200);
    }
    expect(html).not.toMatch(/(src|href)="https?:\/\//);
  });

  test('unknown route → 404 JSON', async () => {
    const r = await getJson<{ error: string }>(`${stack().url}/nope`);
    expect(r.status).toBe(404);
    expect(r.body.error).toBeDefined();
  });
});

describe('console helper API', () => {
  const person = freshPerson();

  beforeAll(async () => {
    const r = await callFn(stack(), 'patient', bindEvent(person), 'console-user');
    expect(r.body).toMatchObject({ ok: true });
    await callFn(stack(), 'patient', { action: 'list' }, 'console-user');
    await callFn(stack(), 'patient', { action: 'nope' }, 'console-user');
  });

  test('functions: actions seen, timers and recent calls without payloads or data', async () => {
    const r = await getJson<{
      functions: { name: string; actionsSeen: string[]; timers: unknown[]; recentCalls: Record<string, unknown>[] }[];
    }>(`${stack().url}/devstack/api/functions`);
    expect(r.status).toBe(200);
    const fn = r.body.functions.find((f) => f.name === 'patient')!;
    expect(fn.actionsSeen).toEqual(expect.arrayContaining(['bind', 'list']));
    expect(fn.actionsSeen).not.toContain('nope');
    expect(fn.timers).toEqual([]);
    expect(fn.recentCalls.length).toBeGreaterThanOrEqual(2);
    expect(fn.recentCalls[0]).toEqual({
      at: expect.any(String),
      fn: 'patient',
      kind: 'call',
      action: 'nope',
      caller: 'cons…',
      outcome: 'INVALID_ARGUMENT',
      ms: expect.any(Number),
    });
    expect(r.text).not.toContain(person.idNumber);
    expect(r.text).not.toContain(person.name);
    expect(r.text).not.toContain(person.phone);
    expect(r.text).not.toContain('console-user');
  });

  test('collections: counts, and documents paged with PII masked', async () => {
    const list = await getJson<{ collections: { name: string; count: number }[] }>(
      `${stack().url}/devstack/api/collections`,
    );
    expect(list.status).toBe(200);
    expect(list.body.collections.length).toBeGreaterThan(0);
    for (const c of list.body.collections) {
      const docs = await getJson<{ total: number; limit: number; skip: number; documents: unknown[] }>(
        `${stack().url}/devstack/api/collections/${encodeURIComponent(c.name)}?limit=1&skip=0`,
      );
      expect(docs.status).toBe(200);
      expect(docs.body.total).toBe(c.count);
      expect(docs.body.documents.length).toBeLessThanOrEqual(1);
      expect(docs.text).not.toContain(person.idNumber);
      expect(docs.text).not.toContain(person.phone);
    }
    const missing = await getJson(`${stack().url}/devstack/api/collections/no_such_collection`);
    expect(missing.status).toBe(404);
  });

  test('identities: test OPENIDs, sandbox sample patients, fresh valid ID numbers', async () => {
    const r = await getJson<{
      identities: { openid: string; role: string }[];
      samplePatients: { name: string; idNumber: string }[];
      freshPeople: { idNumber: string }[];
    }>(`${stack().url}/devstack/api/identities`);
    expect(r.status).toBe(200);
    expect(r.body.identities.map((i) => i.openid)).toEqual(
      expect.arrayContaining(['u1', 'u2', 'patient-zhang', 'patient-li', 'nurse-wang', 'billing-zhao']),
    );
    expect(r.body.samplePatients.length).toBeGreaterThan(0);
    expect(r.body.samplePatients[0]!.idNumber).toMatch(/^\d{17}[\dX]$/);
    expect(r.body.freshPeople.length).toBeGreaterThan(0);
  });

  test('consents: grant and read back; bad requests are 400', async () => {
    const t = await getJson<{ templates: { id: string; kind: string }[] }>(`${stack().url}/devstack/api/consents`);
    expect(t.status).toBe(200);
    const template = t.body.templates.find((x) => x.kind === 'one-time') ?? t.body.templates[0];
    expect(template).toBeDefined();
    const g = await getJson(`${stack().url}/devstack/api/consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ openid: 'u1', templateId: template!.id, count: 2 }),
    });
    expect(g.status).toBe(200);
    const c = await getJson<{ consents: { templateId: string; remaining: number | string }[] }>(
      `${stack().url}/devstack/api/consents?openid=u1`,
    );
    expect(c.body.consents.find((x) => x.templateId === template!.id)).toBeDefined();
    for (const body of [
      { openid: 'u1' },
      { openid: 'u1', templateId: 'no-such-template' },
      { templateId: template!.id },
    ]) {
      const bad = await getJson(`${stack().url}/devstack/api/consents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(bad.status).toBe(400);
    }
  });

  test('HIS proxy: summary, departments, doctors, masked patients', async () => {
    const summary = await getJson<{ code: string; data: { counts: Record<string, number> } }>(
      `${stack().url}/devstack/api/his/summary`,
    );
    expect(summary.status).toBe(200);
    expect(summary.body.data.counts.patients).toBeGreaterThan(0);
    for (const p of ['departments', 'doctors']) {
      const r = await getJson<{ data: { items: unknown[] } }>(`${stack().url}/devstack/api/his/${p}`);
      expect(r.status).toBe(200);
      expect(r.body.data.items.length).toBeGreaterThan(0);
    }
    const pats = await getJson<{ data: { items: { idNumber: string }[] } }>(
      `${stack().url}/devstack/api/his/patients?limit=5&offset=0`,
    );
    expect(pats.body.data.items).toHaveLength(5);
    for (const p of pats.body.data.items) expect(p.idNumber).toMatch(/\*{8}/);
    const bad = await getJson(`${stack().url}/devstack/api/his/..%2F..%2Fetc`);
    expect(bad.status).toBe(400);
  });
});
