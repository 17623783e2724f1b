/**
 * The emulated `wx-server-sdk` for function instances on worker threads: the database and
 * `subscribeMessage.send` are served by the devstack's one emulator (one SQLite connection, group
 * commit) over a MessagePort, the way a real function talks to CloudBase's database service over
 * the network. Every operation is one request and one answer; query builders are recorded and
 * replayed on the serving side, so conditions, command values (`_.inc`, `_.gt`…), `serverDate()`,
 * limits and errors behave exactly as in-process. `runTransaction` keeps its callback in the
 * instance; its reads and buffered writes live in a transaction on the serving side, committed
 * (or found in conflict, and re-run) there.
 *
 * Messages are batched: everything one side posts during an event-loop turn goes as one array at
 * the end of the turn (`batchPoster`), so a burst of operations costs one message per turn and
 * direction instead of one per operation.
 *
 * This file is the wire and the serving side; remote-client.ts is the calling side.
 *
 * Values cross the port by structured clone: a command value or server date arrives as a plain
 * object with its own fields (`__isCommand`, `__isServerDate`) and is rebuilt by `revive()`.
 */
import { setImmediate as realSetImmediate } from 'node:timers';
import type { MessagePort } from 'node:worker_threads';
import type { Database, DocData, SubscribeMessageSendParams, Transaction } from '../../server/ports/cloud-sdk';
import { types } from 'node:util';
import { CommandValue, ServerDate } from './commands';
import { invalidParam } from './errors';

/** One end of a node:worker_threads MessageChannel. */
export type CloudPort = MessagePort;

export type QueryStep =
  ['where', unknown] | ['orderBy', string, string] | ['limit', number] | ['skip', number] | ['field', unknown];
const QUERY_STEPS = new Set(['where', 'orderBy', 'limit', 'skip', 'field']);
const QUERY_ACTIONS = new Set(['get', 'count', 'update', 'remove']);
const DOC_ACTIONS = new Set(['get', 'set', 'update', 'remove']);

export type CloudRequest =
  | { op: 'query'; collection: string; steps: QueryStep[]; action: string; opts?: unknown }
  | { op: 'add'; collection: string; opts: unknown }
  | { op: 'doc'; collection: string; id: string; action: string; opts?: unknown; projection?: Record<string, boolean> }
  | { op: 'txBegin' }
  | { op: 'tx'; tx: number; collection: string; id: string | null; action: string; opts?: unknown }
  | { op: 'txCommit'; tx: number }
  | { op: 'txEnd'; tx: number }
  | { op: 'send'; params: SubscribeMessageSendParams };

interface WireError {
  name: string;
  message: string;
  errCode?: number;
  errMsg?: string;
}

export type Answer = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError };

// ---- serving side (the devstack's thread) --------------------------------------------------------

/** A transaction of the serving emulator, driven from the other side of the port. */
export interface OpenTransaction {
  tx: Transaction;
  /** Marks it finished (later use throws). */
  finish(): void;
  /** True when committed; false on conflict (the caller re-runs). */
  commit(): boolean;
}

export interface ServedCloud {
  db: Database;
  openTransaction(): OpenTransaction;
  send(params: SubscribeMessageSendParams): Promise<unknown>;
}

/** Rebuilds command values and server dates that crossed the port as plain objects. */
export function revive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revive);
  if (v === null || typeof v !== 'object') return v;
  // Re-created in this realm: a Date deserialised by the port may belong to another one (jest's
  // vm), where the emulator's `instanceof Date` would not see it.
  if (types.isDate(v)) return new Date(v.getTime());
  const o = v as Record<string, unknown>;
  if (o.__isCommand === true) {
    return new CommandValue(o.kind as CommandValue['kind'], o.op as CommandValue['op'], revive(o.operand));
  }
  if (o.__isServerDate === true) return new ServerDate(o.offset as number);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = revive(o[k]);
  return out;
}

function toWire(err: unknown): WireError {
  if (err instanceof Error) {
    const e = err as Error & { errCode?: unknown; errMsg?: unknown };
    return {
      name: e.name,
      message: e.message,
      ...(typeof e.errCode === 'number' ? { errCode: e.errCode } : {}),
      ...(typeof e.errMsg === 'string' ? { errMsg: e.errMsg } : {}),
    };
  }
  return { name: 'Error', message: String(err) };
}

