/**
 * Local emulation of `wx-server-sdk` (the devstack's CloudBase): database on SQLite, caller
 * identity through AsyncLocalStorage, subscription messages into an outbox. Implements exactly
 * the `CloudSdk` port (server/ports/cloud-sdk.ts); every other API throws
 * "wx-server-sdk emulation: <name> is not emulated".
 */
import type { CloudSdk, Database, DocData, SubscribeMessageSendParams } from '../../server/ports/cloud-sdk';
import { EmulatedDatabase, strictDatabase, tick } from './database';
import { serveCloud, type CloudPort } from './remote';
import { assembleSdk, identityScope, type CallIdentity } from './sdk-parts';
import { Store } from './store';
import { SubscribeMessages, type OutboxEntry, type SubscribeTemplate } from './subscribe';

export type { OutboxEntry, SubscribeTemplate } from './subscribe';
export { installWxServerSdk } from './require-hook';
export { batchPoster, type CloudPort } from './remote';
export { createRemoteCloud, type RemoteCloud } from './remote-client';

export type { CallIdentity } from './sdk-parts';

export interface CloudEmulatorOptions {
  /** SQLite file path, or ':memory:'. */
  dbFile: string;
  /** Default 'devstack'. */
  envId?: string;
  /** Default 'wx0000000000000000'. */
  appId?: string;
  templates: SubscribeTemplate[];
  clock?: () => Date;
}

export interface CloudEmulator {
  /** What require('wx-server-sdk') returns. */
  sdk: CloudSdk;
  /** Same engine as sdk.database(). */
  db: Database;
  /** Runs `fn` as a call from `id`: getWXContext() inside returns it. */
  runWithContext<T>(id: CallIdentity, fn: () => Promise<T>): Promise<T>;
  admin: {
    listCollections(): { name: string; count: number }[];
    listDocuments(collection: string, opts?: { limit?: number; skip?: number }): Record<string, unknown>[];
    /** Drops all documents, consents and outbox entries. */
    reset(): void;
  };
  subscriptions: {
    /** What wx.requestSubscribeMessage "accept" does; one-time templates accumulate counts. */
    grant(openid: string, templateId: string, count?: number): void;
    consents(openid: string): { templateId: string; remaining: number | 'long-term' }[];
    /** Newest first. */
    outbox(limit?: number): OutboxEntry[];
    templates(): SubscribeTemplate[];
  };
  /**
   * Serves this emulator's database and subscribeMessage.send to a remote SDK
   * (`createRemoteCloud`, a function instance on a worker thread) over `port`.
   */
  serve(port: CloudPort): { openTransactions(): number };
  close(): void;
}

export const DEFAULT_ENV_ID = 'devstack';
export const DEFAULT_APP_ID = 'wx0000000000000000';

export function createCloudEmulator(opts: CloudEmulatorOptions): CloudEmulator {
  const envId = opts.envId ?? DEFAULT_ENV_ID;
  const appId = opts.appId ?? DEFAULT_APP_ID;
  const clock = opts.clock ?? (() => new Date());
  const store = new Store(opts.dbFile);
  const engine = new EmulatedDatabase(store, clock);
  const db = strictDatabase(engine);
  const messages = new SubscribeMessages(store, opts.templates, clock);
  const { getWXContext, runWithContext } = identityScope(envId, appId);
  const send = async (params: SubscribeMessageSendParams): Promise<{ errCode: 0; errMsg: string }> => {
    await tick();
    return messages.send(params);
  };
  const sdk: CloudSdk = assembleSdk({ getWXContext, database: db, send });

  return {
    sdk,
    db,
    runWithContext,
    admin: {
      listCollections: () => store.collections(),
      listDocuments: (collection: string, o?: { limit?: number; skip?: number }): DocData[] =>
        store.page(collection, o?.limit ?? 100, o?.skip ?? 0),
      reset: () => store.reset(),
    },
    subscriptions: {
      grant: (openid, templateId, count) => messages.grant(openid, templateId, count),
      consents: (openid) => messages.consents(openid),
      outbox: (limit) => messages.outbox(limit),
      templates: () => messages.templates(),
    },
    serve: (port) =>
      serveCloud(port, {
        db,
        openTransaction: () => engine.openTransaction(),
        send,
      }),
    close: () => store.close(),
  };
}
