/**
 * The devstack's HTTP server (node:http): the stable "devstack HTTP contract" of docs/design.md plus
 * devstack-only helpers for the console page.
 *
 *   POST /functions/<name>            event JSON → the function's return value (200; 500 if it threw)
 *   ANY  /http/<name>[/<sub-path>]    HTTP access service (integration request/response)
 *   POST /timers/<name>[?trigger=][&message=]  fire a timer trigger now (message: its argument)
 *   GET  /outbox[?limit=]             subscription messages, newest first
 *   GET  /                            console page (+ /console/app.js, /console/style.css)
 *   GET  /preview[/...]               browser preview of the mini program (built by npm run build)
 *   GET  /fonts/noto-sans-sc/...      Noto Sans SC (@fontsource), so Chinese renders without system fonts
 *   GET  /healthz
 *   ANY  /paysandbox/<rest>           → the pay sandbox's /sandbox/<rest> (same origin for the preview's payment sheet)
 *   GET  /devstack/api/functions | collections | collections/<name>?limit=&skip= | identities
 *        | consents?openid= | his/<path>      and   POST /devstack/api/consents
 *
 * Every JSON response carries permissive CORS headers so a browser preview served from another
 * origin can call the functions. The server binds to 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { CORS_HEADERS, HttpError, sendJson } from './http-reply';
import { createStaticFiles } from './static-files';
import { maskIdNumber, maskMiddle, maskName, maskPhone } from '../common/mask';
import type { CloudEmulator } from './cloud';
import type { FunctionHost, HttpAccessEvent } from './function-host';
import { proxyToPaySandbox } from './pay/proxy';
import { freshPerson, TEST_IDENTITIES } from './seed/identities';

export interface DevstackServerDeps {
  functions: FunctionHost;
  emulator: CloudEmulator;
  /** Base URL of the HIS sandbox, e.g. http://127.0.0.1:7301 */
  hisUrl: string;
  /** Base URL of the pay sandbox, e.g. http://127.0.0.1:7302 (absent: /paysandbox answers 503). */
  payUrl?: string;
  clock?: () => Date;
}

const MAX_BODY = 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new HttpError(413, 'request body too large (limit 1 MiB)');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const buf = await readBody(req);
  const text = buf.toString('utf8').trim();
  if (text === '') throw new HttpError(400, 'request body must be JSON (got an empty body)');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

