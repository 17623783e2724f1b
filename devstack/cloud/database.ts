/**
 * The emulated `cloud.database()`: immutable chainable queries, document references, atomic
 * multi-document `where().update()/remove()`, and optimistic transactions — all on Store.
 *
 * Every operation first yields once (`tick()`: a microtask, now and then an event-loop turn) like a network round trip, then does all of
 * its reads and writes synchronously inside one SQLite transaction: no other call can interleave
 * between the read and the write, so `where({_id, remaining: _.gt(0)}).update({remaining: _.inc(-1)})`
 * is an atomic conditional decrement.
 */
import type {
  AddResult,
  CollectionRef,
  Command,
  CountResult,
  Database,
  DocData,
  DocumentRef,
  GetOneResult,
  GetResult,
  RemoveResult,
  SetResult,
  Transaction,
  UpdateResult,
} from '../../server/ports/cloud-sdk';
import { CommandValue, createCommand } from './commands';
import { invalidParam, strict, strictClass } from './errors';
import {
  applyUpdate,
  compileUpdate,
  compileWhere,
  dependsOnClock,
  project,
  resolveDocData,
  sortDocs,
  type CompiledWhere,
  type SortKey,
} from './query';
import { checkCollectionName, checkDocId, checkLimit, checkOrder, checkProjection, checkSkip } from './checks';
import type { OpenTransaction } from './remote';
import { runTransactionLoop, serverDateOf } from './sdk-parts';
import { dataOf, missingDocError, newDocId, setDocument, setResult, tick, withId } from './operation';
import type { Store, StoredDoc } from './store';
import { TransactionImpl } from './transaction';

export { newDocId, tick, TICK_MACROTASK_EVERY } from './operation';

/** `get()` without `limit()` returns at most this many documents (server SDK default). */
export const DEFAULT_LIMIT = 100;
/**
 * Largest `limit()` honoured. The docs say the server-side default and maximum `limit` is 1000;
 * a larger value is clamped to 1000 (not an error), so callers must still page with `skip`.
 */
export const MAX_LIMIT = 1000;

interface QueryState {
  collection: string;
  where: unknown;
  /** `where` compiled once by where() when it does not depend on the clock (no serverDate()). */
  compiled?: CompiledWhere | undefined;
  orders: SortKey[];
  limit?: number;
  skip?: number;
  projection?: Record<string, boolean>;
}

export class EmulatedDatabase implements Database {
  readonly command: Command = createCommand();

  constructor(
    readonly store: Store,
    readonly clock: () => Date,
  ) {}

  collection<T = DocData>(name: string): CollectionRef<T> {
    return new CollectionImpl(this, checkCollectionName(name)) as unknown as CollectionRef<T>;
  }

  serverDate(opts?: { offset?: number }): unknown {
    return serverDateOf(opts);
  }

  runTransaction<R>(fn: (tx: Transaction) => Promise<R>, retries = 3): Promise<R> {
    return runTransactionLoop(fn, retries, () => new TransactionImpl(this));
  }

  /** A transaction driven from elsewhere (a function instance's remote SDK, see remote.ts). */
  openTransaction(): OpenTransaction {
    const tx = new TransactionImpl(this);
    return { tx: tx.api, finish: () => tx.finish(), commit: () => tx.commit() };
  }

  // ---- engine (synchronous; callers wrap in store.transaction when they write) ----

  /** Documents matching `where`, in insertion order. Uses the primary key when `_id` is pinned. */
  matching(collection: string, where: unknown, precompiled?: CompiledWhere): StoredDoc[] {
    const compiled = precompiled ?? compileWhere(where, this.clock());
    if (compiled.ids) {
      const out: StoredDoc[] = [];
      for (const id of compiled.ids) {
        const doc = this.store.get(collection, id);
        if (doc && compiled.test(doc.data)) out.push(doc);
      }
      return out.length > 1 ? out.sort((a, b) => a.seq - b.seq) : out;
    }
    const out: StoredDoc[] = [];
    const eq = topLevelStringEquality(where);
    const rows = eq ? this.store.scanWhereEquals(collection, eq.field, eq.value) : this.store.scan(collection);
    for (const doc of rows) if (compiled.test(doc.data)) out.push(doc);
    return out;
  }

