/**
 * SQLite persistence for the emulator (one file, WAL). Everything is synchronous
 * (better-sqlite3), which is what makes conditional updates atomic: a read-modify-write runs
 * inside one `transaction()` without yielding to the event loop.
 *
 * Group commit: the first write of an event-loop turn opens one SQLite transaction (BEGIN
 * IMMEDIATE) and every `transaction()` of that turn runs inside it as a savepoint (rolled back
 * alone when it throws); the whole group is committed by a `setImmediate` at the end of the turn
 * (or by `flush()` / `close()`). Every operation is still atomic and immediately visible to the
 * next one — there is one connection — but a burst of writes costs one WAL commit per turn
 * instead of one per write. The price: a crash of the devstack process loses at most the writes
 * of its last turn, and another process sharing the file sees them one turn later.
 *
 * Complexity: lookups by `_id` use the primary key (O(log n)); any other query scans the
 * collection in insertion order (index `documents_by_collection`) and filters in JS with mingo,
 * i.e. O(size of collection) per query. Fine for the devstack's data volumes. A condition with a
 * top-level string equality is pre-filtered by SQLite (`json_extract`) so only candidate rows are
 * decoded and tested in JS.
 */
import { setImmediate as realSetImmediate } from 'node:timers';
import Database from 'better-sqlite3';
import type { DocData } from '../../server/ports/cloud-sdk';
import { decodeDoc, encodeDoc } from './codec';
import { cloudError, ERR_DB_REQUEST_FAILED } from './errors';

export interface StoredDoc {
  id: string;
  data: DocData;
  rev: number;
  /** Insertion order (SQLite rowid; kept by updates). */
  seq: number;
  /** The stored encoding of `data` (an update that encodes to the same text changes nothing). */
  text: string;
}

export interface ConsentRow {
  templateId: string;
  remaining: number;
  longTerm: boolean;
}

export interface OutboxRow {
  id: string;
  at: string;
  touser: string;
  templateId: string;
  templateTitle: string | null;
  page: string | null;
  data: string;
  status: 'sent' | 'rejected';
  errCode: number;
  errMsg: string;
}

export function duplicateKeyError(api: string, collection: string, id: string): Error {
  return cloudError(
    ERR_DB_REQUEST_FAILED,
    `${api}:fail E11000 duplicate key error collection: ${collection} index: _id_ dup key: { _id: "${id}" }`,
  );
}

export class Store {
  readonly sqlite: Database.Database;
  private readonly stmts;

