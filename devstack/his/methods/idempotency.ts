/**
 * Idempotency for mutating methods (docs/his-gateway.md, "Idempotency"): the first successful
 * result for (appId, requestId) is recorded with a hash of the request; the same requestId with
 * the same body returns that result again, with a different body it is refused.
 */
import { createHash } from 'node:crypto';
import type { SandboxDb } from '../db';
import { SandboxError } from '../errors';
import type { MethodContext } from './types';

/** JSON with object keys sorted, so key order does not change the hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function bodyHash(method: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method}\n${canonicalJson(body)}`)
    .digest('hex');
}

export interface OnceKey {
  appId: string;
  requestId: string;
  method: string;
  body: unknown;
  now: Date;
}

/**
 * The recorded result for (appId, requestId), or undefined when there is none. Throws
 * INVALID_REQUEST when the requestId was used for another method or body.
 */
export function priorResult<T>(db: SandboxDb, key: OnceKey): T | undefined {
  const prior = db
    .prepare('SELECT method, body_hash, response FROM idempotency WHERE app_id = ? AND request_id = ?')
    .get(key.appId, key.requestId) as { method: string; body_hash: string; response: string } | undefined;
  if (!prior) return undefined;
  if (prior.method !== key.method || prior.body_hash !== bodyHash(key.method, key.body)) {
    throw new SandboxError('INVALID_REQUEST', 'requestId was already used with a different request body');
  }
  return JSON.parse(prior.response) as T;
}

/** Records the first successful result for (appId, requestId). */
export function recordResult(db: SandboxDb, key: OnceKey, result: unknown): void {
  db.prepare(
    'INSERT INTO idempotency (app_id, request_id, method, body_hash, response, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(
    key.appId,
    key.requestId,
    key.method,
    bodyHash(key.method, key.body),
    JSON.stringify(result),
    key.now.toISOString(),
  );
}

/**
 * Runs `produce` at most once per (appId, requestId). Must be called inside a transaction together
 * with the writes of `produce` (better-sqlite3 is synchronous, so the whole call is atomic).
 */
export function once<T>(db: SandboxDb, key: OnceKey, produce: () => T): T {
  const prior = priorResult<T>(db, key);
  if (prior !== undefined) return prior;
  const result = produce();
  recordResult(db, key, result);
  return result;
}

/**
 * A mutating method's answer for `input.requestId`: `produce` run at most once (see once), in one
 * transaction with its writes.
 */
export function onceAtomically<T>(
  ctx: MethodContext,
  method: string,
  input: { requestId: string },
  now: Date,
  produce: () => T,
): T {
  const key: OnceKey = { appId: ctx.appId, requestId: input.requestId, method, body: input, now };
  return ctx.db.transaction(() => once(ctx.db, key, produce))();
}
