/**
 * Group commit for the HIS sandbox's one SQLite connection: the requests handled in one
 * event-loop turn share one transaction, committed at the end of the turn, and each answer waits
 * for that commit — an answer never reports a write that could still be lost, and a burst of
 * confirms costs one commit per turn instead of one each (the commit is most of a confirm's cost:
 * a random-key insert dirties its own index pages, written to the WAL at every commit).
 *
 * A method's own `db.transaction(...)` runs as a savepoint inside the group (better-sqlite3 nests
 * that way), so a refused request rolls back its own writes only. A failed COMMIT rolls the group
 * back and fails every request of it (the callers retry with the same requestId).
 *
 *   group.join();                   // before the request touches the database (no await between)
 *   const data = handler(...);      // synchronous
 *   await group.committed();        // then answer
 */
import { setImmediate as realSetImmediate } from 'node:timers';
import type { SandboxDb } from './db';

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export class GroupCommit {
  /** The open group's waiters; null when no group is open. */
  private waiters: Waiter[] | null = null;

  constructor(private readonly db: SandboxDb) {}

  /** Joins the open group, opening one (BEGIN IMMEDIATE, COMMIT at the end of this turn) if none is. */
  join(): void {
    if (this.waiters) return;
    this.db.exec('BEGIN IMMEDIATE');
    this.waiters = [];
    // node:timers directly: jest fake timers patch the globals.
    realSetImmediate(() => this.commit());
  }

  /** Resolves when the open group has committed (at once when none is open); rejects if it failed. */
  committed(): Promise<void> {
    const waiters = this.waiters;
    if (!waiters) return Promise.resolve();
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  }

  /** Commits the open group now (no-op when none is open). */
  commit(): void {
    const waiters = this.waiters;
    if (!waiters) return;
    this.waiters = null;
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const w of waiters) w.reject(err);
      return;
    }
    for (const w of waiters) w.resolve();
  }
}
