/**
 * The emulation (devstack/cloud) against the real wx-server-sdk: every function and namespace the
 * emulation offers — on the SDK object, the database, queries, documents, commands and their
 * values, transactions, openapi — exists on the real SDK with the same kind (function, namespace,
 * constant), so code that runs in the devstack cannot call an API production lacks. Values' data
 * fields (a command's internal representation) are not API and are not compared. The real SDK is
 * only inspected: no call may open a socket. Runs in-process and again over the instance channel
 * (the `unit-remote-db` project).
 */
import net from 'node:net';
import { dirname, join } from 'node:path';
import { memoryEmulator, type Harness } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the real SDK, untyped CommonJS
const real = require('wx-server-sdk') as Record<string, unknown> & {
  init(o: unknown): void;
  database(): RealDb;
  DYNAMIC_CURRENT_ENV: unknown;
};
type RealDb = Record<string, unknown> & {
  _db: { runTransaction: unknown; config: unknown };
  runTransaction(fn: (tx: unknown) => Promise<unknown>): Promise<unknown>;
};

type Obj = Record<string, unknown>;

/**
 * Public member names: without `constructor`, `_internals` and symbols. A class instance's API is
 * its methods (own fields are its data); a plain object's (the SDK facades) its own properties.
 */
function memberNames(o: object): string[] {
  const names = new Set<string>();
  const proto = Object.getPrototypeOf(o) as object | null;
  const isInstance =
    proto !== null && Object.prototype.hasOwnProperty.call(proto, 'constructor') && proto.constructor !== Object;
  for (let p: object | null = isInstance ? proto : o; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const n of Object.getOwnPropertyNames(p)) if (n !== 'constructor' && !n.startsWith('_')) names.add(n);
  }
  return [...names].sort();
}

/** Calls that build further objects synchronously, with arguments both SDKs accept. */
const BUILDERS: Record<string, unknown[]> = {
  database: [],
  collection: ['surface_probe'],
  doc: ['d1'],
  where: [{ a: 1 }],
  orderBy: ['a', 'asc'],
  limit: [1],
  skip: [1],
  field: [{ a: true }],
  serverDate: [{ offset: 1 }],
  subscribeMessage: [],
  eq: [1],
  neq: [1],
  gt: [1],
  gte: [1],
  lt: [1],
  lte: [1],
  in: [[1]],
  nin: [[1]],
  exists: [true],
  and: [[{ a: 1 }]],
  or: [[{ a: 1 }]],
  inc: [1],
  set: [{ a: 1 }],
  remove: [],
  push: [[1]],
};
/** Members that would do I/O if called; their existence is checked, they are never called. */
const NEVER_CALL = new Set(['get', 'count', 'update', 'remove', 'add', 'set', 'send', 'runTransaction', 'rollback']);
const CALL_ON_VALUES = new Set(['and', 'or']);
/** Objects that are API namespaces; any other non-function member is a value's data, not API. */
const NAMESPACES = new Set(['openapi', 'subscribeMessage', 'command']);

function kind(v: unknown): string {
  if (typeof v === 'function') return 'function';
  if (v !== null && typeof v === 'object') return 'namespace';
  return typeof v;
}

/** Compares one emulated object with its real counterpart and walks on; returns the problems. */
function compare(path: string, emu: object, realObj: unknown, seen: Set<object>, problems: string[]): void {
  visited.add(path);
  const proto = Object.getPrototypeOf(emu) as object;
  const walkChildren = !seen.has(proto) || proto === Object.prototype;
  seen.add(proto);
  for (const name of memberNames(emu)) {
    const e = (emu as Obj)[name];
    if (typeof e !== 'function' && !NAMESPACES.has(name) && path !== 'cloud') continue;
    const r = realObj === null || realObj === undefined ? undefined : (realObj as Obj)[name];
    const ek = kind(e);
    const rk = kind(r);
    const same = ek === rk || (ek === 'namespace' && rk === 'function'); // the real openapi is a callable proxy
    if (!same) {
      problems.push(
        `${path}.${name}: the emulation has a ${ek}, the real SDK ${r === undefined ? 'has none' : `a ${rk}`}`,
      );
      continue;
    }
    if (ek === 'namespace' && walkChildren) compare(`${path}.${name}`, e as object, r, seen, problems);
    if (ek !== 'function' || !walkChildren || !(name in BUILDERS)) continue;
    const isValueChain = CALL_ON_VALUES.has(name) && path.includes(')');
    if (NEVER_CALL.has(name) && !path.endsWith('command')) continue;
    const args = isValueChain ? [{ a: 1 }] : BUILDERS[name]!;
    const eOut = (e as (...a: unknown[]) => unknown).apply(emu, args);
    const rOut = (r as (...a: unknown[]) => unknown).apply(realObj, args);
    if (eOut !== null && typeof eOut === 'object') compare(`${path}.${name}()`, eOut, rOut, seen, problems);
  }
}

const visited = new Set<string>();
let h: Harness;
const sdkConnects: string[] = [];
let savedRunEnv: string | undefined;
const realConnect = net.Socket.prototype.connect;

