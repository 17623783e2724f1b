/**
 * The document operations the cloud-database stores share, against the `Database` port. The
 * collection name is always the caller's literal (the deploy check follows it to database.json).
 */
import type { CommandValue, Database, DocData } from '../../ports/cloud-sdk';
import { isDuplicateKey } from './errors';

export function stripId<T extends { _id?: unknown }>(doc: T): DocData {
  const { _id: _ignored, ...rest } = doc;
  return rest as DocData;
}

export class DocOps {
  constructor(readonly db: Database) {}

  get _() {
    return this.db.command;
  }

  /**
   * One document by id, or null. A by-id query rather than `doc(id).get()`: a missing document is
   * an empty answer instead of a thrown "does not exist" error (the idempotency record and the
   * patient rule state are usually missing on the hot path).
   */
  async get<T>(collection: string, id: string): Promise<(T & { _id: string }) | null> {
    const res = await this.db.collection<T>(collection).where({ _id: id }).limit(1).get();
    return (res.data[0] as (T & { _id: string }) | undefined) ?? null;
  }

  /** The documents matching `where`, at most `limit`, in `orderBy` order when given: one query. */
  async find<T>(
    collection: string,
    where: DocData | CommandValue,
    opts: { limit: number; orderBy?: [field: string, order: 'asc' | 'desc'] },
  ): Promise<(T & { _id: string })[]> {
    const matching = this.db.collection<T>(collection).where(where);
    const ordered = opts.orderBy ? matching.orderBy(...opts.orderBy) : matching;
    const res = await ordered.limit(opts.limit).get();
    return res.data;
  }

  /** `add` with a deterministic `_id`; false when it already exists. */
  async addIfAbsent(collection: string, id: string, data: DocData): Promise<boolean> {
    try {
      await this.db.collection(collection).add({ data: { ...data, _id: id } });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      if (await this.get(collection, id)) return false;
      throw err;
    }
  }

  /** Conditional update by primary key; returns whether it applied. */
  async updateWhere(collection: string, cond: DocData & { _id: string }, data: DocData): Promise<boolean> {
    const res = await this.db.collection(collection).where(cond).update({ data });
    return res.stats.updated > 0;
  }

  /** Documents by id, 100 ids per query. */
  async getMany<T>(collection: string, ids: string[]): Promise<(T & { _id: string })[]> {
    const out: (T & { _id: string })[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      const res = await this.db
        .collection<T>(collection)
        .where({ _id: this._.in(chunk) })
        .limit(chunk.length)
        .get();
      out.push(...res.data);
    }
    return out;
  }
}
