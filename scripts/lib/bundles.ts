/**
 * Facts about the built cloud function bundles (`cloudfunctions/<fn>/index.js`), shared by the
 * tests and `npm run deploy`: which environment variables a bundle reads, and whether it loads
 * with the real `wx-server-sdk` in a plain node process (no devstack, no network).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_VARS, type EnvVarName } from '../../server/config/env-vars';

export const REPO_ROOT = join(__dirname, '..', '..');
export const FUNCTIONS_ROOT = join(REPO_ROOT, 'cloudfunctions');

/** Folders of cloudfunctions/ that hold a function (an index.ts entry). */
export function functionNames(): string[] {
  return readdirSync(FUNCTIONS_ROOT)
    .filter((n) => statSync(join(FUNCTIONS_ROOT, n)).isDirectory() && existsSync(join(FUNCTIONS_ROOT, n, 'index.ts')))
    .sort();
}

export function bundlePath(fn: string): string {
  return join(FUNCTIONS_ROOT, fn, 'index.js');
}

/**
 * The catalogued variables (server/config/env-vars.ts) a bundle reads. Readers name them as
 * literals and the catalogue is imported as a type only, so a name in the bundle is a read.
 */
export function envVarsReadBy(bundleCode: string): EnvVarName[] {
  return (Object.keys(ENV_VARS) as EnvVarName[]).filter((name) => new RegExp(`\\b${name}\\b`).test(bundleCode));
}

export function envVarsOfBundle(fn: string): EnvVarName[] {
  return envVarsReadBy(readFileSync(bundlePath(fn), 'utf8'));
}

/** Preloaded into the child: any socket (HTTP, DNS over TCP) fails loudly instead of connecting. */
const NO_NETWORK = join(__dirname, 'no-network.js');

export type LoadResult = { ok: true; exportsMain: true } | { ok: false; error: string };

/**
 * `require('./cloudfunctions/<fn>/index.js').main` in a fresh `node` with only PATH, HOME and the
 * platform's run-environment flag: the bundle resolves `wx-server-sdk` from node_modules as
 * CloudBase would, and must not open a connection while loading.
 */
export function loadWithRealSdk(fn: string, timeoutMs = 20_000): Promise<LoadResult> {
  const script =
    `const m = require(${JSON.stringify(bundlePath(fn))});` +
    `if (typeof m.main !== 'function') { console.error('exports no main() function'); process.exit(3); }` +
    `const sdk = require.cache[require.resolve('wx-server-sdk', { paths: [${JSON.stringify(join(FUNCTIONS_ROOT, fn))}] })];` +
    `if (!sdk || typeof sdk.exports.database !== 'function') { console.error('did not load the real wx-server-sdk'); process.exit(4); }`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--require', NO_NETWORK, '-e', script],
      {
        cwd: REPO_ROOT,
        // TENCENTCLOUD_RUNENV as CloudBase sets it: without it init() probes a metadata server.
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TENCENTCLOUD_RUNENV: 'SCF' },
        timeout: timeoutMs,
      },
      (err, _stdout, stderr) => {
        if (!err) resolve({ ok: true, exportsMain: true });
        else
          resolve({ ok: false, error: (stderr.trim().split('\n').slice(-3).join(' | ') || err.message).slice(0, 500) });
      },
    );
  });
}
