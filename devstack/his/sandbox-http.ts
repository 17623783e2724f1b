/** Small helpers shared by the sandbox-only HTTP routes (envelope answers, CORS, JSON bodies). */

export interface RouteAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
};

export const ok = (data: unknown): RouteAnswer => ({ status: 200, body: { code: 'OK', data }, headers: CORS });

export const fail = (status: number, code: string, message: string): RouteAnswer => ({
  status,
  body: { code, message },
  headers: CORS,
});

/** An empty body reads as `{}`; anything but a JSON object is refused with INVALID_REQUEST. */
export function parseJsonObject(
  body: Buffer | undefined,
): { ok: true; value: Record<string, unknown> } | { ok: false; answer: RouteAnswer } {
  let parsed: unknown;
  try {
    parsed = body && body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    return { ok: false, answer: fail(400, 'INVALID_REQUEST', 'body is not valid JSON') };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, answer: fail(400, 'INVALID_REQUEST', 'body must be a JSON object') };
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}
