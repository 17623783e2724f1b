/**
 * `wx.request` and `wx.cloud` of the preview: requests to the devstack go to the origin serving
 * the preview; `cloud.callFunction` is `POST /functions/<name>` as the current identity.
 */
import { asyncApi, type Opts } from './async-api';
import { currentOpenid, describeError } from './state';
import { WxFail } from './wx-fail';

/** Requests to the devstack go to the origin serving the preview (its port may differ from config.ts). */
export function rewriteDevstackUrl(url: string): string {
  return url.replace(
    /^https?:\/\/(127\.0\.0\.1|localhost):\d+(?=\/(functions|http|timers|outbox|devstack)\/)/,
    location.origin,
  );
}

function headersToObject(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

export function urlOf(opts: Opts, api: string): string {
  if (typeof opts.url !== 'string' || !opts.url)
    throw new WxFail(`${api}:fail parameter error: url should be a string`);
  return opts.url;
}

/** The url and body of a wx.request (GET data goes into the query string, objects become JSON). */
function requestParts(o: Opts, method: string, headers: Record<string, string>): { url: string; body?: string } {
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  let url = rewriteDevstackUrl(urlOf(o, 'request'));
  if (o.data === undefined || o.data === null) return { url };
  if (method === 'GET' && typeof o.data === 'object') {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(o.data as Record<string, unknown>)) qs.append(k, String(v));
    url += (url.includes('?') ? '&' : '?') + qs.toString();
    return { url };
  }
  if (typeof o.data === 'string') return { url, body: o.data };
  if (!hasType) headers['content-type'] = 'application/json';
  return { url, body: JSON.stringify(o.data) };
}

export function request(o: Opts = {}) {
  const controller = new AbortController();
  const method = String(o.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries((o.header ?? {}) as Record<string, unknown>)) headers[k] = String(v);
  const { url, body } = requestParts(o, method, headers);
  const done = (res: unknown, ok: boolean): void => {
    if (ok) o.success?.(res);
    else o.fail?.(res);
    o.complete?.(res);
  };
  fetch(url, { method, headers, body, signal: controller.signal })
    .then(async (r) => {
      const text = await r.text();
      let data: unknown = text;
      if (o.dataType !== 'other' && o.responseType !== 'text') {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
      done({ errMsg: 'request:ok', data, statusCode: r.status, header: headersToObject(r.headers), cookies: [] }, true);
    })
    .catch((err: unknown) => {
      const aborted = err instanceof DOMException && err.name === 'AbortError';
      done({ errMsg: aborted ? 'request:fail abort' : `request:fail ${describeError(err)}` }, false);
    });
  return {
    abort: () => controller.abort(),
    onHeadersReceived: () => undefined,
    offHeadersReceived: () => undefined,
  };
}

export const cloud = {
  init: (opts?: unknown) => {
    console.debug('[preview] wx.cloud.init', opts);
  },
  callFunction: asyncApi('cloud.callFunction', async (o) => {
    if (typeof o.name !== 'string' || !o.name)
      throw new WxFail('cloud.callFunction:fail parameter error: name is required');
    let r: Response;
    try {
      r = await fetch(`${location.origin}/functions/${encodeURIComponent(o.name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-WX-OPENID': currentOpenid() },
        body: JSON.stringify(o.data ?? {}),
      });
    } catch (err) {
      throw new WxFail(`cloud.callFunction:fail network error: ${describeError(err)}`);
    }
    const body: unknown = await r.json().catch(() => null);
    if (!r.ok) {
      const msg = (body as { error?: string } | null)?.error ?? `HTTP ${r.status}`;
      throw new WxFail(`cloud.callFunction:fail -404011 cloud function execution error: ${msg}`);
    }
    return { result: body, requestID: `preview-${Date.now()}` };
  }),
};
