/** The load generator's HTTP client (node:http, keep-alive) and the function envelope. */
import { Agent, request, type IncomingMessage } from 'node:http';

export interface HttpResult {
  status: number;
  body: unknown;
  ms: number;
}

export interface HttpClient {
  post(url: string, body: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  get(url: string): Promise<HttpResult>;
  close(): void;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // keep text
  }
}

type Method = 'GET' | 'POST';

/** The answer's status and body (JSON if it parses), its latency counted from `started`. */
function collect(res: IncomingMessage, started: number): Promise<HttpResult> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      const ms = performance.now() - started;
      const parsed = parseBody(Buffer.concat(chunks).toString('utf8'));
      resolvePromise({ status: res.statusCode ?? 0, body: parsed, ms });
    });
    res.on('error', reject);
  });
}

/** One request on `agent`; the latency counts from `retriedFrom` when this is the resend. */
function send(
  agent: Agent,
  method: Method,
  url: string,
  body: unknown,
  headers: Record<string, string>,
  retriedFrom: number | null = null,
): Promise<HttpResult> {
  return new Promise((resolvePromise, reject) => {
    const u = new URL(url);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const started = retriedFrom ?? performance.now();
    const req = request(
      {
        agent,
        method,
        hostname: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        headers: {
          ...headers,
          ...(payload
            ? { 'content-type': 'application/json; charset=utf-8', 'content-length': String(payload.length) }
            : {}),
        },
      },
      (res) => collect(res, started).then(resolvePromise, reject),
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed just as this request went out on it (the
      // server's keep-alive timeout; Node's documented race): the request never reached the
      // server, so it is sent once more on a fresh connection.
      if (retriedFrom === null && req.reusedSocket && err.code === 'ECONNRESET') {
        // (latency counted from the first attempt)
        send(agent, method, url, body, headers, started).then(resolvePromise, reject);
        return;
      }
      reject(err);
    });
    if (payload) req.end(payload);
    else req.end();
  });
}

export function makeClient(maxSockets: number): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  return {
    post: (url, body, headers = {}) => send(agent, 'POST', url, body, headers),
    get: (url) => send(agent, 'GET', url, undefined, {}),
    close: () => agent.destroy(),
  };
}

/** A cloud function's answer, `{ ok, data }` or `{ ok: false, error }`. */
export interface Envelope {
  ok: boolean;
  data?: Record<string, unknown>;
  error?: { code?: string; message?: string };
}

/** The envelope of an HTTP answer; anything else (HTTP error, not an envelope) as `HTTP_<status>`. */
export function envelope(r: HttpResult): Envelope {
  const b = r.body as Envelope | null;
  if (r.status !== 200 || !b || typeof b !== 'object' || typeof b.ok !== 'boolean') {
    return {
      ok: false,
      error: {
        code: `HTTP_${r.status}`,
        message: typeof r.body === 'string' ? r.body.slice(0, 200) : JSON.stringify(r.body).slice(0, 200),
      },
    };
  }
  return b;
}
