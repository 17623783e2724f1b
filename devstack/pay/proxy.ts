/**
 * `ANY /paysandbox/<rest>` on the devstack → `<pay sandbox>/sandbox/<rest>`: the browser preview's
 * payment sheet and the console reach the pay sandbox through the devstack's own origin (its
 * pages allow `connect-src 'self'` only).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORS_HEADERS, HttpError } from '../http-reply';

const MAX_BODY = 1024 * 1024;

async function bodyOf(req: IncomingMessage): Promise<Buffer | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'request body too large (limit 1 MiB)');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function proxyToPaySandbox(
  req: IncomingMessage,
  res: ServerResponse,
  payUrl: string | undefined,
  rest: string,
  search: string,
): Promise<void> {
  if (!payUrl) throw new HttpError(503, 'no pay sandbox in this devstack');
  // Only sandbox routes, never a path that climbs out of /sandbox/.
  if (!/^[A-Za-z0-9/_*-]*$/.test(rest) || rest.split('/').includes('..'))
    throw new HttpError(400, 'bad pay sandbox path');
  const body = await bodyOf(req);
  let upstream: Response;
  try {
    upstream = await fetch(`${payUrl}/sandbox/${rest}${search}`, {
      method: req.method ?? 'GET',
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      ...(body && body.length > 0 ? { body: new Uint8Array(body) } : {}),
    });
  } catch (err) {
    throw new HttpError(502, `pay sandbox unreachable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = await upstream.text();
  res.writeHead(upstream.status, {
    ...CORS_HEADERS,
    'content-type': upstream.headers.get('content-type') ?? 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(text);
}