  insertDoc(api: string, collection: string, rawData: unknown): string {
    const data = resolveDocData(rawData, this.clock(), api);
    let id: string;
    if (data._id !== undefined) {
      if (typeof data._id !== 'string' || data._id === '') throw invalidParam(api, '_id must be a non-empty string');
      id = data._id;
    } else {
      id = newDocId();
    }
    this.store.write(() => this.store.insert(collection, id, withId(id, data), api));
    return id;
  }
}

/**
 * A top-level `field: 'string'` (or `_.eq('string')`) of a plain condition, usable as a SQLite
 * pre-filter; null when there is none (or the field name needs quoting in a JSON path).
 */
function topLevelStringEquality(where: unknown): { field: string; value: string } | null {
  if (where === null || typeof where !== 'object' || Object.getPrototypeOf(where) !== Object.prototype) return null;
  for (const [field, v] of Object.entries(where as Record<string, unknown>)) {
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(field)) continue;
    if (typeof v === 'string') return { field, value: v };
    if (v instanceof CommandValue && v.kind === 'query' && v.op === 'eq' && typeof v.operand === 'string') {
      return { field, value: v.operand };
    }
  }
  return null;
}

/**
 * A query step's result. A function, not a method: a query's methods are exactly the SDK's
 * (test/unit/devstack-cloud/sdk-surface.test.ts).
 */
function refine(q: QueryImpl, patch: Partial<QueryState>): QueryImpl {
  return new QueryImpl(q.db, { ...q.state, ...patch });
}

class QueryImpl {
  constructor(
    readonly db: EmulatedDatabase,
    readonly state: QueryState,
  ) {}

  where(cond: DocData): QueryImpl {
    // Compile eagerly so a malformed condition fails at the call site; kept for the operation
    // unless it depends on the clock (serverDate() is resolved when the operation runs).
    const compiled = compileWhere(cond, this.db.clock());
    return refine(this, { where: cond, compiled: dependsOnClock(cond) ? undefined : compiled });
  }

  orderBy(field: string, order: 'asc' | 'desc'): QueryImpl {
    checkOrder(field, order);
    return refine(this, { orders: [...this.state.orders, { field, dir: order === 'asc' ? 1 : -1 }] });
  }

  limit(n: number): QueryImpl {
    return refine(this, { limit: Math.min(checkLimit(n), MAX_LIMIT) });
  }

  skip(n: number): QueryImpl {
    return refine(this, { skip: checkSkip(n) });
  }

  field(projection: Record<string, boolean>): QueryImpl {
    return refine(this, { projection: checkProjection(projection) });
  }

  async get(): Promise<GetResult> {
    await tick();
    const { collection, where, compiled, orders, skip = 0, limit = DEFAULT_LIMIT, projection } = this.state;
    const docs = sortDocs(
      this.db.matching(collection, where, compiled).map((d) => d.data),
      orders,
    ).slice(skip, skip + limit);
    return {
      data: projection ? docs.map((d) => project(d, projection)) : docs,
      errMsg: 'collection.get:ok',
    } as GetResult;
  }

  async count(): Promise<CountResult> {
    await tick();
    return {
      total: this.db.matching(this.state.collection, this.state.where, this.state.compiled).length,
      errMsg: 'collection.count:ok',
    } as CountResult;
  }

  /** Updates every matching document (limit/skip/orderBy are ignored, as by the server). */
  async update(opts: { data: DocData }): Promise<UpdateResult> {
    const raw = dataOf('collection.update', opts);
    await tick();
    const steps = compileUpdate(raw, this.db.clock(), 'collection.update');
    const { collection, where, compiled } = this.state;
    // One read inside the write transaction (a group savepoint, see Store): a refused conditional
    // update (e.g. `remaining: _.gt(0)` on a full counter) costs that read and nothing else.
    const apply = (): number => {
      let n = 0;
      for (const doc of this.db.matching(collection, where, compiled)) {
        // like CloudBase, `updated` counts modified documents
        if (this.db.store.replaceIfChanged(collection, doc, applyUpdate(doc.data, steps, 'collection.update', true)))
          n++;
      }
      return n;
    };
    // One pinned document: one statement at most, atomic without a savepoint.
    const updated = compiled?.ids?.length === 1 ? this.db.store.write(apply) : this.db.store.transaction(apply);
    return { stats: { updated }, errMsg: 'collection.update:ok' } as UpdateResult;
  }

