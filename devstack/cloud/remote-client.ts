/**
 * The calling side of the remote SDK (see remote.ts): what a function instance on a worker thread
 * gets as `wx-server-sdk` — query builders recorded and sent as one request per operation, and
 * `runTransaction` driving a transaction held on the serving side.
 */
import type { CloudSdk, Database, SubscribeMessageSendParams, Transaction } from '../../server/ports/cloud-sdk';
import { createCommand } from './commands';
import { checkCollectionName, checkDocId, checkLimit, checkOrder, checkProjection, checkSkip } from './checks';
import { checkWhere } from './query';
import { invalidParam, strict, strictClass } from './errors';
import { batchPoster, fromWire, type Answer, type CloudPort, type CloudRequest, type QueryStep } from './remote';
import {
  assembleSdk,
  identityScope,
  runTransactionLoop,
  serverDateOf,
  type CallIdentity,
  type TransactionAttempt,
} from './sdk-parts';

// ---- calling side (the function instance) --------------------------------------------------------

type Rpc = (req: CloudRequest) => Promise<unknown>;

function rpcOver(port: CloudPort): Rpc {
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  port.on('message', (batch: Answer[]) => {
    for (const a of batch) {
      const p = pending.get(a.id);
      if (!p) continue;
      pending.delete(a.id);
      if (a.ok) p.resolve(a.result);
      else p.reject(fromWire(a.error));
    }
  });
  // A request that cannot be copied (a function in the data: one the SDK could not serialise)
  // fails alone.
  const post = batchPoster<{ id: number; req: CloudRequest }>(port, (m, err) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    p?.reject(invalidParam('database', `cannot send the request: ${err instanceof Error ? err.message : String(err)}`));
  });
  return (req) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      post({ id, req });
    });
}

// Helpers are functions, not methods: these objects' methods are exactly the SDK's
// (test/unit/devstack-cloud/sdk-surface.test.ts).
function withStep(q: RemoteQuery, step: QueryStep): RemoteQuery {
  return new RemoteQuery(q.rpc, q.name, [...q.steps, step]);
}

function queryCall(q: RemoteQuery, action: string, opts?: unknown): Promise<unknown> {
  return q.rpc({ op: 'query', collection: q.name, steps: q.steps, action, ...(opts === undefined ? {} : { opts }) });
}

class RemoteQuery {
  constructor(
    readonly rpc: Rpc,
    readonly name: string,
    readonly steps: QueryStep[],
  ) {}
  // Arguments are checked here as by the in-process emulator (a bad one throws at the call site);
  // the serving side checks again when it replays the steps.
  where(cond: unknown): RemoteQuery {
    checkWhere(cond);
    return withStep(this, ['where', cond]);
  }
  orderBy(field: string, order: string): RemoteQuery {
    checkOrder(field, order);
    return withStep(this, ['orderBy', field, order]);
  }
  limit(n: number): RemoteQuery {
    return withStep(this, ['limit', checkLimit(n)]);
  }
  skip(n: number): RemoteQuery {
    return withStep(this, ['skip', checkSkip(n)]);
  }
  field(projection: unknown): RemoteQuery {
    checkProjection(projection);
    return withStep(this, ['field', projection]);
  }
  get(): Promise<unknown> {
    return queryCall(this, 'get');
  }
  count(): Promise<unknown> {
    return queryCall(this, 'count');
  }
  update(opts: unknown): Promise<unknown> {
    return queryCall(this, 'update', opts);
  }
  remove(): Promise<unknown> {
    return queryCall(this, 'remove');
  }
}
strictClass('collection', RemoteQuery);

class RemoteCollection extends RemoteQuery {
  constructor(rpc: Rpc, name: string) {
    super(rpc, name, []);
  }
  doc(id: string): RemoteDocument {
    return new RemoteDocument(this.rpc, this.name, checkDocId('collection.doc', id), null);
  }
  add(opts: unknown): Promise<unknown> {
    return this.rpc({ op: 'add', collection: this.name, opts });
  }
}

function docCall(d: RemoteDocument, action: string, opts?: unknown): Promise<unknown> {
  return d.rpc({
    op: 'doc',
    collection: d.name,
    id: d.id,
    action,
    ...(opts === undefined ? {} : { opts }),
    ...(action === 'get' && d.projection ? { projection: d.projection } : {}),
  });
}

