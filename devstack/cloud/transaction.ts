/**
 * Emulated `runTransaction` attempts: optimistic concurrency over the Store (see database.ts).
 */
import type {
  AddResult,
  DocData,
  GetOneResult,
  RemoveResult,
  SetResult,
  Transaction,
  TransactionCollection,
  TransactionDocumentRef,
  UpdateResult,
} from '../../server/ports/cloud-sdk';
import { sameValue } from './codec';
import { invalidParam, strict, strictClass } from './errors';
import { applyUpdate, compileUpdate, resolveDocData } from './query';
import { checkCollectionName, checkDocId } from './checks';
import type { EmulatedDatabase } from './database';
import { dataOf, missingDocError, newDocId, setDocument, setResult, tick, withId } from './operation';
import type { TransactionAttempt } from './sdk-parts';
import { duplicateKeyError, type Store } from './store';

// ---------------------------------------------------------------------------------------------
// Transactions: optimistic concurrency. Reads record the document's revision (or its absence);
// writes are buffered (and visible to the transaction's own reads); commit re-checks every
// recorded revision and applies all writes inside one synchronous SQLite transaction.
// ---------------------------------------------------------------------------------------------

/** Thrown inside the commit's SQLite transaction to roll it back as a conflict. */
class ConflictSignal extends Error {}

type Buffered = { kind: 'put'; data: DocData; create: boolean } | { kind: 'delete' };

export class TransactionImpl implements TransactionAttempt {
  private readonly reads = new Map<string, { collection: string; id: string; rev: number | null }>();
  private readonly writes = new Map<string, { collection: string; id: string; op: Buffered }>();
  private done = false;
  rolledBack = false;
  rollbackReason: unknown;

  /** What the callback gets: only the real transaction's API, none of this plumbing. */
  readonly api: Transaction = strict('transaction', {
    collection: (name: string) => this.collection(name),
    rollback: (reason?: unknown) => this.rollback(reason),
  }) as unknown as Transaction;

  constructor(readonly db: EmulatedDatabase) {}

  collection(name: string): TransactionCollection {
    return new TxCollectionImpl(this, checkCollectionName(name)) as unknown as TransactionCollection;
  }

  async rollback(reason?: unknown): Promise<void> {
    this.assertOpen('transaction.rollback');
    this.rolledBack = true;
    this.rollbackReason = reason;
  }

  finish(): void {
    this.done = true;
  }

  // runTransactionLoop's ends of an attempt (sdk-parts.ts)
  abandon(): void {
    this.finish();
  }

  commitAttempt(): boolean {
    this.finish();
    return this.commit();
  }

  assertOpen(api: string): void {
    if (this.done) throw invalidParam(api, 'the transaction has already finished');
    if (this.rolledBack) throw invalidParam(api, 'the transaction has been rolled back');
  }

  private key(collection: string, id: string): string {
    return `${collection}\u0000${id}`;
  }

  /** Current view of a document for this transaction (own writes first). */
  read(collection: string, id: string): DocData | undefined {
    const k = this.key(collection, id);
    const w = this.writes.get(k);
    if (w) return w.op.kind === 'put' ? structuredClone(w.op.data) : undefined;
    const doc = this.db.store.get(collection, id);
    if (!this.reads.has(k)) this.reads.set(k, { collection, id, rev: doc ? doc.rev : null });
    else if ((doc ? doc.rev : null) !== this.reads.get(k)!.rev) {
      // Changed since our first read: the transaction can no longer commit; make it retry.
      this.reads.get(k)!.rev = -1;
    }
    return doc?.data;
  }

  put(collection: string, id: string, data: DocData, create: boolean): void {
    const k = this.key(collection, id);
    const prev = this.writes.get(k);
    // An `add` followed by set/update is still a create (must not exist at commit).
    const isCreate = create || (prev?.op.kind === 'put' && prev.op.create);
    this.writes.set(k, { collection, id, op: { kind: 'put', data, create: isCreate } });
  }

  delete(collection: string, id: string): void {
    const k = this.key(collection, id);
    const prev = this.writes.get(k);
    if (prev?.op.kind === 'put' && prev.op.create) this.writes.delete(k);
    else this.writes.set(k, { collection, id, op: { kind: 'delete' } });
  }

  /** True when committed; false on conflict (caller retries). Duplicate-key errors throw. */
  commit(): boolean {
    const store = this.db.store;
    try {
      return this.apply(store);
    } catch (err) {
      if (err instanceof ConflictSignal) return false;
      throw err;
    }
  }

