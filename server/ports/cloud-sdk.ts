/**
 * The subset of `wx-server-sdk` this project uses, typed. Production code receives the
 * real module (cast to `CloudSdk`); the devstack and tests provide the local emulation
 * (devstack/cloud), which implements exactly this surface and fails loudly on anything else.
 *
 * Semantics follow CloudBase (云开发) server SDK:
 * - `get()` on a query returns at most 100 documents unless `limit(n)` is given; `limit` is capped at 1000.
 * - `doc(id).get()` of a missing document rejects (errCode -502001 style error, message contains
 *   "does not exist").
 * - `update` only changes the given fields (nested objects merge by dot path); `set` replaces the document.
 * - Field values may be `Command` operators (`_.inc(1)`, `_.set({...})`, `_.remove()`, `_.push(...)`)
 *   in `update`, and query operators (`_.gt(1)`, `_.in([...])`, `_.or([...])`, ...) in `where`.
 * - `serverDate()` is replaced by the server's current time (a `Date`) when written.
 */

export type DocData = Record<string, unknown>;

export interface WXContext {
  OPENID: string;
  APPID: string;
  UNIONID?: string;
  /** e.g. 'wx_client', 'wx_http', 'wx_trigger', 'wx_devtools' */
  SOURCE: string;
  ENV: string;
}

export interface AddResult {
  _id: string;
}
export interface GetOneResult<T = DocData> {
  data: T;
}
export interface GetResult<T = DocData> {
  data: T[];
}
export interface CountResult {
  total: number;
}
export interface UpdateResult {
  stats: { updated: number };
}
export interface SetResult {
  _id: string;
  stats: { updated: number; created: number };
}
export interface RemoveResult {
  stats: { removed: number };
}

/** An opaque update operator value (`_.inc(1)`, `_.set(…)`, …): it does not chain. */
export interface UpdateCommandValue {
  readonly __isCommand?: true;
}

/** An opaque query operator value produced by `db.command`. */
export interface CommandValue {
  readonly __isCommand?: true;
  /** Field-level chaining: `_.gt(1).and(_.lt(5))`. */
  and(...conds: unknown[]): CommandValue;
  or(...conds: unknown[]): CommandValue;
}

export interface Command {
  eq(v: unknown): CommandValue;
  neq(v: unknown): CommandValue;
  gt(v: unknown): CommandValue;
  gte(v: unknown): CommandValue;
  lt(v: unknown): CommandValue;
  lte(v: unknown): CommandValue;
  in(v: unknown[]): CommandValue;
  nin(v: unknown[]): CommandValue;
  exists(v: boolean): CommandValue;
  and(...conds: unknown[]): CommandValue;
  or(...conds: unknown[]): CommandValue;
  inc(n: number): UpdateCommandValue;
  set(v: unknown): UpdateCommandValue;
  remove(): UpdateCommandValue;
  push(...v: unknown[]): UpdateCommandValue;
}

export interface DocumentRef<T = DocData> {
  /** Only these fields (and `_id`) in what `get()` returns, as the SDK's `Document.field`. */
  field(projection: Record<string, boolean>): DocumentRef<T>;
  get(): Promise<GetOneResult<T & { _id: string }>>;
  set(opts: { data: Partial<T> | DocData }): Promise<SetResult>;
  update(opts: { data: DocData }): Promise<UpdateResult>;
  remove(): Promise<RemoveResult>;
}

export interface Query<T = DocData> {
  /** A condition object, or a top-level logical command such as `_.or([...])`. */
  where(cond: DocData | CommandValue): Query<T>;
  orderBy(field: string, order: 'asc' | 'desc'): Query<T>;
  limit(n: number): Query<T>;
  skip(n: number): Query<T>;
  field(projection: Record<string, boolean>): Query<T>;
  get(): Promise<GetResult<T & { _id: string }>>;
  count(): Promise<CountResult>;
  update(opts: { data: DocData }): Promise<UpdateResult>;
  remove(): Promise<RemoveResult>;
}

export interface CollectionRef<T = DocData> extends Query<T> {
  doc(id: string): DocumentRef<T>;
  add(opts: { data: DocData }): Promise<AddResult>;
}

/** A document inside a transaction: no `field()` (the SDK's transaction documents have none). */
export type TransactionDocumentRef<T = DocData> = Omit<DocumentRef<T>, 'field'>;

export interface TransactionCollection<T = DocData> {
  doc(id: string): TransactionDocumentRef<T>;
  add(opts: { data: DocData }): Promise<AddResult>;
}

export interface Transaction {
  collection<T = DocData>(name: string): TransactionCollection<T>;
  /** Abort: runTransaction rejects with the given reason. */
  rollback(reason?: unknown): Promise<void>;
}

export interface Database {
  command: Command;
  collection<T = DocData>(name: string): CollectionRef<T>;
  serverDate(opts?: { offset?: number }): unknown;
  /**
   * Runs `fn` as one transaction: reads see a consistent snapshot, writes apply all or none.
   * Concurrent conflicting transactions are retried or fail with an error; never half-applied.
   */
  runTransaction<R>(fn: (tx: Transaction) => Promise<R>, retries?: number): Promise<R>;
}

export interface SubscribeMessageSendParams {
  touser: string;
  templateId: string;
  page?: string;
  /** key → { value } where key is e.g. `thing1`, `time2`, `character_string3`. */
  data: Record<string, { value: string }>;
  miniprogramState?: 'developer' | 'trial' | 'formal';
  lang?: string;
}

export interface OpenApi {
  subscribeMessage: {
    send(params: SubscribeMessageSendParams): Promise<{ errCode: 0; errMsg: string }>;
  };
}

export interface CloudSdk {
  DYNAMIC_CURRENT_ENV: symbol | string;
  init(opts?: { env?: unknown; traceUser?: boolean }): void;
  getWXContext(): WXContext;
  database(opts?: { env?: unknown }): Database;
  openapi: OpenApi;
}

/**
 * The error shape wx-server-sdk rejects with for openapi calls (e.g. 43101 no consent, 47003 bad data).
 */
export interface CloudApiError extends Error {
  errCode: number;
  errMsg: string;
}
