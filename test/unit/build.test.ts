/**
 * The build output every deploy and the devstack rely on: one esbuild bundle per cloud function
 * (`npm test` builds first), loadable with only `wx-server-sdk` provided from outside, plus the
 * files CloudBase deploys alongside it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createCloudEmulator, installWxServerSdk, type CloudEmulator } from '../../devstack/cloud';
import { loadBundle, readFunctionConfig } from '../../devstack/function-host';
import { DEVSTACK_TEMPLATES } from '../../devstack/seed/subscribe-templates';
import { loadWithRealSdk } from '../../scripts/lib/bundles';

const root = join(__dirname, '..', '..');
const fnRoot = join(root, 'cloudfunctions');
const functionDirs = existsSync(fnRoot)
  ? readdirSync(fnRoot).filter(
      (n) => statSync(join(fnRoot, n)).isDirectory() && existsSync(join(fnRoot, n, 'index.ts')),
    )
  : [];

let emulator: CloudEmulator;
let uninstall: () => void;

beforeAll(() => {
  emulator = createCloudEmulator({ dbFile: ':memory:', templates: DEVSTACK_TEMPLATES });
  // For anything loaded through Node's own loader; the bundles themselves are evaluated by the
  // devstack's loader, which binds require('wx-server-sdk') to the same SDK (jest's module
  // registry does not go through Node's Module._load).
  uninstall = installWxServerSdk(emulator.sdk);
});

afterAll(() => {
  uninstall?.();
  emulator?.close();
});

test('there is at least one cloud function', () => {
  expect(functionDirs.length).toBeGreaterThan(0);
});

describe.each(functionDirs)('cloudfunctions/%s', (name) => {
  const dir = join(fnRoot, name);

  test('index.js is built (run `npm run build` / `npm test` builds first)', () => {
    expect(existsSync(join(dir, 'index.js'))).toBe(true);
  });

  test('the bundle loads with only wx-server-sdk from outside and exports main()', () => {
    const keys = ['HIS_BASE_URL', 'HIS_APP_ID', 'HIS_APP_SECRET'] as const;
    const saved = keys.map((k) => [k, process.env[k]] as const);
    process.env.HIS_BASE_URL ??= 'http://127.0.0.1:9';
    process.env.HIS_APP_ID ??= 'build-test';
    process.env.HIS_APP_SECRET ??= 'build-test-secret';
    const silent = { log() {}, info() {}, warn() {}, error() {}, debug() {} } as unknown as Console;
    try {
      const exports = loadBundle(join(dir, 'index.js'), emulator.sdk, silent);
      expect(typeof exports.main).toBe('function');
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  test('in a plain node with the real wx-server-sdk (no devstack, no network) it loads and exports main()', async () => {
    await expect(loadWithRealSdk(name)).resolves.toEqual({ ok: true, exportsMain: true });
  }, 30_000);

  test('wx-server-sdk is external, not bundled', () => {
    const code = readFileSync(join(dir, 'index.js'), 'utf8');
    expect(code).toMatch(/require\(["']wx-server-sdk["']\)/);
    // Signatures of the real SDK's code and its dependencies.
    expect(code).not.toMatch(/@cloudbase\/node-sdk|tcb-admin-node|node_modules\/wx-server-sdk/);
  });

  test('package.json depends on wx-server-sdk (and nothing else needs installing)', () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name?: string;
      main?: string;
      dependencies?: Record<string, string>;
    };
    expect(pkg.dependencies?.['wx-server-sdk']).toEqual(expect.any(String));
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(['wx-server-sdk']);
    if (pkg.main !== undefined) expect(pkg.main).toBe('index.js');
  });

  test('config.json is valid; timer triggers are well-formed', () => {
    const raw = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
      permissions?: { openapi?: unknown };
      triggers?: unknown;
    };
    expect(typeof raw).toBe('object');
    if (raw.permissions?.openapi !== undefined) expect(Array.isArray(raw.permissions.openapi)).toBe(true);
    if (raw.triggers !== undefined) {
      expect(Array.isArray(raw.triggers)).toBe(true);
      for (const t of raw.triggers as Record<string, unknown>[]) {
        expect(t).toEqual(
          expect.objectContaining({ name: expect.any(String), type: 'timer', config: expect.any(String) }),
        );
        // CloudBase cron has 7 fields: second minute hour day month weekday year.
        expect(String(t.config).trim().split(/\s+/)).toHaveLength(7);
      }
    }
    const { timers } = readFunctionConfig(dir);
    expect(timers.length).toBe(Array.isArray(raw.triggers) ? raw.triggers.length : 0);
  });
});