export function fromWire(w: WireError): Error {
  const e = new Error(w.message) as Error & { errCode?: number; errMsg?: string };
  e.name = w.name;
  if (w.errCode !== undefined) e.errCode = w.errCode;
  if (w.errMsg !== undefined) e.errMsg = w.errMsg;
  return e;
}

type Callable = Record<string, (...args: unknown[]) => unknown>;

/**
 * Posts the messages given during one event-loop turn as one array at its end (a receiver
 * handles each element in order). A batch that cannot be copied (DataCloneError) is re-sent one
 * message at a time, and `unsendable` is told about each message that still fails. Uses
 * node:timers directly: jest fake timers patch the globals.
 */
export function batchPoster<M>(
  target: { postMessage(message: M[]): void },
  unsendable: (message: M, err: unknown) => void = () => undefined,
): (message: M) => void {
  let queue: M[] = [];
  const flush = (): void => {
    const batch = queue;
    queue = [];
    try {
      target.postMessage(batch);
    } catch {
      for (const m of batch) {
        try {
          target.postMessage([m]);
        } catch (err) {
          unsendable(m, err);
        }
      }
    }
  };
  return (message) => {
    if (queue.push(message) === 1) realSetImmediate(flush);
  };
}

/** Answers the requests of one remote SDK (one function instance) arriving on `port`. */
export function serveCloud(port: CloudPort, cloud: ServedCloud): { openTransactions(): number } {
  const txs = new Map<number, OpenTransaction>();
  let nextTx = 1;
  const openTx = (id: number): OpenTransaction => {
    const t = txs.get(id);
    if (!t) throw invalidParam('transaction', 'the transaction has already finished');
    return t;
  };

  const handle = async (req: CloudRequest): Promise<unknown> => {
    switch (req.op) {
      case 'query': {
        let q = cloud.db.collection(req.collection) as unknown as Callable;
        for (const [name, ...args] of req.steps) {
          if (!QUERY_STEPS.has(name)) throw invalidParam('collection', `unknown query step ${String(name)}`);
          q = q[name]!(...args.map(revive)) as Callable;
        }
        if (!QUERY_ACTIONS.has(req.action)) throw invalidParam('collection', `unknown action ${req.action}`);
        return q[req.action]!(...(req.opts === undefined ? [] : [revive(req.opts)]));
      }
      case 'add':
        return cloud.db.collection(req.collection).add(revive(req.opts) as { data: DocData });
      case 'doc': {
        if (!DOC_ACTIONS.has(req.action)) throw invalidParam('document', `unknown action ${req.action}`);
        const ref = cloud.db.collection(req.collection).doc(req.id);
        const d = (req.projection ? ref.field(req.projection) : ref) as unknown as Callable;
        return d[req.action]!(...(req.opts === undefined ? [] : [revive(req.opts)]));
      }
      case 'txBegin': {
        const id = nextTx++;
        txs.set(id, cloud.openTransaction());
        return id;
      }
      case 'tx': {
        const c = openTx(req.tx).tx.collection(req.collection);
        if (req.action === 'add') return c.add(revive(req.opts) as { data: DocData });
        if (!DOC_ACTIONS.has(req.action) || req.id === null)
          throw invalidParam('transaction', `unknown action ${req.action}`);
        const d = c.doc(req.id) as unknown as Callable;
        return d[req.action]!(...(req.opts === undefined ? [] : [revive(req.opts)]));
      }
      case 'txCommit': {
        const t = openTx(req.tx);
        txs.delete(req.tx);
        t.finish();
        return t.commit();
      }
      case 'txEnd': {
        txs.get(req.tx)?.finish();
        txs.delete(req.tx);
        return null;
      }
      case 'send':
        return cloud.send(req.params);
      default:
        throw invalidParam('cloud', `unknown request ${(req as { op: string }).op}`);
    }
  };

  const post = batchPoster<Answer>(port, (a, err) =>
    post({ id: a.id, ok: false, error: toWire(invalidParam('database', `cannot send the answer: ${String(err)}`)) }),
  );
  // An instance that dies mid-transaction leaves its transactions here: dropped with the channel
  // (they hold no lock — the emulator's transactions are optimistic — only memory).
  port.on('close', () => {
    for (const t of txs.values()) t.finish();
    txs.clear();
  });
  port.on('message', (batch: { id: number; req: CloudRequest }[]) => {
    for (const m of batch) {
      handle(m.req).then(
        (result) => post({ id: m.id, ok: true, result }),
        (err: unknown) => post({ id: m.id, ok: false, error: toWire(err) }),
      );
    }
  });
  return { openTransactions: () => txs.size };
}
