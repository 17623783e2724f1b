/**
 * The HIS transport's HTTP client: node:http(s) with a keep-alive agent per protocol.
 *
 * Why not the global `fetch`: in Node 20 every fetch builds WHATWG Request/Response/stream objects
 * (undici) — several times the CPU of the call itself on a hot path like the booking burst, where a
 * function instance confirms dozens of bookings at once — and it opens a connection per call
 * unless told otherwise. This is the small subset the transport needs: POST a string, read the
 * status and the body as text, abort through a signal.
 */
import http from 'node:http';
import https from 'node:https';

export interface HisHttpResponse {
  status: number;
  text(): Promise<string>;
}

export interface HisHttpInit {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/** What the transport calls; the global `fetch` fits too (tests inject counting or fake fetches). */
export type HisFetch = (url: string, init: HisHttpInit) => Promise<HisHttpResponse>;

/** Idle sockets are kept for the next call; at most this many per HIS host at once. */
export const HIS_MAX_SOCKETS = 64;

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: HIS_MAX_SOCKETS }),
  https: new https.Agent({ keepAlive: true, maxSockets: HIS_MAX_SOCKETS }),
};

export const nodeHttpFetch: HisFetch = (url, init) =>
  new Promise<HisHttpResponse>((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const options: http.RequestOptions = {
      method: init.method,
      headers: { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) },
      agent: secure ? agents.https : agents.http,
      signal: init.signal,
    };
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, text: () => Promise.resolve(body) });
      });
      // Cut off mid-body (abort, reset): settle instead of waiting forever (no-op after 'end').
      res.on('close', () => {
        if (!res.complete) reject(new Error('HIS response closed before its end'));
      });
    };
    const req = secure ? https.request(target, options, onResponse) : http.request(target, options, onResponse);
    req.on('error', reject);
    req.end(init.body);
  });
