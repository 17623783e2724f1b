import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { GroupCommit } from '../../../devstack/his/group-commit';

describe('HIS sandbox: group commit', () => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  let group: GroupCommit;
  /** Rows of `t` as another connection sees them (committed data only). */
  const committedRows = (): number[] => {
    const other = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (other.prepare('SELECT v FROM t ORDER BY v').all() as { v: number }[]).map((r) => r.v);
    } finally {
      other.close();
    }
  };
  /** A method's write: its own transaction, a savepoint inside the group. */
  const insert = (v: number): void => {
    db.transaction(() => db.prepare('INSERT INTO t (v) VALUES (?)').run(v))();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'his-group-'));
    file = join(dir, 'his.sqlite');
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (v INTEGER NOT NULL)');
    group = new GroupCommit(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('requests of one turn share one transaction; each answer waits for its commit', async () => {
    const done: string[] = [];
    group.join();
    insert(1);
    const a = group.committed().then(() => done.push(`a sees ${committedRows().join(',')}`));
    group.join();
    insert(2);
    const b = group.committed().then(() => done.push(`b sees ${committedRows().join(',')}`));
    expect(db.inTransaction).toBe(true);
    expect(committedRows()).toEqual([]); // nothing answered, nothing committed yet
    await Promise.all([a, b]);
    expect(done).toEqual(['a sees 1,2', 'b sees 1,2']);
    expect(db.inTransaction).toBe(false);

    // The next turn opens a new group.
    group.join();
    insert(3);
    await group.committed();
    expect(committedRows()).toEqual([1, 2, 3]);
  });

  it('a request whose transaction throws rolls back its own writes only', async () => {
    group.join();
    insert(1);
    group.join();
    expect(() =>
      db.transaction(() => {
        db.prepare('INSERT INTO t (v) VALUES (?)').run(99);
        throw new Error('refused');
      })(),
    ).toThrow('refused');
    await group.committed();
    expect(committedRows()).toEqual([1]);
  });

  it('a failed COMMIT rolls the group back and fails every request of it', async () => {
    db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (pid INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)`);
    db.pragma('foreign_keys = ON');
    group.join();
    insert(1);
    const first = group.committed();
    group.join();
    db.prepare('INSERT INTO child (pid) VALUES (42)').run(); // violates the deferred key at COMMIT
    const second = group.committed();
    // The message, not toThrow: better-sqlite3's error class may come from another test file's realm.
    const outcome = (p: Promise<void>): Promise<string> =>
      p.then(
        () => 'committed',
        (err: unknown) => String((err as { message?: unknown }).message),
      );
    expect(await outcome(first)).toMatch(/FOREIGN KEY/);
    expect(await outcome(second)).toMatch(/FOREIGN KEY/);
    expect(db.inTransaction).toBe(false);
    expect(committedRows()).toEqual([]);

    group.join();
    insert(2);
    await group.committed();
    expect(committedRows()).toEqual([2]);
  });

  it('committed() without an open group resolves at once; commit() closes a group now', async () => {
    await expect(group.committed()).resolves.toBeUndefined();
    group.join();
    insert(7);
    group.commit();
    expect(db.inTransaction).toBe(false);
    expect(committedRows()).toEqual([7]);
    await nextTurn(); // the scheduled commit finds nothing open
    expect(db.inTransaction).toBe(false);
  });
});
