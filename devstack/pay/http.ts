/** Reading requests and writing the two kinds of answers: signed v3 answers and sandbox JSON. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PayError } from './errors';

/** WeChat Pay's own limit for a request body is far below this; a sandbox only needs a guard. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const SANDBOX_CORS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '600',
};

/** The request body, or null when it is larger than MAX_BODY_BYTES (the rest is drained, not kept). */
export async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks);
}

/**
 * The body as text, refused when it is not valid UTF-8: the signature is checked over the text,
 * and only for valid UTF-8 are the text and the bytes on the wire one and the same.
 */
export function utf8Body(raw: Buffer | null): string {
  if (raw === null) throw new PayError('PARAM_ERROR', `请求体超过 ${MAX_BODY_BYTES} 字节`);
  const text = raw.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(raw)) throw new PayError('PARAM_ERROR', '请求体不是合法的 UTF-8');
  return text;
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function sendSandboxJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, {
    ...SANDBOX_CORS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** A signed v3 answer: `headers` already carry the signature over exactly `text`. */
export function sendSigned(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  res.writeHead(status, {
    ...headers,
    ...(text === '' ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
