/**
 * Starts the whole local stack in this process: HIS sandbox, WeChat Pay sandbox, CloudBase
 * emulator, the built cloud functions and the HTTP server of the devstack contract.
 *
 * One process runs one devstack at a time: the `wx-server-sdk` hook and the environment variables
 * the functions read at cold start (HIS_*, WXPAY_*, KIOSK_KEYS, PII_HASH_KEY, TMPL_*) are process-global. `startDevstack` refuses to start
 * a second one until the first is stopped. Tests therefore start their own stack per test file
 * (jest runs each file in its own worker/module registry, but the integration project should run
 * serially — `--runInBand` or `maxWorkers: 1` — so two stacks never race for the same ports).
 * `stop()` closes the server, the emulator's database and both sandboxes, uninstalls the hook
 * and restores the environment, so jest exits without open handles.
 */
import { HOSPITAL } from './his/seed-data';
import { DEV_PII_HASH_KEY } from '../server/config/pii';
import {
  BOOKING_TEMPLATE_ENV,
  PAYMENT_TEMPLATE_ENV,
  type BookingTemplates,
  type PaymentTemplates,
} from '../server/config/templates';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createCloudEmulator, DEFAULT_APP_ID, installWxServerSdk, type CloudEmulator } from './cloud';
import { FunctionHost } from './function-host';
import { DEVSTACK_HIS_APP_ID, DEVSTACK_HIS_APP_SECRET, startHisSandbox, type HisSandbox } from './his';
import { DEFAULT_PAY_PORT, startPaySandbox, type PaySandbox, type SignWith } from './pay';
import { loadKioskKeys } from './seed/kiosk';
import { seedSiteContent } from './seed/site-content';
import {
  DEVSTACK_BOOKING_TEMPLATES,
  DEVSTACK_CHARGES_READY_TEMPLATE,
  DEVSTACK_PAYMENT_TEMPLATES,
  DEVSTACK_TEMPLATES,
} from './seed/subscribe-templates';
import { createDevstackServer } from './server';

export const REPO_ROOT = resolve(__dirname, '..');
export const DEVSTACK_ENV_ID = 'devstack';

export interface DevstackOptions {
  /** Default: env DEVSTACK_PORT or 7300; 0 = ephemeral. */
  port?: number;
  /** Default: env HIS_PORT or 7301; 0 = ephemeral. */
  hisPort?: number;
  /**
   * Default: env PAY_PORT or 7302 — but ephemeral when `port` is 0 (tests: a fixed pay port would
   * clash with a running devstack); 0 = ephemeral.
   */
  payPort?: number;
  /** Which key the pay sandbox signs with (default 'publicKey'; 'both' as during a merchant's switch). */
  paySignWith?: SignWith;
  /** Default: <repo>/.devstack */
  stateDir?: string;
  /** Wipe the databases (HIS, cloud, pay sandbox orders — not its merchant keys) and reseed. */
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
  /** The WeChat Pay v3 sandbox (devstack/pay); its notifications go to `${url}/http/payNotify`. */
  pay: PaySandbox;
  payUrl: string;
  /** Kiosk id → HMAC secret of the devstack's kiosks (`<stateDir>/kiosk.json`, docs/kiosk-api.md). */
  kioskKeys: Record<string, string>;
  functions: FunctionHost;
  stateDir: string;
  stop(): Promise<void>;
}

const TEMPLATE_KINDS = Object.keys(BOOKING_TEMPLATE_ENV) as (keyof BookingTemplates)[];
const PAYMENT_TEMPLATE_KINDS = Object.keys(PAYMENT_TEMPLATE_ENV) as (keyof PaymentTemplates)[];
/** The WeChat Pay merchant configuration of the functions (server/config/wechatpay.ts reads them). */
const PAY_ENV = [
  'WXPAY_BASE_URL',
  'WXPAY_MCHID',
  'WXPAY_APPID',
  'WXPAY_MERCHANT_SERIAL',
  'WXPAY_MERCHANT_PRIVATE_KEY',
  'WXPAY_PUBLIC_KEY_ID',
  'WXPAY_PUBLIC_KEY',
  'WXPAY_PLATFORM_CERTS',
  'WXPAY_APIV3_KEY',
  'WXPAY_NOTIFY_URL',
  'WXPAY_APIV2_KEY',
  'WXPAY_PAPAY_PLAN_ID',
  'MEDINS_AUTH_BASE_URL',
  'MEDINS_APP_ID',
  'MEDINS_APP_SECRET',
  'MEDINS_ORG_CODE',
  'MEDINS_ORG_NAME',
  'MEDINS_GEO_LOCATION',
] as const;

