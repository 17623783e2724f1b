/**
 * `npm run size` (scripts/lib/package-size.ts): what DevTools would upload per package, and
 * WeChat's limits. The real mini program (miniprogram_npm built by the postinstall; its main
 * package and the packageBooking and packageSite subpackages), then small fixture trees for what it
 * must not have (cross-package references, broken paths) and other shapes of app.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  checkLimits,
  compileScript,
  DEFAULT_LIMITS,
  formatTable,
  jsonLine,
  measurePackages,
  wxmlRefs,
  wxssRefs,
  wxsRefs,
  type SizeReport,
} from '../../scripts/lib/package-size';

const projectRoot = join(__dirname, '..', '..');
const miniRoot = join(projectRoot, 'miniprogram');
const vant = 'miniprogram_npm/@vant/weapp';

function paths(report: SizeReport): string[] {
  return report.files.map((f) => f.path);
}

describe('the real mini program', () => {
  let report: SizeReport;
  beforeAll(() => {
    report = measurePackages(miniRoot);
  });

  test('relies on 过滤无依赖文件, the reachable-only model this computes', () => {
    const config = JSON.parse(readFileSync(join(projectRoot, 'project.config.json'), 'utf8'));
    expect(config.setting.ignoreUploadUnusedFiles).toBe(true);
    expect(JSON.parse(readFileSync(join(miniRoot, 'app.json'), 'utf8')).lazyCodeLoading).toBe('requiredComponents');
  });

  test('resolves every reference and stays under the limits', () => {
    expect(report.problems).toEqual([]);
    expect(checkLimits(report)).toEqual([]);
    expect(report.main.bytes).toBeLessThan(DEFAULT_LIMITS.packageBytes);
    expect(report.totalBytes).toBeLessThan(DEFAULT_LIMITS.totalBytes);
    expect(report.main.bytes).toBeGreaterThan(100 * 1024);
    const app = JSON.parse(readFileSync(join(miniRoot, 'app.json'), 'utf8'));
    const roots = [...(app.subpackages ?? []), ...(app.subPackages ?? [])].map((s: { root: string }) => s.root);
    expect(report.subpackages.map((p) => p.root)).toEqual(roots);
    expect(report.totalBytes).toBe(report.main.bytes + report.subpackages.reduce((n, p) => n + p.bytes, 0));
  });

  test('counts the app, every page and the Vant files the pages use, with their own dependencies', () => {
    const files = paths(report);
    expect(files).toEqual(expect.arrayContaining(['app.json', 'app.ts', 'app.wxss', 'sitemap.json']));
    const app = JSON.parse(readFileSync(join(miniRoot, 'app.json'), 'utf8'));
    for (const page of app.pages as string[]) {
      expect(files).toEqual(expect.arrayContaining(['.json', '.wxml', '.wxss', '.ts'].map((e) => page + e)));
    }
    for (const ext of ['json', 'js', 'wxml', 'wxss', 'wxs']) expect(files).toContain(`${vant}/button/index.${ext}`);
    // Through button.json (van-loading), button.js (require), button.wxml (<wxs src>), button.wxss (@import).
    expect(files).toEqual(
      expect.arrayContaining([
        `${vant}/loading/index.js`,
        `${vant}/common/component.js`,
        `${vant}/wxs/utils.wxs`,
        `${vant}/wxs/bem.wxs`,
        `${vant}/common/index.wxss`,
      ]),
    );
    // Literal image paths in WXML (<van-empty image="/images/…">).
    expect(files).toContain('images/empty/default.svg');
  });

  test('leaves out what nothing uses: an unused Vant component, type-only modules, .d.ts', () => {
    // Every page and shared component: the main package's, the subpackages' and components/.
    const pageJsons = ['pages', 'packageBooking', 'packageSite', 'components']
      .flatMap((dir) =>
        readdirSync(join(miniRoot, dir), { recursive: true, encoding: 'utf8' })
          .filter((p) => p.endsWith('.json'))
          .map((p) => readFileSync(join(miniRoot, dir, p), 'utf8')),
      )
      .join('\n');
    // The check below only means something while no page uses the uploader.
    expect(pageJsons).not.toContain('uploader');
    expect(pageJsons).toContain('@vant/weapp/button/index');
    const files = paths(report);
    expect(files.filter((f) => f.startsWith(`${vant}/uploader/`))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('..') || f.includes('typings/'))).toEqual([]);
    expect(files).not.toContain('tsconfig.json');
  });

  test('sizes a .ts as the JS DevTools compiles it to, other files by their bytes', () => {
    const bytes = new Map(report.files.map((f) => [f.path, f.bytes]));
    const source = readFileSync(join(miniRoot, 'pages/home/index.ts'), 'utf8');
    expect(bytes.get('pages/home/index.ts')).toBe(
      Buffer.byteLength(compileScript(source, 'ts', 'pages/home/index.ts').js),
    );
    expect(bytes.get('pages/home/index.ts')).not.toBe(statSync(join(miniRoot, 'pages/home/index.ts')).size);
    expect(bytes.get(`${vant}/button/index.js`)).toBe(statSync(join(miniRoot, vant, 'button/index.js')).size);
  });
});

describe('reference scanners', () => {
  test('scripts: requires and imports after compiling, not type-only imports nor require.async', () => {
    const ts = `import type { T } from './types';\nimport { a } from './a';\nimport b from 'dayjs';\n
      const c = require('../c'); require.async('../sub/x'); export const v: T = a + b + c;`;
    expect(compileScript(ts, 'ts').requires).toEqual(['./a', 'dayjs', '../c']);
  });

  test('wxml, wxss and wxs', () => {
    const wxml = `<wxs src="../wxs/utils.wxs" module="u" /><import src="./item.wxml"/><!-- <include src="x.wxml"/> -->
      <include src='/tpl/footer'/><image src="/images/a.png"/><image src="{{ url }}"/><image src="https://x/y.png"/>`;
    expect(wxmlRefs(wxml).map((r) => r.ref)).toEqual([
      '../wxs/utils.wxs',
      './item.wxml',
      '/tpl/footer',
      '/images/a.png',
    ]);
    expect(wxssRefs(`/* @import "no.wxss"; */ @import '../common/index.wxss'; @import "b";`).map((r) => r.ref)).toEqual(
      ['../common/index.wxss', 'b'],
    );
    expect(wxsRefs(`// var x = require('./no.wxs');\nvar bem = require('./bem.wxs');`).map((r) => r.ref)).toEqual([
      './bem.wxs',
    ]);
  });
});