class RemoteDocument {
  constructor(
    readonly rpc: Rpc,
    readonly name: string,
    readonly id: string,
    /** From field(): applied by the serving side's get(). */
    readonly projection: Record<string, boolean> | null,
  ) {}
  field(projection: unknown): RemoteDocument {
    return new RemoteDocument(this.rpc, this.name, this.id, checkProjection(projection));
  }
  get(): Promise<unknown> {
    return docCall(this, 'get');
  }
  set(opts: unknown): Promise<unknown> {
    return docCall(this, 'set', opts);
  }
  update(opts: unknown): Promise<unknown> {
    return docCall(this, 'update', opts);
  }
  remove(): Promise<unknown> {
    return docCall(this, 'remove');
  }
}
strictClass('document', RemoteDocument);

class RemoteTransaction implements TransactionAttempt {
  /** What the callback gets: only the real transaction's API, none of this plumbing. */
  readonly api: Transaction = strict('transaction', {
    collection: (name: string) => this.collection(name),
    rollback: (reason?: unknown) => this.rollback(reason),
  }) as unknown as Transaction;
  done = false;
  rolledBack = false;
  rollbackReason: unknown;
  constructor(
    private readonly rpc: Rpc,
    readonly id: number,
  ) {}
  private assertOpen(api: string): void {
    if (this.done) throw invalidParam(api, 'the transaction has already finished');
    if (this.rolledBack) throw invalidParam(api, 'the transaction has been rolled back');
  }
  call(api: string, collection: string, id: string | null, action: string, opts?: unknown): Promise<unknown> {
    this.assertOpen(api);
    return this.rpc({ op: 'tx', tx: this.id, collection, id, action, ...(opts === undefined ? {} : { opts }) });
  }
  collection(name: string): object {
    return strict('transaction.collection', {
      doc: (id: string) =>
        strict('transaction.document', {
          get: () => this.call('transaction.get', name, id, 'get'),
          set: (opts: unknown) => this.call('transaction.set', name, id, 'set', opts),
          update: (opts: unknown) => this.call('transaction.update', name, id, 'update', opts),
          remove: () => this.call('transaction.remove', name, id, 'remove'),
        }),
      add: (opts: unknown) => this.call('transaction.add', name, null, 'add', opts),
    });
  }
  async rollback(reason?: unknown): Promise<void> {
    this.assertOpen('transaction.rollback');
    this.rolledBack = true;
    this.rollbackReason = reason;
  }
  // runTransactionLoop's ends of an attempt (sdk-parts.ts): the serving side finishes its copy.
  async abandon(): Promise<void> {
    this.done = true;
    await this.rpc({ op: 'txEnd', tx: this.id });
  }
  async commitAttempt(): Promise<boolean> {
    this.done = true;
    return (await this.rpc({ op: 'txCommit', tx: this.id })) as boolean;
  }
}
strictClass('transaction', RemoteTransaction);

export interface RemoteCloud {
  sdk: CloudSdk;
  /** Runs `fn` as a call from `id`: getWXContext() inside returns it. */
  runWithContext<T>(id: CallIdentity, fn: () => Promise<T>): Promise<T>;
}

/** The SDK a function instance gets: database and messages over `port`, identity per call. */
export function createRemoteCloud(port: CloudPort, opts: { envId: string; appId: string }): RemoteCloud {
  const rpc = rpcOver(port);
  const { getWXContext, runWithContext } = identityScope(opts.envId, opts.appId);
  const database = strict('db', {
    command: createCommand(),
    collection: (name: string) => new RemoteCollection(rpc, checkCollectionName(name)),
    serverDate: (o?: { offset?: number }): unknown => serverDateOf(o),
    runTransaction: <R>(fn: (tx: Transaction) => Promise<R>, retries = 3): Promise<R> =>
      runTransactionLoop(fn, retries, async () => new RemoteTransaction(rpc, (await rpc({ op: 'txBegin' })) as number)),
  }) as unknown as Database;
  const send = (params: SubscribeMessageSendParams): Promise<{ errCode: 0; errMsg: string }> =>
    rpc({ op: 'send', params }) as Promise<{ errCode: 0; errMsg: string }>;
  return { sdk: assembleSdk({ getWXContext, database, send }), runWithContext };
}
