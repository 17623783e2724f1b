/**
 * Argument checks of the database's synchronous builder calls — `collection()`, `doc()`,
 * `orderBy()`, `limit()`, `skip()`, `field()` — shared by the in-process emulator (database.ts)
 * and the remote SDK of function instances (remote.ts), so a bad argument throws at the call site
 * in both. Conditions are checked by `checkWhere` (query.ts).
 */
import { invalidParam } from './errors';

export function checkCollectionName(name: unknown): string {
  if (typeof name !== 'string' || name === '')
    throw invalidParam('db.collection', 'collection name must be a non-empty string');
  return name;
}

export function checkDocId(api: string, id: unknown): string {
  if ((typeof id !== 'string' || id === '') && typeof id !== 'number') {
    throw invalidParam(api, 'docId must be a non-empty string');
  }
  return String(id);
}

export function checkOrder(field: unknown, order: unknown): void {
  if (typeof field !== 'string' || field === '')
    throw invalidParam('collection.orderBy', 'field must be a non-empty string');
  if (order !== 'asc' && order !== 'desc') throw invalidParam('collection.orderBy', 'order must be "asc" or "desc"');
}

export function checkLimit(n: unknown): number {
  if (!Number.isInteger(n) || (n as number) <= 0)
    throw invalidParam('collection.limit', 'limit must be a positive integer');
  return n as number;
}

export function checkSkip(n: unknown): number {
  if (!Number.isInteger(n) || (n as number) < 0)
    throw invalidParam('collection.skip', 'skip must be a non-negative integer');
  return n as number;
}

/** The projection with its values as booleans; inclusion and exclusion cannot be mixed. */
export function checkProjection(projection: unknown): Record<string, boolean> {
  if (projection === null || typeof projection !== 'object')
    throw invalidParam('collection.field', 'projection must be an object');
  const values = Object.entries(projection)
    .filter(([k]) => k !== '_id')
    .map(([, v]) => Boolean(v));
  if (values.includes(true) && values.includes(false)) {
    throw invalidParam('collection.field', 'cannot mix inclusion and exclusion in a projection');
  }
  const normalized: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(projection)) normalized[k] = Boolean(v);
  return normalized;
}