function intParam(v: string | null, def: number, min: number, max: number): number {
  if (v === null || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new HttpError(400, `expected an integer, got ${JSON.stringify(v).slice(0, 40)}`);
  return Math.min(max, Math.max(min, n));
}

function headerValue(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

// ---- PII masking of stored documents (defensive: the store should hold none in the clear) ----

const ID_KEY = /^(id_?number|id_?no|id_?card(_?no)?|identity_?(no|number)|cert_?no)$/i;
const PHONE_KEY = /(phone|mobile|^tel$|telephone)/i;
const NAME_KEY = /^(name|(patient|real|full|holder|contact|person|guardian)_?name)$/i;
const SOCIAL_KEY = /^social_?security(_?no|_?number)?$/i;
const SKIP_KEY = /(masked|hash|hmac)$/i;

export function maskDocument(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => maskDocument(v, key));
  if (value !== null && typeof value === 'object') {
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = maskDocument(v, k);
    return out;
  }
  if (typeof value !== 'string' || key === '' || SKIP_KEY.test(key)) return value;
  if (ID_KEY.test(key)) return maskIdNumber(value);
  if (SOCIAL_KEY.test(key)) return maskMiddle(value, 2, 2);
  if (PHONE_KEY.test(key)) return maskPhone(value);
  if (NAME_KEY.test(key)) return maskName(value);
  return value;
}

// ---- HTTP access service ----

function toHttpEvent(req: IncomingMessage, url: URL, subPath: string, body: Buffer): HttpAccessEvent {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
  const text = body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(body);
  return {
    httpMethod: req.method ?? 'GET',
    path: subPath,
    headers,
    queryStringParameters: query,
    body: isText ? text : body.toString('base64'),
    isBase64Encoded: !isText,
  };
}

function writeIntegrationResponse(res: ServerResponse, result: unknown): void {
  const r = result as { statusCode?: unknown; headers?: unknown; body?: unknown; isBase64Encoded?: unknown } | null;
  if (!r || typeof r !== 'object' || typeof r.statusCode !== 'number') {
    // CloudBase returns a non-integration return value as JSON.
    sendJson(res, 200, result);
    return;
  }
  const headers: Record<string, string> = { ...CORS_HEADERS };
  if (r.headers && typeof r.headers === 'object') {
    for (const [k, v] of Object.entries(r.headers as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number') headers[k.toLowerCase()] = String(v);
    }
  }
  let body: Buffer;
  if (typeof r.body === 'string')
    body = r.isBase64Encoded === true ? Buffer.from(r.body, 'base64') : Buffer.from(r.body, 'utf8');
  else if (r.body === undefined || r.body === null) body = Buffer.alloc(0);
  else {
    body = Buffer.from(JSON.stringify(r.body), 'utf8');
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  res.writeHead(r.statusCode, headers);
  res.end(body);
}

// ---- the server ----

const consentSchema = z
  .object({
    openid: z.string().min(1).max(128),
    templateId: z.string().min(1).max(128),
    count: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

export function createDevstackServer(deps: DevstackServerDeps): Server {
  const clock = deps.clock ?? (() => new Date());
  const staticFiles = createStaticFiles();

  const requireFunction = (name: string): void => {
    if (!deps.functions.has(name)) throw new HttpError(404, `unknown function: ${name}`);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;

    if (method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return;
    }

    // ---- contract ----
    let m = /^\/functions\/([^/]+)\/?$/.exec(path);
    if (m) {
      const name = decodeURIComponent(m[1]!);
      if (method !== 'POST') throw new HttpError(405, 'use POST');
      requireFunction(name);
      const event = await readJson(req);
      const openid = headerValue(req, 'x-wx-openid').trim();
      const r = await deps.functions.call(name, event, openid);
      if (r.threw) sendJson(res, 500, { error: r.error.message });
      else sendJson(res, 200, r.result);
      return;
    }

    m = /^\/http\/([^/]+)(\/.*)?$/.exec(path);
    if (m) {
      const name = decodeURIComponent(m[1]!);
      requireFunction(name);
      const body = await readBody(req);
      const r = await deps.functions.http(name, toHttpEvent(req, url, m[2] ?? '/', body));
      if (r.threw) sendJson(res, 500, { error: r.error.message });
      else writeIntegrationResponse(res, r.result);
      return;
    }

    m = /^\/timers\/([^/]+)\/?$/.exec(path);
    if (m) {
      const name = decodeURIComponent(m[1]!);
      if (method !== 'POST') throw new HttpError(405, 'use POST');
      requireFunction(name);
      const timers = deps.functions.timers(name);
      const wanted = url.searchParams.get('trigger');
      const trigger = wanted === null ? timers[0] : timers.find((t) => t.name === wanted);
      if (!trigger) {
        const known = timers.map((t) => t.name).join(', ') || 'none';
        throw new HttpError(
          404,
          wanted === null
            ? `function ${name} has no timer trigger in config.json`
            : `function ${name} has no timer trigger named ${wanted} (known: ${known})`,
        );
      }
      const at = clock();
      // `message`: the trigger's argument (CloudBase's 附加信息), e.g. the date to reconcile.
      const message = url.searchParams.get('message') ?? undefined;
      const r = await deps.functions.fireTimer(name, trigger, at, message);
      if (r.threw) sendJson(res, 500, { error: r.error.message });
      else sendJson(res, 200, { function: name, trigger: trigger.name, time: at.toISOString(), result: r.result });
      return;
    }

    if (path === '/outbox') {
      if (method !== 'GET') throw new HttpError(405, 'use GET');
      const limit = intParam(url.searchParams.get('limit'), 200, 1, 1000);
      sendJson(res, 200, deps.emulator.subscriptions.outbox(limit));
      return;
    }

    if (path === '/healthz') {
      sendJson(res, 200, { ok: true, functions: deps.functions.names(), his: deps.hisUrl, pay: deps.payUrl ?? null });
      return;
    }

    m = /^\/paysandbox\/(.*)$/.exec(path);
    if (m) {
      await proxyToPaySandbox(req, res, deps.payUrl, m[1]!, url.search);
      return;
    }

    if (staticFiles.serve(res, method, path)) return;

    // ---- devstack-only helpers ----
    if (path.startsWith('/devstack/api/')) {
      await handleApi(req, res, method, url, path.slice('/devstack/api/'.length));
      return;
    }

    throw new HttpError(404, `no route for ${method} ${path}`);
  }

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
    sub: string,
  ): Promise<void> {
    if (sub === 'functions' && method === 'GET') {
      sendJson(res, 200, { functions: deps.functions.summaries() });
      return;
    }
    if (sub === 'collections' && method === 'GET') {
      sendJson(res, 200, { collections: deps.emulator.admin.listCollections() });
      return;
    }
    let m = /^collections\/([^/]+)$/.exec(sub);
    if (m && method === 'GET') {
      const name = decodeURIComponent(m[1]!);
      const info = deps.emulator.admin.listCollections().find((c) => c.name === name);
      if (!info) throw new HttpError(404, `unknown collection: ${name}`);
      const limit = intParam(url.searchParams.get('limit'), 20, 1, 200);
      const skip = intParam(url.searchParams.get('skip'), 0, 0, 1_000_000);
      const docs = deps.emulator.admin.listDocuments(name, { limit, skip });
      sendJson(res, 200, {
        collection: name,
        total: info.count,
        limit,
        skip,
        documents: docs.map((d) => maskDocument(d)),
      });
      return;
    }
    if (sub === 'identities' && method === 'GET') {
      let samplePatients: unknown = [];
      let sampleError: string | null = null;
      try {
        const r = await fetch(`${deps.hisUrl}/sandbox/patients/sample?count=5`);
        if (!r.ok) throw new Error(`HIS sandbox answered HTTP ${r.status}`);
        const body = (await r.json()) as { code?: string; data?: { items?: unknown[] } };
        samplePatients = body.data?.items ?? [];
      } catch (err) {
        sampleError = err instanceof Error ? err.message : String(err);
      }
      sendJson(res, 200, {
        identities: TEST_IDENTITIES,
        samplePatients,
        sampleError,
        samplePatientsNote:
          'Fake patients seeded in the HIS sandbox (sandbox data, not real people). Bind one as 本人 with its exact name.',
        freshPeople: Array.from({ length: 5 }, () => freshPerson()),
        freshPeopleNote:
          'Freshly generated valid ID numbers (checksum per GB 11643) not in the HIS: binding one triggers 建档.',
        templates: deps.emulator.subscriptions.templates(),
      });
      return;
    }
    if (sub === 'consents') {
      if (method === 'POST') {
        const parsed = consentSchema.safeParse(await readJson(req));
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new HttpError(400, `invalid ${issue?.path.join('.') || 'body'}: ${issue?.message ?? ''}`);
        }
        const { openid, templateId, count } = parsed.data;
        if (!deps.emulator.subscriptions.templates().some((t) => t.id === templateId)) {
          throw new HttpError(400, `unknown templateId: ${templateId}`);
        }
        deps.emulator.subscriptions.grant(openid, templateId, count);
        sendJson(res, 200, { ok: true, openid, consents: deps.emulator.subscriptions.consents(openid) });
        return;
      }
      if (method === 'GET') {
        const openid = url.searchParams.get('openid') ?? '';
        sendJson(res, 200, {
          openid,
          consents: openid ? deps.emulator.subscriptions.consents(openid) : [],
          templates: deps.emulator.subscriptions.templates(),
        });
        return;
      }
      throw new HttpError(405, 'use GET or POST');
    }
    m = /^his(\/.*)?$/.exec(sub);
    if (m && method === 'GET') {
      const rest = (m[1] ?? '/').replace(/^\/+/, '');
      if (!/^[A-Za-z0-9/_-]*$/.test(rest) || rest.includes('..')) throw new HttpError(400, 'bad sandbox path');
      let upstream: Response;
      try {
        upstream = await fetch(`${deps.hisUrl}/sandbox/${rest}${url.search}`);
      } catch (err) {
        throw new HttpError(502, `HIS sandbox unreachable: ${err instanceof Error ? err.message : String(err)}`);
      }
      const text = await upstream.text();
      res.writeHead(upstream.status, {
        ...CORS_HEADERS,
        'content-type': upstream.headers.get('content-type') ?? 'application/json; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(text);
      return;
    }
    throw new HttpError(404, `no route for ${method} /devstack/api/${sub}`);
  }

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) sendJson(res, status, { error: message });
      else res.end();
    });
  });
}
