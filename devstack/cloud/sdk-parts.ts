/**
 * What the in-process emulator (index.ts) and the remote SDK of function instances (remote.ts)
 * share: the SDK object's shape, the caller identity behind `getWXContext()`, `serverDate()` and
 * the `runTransaction` retry loop. Imports nothing of the SQLite store, so an instance loads none.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as realSetTimeout } from 'node:timers';
import type {
  CloudSdk,
  Database,
  SubscribeMessageSendParams,
  Transaction,
  WXContext,
} from '../../server/ports/cloud-sdk';
import { ServerDate } from './commands';
import { cloudError, ERR_DB_TRANSACTION_CONFLICT, invalidParam, strict } from './errors';

export interface CallIdentity {
  OPENID: string;
  APPID?: string;
  UNIONID?: string;
  SOURCE?: string;
}

/** `getWXContext()` answered from the identity of the call it runs in (set by `runWithContext`). */
export function identityScope(
  envId: string,
  appId: string,
): {
  getWXContext(): WXContext;
  runWithContext<T>(id: CallIdentity, fn: () => Promise<T>): Promise<T>;
} {
  const als = new AsyncLocalStorage<CallIdentity>();
  return {
    getWXContext(): WXContext {
      const id = als.getStore();
      if (!id) return { OPENID: '', APPID: appId, SOURCE: 'wx_trigger', ENV: envId };
      const ctx: WXContext = {
        OPENID: id.OPENID,
        APPID: id.APPID ?? appId,
        SOURCE: id.SOURCE ?? 'wx_devtools',
        ENV: envId,
      };
      if (id.UNIONID !== undefined) ctx.UNIONID = id.UNIONID;
      return ctx;
    },
    runWithContext<T>(id: CallIdentity, fn: () => Promise<T>): Promise<T> {
      if (!id || typeof id.OPENID !== 'string') throw new Error('runWithContext: OPENID must be a string');
      return als.run({ ...id }, fn);
    },
  };
}

/** The `cloud` object: the emulated APIs, strict about everything else. */
export function assembleSdk(parts: {
  getWXContext(): WXContext;
  database: Database;
  send(params: SubscribeMessageSendParams): Promise<{ errCode: 0; errMsg: string }>;
}): CloudSdk {
  return strict('cloud', {
    DYNAMIC_CURRENT_ENV: Symbol.for('wx-server-sdk.DYNAMIC_CURRENT_ENV'),
    init(_opts?: { env?: unknown; traceUser?: boolean }): void {
      // Accepted and ignored: there is one environment.
    },
    getWXContext: parts.getWXContext,
    database(_opts?: { env?: unknown }): Database {
      return parts.database;
    },
    openapi: strict('cloud.openapi', {
      subscribeMessage: strict('cloud.openapi.subscribeMessage', { send: parts.send }),
    }),
  });
}

/** `db.serverDate({ offset })`. */
export function serverDateOf(opts?: { offset?: number }): ServerDate {
  const offset = opts?.offset ?? 0;
  if (typeof offset !== 'number' || !Number.isFinite(offset))
    throw invalidParam('db.serverDate', 'offset must be a number');
  return new ServerDate(offset);
}

/** One attempt of `runTransaction`: what the callback gets (`api`), and how the attempt ends. */
export interface TransactionAttempt {
  readonly api: Transaction;
  readonly rolledBack: boolean;
  readonly rollbackReason: unknown;
  /** Ends the attempt without committing. */
  abandon(): void | Promise<void>;
  /** Ends the attempt and commits it; false on a conflict (the callback is run again). */
  commitAttempt(): boolean | Promise<boolean>;
}

/**
 * `runTransaction(fn, retries)`: runs `fn` on a fresh attempt until one commits (at most
 * `retries` attempts, jittered back-off between them); `rollback(reason)` rejects with the
 * reason, an exception in `fn` with the exception; neither applies anything.
 */
export async function runTransactionLoop<R>(
  fn: (tx: Transaction) => Promise<R>,
  retries: number,
  begin: () => TransactionAttempt | Promise<TransactionAttempt>,
): Promise<R> {
  if (typeof fn !== 'function') throw invalidParam('db.runTransaction', 'expects a callback');
  const attempts = Math.max(1, Math.floor(retries));
  for (let attempt = 1; ; attempt++) {
    const tx = await begin();
    let result: R;
    try {
      result = await fn(tx.api);
    } catch (err) {
      await tx.abandon();
      if (tx.rolledBack) throw tx.rollbackReason;
      throw err;
    }
    if (tx.rolledBack) {
      await tx.abandon();
      throw tx.rollbackReason;
    }
    if (await tx.commitAttempt()) return result;
    if (attempt >= attempts) {
      throw cloudError(
        ERR_DB_TRANSACTION_CONFLICT,
        `runTransaction:fail DATABASE_TRANSACTION_CONFLICT transaction conflict: documents read by the transaction changed before commit (${attempts} attempt(s))`,
      );
    }
    // Jittered back-off before re-running the callback, so contending transactions spread out.
    await new Promise((resolve) => realSetTimeout(resolve, Math.floor(Math.random() * 3 * attempt)));
  }
}
