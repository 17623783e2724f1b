/**
 * A write lock shared by the threads of one process (the devstack's function instances on
 * worker threads each hold their own SQLite connection to the same file). SQLite serialises
 * writers by itself, but a connection that finds the file locked sleeps in its busy handler
 * (1, 2, 5 … ms); this lock hands the write over as soon as the holder commits instead.
 *
 * A futex-style mutex on one Int32 of a SharedArrayBuffer (0 free, 1 held, 2 held with waiters;
 * U. Drepper, "Futexes Are Tricky", mutex 3). Not re-entrant; the holder must release it from the
 * same synchronous stretch of code that took it (the store does: BEGIN … COMMIT never yields,
 * except for the main thread's group commit, which commits at the end of its event-loop turn).
 */
export class SharedWriteLock {
  readonly buffer: SharedArrayBuffer;
  private readonly cell: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    if (buffer.byteLength < 4) throw new Error('SharedWriteLock: buffer needs 4 bytes');
    this.buffer = buffer;
    this.cell = new Int32Array(buffer, 0, 1);
  }

  acquire(): void {
    let c = Atomics.compareExchange(this.cell, 0, 0, 1);
    if (c === 0) return;
    if (c !== 2) c = Atomics.exchange(this.cell, 0, 2);
    while (c !== 0) {
      Atomics.wait(this.cell, 0, 2);
      c = Atomics.exchange(this.cell, 0, 2);
    }
  }

  release(): void {
    if (Atomics.sub(this.cell, 0, 1) !== 1) {
      Atomics.store(this.cell, 0, 0);
      Atomics.notify(this.cell, 0, 1);
    }
  }

  /** For tests and diagnostics: true while some thread holds the lock. */
  held(): boolean {
    return Atomics.load(this.cell, 0) !== 0;
  }
}