const FUNCTION_ENV = [
  'HIS_BASE_URL',
  'HIS_APP_ID',
  'HIS_APP_SECRET',
  'PII_HASH_KEY',
  ...TEMPLATE_KINDS.map((k) => BOOKING_TEMPLATE_ENV[k]),
  ...PAYMENT_TEMPLATE_KINDS.map((k) => PAYMENT_TEMPLATE_ENV[k]),
  ...PAY_ENV,
  'KIOSK_KEYS',
  'TMPL_CHARGES_READY',
] as const;

/** The functions' merchant variables from the sandbox's merchant.json (PEMs with real newlines). */
function setPayEnv(pay: PaySandbox): void {
  const m = pay.merchant;
  process.env.WXPAY_BASE_URL = pay.url;
  process.env.WXPAY_MCHID = m.mchid;
  process.env.WXPAY_APPID = m.appid;
  process.env.WXPAY_MERCHANT_SERIAL = m.merchantSerialNo;
  process.env.WXPAY_MERCHANT_PRIVATE_KEY = m.merchantPrivateKey;
  process.env.WXPAY_PUBLIC_KEY_ID = m.wechatpayPublicKeyId;
  process.env.WXPAY_PUBLIC_KEY = m.wechatpayPublicKey;
  process.env.WXPAY_APIV3_KEY = m.apiV3Key;
  // 代扣 (v2 papay): the APIv2 key and the withholding template of the sandbox merchant.
  process.env.WXPAY_APIV2_KEY = m.apiV2Key;
  process.env.WXPAY_PAPAY_PLAN_ID = m.papayPlanId;
  // 医保: the pay sandbox is also the authorisation gateway; the hospital is the HIS sandbox's.
  process.env.MEDINS_AUTH_BASE_URL = pay.medIns.baseUrl;
  process.env.MEDINS_APP_ID = pay.medIns.appId;
  process.env.MEDINS_APP_SECRET = pay.medIns.appSecret;
  process.env.MEDINS_ORG_CODE = HOSPITAL.code;
  process.env.MEDINS_ORG_NAME = HOSPITAL.name;
  process.env.MEDINS_GEO_LOCATION = '120.582112,30.051554';
  // The platform certificate only when the sandbox may sign with it, as an older merchant has it.
  if (pay.signWith() === 'publicKey') delete process.env.WXPAY_PLATFORM_CERTS;
  else process.env.WXPAY_PLATFORM_CERTS = JSON.stringify({ [m.platformCertificateSerial]: m.platformCertificate });
}

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
  const payPort = opts.payPort ?? (port === 0 ? 0 : envPort('PAY_PORT', DEFAULT_PAY_PORT));
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

    // Orders in <stateDir>/pay/pay.sqlite, merchant credentials in <stateDir>/pay/merchant.json
    // (kept by --reset: a merchant's keys outlive its orders).
    const pay = await startPaySandbox({
      port: payPort,
      host: '127.0.0.1',
      stateDir,
      reset: opts.reset ?? false,
      quiet: opts.quiet ?? false,
      signWith: opts.paySignWith ?? 'publicKey',
      appid: DEFAULT_APP_ID,
    });
    cleanups.push(() => pay.close());

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
    for (const k of PAYMENT_TEMPLATE_KINDS) process.env[PAYMENT_TEMPLATE_ENV[k]] = DEVSTACK_PAYMENT_TEMPLATES[k];
    process.env.TMPL_CHARGES_READY = DEVSTACK_CHARGES_READY_TEMPLATE;
    setPayEnv(pay);
    const kioskKeys = loadKioskKeys(stateDir);
    process.env.KIOSK_KEYS = JSON.stringify(kioskKeys);

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

    // The server listens before the functions load: with an ephemeral port, the notify URL the
    // functions read at cold start (WXPAY_NOTIFY_URL) is only known once it does.
    const server = createDevstackServer({ functions, emulator, hisUrl, payUrl: pay.url });
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
    process.env.WXPAY_NOTIFY_URL = `${url}/http/payNotify`;
    pay.setNotifyUrl(process.env.WXPAY_NOTIFY_URL);
    // The HIS sandbox's events (charges.ready, …) go to the hisEvents HTTP access route. Deliveries
    // start after this turn (functions.loadAll below is synchronous); one refused meanwhile is
    // retried. An HIS sandbox of another process (`hisUrl`) is not told: start it with
    // HIS_EVENTS_URL (docs/his-gateway.md).
    his?.setEventsUrl(`${url}/http/hisEvents`);

    functions.loadAll();
    await functions.ready();
    const stale = functions.staleBuilds();
    if (stale.length > 0 && !opts.quiet) {
      console.warn(`devstack: bundle older than its index.ts: ${stale.join(', ')} — run npm run build`);
    }

    let stopped: Promise<void> | null = null;
    return {
      url,
      hisUrl,
      emulator,
      his,
      pay,
      payUrl: pay.url,
      kioskKeys,
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
