/**
 * What the phases talk to: the running devstack child and HIS sandbox, the HTTP client, and the
 * calls the bench makes through them (cloud functions, timers, HIS sandbox, devstack API).
 */
import { envelope, makeClient, type Envelope, type HttpClient, type HttpResult } from './http';
import type { Params } from './params';
import type { DevstackChild, HisChild } from './processes';

export interface Bench {
  params: Params;
  child: DevstackChild;
  /** null with `--his-in-process` (the sandbox runs inside the child). */
  hisChild: HisChild | null;
  http: HttpClient;
  /** Unique per run: OPENIDs and idempotency keys include it. */
  runId: string;
  /** Calls cloud function `name` as `openid`; the envelope and the client-side latency. */
  call(name: string, openid: string, event: unknown): Promise<{ env: Envelope; ms: number }>;
  /** The HIS sandbox's URL for `path`. */
  his(path: string): string;
  /** The `data` of a HIS sandbox answer; throws unless it is HTTP 200 with code OK. */
  hisData<T>(r: Promise<HttpResult>): Promise<T>;
  /** Fires a `booking` timer trigger; its result envelope. */
  timer(trigger: string): Promise<Envelope>;
  /** Every document of a cloud collection (devstack API, pages of 200; none if it does not exist). */
  listCloud(collection: string): Promise<Record<string, unknown>[]>;
}

export function connect(params: Params, child: DevstackChild, hisChild: HisChild | null): Bench {
  const http = makeClient(Math.max(params.concurrency, params.setupConcurrency) + 8);
  const fn = (name: string): string => `${child.url}/functions/${name}`;
  return {
    params,
    child,
    hisChild,
    http,
    runId: Date.now().toString(36),
    call: async (name, openid, event) => {
      const r = await http.post(fn(name), event, { 'x-wx-openid': openid });
      return { env: envelope(r), ms: r.ms };
    },
    his: (path) => `${child.hisUrl}${path}`,
    hisData: async <T>(r: Promise<HttpResult>): Promise<T> => {
      const res = await r;
      const b = res.body as { code?: string; data?: T; message?: string };
      if (res.status !== 200 || b?.code !== 'OK')
        throw new Error(`HIS sandbox: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      return b.data as T;
    },
    timer: async (trigger) => {
      const r = await http.post(`${child.url}/timers/booking?trigger=${trigger}`, {});
      const b = r.body as { result?: Envelope; error?: string };
      if (r.status !== 200 || !b.result)
        throw new Error(`timer ${trigger}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
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