  async remove(): Promise<RemoveResult> {
    await tick();
    const { collection, where, compiled } = this.state;
    const removed = this.db.store.transaction(() => {
      let n = 0;
      for (const doc of this.db.matching(collection, where, compiled))
        if (this.db.store.delete(collection, doc.id)) n++;
      return n;
    });
    return { stats: { removed }, errMsg: 'collection.remove:ok' } as RemoveResult;
  }
}
strictClass('db.collection(...) query', QueryImpl);

class CollectionImpl extends QueryImpl {
  constructor(db: EmulatedDatabase, name: string) {
    super(db, { collection: name, where: undefined, orders: [] });
  }

  get collectionName(): string {
    return this.state.collection;
  }

  doc(id: string): DocumentRef {
    return new DocumentImpl(
      this.db,
      this.state.collection,
      checkDocId('collection.doc', id),
      null,
    ) as unknown as DocumentRef;
  }

  async add(opts: { data: DocData }): Promise<AddResult> {
    const data = dataOf('collection.add', opts);
    await tick();
    const id = this.db.insertDoc('collection.add', this.state.collection, data);
    return { _id: id, errMsg: 'collection.add:ok' } as AddResult;
  }
}

class DocumentImpl {
  constructor(
    private readonly db: EmulatedDatabase,
    private readonly collection: string,
    private readonly id: string,
    /** From field(): what get() returns; null = the whole document. */
    private readonly projection: Record<string, boolean> | null,
  ) {}

  get _id(): string {
    return this.id;
  }

  field(projection: Record<string, boolean>): DocumentRef {
    return new DocumentImpl(this.db, this.collection, this.id, checkProjection(projection)) as unknown as DocumentRef;
  }

  async get(): Promise<GetOneResult<DocData & { _id: string }>> {
    await tick();
    const doc = this.db.store.get(this.collection, this.id);
    if (!doc) throw missingDocError('document.get', this.id);
    const data = this.projection ? project(doc.data, this.projection) : doc.data;
    return { data, errMsg: 'document.get:ok' } as unknown as GetOneResult<DocData & { _id: string }>;
  }

  async set(opts: { data: DocData }): Promise<SetResult> {
    const raw = dataOf('document.set', opts);
    await tick();
    const doc = setDocument(raw, this.db.clock(), this.id);
    const existed = this.db.store.transaction(() => {
      if (this.db.store.replace(this.collection, this.id, doc)) return true;
      this.db.store.insert(this.collection, this.id, doc, 'document.set');
      return false;
    });
    return setResult(this.id, existed);
  }

  async update(opts: { data: DocData }): Promise<UpdateResult> {
    const raw = dataOf('document.update', opts);
    await tick();
    const steps = compileUpdate(raw, this.db.clock(), 'document.update');
    const updated = this.db.store.write(() => {
      const doc = this.db.store.get(this.collection, this.id);
      if (!doc) return 0;
      return this.db.store.replaceIfChanged(this.collection, doc, applyUpdate(doc.data, steps, 'document.update', true))
        ? 1
        : 0;
    });
    return { stats: { updated }, errMsg: 'document.update:ok' } as UpdateResult;
  }

  async remove(): Promise<RemoveResult> {
    await tick();
    const removed = this.db.store.write(() => (this.db.store.delete(this.collection, this.id) ? 1 : 0));
    return { stats: { removed }, errMsg: 'document.remove:ok' } as RemoveResult;
  }
}
strictClass('db.collection(...).doc(...)', DocumentImpl);

/** Wraps the database so unknown members (`db.geo`, `db.RegExp`, ...) throw. */
export function strictDatabase(db: EmulatedDatabase): Database {
  const facade: Database = {
    command: db.command,
    collection: (name) => db.collection(name),
    serverDate: (opts) => db.serverDate(opts),
    runTransaction: (fn, retries) => db.runTransaction(fn, retries),
  };
  return strict('db', facade);
}