  constructor(file: string) {
    this.sqlite = new Database(file);
    if (file !== ':memory:') this.sqlite.pragma('journal_mode = WAL');
    // A dev emulator: every commit still reaches the OS (a crashed process loses nothing), but
    // nothing waits for the disk (no fsync at WAL checkpoints); the state of a burst (tens of MB)
    // stays in SQLite's page cache.
    this.sqlite.pragma('synchronous = OFF');
    this.sqlite.pragma('cache_size = -65536');
    this.sqlite.exec(`
      CREATE TABLE IF NOT EXISTS documents (
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        data TEXT NOT NULL,
        rev INTEGER NOT NULL,
        PRIMARY KEY (collection, id)
      );
      CREATE INDEX IF NOT EXISTS documents_by_collection ON documents (collection);
      -- Global, never-reused revision counter: a document removed and re-created never gets a
      -- revision a running transaction may have read (no ABA in conflict detection), also
      -- across several processes sharing the file.
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT OR IGNORE INTO meta (key, value) VALUES ('rev', 0);
      CREATE TABLE IF NOT EXISTS consents (
        openid TEXT NOT NULL,
        template_id TEXT NOT NULL,
        remaining INTEGER NOT NULL DEFAULT 0,
        long_term INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (openid, template_id)
      );
      CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL,
        at TEXT NOT NULL,
        touser TEXT NOT NULL,
        template_id TEXT NOT NULL,
        template_title TEXT,
        page TEXT,
        data TEXT NOT NULL,
        status TEXT NOT NULL,
        err_code INTEGER NOT NULL,
        err_msg TEXT NOT NULL
      );
    `);
    const s = this.sqlite;
    this.stmts = {
      get: s.prepare<[string, string], { data: string; rev: number; seq: number }>(
        'SELECT data, rev, rowid AS seq FROM documents WHERE collection = ? AND id = ?',
      ),
      scan: s.prepare<[string], { id: string; data: string; rev: number; seq: number }>(
        'SELECT id, data, rev, rowid AS seq FROM documents WHERE collection = ? ORDER BY rowid',
      ),
      scanEq: s.prepare<[string, string, string, string], { id: string; data: string; rev: number; seq: number }>(
        `SELECT id, data, rev, rowid AS seq FROM documents
         WHERE collection = ? AND (json_extract(data, ?) = ? OR json_type(data, ?) = 'array') ORDER BY rowid`,
      ),
      page: s.prepare<[string, number, number], { data: string }>(
        'SELECT data FROM documents WHERE collection = ? ORDER BY rowid LIMIT ? OFFSET ?',
      ),
      nextRev: s.prepare<[], { value: number }>("UPDATE meta SET value = value + 1 WHERE key = 'rev' RETURNING value"),
      readRev: s.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'rev'"),
      writeRev: s.prepare<[number]>("UPDATE meta SET value = ? WHERE key = 'rev'"),
      insert: s.prepare<[string, string, string, number]>(
        'INSERT INTO documents (collection, id, data, rev) VALUES (?, ?, ?, ?)',
      ),
      update: s.prepare<[string, number, string, string]>(
        'UPDATE documents SET data = ?, rev = ? WHERE collection = ? AND id = ?',
      ),
      delete: s.prepare<[string, string]>('DELETE FROM documents WHERE collection = ? AND id = ?'),
      collections: s.prepare<[], { name: string; count: number }>(
        'SELECT collection AS name, COUNT(*) AS count FROM documents GROUP BY collection ORDER BY collection',
      ),
      consentGet: s.prepare<[string, string], { remaining: number; long_term: number }>(
        'SELECT remaining, long_term FROM consents WHERE openid = ? AND template_id = ?',
      ),
      consentList: s.prepare<[string], { template_id: string; remaining: number; long_term: number }>(
        'SELECT template_id, remaining, long_term FROM consents WHERE openid = ? ORDER BY template_id',
      ),
      consentAdd: s.prepare<[string, string, number]>(
        `INSERT INTO consents (openid, template_id, remaining, long_term) VALUES (?, ?, ?, 0)
         ON CONFLICT (openid, template_id) DO UPDATE SET remaining = remaining + excluded.remaining`,
      ),
      consentLongTerm: s.prepare<[string, string]>(
        `INSERT INTO consents (openid, template_id, remaining, long_term) VALUES (?, ?, 0, 1)
         ON CONFLICT (openid, template_id) DO UPDATE SET long_term = 1`,
      ),
      consentConsume: s.prepare<[string, string]>(
        'UPDATE consents SET remaining = remaining - 1 WHERE openid = ? AND template_id = ? AND remaining > 0',
      ),
      outboxInsert: s.prepare(
        `INSERT INTO outbox (id, at, touser, template_id, template_title, page, data, status, err_code, err_msg)
         VALUES (@id, @at, @touser, @templateId, @templateTitle, @page, @data, @status, @errCode, @errMsg)`,
      ),
      outboxList: s.prepare<[number], Record<string, unknown>>(
        `SELECT id, at, touser, template_id AS templateId, template_title AS templateTitle, page, data, status,
                err_code AS errCode, err_msg AS errMsg
         FROM outbox ORDER BY seq DESC LIMIT ?`,
      ),
    };
  }

  /**
   * Runs `fn` atomically: as a savepoint of this turn's group transaction (opened here with
   * BEGIN IMMEDIATE when none is open, so a read-modify-write also holds against other processes
   * sharing the file). A throw rolls back `fn`'s writes only.
   */
  transaction<T>(fn: () => T): T {
    this.openGroup();
    this.wrapper ??= this.sqlite.transaction((f: () => unknown) => f());
    return this.wrapper(fn) as T;
  }

  /**
   * Runs a single-statement write `fn` in this turn's group transaction without a savepoint (one
   * statement is atomic by itself; use `transaction()` when `fn` writes more than once).
   */
  write<T>(fn: () => T): T {
    this.openGroup();
    return fn();
  }

  /** One better-sqlite3 transaction wrapper for every call (building one per call costs a closure set-up). */
  private wrapper: Database.Transaction<(fn: () => unknown) => unknown> | undefined;
  private commitScheduled = false;

  /**
   * The revision counter while this connection holds the write lock (a group is open): counted
   * in memory and stored once at commit instead of an UPDATE per write. null outside a group.
   */
  private groupRev: number | null = null;
  private groupRevStored = 0;

  private openGroup(): void {
    if (this.sqlite.inTransaction) return;
    this.sqlite.exec('BEGIN IMMEDIATE');
    this.groupRev = this.groupRevStored = this.stmts.readRev.get()!.value;
    if (!this.commitScheduled) {
      this.commitScheduled = true;
      realSetImmediate(this.commitGroup);
    }
  }

