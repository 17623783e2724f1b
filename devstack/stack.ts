/**
 * Starts the whole local stack in this process: HIS sandbox, CloudBase emulator, the built cloud
 * functions and the HTTP server of the devstack contract.
 *
 * One process runs one devstack at a time: the `wx-server-sdk` hook and the environment variables
 * the functions read at cold start (HIS_*, PII_HASH_KEY, TMPL_*) are process-global. `startDevstack` refuses to start
 * a second one until the first is stopped. Tests therefore start their own stack per test file
 * (jest runs each file in its own worker/module registry, but the integration project should run
 * serially — `--runInBand` or `maxWorkers: 1` — so two stacks never race for the same ports).
 * `stop()` closes the server, the emulator's database and the HIS sandbox, uninstalls the hook
 * and restores the environment, so jest exits without open handles.
 */
import { DEV_PII_HASH_KEY } from '../server/config/pii';
import { BOOKING_TEMPLATE_ENV, type BookingTemplates } from '../server/config/templates';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createCloudEmulator, DEFAULT_APP_ID, installWxServerSdk, type CloudEmulator } from './cloud';
import { FunctionHost } from './function-host';
import { DEVSTACK_HIS_APP_ID, DEVSTACK_HIS_APP_SECRET, startHisSandbox, type HisSandbox } from './his';
import { seedSiteContent } from './seed/site-content';
import { DEVSTACK_BOOKING_TEMPLATES, DEVSTACK_TEMPLATES } from './seed/subscribe-templates';
import { createDevstackServer } from './server';

export const REPO_ROOT = resolve(__dirname, '..');
export const DEVSTACK_ENV_ID = 'devstack';

export interface DevstackOptions {
  /** Default: env DEVSTACK_PORT or 7300; 0 = ephemeral. */
  port?: number;
  /** Default: env HIS_PORT or 7301; 0 = ephemeral. */
  hisPort?: number;
  /** Default: <repo>/.devstack */
  stateDir?: string;
  /** Wipe both databases (delete the files) and reseed. */
  reset?: boolean;
  /** No console output from the stack or the functions (tests). */
  quiet?: boolean;
  /** Folder of the cloud functions; default <repo>/cloudfunctions. */
  functionsDir?: string;
  /**
   * Base URL of an HIS sandbox already running in its own process (`devstack/his/main.ts`, as the
   * hospital's HIS is its own system in production); the devstack then starts none and `his` is
   * null. It must use the devstack's HIS app id and secret. Default: start one in this process.
   */
  hisUrl?: string;
  /**
   * Instances per cloud function on worker threads (devstack/instances.ts), as CloudBase scales a
   * function under load: each with its own module state, reaching this devstack's one database
   * over a channel (devstack/cloud/remote.ts). Default: env DEVSTACK_INSTANCES or 0 — every
   * function runs once, in this thread (simplest to debug: one process, breakpoints and console in
   * one place).
   */
  instances?: number;
}

export interface Devstack {
  url: string;
  hisUrl: string;
  emulator: CloudEmulator;
  /** null when the devstack uses an HIS sandbox of another process (`hisUrl`). */
  his: HisSandbox | null;
  functions: FunctionHost;
  stateDir: string;
  stop(): Promise<void>;
}

const TEMPLATE_KINDS = Object.keys(BOOKING_TEMPLATE_ENV) as (keyof BookingTemplates)[];
const FUNCTION_ENV = [
  'HIS_BASE_URL',
  'HIS_APP_ID',
  'HIS_APP_SECRET',
  'PII_HASH_KEY',
  ...TEMPLATE_KINDS.map((k) => BOOKING_TEMPLATE_ENV[k]),
] as const;

let active = false;

