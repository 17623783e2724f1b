/**
 * Helpers for integration tests: start an in-process devstack on ephemeral ports with a fresh
 * state dir, and talk to it only through the devstack HTTP contract.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevstack, type Devstack } from '../../devstack/stack';

export function freshStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'devstack-it-'));
}

export function removeStateDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startTestStack(stateDir: string, reset = true): Promise<Devstack> {
  return startDevstack({ port: 0, hisPort: 0, stateDir, reset, quiet: true });
}

/**
 * One devstack for the tests of the calling file (or describe): started on a fresh state dir before
 * them, stopped and its state dir removed after them. Answers the running stack.
 */
export function stackForTests(startTimeoutMs?: number): () => Devstack {
  let stack: Devstack | undefined;
  let dir = '';
  beforeAll(async () => {
    dir = freshStateDir();
    stack = await startTestStack(dir);
  }, startTimeoutMs);
  afterAll(async () => {
    await stack?.stop();
    removeStateDir(dir);
  });
  return () => {
    if (!stack) throw new Error('the devstack did not start');
    return stack;
  };
}

/** The `patient.bind` event of a 本人 card for `p` (`extra` adds fields or overrides them). */
export function bindEvent(
  p: { name: string; idNumber: string; phone: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { action: 'bind', name: p.name, idNumber: p.idNumber, phone: p.phone, relation: '本人', ...extra };
}

export interface HttpAnswer<T = unknown> {
  status: number;
  text: string;
  body: T;
  headers: Headers;
}

async function answer<T>(res: Response): Promise<HttpAnswer<T>> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (HTML pages)
  }
  return { status: res.status, text, body: body as T, headers: res.headers };
}

/** An envelope as functions return it. */
export type Env<T = Record<string, unknown>> =
  { ok: true; data: T } | { ok: false; error: { code: string; message: string; field?: string } };

/** POST /functions/<fn> with a JSON event (or a raw body string) as `openid` (omit for no header). */
export async function callFn<T = Record<string, unknown>>(
  stack: Devstack,
  fn: string,
  event: unknown,
  openid?: string,
  opts: { raw?: boolean } = {},
): Promise<HttpAnswer<Env<T>>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (openid !== undefined) headers['x-wx-openid'] = openid;
  const res = await fetch(`${stack.url}/functions/${fn}`, {
    method: 'POST',
    headers,
    body: opts.raw ? (event as string) : JSON.stringify(event),
  });
  return answer<Env<T>>(res);
}

export async function getJson<T = unknown>(url: string, init?: RequestInit): Promise<HttpAnswer<T>> {
  return answer<T>(await fetch(url, init));
}

/** The sandbox's envelope is { code: 'OK', data }. */
export async function sandbox<T = Record<string, unknown>>(stack: Devstack, path: string): Promise<T> {
  const r = await getJson<{ code: string; data: T }>(`${stack.hisUrl}/sandbox/${path}`);
  if (r.status !== 200 || r.body.code !== 'OK') throw new Error(`sandbox ${path}: HTTP ${r.status} ${r.text}`);
  return r.body.data;
}

export async function hisPatientsByQuery(
  stack: Devstack,
  q: string,
): Promise<{ total: number; items: { cardNo: string; patientId: string }[] }> {
  return sandbox(stack, `patients?q=${encodeURIComponent(q)}`);
}

export async function hisPatientCount(stack: Devstack): Promise<number> {
  const s = await sandbox<{ counts: Record<string, number> }>(stack, 'summary');
  return s.counts.patients ?? -1;
}

/** Collection name → document count, via the devstack API. */
export async function collectionCounts(stack: Devstack): Promise<Record<string, number>> {
  const r = await getJson<{ collections: { name: string; count: number }[] }>(`${stack.url}/devstack/api/collections`);
  return Object.fromEntries(r.body.collections.map((c) => [c.name, c.count]));
}

export interface CardView {
  id: string;
  cardNo: string;
  name: string;
  idNumberMasked: string;
  phoneMasked: string;
  relation: string;
  isDefault: boolean;
  createdInHis?: boolean;
}

/** POST a JSON body; the status and the parsed answer. */
export async function post<T>(url: string, body: unknown): Promise<{ status: number; body: T }> {
  const r = await getJson<T>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: r.body };
}

/** Reads until `ok` holds or `ms` have passed (then the last value, for the test's expectation). */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}