describe('fixture trees', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'package-size-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(files: Record<string, string>): void {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  }

  /** A page (or component) with the four files; `script` and `json` may be given. */
  function unit(base: string, script = 'Page({});', json: object = {}): Record<string, string> {
    return {
      [`${base}.json`]: JSON.stringify(json),
      [`${base}.wxml`]: '<view>页面</view>',
      [`${base}.wxss`]: '.a { color: red; }',
      [`${base}.ts`]: script,
    };
  }

  function app(extra: object = {}): Record<string, string> {
    return {
      'app.json': JSON.stringify({ pages: ['pages/a/index'], ...extra }),
      'app.ts': 'App({});',
      'app.wxss': 'page { color: #333; }',
      'sitemap.json': '{"rules":[]}',
    };
  }

  /** What the model should count for these files: compiled JS for .ts, bytes for the rest. */
  function expectedBytes(paths: string[]): number {
    return paths.reduce((n, p) => {
      const text = readFileSync(join(dir, p), 'utf8');
      return n + (p.endsWith('.ts') ? Buffer.byteLength(compileScript(text, 'ts', p).js) : Buffer.byteLength(text));
    }, 0);
  }

  const sharedScript = `import { shared } from '../../utils/shared';\nPage({ data: { v: shared } });`;

  function withSubpackage(): void {
    write({
      ...app({ subpackages: [{ root: 'pkgA/', pages: ['pages/b/index'] }] }),
      ...unit('pages/a/index', sharedScript),
      ...unit(
        'pkgA/pages/b/index',
        `import { shared } from '../../../utils/shared';\nimport { own } from '../../own';\nPage({ data: { v: shared + own } });`,
      ),
      'utils/shared.ts': 'export const shared: number = 1;',
      'pkgA/own.ts': 'export const own = 2;',
      'pkgA/unused.ts': 'export const unused = 3;',
    });
  }

  test('a subpackage is counted separately; the main-package module it shares counts in the main package', () => {
    withSubpackage();
    const report = measurePackages(dir);
    expect(report.problems).toEqual([]);
    const sub = ['pkgA/own.ts', ...Object.keys(unit('pkgA/pages/b/index'))];
    expect(report.subpackages).toEqual([{ root: 'pkgA', files: sub.length, bytes: expectedBytes(sub) }]);
    const main = [...Object.keys(app()), ...Object.keys(unit('pages/a/index')), 'utils/shared.ts'];
    expect(report.main).toEqual({ root: '', files: main.length, bytes: expectedBytes(main) });
    expect(report.files.find((f) => f.path === 'utils/shared.ts')?.pkg).toBe('');
    expect(paths(report)).not.toContain('pkgA/unused.ts');
    expect(report.totalBytes).toBe(report.main.bytes + report.subpackages[0].bytes);
  });

  test('a module and a component shared by several pages count once', () => {
    const comp = unit('components/card/index', 'Component({});', { component: true });
    write({
      ...app({ pages: ['pages/a/index', 'pages/b/index'], usingComponents: {} }),
      ...unit('pages/a/index', sharedScript, { usingComponents: { card: '/components/card/index' } }),
      ...unit('pages/b/index', sharedScript, { usingComponents: { card: '../../components/card/index' } }),
      ...comp,
      'utils/shared.ts': 'export const shared = 1;',
    });
    const report = measurePackages(dir);
    const all = [
      ...Object.keys(app()),
      ...Object.keys(unit('pages/a/index')),
      ...Object.keys(unit('pages/b/index')),
      ...Object.keys(comp),
      'utils/shared.ts',
    ];
    expect(report.problems).toEqual([]);
    expect(paths(report).filter((p) => p === 'utils/shared.ts')).toHaveLength(1);
    expect(report.main).toEqual({ root: '', files: all.length, bytes: expectedBytes(all) });
  });

  test('npm names resolve to miniprogram_npm, and only the reachable part of it counts', () => {
    const npm = 'miniprogram_npm/@ui/kit';
    write({
      ...app(),
      ...unit('pages/a/index', `import dayjs from 'dayjs';\nPage({ data: { d: dayjs } });`, {
        usingComponents: { 'ui-button': '@ui/kit/button/index' },
      }),
      ...unit(`${npm}/button/index`, `require('../common/base');\nComponent({});`, { component: true }),
      [`${npm}/button/index.wxml`]: '<wxs src="../wxs/utils.wxs" module="u" /><button />',
      [`${npm}/common/base.js`]: 'module.exports = {};',
      [`${npm}/wxs/utils.wxs`]: "var bem = require('./bem.wxs');\nmodule.exports = bem;",
      [`${npm}/wxs/bem.wxs`]: 'module.exports = {};',
      ...unit(`${npm}/uploader/index`, 'Component({});', { component: true }),
      'miniprogram_npm/dayjs/index.js': 'module.exports = function () {};',
    });
    const report = measurePackages(dir);
    expect(report.problems).toEqual([]);
    expect(paths(report)).toEqual(
      expect.arrayContaining([
        `${npm}/button/index.ts`,
        `${npm}/common/base.js`,
        `${npm}/wxs/bem.wxs`,
        'miniprogram_npm/dayjs/index.js',
      ]),
    );
    expect(paths(report).filter((p) => p.includes('uploader'))).toEqual([]);
  });

  test('a main-package page reaching into a subpackage, a missing file or one outside the root are problems', () => {
    withSubpackage();
    const script = `import { own } from '../../pkgA/own';\nrequire('./gone');\nrequire('../../../x');\nPage({ own });`;
    write(unit('pages/a/index', script));
    const problems = measurePackages(dir).problems;
    expect(problems).toContainEqual(expect.stringMatching(/pages\/a\/index\.ts → pkgA\/own\.ts: the main package/));
    expect(problems).toContainEqual(expect.stringContaining('cannot resolve "./gone"'));
    expect(problems).toContainEqual(expect.stringContaining('"../../../x" is outside the miniprogram root'));
  });

  test('a subpackage using another subpackage, or an independent one using the main package, is a problem', () => {
    write({
      ...app({
        subpackages: [
          { root: 'pkgA', pages: ['pages/b/index'] },
          { root: 'pkgB', pages: ['index'] },
          { root: 'pkgC', pages: ['index'], independent: true },
        ],
      }),
      ...unit('pages/a/index'),
      ...unit('pkgA/pages/b/index'),
      'pkgA/own.ts': 'export const own = 2;',
      ...unit('pkgB/index', `import { own } from '../pkgA/own';\nPage({ data: { own } });`),
      ...unit('pkgC/index', sharedScript.replace('../../utils', '../utils')),
      'utils/shared.ts': 'export const shared = 1;',
    });
    const report = measurePackages(dir);
    expect(report.problems).toEqual([
      'pkgB/index.ts → pkgA/own.ts: subpackage "pkgB" may not use files of subpackage "pkgA"',
      'pkgC/index.ts → utils/shared.ts: subpackage "pkgC" may not use files of the main package',
    ]);
    expect(report.subpackages.map((p) => [p.root, p.files])).toEqual([
      ['pkgA', 5],
      ['pkgB', 4],
      ['pkgC', 4],
    ]);
  });

  test('an over-limit main package, subpackage or total is reported by name', () => {
    withSubpackage();
    const report = measurePackages(dir);
    expect(checkLimits(report, { packageBytes: 1e6, totalBytes: 1e6 })).toEqual([]);
    const small = Math.min(report.main.bytes, report.subpackages[0].bytes) - 1;
    const over = checkLimits(report, { packageBytes: small, totalBytes: 1e6 });
    expect(over).toHaveLength(2);
    expect(over[0]).toMatch(/^main package is .* over the/);
    expect(over[1]).toMatch(/^subpackage "pkgA" is .* over the/);
    expect(checkLimits(report, { packageBytes: 1e6, totalBytes: report.totalBytes - 1 })).toEqual([
      expect.stringMatching(/^total is /),
    ]);
    expect(checkLimits(report, { packageBytes: report.main.bytes, totalBytes: report.totalBytes })).toEqual([]);
  });

  test("WeChat's limits: 2 MB per package, 20 MB in all", () => {
    expect(DEFAULT_LIMITS).toEqual({ packageBytes: 2 * 1024 * 1024, totalBytes: 20 * 1024 * 1024 });
  });

  test('the table and the JSON line', () => {
    withSubpackage();
    const report = measurePackages(dir);
    const line = jsonLine(report);
    expect(line).not.toContain('\n');
    const parsed = JSON.parse(line);
    expect(Object.keys(parsed)).toEqual(['mainBytes', 'subpackages', 'totalBytes']);
    expect(parsed).toEqual({
      mainBytes: report.main.bytes,
      subpackages: { pkgA: report.subpackages[0].bytes },
      totalBytes: report.totalBytes,
    });
    const table = formatTable(report).split('\n');
    expect(table[0]).toMatch(/^package\s+files\s+bytes\s+KB\s+share\s+of limit$/);
    expect(table.map((l) => l.split(/\s{2,}/)[0])).toEqual(['package', 'main package', 'subpackage "pkgA"', 'total']);
  });

  test('the CLI ends with the JSON line, and exits 1 on a problem', () => {
    withSubpackage();
    const tsx = join(projectRoot, 'node_modules', '.bin', 'tsx');
    const out = execFileSync(tsx, [join(projectRoot, 'scripts', 'size.ts'), dir], { encoding: 'utf8' });
    const lines = out.trimEnd().split('\n');
    expect(JSON.parse(lines[lines.length - 1])).toEqual(JSON.parse(jsonLine(measurePackages(dir))));
    write(unit('pages/a/index', `import { own } from '../../pkgA/own';\nPage({ data: { own } });`));
    const failed = spawnSync(tsx, [join(projectRoot, 'scripts', 'size.ts'), dir], { encoding: 'utf8' });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('the main package may not use files of subpackage "pkgA"');
  }, 30_000);
});