function envPort(name: string, def: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got ${v}`);
  return n;
}

function envCount(name: string, def: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`${name} must be an integer 0..64, got ${v}`);
  return n;
}

function removeDb(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
}

export async function startDevstack(opts: DevstackOptions = {}): Promise<Devstack> {
  if (active) throw new Error('a devstack is already running in this process (stop it first)');
  active = true;

  const port = opts.port ?? envPort('DEVSTACK_PORT', 7300);
  const instances = opts.instances ?? envCount('DEVSTACK_INSTANCES', 0);
  if (!Number.isInteger(instances) || instances < 0)
    throw new Error(`instances must be an integer ≥ 0, got ${instances}`);
  const hisPort = opts.hisPort ?? envPort('HIS_PORT', 7301);
  const stateDir = resolve(opts.stateDir ?? join(REPO_ROOT, '.devstack'));
  const functionsDir = opts.functionsDir ?? join(REPO_ROOT, 'cloudfunctions');
  const hisDb = join(stateDir, 'his.sqlite');
  const cloudDb = join(stateDir, 'cloud.sqlite');

  const cleanups: (() => Promise<void> | void)[] = [];
  const runCleanups = async (): Promise<void> => {
    while (cleanups.length > 0) {
      const fn = cleanups.pop()!;
      try {
        await fn();
      } catch (err) {
        if (!opts.quiet) console.error('devstack: cleanup failed:', err);
      }
    }
  };

  try {
    mkdirSync(stateDir, { recursive: true });
    if (opts.reset) {
      removeDb(hisDb);
      removeDb(cloudDb);
    }

    let his: HisSandbox | null = null;
    let hisUrl = opts.hisUrl;
    if (!hisUrl) {
      const started = await startHisSandbox({
        port: hisPort,
        host: '127.0.0.1',
        dbFile: hisDb,
        appId: DEVSTACK_HIS_APP_ID,
        appSecret: DEVSTACK_HIS_APP_SECRET,
        reset: opts.reset ?? false,
      });
      cleanups.push(() => started.close());
      his = started;
      hisUrl = started.url;
    }
    hisUrl = hisUrl.replace(/\/+$/, '');

    // The devstack owns these: the functions read them at cold start (when loaded below).
    const savedEnv = FUNCTION_ENV.map((k) => [k, process.env[k]] as const);
    cleanups.push(() => {
      for (const [k, v] of savedEnv) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
    process.env.HIS_BASE_URL = hisUrl;
    process.env.HIS_APP_ID = DEVSTACK_HIS_APP_ID;
    process.env.HIS_APP_SECRET = DEVSTACK_HIS_APP_SECRET;
    process.env.PII_HASH_KEY = DEV_PII_HASH_KEY;
    for (const k of TEMPLATE_KINDS) process.env[BOOKING_TEMPLATE_ENV[k]] = DEVSTACK_BOOKING_TEMPLATES[k];

    const emulator = createCloudEmulator({ dbFile: cloudDb, envId: DEVSTACK_ENV_ID, templates: DEVSTACK_TEMPLATES });
    cleanups.push(() => emulator.close());
    // Content the hospital maintains in production (微官网): seeded when the collection is empty.
    await seedSiteContent(emulator.db);
    const uninstall = installWxServerSdk(emulator.sdk);
    cleanups.push(uninstall);

    const functions = new FunctionHost({
      functionsDir,
      sdk: emulator.sdk,
      runner: emulator,
      envId: DEVSTACK_ENV_ID,
      quiet: opts.quiet ?? false,
      ...(instances > 0
        ? {
            instances: {
              count: instances,
              cloud: { envId: DEVSTACK_ENV_ID, appId: DEFAULT_APP_ID, serve: (port) => emulator.serve(port) },
            },
          }
        : {}),
    });
    if (!existsSync(functionsDir)) throw new Error(`no cloud functions folder at ${functionsDir}`);
    cleanups.push(() => functions.close());
    functions.loadAll();
    await functions.ready();
    const stale = functions.staleBuilds();
    if (stale.length > 0 && !opts.quiet) {
      console.warn(`devstack: bundle older than its index.ts: ${stale.join(', ')} — run npm run build`);
    }

    const server = createDevstackServer({ functions, emulator, hisUrl });
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', rejectListen);
        resolveListen();
      });
    });
    cleanups.push(
      () =>
        new Promise<void>((resolveClose) => {
          server.close(() => resolveClose());
          server.closeAllConnections();
        }),
    );
    const addr = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${addr.port}`;

    let stopped: Promise<void> | null = null;
    return {
      url,
      hisUrl,
      emulator,
      his,
      functions,
      stateDir,
      stop(): Promise<void> {
        stopped ??= runCleanups().finally(() => {
          active = false;
        });
        return stopped;
      },
    };
  } catch (err) {
    await runCleanups();
    active = false;
    throw err;
  }
}
