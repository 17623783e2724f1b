/**
 * What every emulated database operation shares: its asynchronous boundary (`tick`), generated
 * ids, the `{ data }` argument and the missing-document error.
 */
import { randomBytes } from 'node:crypto';
import { setImmediate as realSetImmediate } from 'node:timers';
import type { DocData, SetResult } from '../../server/ports/cloud-sdk';
import { resolveDocData } from './query';
import { cloudError, ERR_DB_REQUEST_FAILED, invalidParam } from './errors';

/** 32 lowercase hex chars, like CloudBase auto-generated `_id`s. */
export function newDocId(): string {
  return randomBytes(16).toString('hex');
}

export function missingDocError(api: string, id: string): Error {
  return cloudError(ERR_DB_REQUEST_FAILED, `${api}:fail document with _id ${id} does not exist`);
}

export function dataOf(api: string, opts: unknown): unknown {
  if (opts === null || typeof opts !== 'object' || !('data' in opts)) throw invalidParam(api, 'expects { data }');
  return (opts as { data: unknown }).data;
}

export function withId(id: string, data: DocData): DocData {
  const { _id: _ignored, ...rest } = data;
  return { _id: id, ...rest };
}

/** Every this many operations, `tick()` yields a whole event-loop turn instead of a microtask. */
export const TICK_MACROTASK_EVERY = 16;
let ticksSinceTurn = 0;

/**
 * The asynchronous boundary before each operation, like a network round trip: the operation's
 * body never runs in the caller's synchronous code, and concurrent calls interleave at every
 * operation. Usually a microtask (a whole event-loop turn per operation cost the CPU-bound
 * devstack ≈ one loop iteration per call and spread every request over all concurrent ones);
 * every TICK_MACROTASK_EVERY-th one is a full turn (setImmediate), so a chain of operations never
 * starves I/O or timers. Uses node:timers directly: jest fake timers patch the globals only, so
 * tests that fake time do not freeze the database.
 */
export const tick = (): Promise<void> => {
  if (++ticksSinceTurn < TICK_MACROTASK_EVERY) return Promise.resolve();
  ticksSinceTurn = 0;
  return new Promise((resolve) => realSetImmediate(resolve));
};

/** `doc(id).set({ data })`'s document: server values resolved, `_id` refused (it is the reference's). */
export function setDocument(raw: unknown, now: Date, id: string): DocData {
  const data = resolveDocData(raw, now, 'document.set');
  if ('_id' in data) throw invalidParam('document.set', '_id cannot be set (it is the document reference id)');
  return withId(id, data);
}

/** What `set()` answers, in a transaction or not. */
export function setResult(id: string, existed: boolean): SetResult {
  return {
    _id: id,
    stats: { updated: existed ? 1 : 0, created: existed ? 0 : 1 },
    errMsg: 'document.set:ok',
  } as SetResult;
}
