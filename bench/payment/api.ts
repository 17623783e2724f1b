/**
 * What the payment chaos bench talks to: the devstack child (functions, timers, its API), the HIS
 * sandbox and the WeChat Pay sandbox, over the booking bench's HTTP client.
 */
import { envelope, makeClient, type Envelope, type HttpClient, type HttpResult } from '../booking/http';
import type { DevstackChild, HisChild } from '../booking/processes';
import type { Params } from './params';

export interface PayBench {
  params: Params;
  child: DevstackChild;
  hisChild: HisChild;
  http: HttpClient;
  /** Unique per run: OPENIDs and idempotency keys include it. */
  runId: string;
  /** Calls cloud function `name` as `openid`; the envelope and the client-side latency. */
  call(name: string, openid: string, event: unknown): Promise<{ env: Envelope; ms: number }>;
  /** The `data` of a successful `payment` call; throws with the error otherwise. */
  payment<T>(openid: string, event: Record<string, unknown>): Promise<T>;
  his(path: string): string;
  pay(path: string): string;
  /** The `data` of a HIS sandbox answer; throws unless it is HTTP 200 with code OK. */
  hisData<T>(r: Promise<HttpResult>): Promise<T>;
  /** A pay sandbox answer (plain JSON); throws unless it is HTTP 200. */
  payData<T>(r: Promise<HttpResult>): Promise<T>;
  /** Fires a `payment` timer trigger (with its message, if any); the result envelope. */
  timer(trigger: string, message?: unknown): Promise<Envelope>;
  /** Every document of a cloud collection (devstack API, pages of 200; none if it does not exist). */
  listCloud(collection: string): Promise<Record<string, unknown>[]>;
}

const brief = (x: unknown): string => JSON.stringify(x).slice(0, 300);

export function connect(params: Params, child: DevstackChild, hisChild: HisChild): PayBench {
  const http = makeClient(Math.max(params.concurrency, params.setupConcurrency) * 2 + 8);
  const call: PayBench['call'] = async (name, openid, event) => {
    const r = await http.post(`${child.url}/functions/${name}`, event, { 'x-wx-openid': openid });
    return { env: envelope(r), ms: r.ms };
  };
  return {
    params,
    child,
    hisChild,
    http,
    runId: Date.now().toString(36),
    call,
    payment: async <T>(openid: string, event: Record<string, unknown>): Promise<T> => {
      const { env } = await call('payment', openid, event);
      if (!env.ok) throw new Error(`payment.${String(event.action)}: ${brief(env.error)}`);
      return env.data as T;
    },
    his: (path) => `${child.hisUrl}${path}`,
    pay: (path) => `${child.payUrl}${path}`,
    hisData: async <T>(r: Promise<HttpResult>): Promise<T> => {
      const res = await r;
      const b = res.body as { code?: string; data?: T };
      if (res.status !== 200 || b?.code !== 'OK') throw new Error(`HIS sandbox: HTTP ${res.status} ${brief(res.body)}`);
      return b.data as T;
    },
    payData: async <T>(r: Promise<HttpResult>): Promise<T> => {
      const res = await r;
      if (res.status !== 200) throw new Error(`pay sandbox: HTTP ${res.status} ${brief(res.body)}`);
      return res.body as T;
    },
    timer: async (trigger, message) => {
      const q = message === undefined ? '' : `&message=${encodeURIComponent(JSON.stringify(message))}`;
      const r = await http.post(`${child.url}/timers/payment?trigger=${trigger}${q}`, {});
      const b = r.body as { result?: Envelope };
      if (r.status !== 200 || !b.result) throw new Error(`timer ${trigger}: HTTP ${r.status} ${brief(r.body)}`);
      return b.result;
    },
    listCloud: async (collection) => {
      const out: Record<string, unknown>[] = [];
      for (let skip = 0; ; skip += 200) {
        const r = await http.get(`${child.url}/devstack/api/collections/${collection}?limit=200&skip=${skip}`);
        if (r.status === 404) return out;
        const docs = (r.body as { documents: Record<string, unknown>[] }).documents;
        out.push(...docs);
        if (docs.length < 200) return out;
      }
    },
  };
}