  private readonly commitGroup = (): void => {
    this.commitScheduled = false;
    this.flush();
  };

  /** Commits the open group transaction now (no-op when none is open). */
  flush(): void {
    if (!this.sqlite.open || !this.sqlite.inTransaction) return;
    if (this.groupRev !== null && this.groupRev !== this.groupRevStored) this.stmts.writeRev.run(this.groupRev);
    this.groupRev = null;
    this.sqlite.exec('COMMIT');
  }

  private nextRev(): number {
    if (this.groupRev !== null && this.sqlite.inTransaction) return ++this.groupRev;
    return this.stmts.nextRev.get()!.value;
  }

  get(collection: string, id: string): StoredDoc | undefined {
    const row = this.stmts.get.get(collection, id);
    return row ? { id, data: decodeDoc(row.data), rev: row.rev, seq: row.seq, text: row.data } : undefined;
  }

  rev(collection: string, id: string): number | null {
    const row = this.stmts.get.get(collection, id);
    return row ? row.rev : null;
  }

  *scan(collection: string): Generator<StoredDoc> {
    for (const row of this.stmts.scan.iterate(collection)) {
      yield { id: row.id, data: decodeDoc(row.data), rev: row.rev, seq: row.seq, text: row.data };
    }
  }

  /**
   * The documents whose top-level `field` is the string `value` or an array (which may contain it):
   * a superset of those matching `{ field: value }`, selected by SQLite without decoding the others.
   */
  *scanWhereEquals(collection: string, field: string, value: string): Generator<StoredDoc> {
    const path = `$."${field}"`;
    for (const row of this.stmts.scanEq.iterate(collection, path, value, path)) {
      yield { id: row.id, data: decodeDoc(row.data), rev: row.rev, seq: row.seq, text: row.data };
    }
  }

  page(collection: string, limit: number, skip: number): DocData[] {
    return this.stmts.page.all(collection, limit, skip).map((r) => decodeDoc(r.data));
  }

  insert(collection: string, id: string, data: DocData, api: string): void {
    try {
      this.stmts.insert.run(collection, id, encodeDoc(data), this.nextRev());
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
        throw duplicateKeyError(api, collection, id);
      throw err;
    }
  }

  /** Replaces an existing document (new rev); returns false when it does not exist. Call inside transaction(). */
  replace(collection: string, id: string, data: DocData): boolean {
    return this.stmts.update.run(encodeDoc(data), this.nextRev(), collection, id).changes > 0;
  }

  /**
   * Replaces `doc` with `next` unless `next` encodes to the stored text (like CloudBase, an update
   * that changes nothing does not count as updated); true when written. Call inside a write.
   */
  replaceIfChanged(collection: string, doc: StoredDoc, next: DocData): boolean {
    const text = encodeDoc(next);
    if (text === doc.text) return false;
    return this.stmts.update.run(text, this.nextRev(), collection, doc.id).changes > 0;
  }

  delete(collection: string, id: string): boolean {
    return this.stmts.delete.run(collection, id).changes > 0;
  }

  collections(): { name: string; count: number }[] {
    return this.stmts.collections.all();
  }

  consent(openid: string, templateId: string): { remaining: number; longTerm: boolean } | undefined {
    const row = this.stmts.consentGet.get(openid, templateId);
    return row ? { remaining: row.remaining, longTerm: row.long_term === 1 } : undefined;
  }

  consents(openid: string): ConsentRow[] {
    return this.stmts.consentList
      .all(openid)
      .map((r) => ({ templateId: r.template_id, remaining: r.remaining, longTerm: r.long_term === 1 }));
  }

  grantOneTime(openid: string, templateId: string, count: number): void {
    this.stmts.consentAdd.run(openid, templateId, count);
  }

  grantLongTerm(openid: string, templateId: string): void {
    this.stmts.consentLongTerm.run(openid, templateId);
  }

  consumeOneTime(openid: string, templateId: string): boolean {
    return this.stmts.consentConsume.run(openid, templateId).changes > 0;
  }

  addOutbox(row: OutboxRow): void {
    this.stmts.outboxInsert.run(row);
  }

  outbox(limit: number): OutboxRow[] {
    return this.stmts.outboxList.all(limit) as unknown as OutboxRow[];
  }

  reset(): void {
    this.transaction(() => {
      this.sqlite.exec('DELETE FROM documents; DELETE FROM consents; DELETE FROM outbox;');
    });
  }

  close(): void {
    this.flush();
    if (this.sqlite.open) this.sqlite.close();
  }
}