  private apply(store: Store): boolean {
    return store.transaction(() => {
      for (const r of this.reads.values()) {
        if (store.rev(r.collection, r.id) !== r.rev) return false;
      }
      for (const w of this.writes.values()) {
        if (w.op.kind === 'delete') store.delete(w.collection, w.id);
        else if (w.op.create) {
          if (store.rev(w.collection, w.id) !== null) {
            // Someone else created it meanwhile: conflict if we had seen it missing, else a real duplicate.
            if (this.reads.has(this.key(w.collection, w.id))) throw new ConflictSignal();
            throw duplicateKeyError('transaction.add', w.collection, w.id);
          }
          store.insert(w.collection, w.id, w.op.data, 'transaction.add');
        } else if (!store.replace(w.collection, w.id, w.op.data)) {
          store.insert(w.collection, w.id, w.op.data, 'transaction.set');
        }
      }
      return true;
    });
  }
}
strictClass('transaction', TransactionImpl);

class TxCollectionImpl {
  constructor(
    private readonly tx: TransactionImpl,
    private readonly name: string,
  ) {}

  doc(id: string): TransactionDocumentRef {
    return new TxDocumentImpl(
      this.tx,
      this.name,
      checkDocId('transaction.collection.doc', id),
    ) as unknown as TransactionDocumentRef;
  }

  async add(opts: { data: DocData }): Promise<AddResult> {
    const raw = dataOf('transaction.add', opts);
    this.tx.assertOpen('transaction.add');
    await tick();
    const data = resolveDocData(raw, this.tx.db.clock(), 'transaction.add');
    let id: string;
    if (data._id !== undefined) {
      if (typeof data._id !== 'string' || data._id === '')
        throw invalidParam('transaction.add', '_id must be a non-empty string');
      id = data._id;
      if (this.tx.db.store.rev(this.name, id) !== null) throw duplicateKeyError('transaction.add', this.name, id);
    } else {
      id = newDocId();
    }
    this.tx.put(this.name, id, withId(id, data), true);
    return { _id: id, errMsg: 'collection.add:ok' } as AddResult;
  }
}
strictClass('transaction.collection(...)', TxCollectionImpl);

class TxDocumentImpl {
  constructor(
    private readonly tx: TransactionImpl,
    private readonly collection: string,
    private readonly id: string,
  ) {}

  async get(): Promise<GetOneResult<DocData & { _id: string }>> {
    this.tx.assertOpen('transaction.doc.get');
    await tick();
    const data = this.tx.read(this.collection, this.id);
    if (!data) throw missingDocError('document.get', this.id);
    return { data, errMsg: 'document.get:ok' } as unknown as GetOneResult<DocData & { _id: string }>;
  }

  async set(opts: { data: DocData }): Promise<SetResult> {
    const raw = dataOf('transaction.doc.set', opts);
    this.tx.assertOpen('transaction.doc.set');
    await tick();
    const doc = setDocument(raw, this.tx.db.clock(), this.id);
    const existed = this.tx.read(this.collection, this.id) !== undefined;
    this.tx.put(this.collection, this.id, doc, false);
    return setResult(this.id, existed);
  }

  async update(opts: { data: DocData }): Promise<UpdateResult> {
    const raw = dataOf('transaction.doc.update', opts);
    this.tx.assertOpen('transaction.doc.update');
    await tick();
    const steps = compileUpdate(raw, this.tx.db.clock(), 'document.update');
    const current = this.tx.read(this.collection, this.id);
    if (!current) return { stats: { updated: 0 }, errMsg: 'document.update:ok' } as UpdateResult;
    const next = applyUpdate(current, steps, 'document.update');
    if (sameValue(next, current)) return { stats: { updated: 0 }, errMsg: 'document.update:ok' } as UpdateResult;
    this.tx.put(this.collection, this.id, next, false);
    return { stats: { updated: 1 }, errMsg: 'document.update:ok' } as UpdateResult;
  }

  async remove(): Promise<RemoveResult> {
    this.tx.assertOpen('transaction.doc.remove');
    await tick();
    const existed = this.tx.read(this.collection, this.id) !== undefined;
    if (existed) this.tx.delete(this.collection, this.id);
    return { stats: { removed: existed ? 1 : 0 }, errMsg: 'document.remove:ok' } as RemoveResult;
  }
}
strictClass('transaction.collection(...).doc(...)', TxDocumentImpl);
