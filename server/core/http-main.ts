/**
 * `main` for a function behind the HTTP access service (WeChat Pay notifications, HIS events,
 * kiosks): the platform's integration request → the handler → `{ statusCode, headers, body }`.
 * Only the platform's HTTP source is accepted: a mini program calling it through callFunction
 * (with an OPENID) gets 403. One log line per request (method, status, duration — never the body
 * or headers, which carry signatures and patient data). A handler that throws answers 500.
 */
import { randomUUID } from 'node:crypto';
import type { CloudSdk } from '../ports/cloud-sdk';
import { logger as defaultLogger, type Logger } from './log';

export interface HttpAccessRequest {
  httpMethod: string;
  path: string;
  headers: Record<string, string>;
  queryStringParameters: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

export interface HttpAccessResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export type HttpHandler = (req: HttpAccessRequest) => Promise<HttpAccessResponse>;

function toRequest(event: unknown): HttpAccessRequest | null {
  if (typeof event !== 'object' || event === null) return null;
  const e = event as Record<string, unknown>;
  if (typeof e.httpMethod !== 'string') return null;
  const headers: Record<string, string> = {};
  if (e.headers && typeof e.headers === 'object') {
    for (const [k, v] of Object.entries(e.headers as Record<string, unknown>)) {
      if (typeof v === 'string') headers[k.toLowerCase()] = v;
    }
  }
  const query: Record<string, string> = {};
  if (e.queryStringParameters && typeof e.queryStringParameters === 'object') {
    for (const [k, v] of Object.entries(e.queryStringParameters as Record<string, unknown>)) {
      if (typeof v === 'string') query[k] = v;
    }
  }
  return {
    httpMethod: e.httpMethod.toUpperCase(),
    path: typeof e.path === 'string' ? e.path : '/',
    headers,
    queryStringParameters: query,
    body: typeof e.body === 'string' ? e.body : '',
    isBase64Encoded: e.isBase64Encoded === true,
  };
}

const plain = (statusCode: number, message: string): HttpAccessResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ code: 'FAIL', message }),
});

export function createHttpMain(
  cloud: Pick<CloudSdk, 'getWXContext'>,
  /** Built on the first request (cold start reads the environment then, as createMain does). */
  handler: () => HttpHandler,
  opts: { fn: string; log?: Logger },
): (event: unknown) => Promise<HttpAccessResponse> {
  const log = opts.log ?? defaultLogger;
  let resolved: HttpHandler | undefined;
  const get = (): HttpHandler => (resolved ??= handler());
  return async (event) => {
    const started = Date.now();
    const requestId = randomUUID();
    let res: HttpAccessResponse;
    const req = toRequest(event);
    if (cloud.getWXContext().OPENID) res = plain(403, 'forbidden');
    else if (!req) res = plain(400, 'not an HTTP request');
    else {
      try {
        res = await get()(req);
      } catch (err) {
        log.error('http handler threw', { fn: opts.fn, requestId, err: err instanceof Error ? err.name : 'unknown' });
        res = plain(500, 'internal error');
      }
    }
    log.info('http', {
      fn: opts.fn,
      requestId,
      method: req?.httpMethod ?? '?',
      status: res.statusCode,
      ms: Date.now() - started,
    });
    return res;
  };
}