beforeAll(() => {
  // Any socket the real SDK (or its HTTP stack) opens fails the test (afterAll) and never leaves
  // the machine. Sockets of other code sharing this jest worker (a previous file's keep-alive
  // connection to a local sandbox, say) are not this test's business and pass through.
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const stack = new Error().stack ?? '';
    if (/node_modules[\\/](wx-server-sdk|@cloudbase|axios|follow-redirects)[\\/]/.test(stack)) {
      sdkConnects.push(stack.split('\n').slice(1, 6).join(' | '));
      throw new Error('sdk-surface test: the real SDK may not use the network');
    }
    return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof realConnect;
  // As on the platform: init() then skips its probe of Tencent Cloud's metadata server.
  savedRunEnv = process.env.TENCENTCLOUD_RUNENV;
  process.env.TENCENTCLOUD_RUNENV = 'SCF';
  real.init({ env: real.DYNAMIC_CURRENT_ENV });
});
beforeEach(() => {
  h = memoryEmulator();
});
afterEach(() => h.emu.close());
afterAll(() => {
  net.Socket.prototype.connect = realConnect;
  if (savedRunEnv === undefined) delete process.env.TENCENTCLOUD_RUNENV;
  else process.env.TENCENTCLOUD_RUNENV = savedRunEnv;
  expect(sdkConnects).toEqual([]);
});

test('every API of the emulated SDK, database, queries, documents and commands exists in wx-server-sdk', () => {
  const problems: string[] = [];
  compare('cloud', h.emu.sdk, real, new Set(), problems);
  expect(problems).toEqual([]);
  // The walk reached the corners it is meant to cover.
  expect([...visited]).toEqual(
    expect.arrayContaining([
      'cloud.openapi.subscribeMessage',
      'cloud.database()',
      'cloud.database().command',
      'cloud.database().command.gt()',
      'cloud.database().command.inc()',
      'cloud.database().serverDate()',
      'cloud.database().collection()',
      'cloud.database().collection().where()',
      'cloud.database().collection().doc()',
      'cloud.database().collection().doc().field()',
    ]),
  );
});

test('the walk reports an emulated API that the real SDK lacks', () => {
  const problems: string[] = [];
  const fake = Object.assign(Object.create(h.emu.sdk) as object, { geoNearEverything: () => null });
  compare('cloud', fake, real, new Set(), problems);
  expect(problems).toEqual(['cloud.geoNearEverything: the emulation has a function, the real SDK has none']);
});

/** The real transaction wrapper the callback gets, built without starting a transaction remotely. */
async function realTransaction(): Promise<object> {
  const db = real.database();
  const nodeSdk = dirname(
    require.resolve('@cloudbase/node-sdk/package.json', { paths: [dirname(require.resolve('wx-server-sdk'))] }),
  );
  const cbDb = dirname(require.resolve('@cloudbase/database/package.json', { paths: [nodeSdk] }));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- internal class of the SDK's database
  const { Transaction } = require(join(cbDb, 'dist/commonjs/transaction/index.js')) as {
    Transaction: new (db: unknown) => object;
  };
  const saved = db._db.runTransaction;
  db._db.runTransaction = (fn: (t: object) => unknown) => fn(new Transaction(db._db));
  let tx: object | undefined;
  try {
    await db.runTransaction(async (t) => {
      tx = t as object;
    });
  } finally {
    db._db.runTransaction = saved;
  }
  return tx!;
}

test('a transaction, its collections and documents have only APIs the real transaction has', async () => {
  const realTx = await realTransaction();
  const problems: string[] = [];
  await h.emu.db.runTransaction(async (tx) => {
    compare('transaction', tx, realTx, new Set(), problems);
    const c = tx.collection('surface_probe');
    const rc = (realTx as { collection(n: string): object }).collection('surface_probe');
    compare('transaction.collection()', c, rc, new Set(), problems);
    compare(
      'transaction.collection().doc()',
      c.doc('d1'),
      (rc as { doc(id: string): object }).doc('d1'),
      new Set(),
      problems,
    );
  });
  expect(problems).toEqual([]);
});

test('getWXContext: the fields the port names are what the real SDK returns from the platform', async () => {
  const env = {
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID,WX_SOURCE',
    WX_OPENID: 'o-probe',
    WX_APPID: 'wxprobe',
    WX_UNIONID: 'u-probe',
    WX_SOURCE: 'wx_client',
    TCB_ENV: 'env-probe', // the platform names the environment here
  };
  const saved = Object.keys(env).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, env);
  try {
    const realCtx = (real.getWXContext as () => Obj)();
    const emuCtx = await h.emu.runWithContext({ OPENID: 'o-probe', UNIONID: 'u-probe' }, async () =>
      h.emu.sdk.getWXContext(),
    );
    expect(Object.keys(realCtx).sort()).toEqual(Object.keys(emuCtx).sort());
    for (const k of Object.keys(emuCtx)) expect(typeof realCtx[k]).toBe('string');
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});
