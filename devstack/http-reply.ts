/**
 * The devstack's replies shared by its routes: permissive CORS (a browser preview served from
 * another origin calls the functions), JSON bodies, and the error that maps to a status.
 */
import type { ServerResponse } from 'node:http';

export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers': 'content-type, x-wx-openid',
  'access-control-max-age': '600',
};

/** An error that maps to a JSON response with a given status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body === undefined ? null : body);
  res.writeHead(status, {
    ...CORS_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    ...CORS_HEADERS,
    'content-type': type,
    'cache-control': 'no-store',
    // The console loads nothing external: everything comes from this origin.
    'content-security-policy': "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'",
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}
