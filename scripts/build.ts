/**
 * Build, in the shape WeChat DevTools and CloudBase expect.
 *
 *   tsx scripts/build.ts                  everything below
 *   tsx scripts/build.ts --miniprogram-npm  only the mini program's npm folder + common copy (postinstall)
 *   tsx scripts/build.ts --functions        only the cloud function bundles
 *
 * 1. miniprogram/miniprogram_npm: what DevTools' "构建 npm" makes. Vant Weapp from its `lib/`
 *    folder (byte-identical to DevTools' output), dayjs packed into one CommonJS file.
 * 2. miniprogram/common: the isomorphic pure modules of /common (ID checks, masking), copied so
 *    code inside miniprogramRoot can import them (DevTools compiles nothing outside that root).
 * 3. cloudfunctions/<fn>/index.js: each function bundled by esbuild (node16, CommonJS) with
 *    `wx-server-sdk` external, so a function deploys alone.
 */
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildPreview } from './build-preview';
import { functionNames } from './lib/bundles';

const root = join(__dirname, '..');
const args = new Set(process.argv.slice(2));
const all = !args.has('--miniprogram-npm') && !args.has('--functions');

function pkgDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`, { paths: [root] }));
}

async function buildMiniprogramNpm(): Promise<void> {
  const npmDir = join(root, 'miniprogram', 'miniprogram_npm');
  rmSync(npmDir, { recursive: true, force: true });
  cpSync(join(pkgDir('@vant/weapp'), 'lib'), join(npmDir, '@vant', 'weapp'), { recursive: true });
  await build({
    entryPoints: [join(pkgDir('dayjs'), 'dayjs.min.js')],
    outfile: join(npmDir, 'dayjs', 'index.js'),
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2017',
    logLevel: 'warning',
  });
  const commonOut = join(root, 'miniprogram', 'common');
  rmSync(commonOut, { recursive: true, force: true });
  mkdirSync(commonOut, { recursive: true });
  for (const f of readdirSync(join(root, 'common'))) {
    if (f.endsWith('.ts')) cpSync(join(root, 'common', f), join(commonOut, f));
  }
}

async function buildFunctions(): Promise<void> {
  const names = functionNames();
  await Promise.all(
    names.map((name) =>
      build({
        entryPoints: [join(root, 'cloudfunctions', name, 'index.ts')],
        outfile: join(root, 'cloudfunctions', name, 'index.js'),
        bundle: true,
        platform: 'node',
        target: 'node16',
        format: 'cjs',
        external: ['wx-server-sdk'],
        sourcemap: 'linked',
        legalComments: 'none',
        logLevel: 'warning',
      }),
    ),
  );
  console.log(`built ${names.length} cloud function(s): ${names.join(', ')}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  if (all || args.has('--miniprogram-npm')) await buildMiniprogramNpm();
  if (all || args.has('--functions')) await buildFunctions();
  if (all) await buildPreview();
  console.log(`build done in ${Date.now() - started} ms`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
