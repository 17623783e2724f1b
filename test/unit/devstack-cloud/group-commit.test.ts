import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { Store } from '../../../devstack/cloud/store';

/** Documents of `collection` as another process sees them (a second connection to the file). */
function seenByOther(file: string, collection: string): { id: string; rev: number }[] {
  const other = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return other.prepare('SELECT id, rev FROM documents WHERE collection = ? ORDER BY id').all(collection) as {
      id: string;
      rev: number;
    }[];
  } finally {
    other.close();
  }
}

describe('cloud emulator store: group commit', () => {
  let dir: string;
  let file: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'devstack-group-'));
    file = join(dir, 'cloud.sqlite');
    store = new Store(file);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes of one turn are visible at once on this connection and committed for others at the end of the turn', async () => {
    store.transaction(() => store.insert('c', 'a', { _id: 'a', v: 1 }, 'add'));
    store.transaction(() => store.insert('c', 'b', { _id: 'b', v: 2 }, 'add'));
    expect(store.get('c', 'a')?.data).toEqual({ _id: 'a', v: 1 });
    expect(store.sqlite.inTransaction).toBe(true);
    expect(seenByOther(file, 'c')).toEqual([]);

    await nextTurn();
    expect(store.sqlite.inTransaction).toBe(false);
    expect(seenByOther(file, 'c').map((d) => d.id)).toEqual(['a', 'b']);
  });

  it('a throwing transaction rolls back its own writes only', async () => {
    store.transaction(() => store.insert('c', 'kept', { _id: 'kept' }, 'add'));
    expect(() =>
      store.transaction(() => {
        store.insert('c', 'lost', { _id: 'lost' }, 'add');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.get('c', 'lost')).toBeUndefined();
    await nextTurn();
    expect(seenByOther(file, 'c').map((d) => d.id)).toEqual(['kept']);
  });

  it('revisions counted in memory during a group are stored, unique and increasing across reopen', async () => {
    store.transaction(() => store.insert('c', 'a', { _id: 'a' }, 'add'));
    store.transaction(() => store.replace('c', 'a', { _id: 'a', v: 2 }));
    const r1 = store.rev('c', 'a')!;
    await nextTurn();
    store.transaction(() => store.insert('c', 'b', { _id: 'b' }, 'add'));
    const r2 = store.rev('c', 'b')!;
    expect(r2).toBeGreaterThan(r1);
    store.close(); // commits the open group

    store = new Store(file);
    store.transaction(() => store.insert('c', 'd', { _id: 'd' }, 'add'));
    expect(store.rev('c', 'd')!).toBeGreaterThan(r2);
    expect(seenByOther(file, 'c').map((d) => d.id)).toEqual(['a', 'b']); // 'd' not yet committed
    store.flush();
    expect(seenByOther(file, 'c').map((d) => d.id)).toEqual(['a', 'b', 'd']);
  });
});
