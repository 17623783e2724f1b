/**
 * The WeChat Pay client's HTTP: node:http(s) with keep-alive, the status, the headers and the raw
 * body as text (the answer signature covers the exact bytes, so nothing may parse them first).
 */
import http from 'node:http';
import https from 'node:https';

export interface PayHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface PayHttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export type PayFetch = (req: PayHttpRequest) => Promise<PayHttpResponse>;

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
};

export const nodePayFetch: PayFetch = (req) =>
  new Promise<PayHttpResponse>((resolve, reject) => {
    const target = new URL(req.url);
    const secure = target.protocol === 'https:';
    const headers: Record<string, string> = { ...req.headers };
    if (req.method === 'POST') headers['Content-Length'] = String(Buffer.byteLength(req.body));
    const options: http.RequestOptions = {
      method: req.method,
      headers,
      agent: secure ? agents.https : agents.http,
      signal: AbortSignal.timeout(req.timeoutMs),
    };
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        }
        resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('close', () => {
        if (!res.complete) reject(new Error('WeChat Pay response closed before its end'));
      });
    };
    const r = secure ? https.request(target, options, onResponse) : http.request(target, options, onResponse);
    r.on('error', reject);
    r.end(req.method === 'POST' ? req.body : undefined);
  });
