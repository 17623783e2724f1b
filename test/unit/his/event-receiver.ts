/**
 * A tiny stand-in for the cloud's hisEvents route (node:http) for tests of the HIS sandbox's
 * events: it verifies every delivery's signature with the gateway's own `verifyRequest` (401 when
 * it fails, as the cloud does) and answers the scripted statuses, 200 once the script is used up.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NonceCache, verifyRequest } from '../../../server/adapters/his/signature';
import { APP_ID, APP_SECRET } from './helpers';

export interface Received {
  raw: string;
  // Test-only: events are navigated freely in assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  event: any;
  headers: IncomingHttpHeaders;
  auth: ReturnType<typeof verifyRequest>;
  /** Date.now() when the request arrived. */
  at: number;
  /** What the receiver answered. */
  status: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Statuses for the next deliveries, in order (then `fallback`); 0 = never answer. */
  script(statuses: number[], fallback?: number): void;
  close(): Promise<void>;
}

export async function startReceiver(opts: { secret?: string } = {}): Promise<Receiver> {
  const nonces = new NonceCache();
  const received: Received[] = [];
  let queue: number[] = [];
  let fallback = 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const auth = verifyRequest({
        headers: req.headers,
        rawBody: raw,
        nowMs: Date.now(),
        secretFor: (id) => (id === APP_ID ? (opts.secret ?? APP_SECRET) : undefined),
        nonces,
      });
      const status = auth.ok ? (queue.shift() ?? fallback) : 401;
      let event: unknown = null;
      try {
        event = JSON.parse(raw.toString('utf8'));
      } catch {
        // kept as null
      }
      received.push({ raw: raw.toString('utf8'), event, headers: req.headers, auth, at: Date.now(), status });
      if (status === 0) return;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ code: status < 300 ? 'OK' : 'ERROR' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/http/hisEvents`,
    received,
    script: (statuses, fb = 200) => {
      queue = [...statuses];
      fallback = fb;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls `cond` every 5 ms until it holds (fails after `timeoutMs`). */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
