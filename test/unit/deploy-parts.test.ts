/**
 * The parts of `npm run deploy` / `npm run upload` below the plan: `.env.<envId>` values, the
 * collection scan of the server sources, the mini program checks, the miniprogram-ci command and
 * the command lines' arguments.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDeployArgs } from '../../scripts/deploy';
import { cronOf } from '../../scripts/lib/deploy-cloudbase';
import { scanCollections } from '../../scripts/lib/deploy-collections';
import { loadEnvValues, parseDotEnv } from '../../scripts/lib/deploy-env';
import {
  checkMiniprogram,
  gatherMiniprogramFacts,
  MINIPROGRAM_CI,
  uploadCommand,
  type UploadEnv,
} from '../../scripts/lib/deploy-miniprogram';
import { satisfies } from '../../scripts/lib/deploy-plan';
import { main as uploadMain, parseUploadArgs } from '../../scripts/upload';

const root = join(__dirname, '..', '..');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deploy-parts-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('variable values', () => {
  test('.env files: comments, export, quotes', () => {
    const parsed = parseDotEnv('# note\nA=1\n\nexport B="two words"\nC=\'x=y\'\n  D = spaced \nnot a line\n');
    expect(Object.fromEntries(parsed)).toEqual({ A: '1', B: 'two words', C: 'x=y', D: 'spaced' });
  });

  test('the environment wins over .env.<envId>; an empty value counts as unset', () => {
    writeFileSync(join(dir, '.env.prod'), 'A=from-file\nB=from-file\nC=from-file\n');
    const src = loadEnvValues(['A', 'B', 'C', 'D'], { env: { A: 'from-env', B: '' }, envId: 'prod', repoRoot: dir });
    expect(src.file).toEqual({ name: '.env.prod', found: true });
    expect(Object.fromEntries(src.values)).toEqual({
      A: { value: 'from-env', origin: 'environment' },
      B: { value: 'from-file', origin: '.env.prod' },
      C: { value: 'from-file', origin: '.env.prod' },
    });
  });

  test('without an env id no file is read', () => {
    writeFileSync(join(dir, '.env.prod'), 'A=from-file\n');
    const src = loadEnvValues(['A'], { env: {}, envId: null, repoRoot: dir });
    expect(src.file).toBeNull();
    expect(src.values.size).toBe(0);
  });
});

describe('collections used by the code', () => {
  test('constants, parameters followed to their callers, and names it cannot read', () => {
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        'declare const db: { collection(name: string): unknown };',
        "const CARDS = 'cards';",
        "const C = { users: 'users' } as const;",
        'function get(collection: string) { return db.collection(collection); }',
        'db.collection(CARDS);',
        "get(C.users); get('logs');",
        'export function dynamic(prefix: string) { return db.collection(`${prefix}_x`); }',
      ].join('\n'),
    );
    const scan = scanCollections([entry], dir);
    expect([...scan.used.keys()].sort()).toEqual(['cards', 'logs', 'users']);
    expect(scan.used.get('cards')).toEqual(['entry.ts:5']);
    expect(scan.unresolved).toEqual(['entry.ts:7']);
  });
});

describe('mini program', () => {
  const noCredentials: UploadEnv = { appid: undefined, privateKeyPath: undefined, privateKeyFound: false };

  test('this repository passes the offline checks', () => {
    const check = checkMiniprogram(gatherMiniprogramFacts(root), noCredentials, false);
    expect(check.problems).toEqual([]);
    expect(check.lines[0]).toMatch(/Vant components in miniprogram_npm incl\. their dependencies, all present/);
  });

  test('a Vant component a page uses but miniprogram_npm lacks', () => {
    const mp = join(dir, 'mp');
    mkdirSync(join(mp, 'pages', 'home'), { recursive: true });
    mkdirSync(join(mp, 'miniprogram_npm', '@vant', 'weapp', 'button'), { recursive: true });
    writeFileSync(join(dir, 'project.config.json'), JSON.stringify(projectConfig()));
    writeFileSync(join(mp, 'app.json'), JSON.stringify({ pages: ['pages/home/index'] }));
    for (const ext of ['wxml', 'ts']) writeFileSync(join(mp, 'pages', 'home', `index.${ext}`), '');
    const using = { 'van-button': '/miniprogram_npm/@vant/weapp/button/index', 'van-cell': '@vant/weapp/cell' };
    writeFileSync(join(mp, 'pages', 'home', 'index.json'), JSON.stringify({ usingComponents: using }));
    for (const ext of ['json', 'js'])
      writeFileSync(join(mp, 'miniprogram_npm', '@vant', 'weapp', 'button', `index.${ext}`), '{}');
    const check = checkMiniprogram(gatherMiniprogramFacts(dir), noCredentials, false);
    expect(check.problems).toEqual([
      'pages/home/index.json: component @vant/weapp/cell not found (miniprogram_npm/@vant/weapp/cell/index.json/.js): run npm run build',
    ]);
  });

  test('appid and key: placeholders, mismatches, and what a real upload requires', () => {
    const facts = gatherMiniprogramFacts(root);
    const bad = checkMiniprogram(facts, { appid: 'wx123', privateKeyPath: '/nope.key', privateKeyFound: false }, false);
    expect(bad.problems).toEqual([
      'MP_APPID is not a mini program appid (wx + 16 hex)',
      'MP_PRIVATE_KEY_PATH: no file there (the code upload key from mp.weixin.qq.com)',
    ]);
    const committed = { ...facts, projectConfig: { ...facts.projectConfig, appid: 'wx1111111111111111' } };
    const good = { appid: 'wx2222222222222222', privateKeyPath: '/k', privateKeyFound: true };
    expect(checkMiniprogram(committed, good, true).problems).toEqual([
      'project.config.json: appid wx1111111111111111 differs from MP_APPID wx2222222222222222',
    ]);
    expect(checkMiniprogram(facts, noCredentials, true).problems).toEqual([
      'MP_APPID is not set (the mini program appid)',
      'MP_PRIVATE_KEY_PATH is not set (path of the code upload key)',
    ]);
  });

  test('the miniprogram-ci command', () => {
    const argv = uploadCommand({
      projectPath: '/p',
      appid: 'wx2222222222222222',
      privateKeyPath: '/k',
      version: '1.2.3',
      desc: '门诊',
      robot: 2,
    });
    expect(argv.slice(0, 3)).toEqual(['--yes', MINIPROGRAM_CI, 'upload']);
    expect(MINIPROGRAM_CI).toBe('miniprogram-ci@2.1.42');
    const flag = (name: string) => argv[argv.indexOf(name) + 1];
    expect([flag('--project-path'), flag('--private-key-path'), flag('--appid')]).toEqual([
      '/p',
      '/k',
      'wx2222222222222222',
    ]);
    expect([flag('--upload-version'), flag('--upload-description'), flag('--robot')]).toEqual(['1.2.3', '门诊', '2']);
    expect(argv).toContain('--use-project-config');
  });

  test('npm run upload -- --dry-run prints the command and uploads nothing', () => {
    const saved = { appid: process.env.MP_APPID, key: process.env.MP_PRIVATE_KEY_PATH };
    delete process.env.MP_APPID;
    delete process.env.MP_PRIVATE_KEY_PATH;
    try {
      const out: string[] = [];
      expect(uploadMain(['--dry-run', '--version', '1.0.0', '--desc', 'first'], (l) => out.push(l))).toBe(0);
      expect(out).toContain('checks: no problems');
      expect(out.at(-1)).toMatch(/^would run: npx --yes miniprogram-ci@2\.1\.42 upload --project-path \S+ /);
    } finally {
      if (saved.appid !== undefined) process.env.MP_APPID = saved.appid;
      if (saved.key !== undefined) process.env.MP_PRIVATE_KEY_PATH = saved.key;
    }
  });
});

describe('arguments and small helpers', () => {
  test('deploy: --env is required unless --dry-run; env ids are plain', () => {
    expect(parseDeployArgs(['--env', 'prod-1a2b'])).toEqual({ envId: 'prod-1a2b', dryRun: false, build: true });
    expect(parseDeployArgs(['--dry-run', '--no-build'])).toEqual({ envId: null, dryRun: true, build: false });
    expect(parseDeployArgs([])).toMatch(/--env <envId> is required/);
    expect(parseDeployArgs(['--env', '../x'])).toMatch(/not a CloudBase env id/);
    expect(parseDeployArgs(['--envv', 'x'])).toMatch(/Unknown option/);
  });

  test('upload: x.y.z versions, a description, robots 1 to 30', () => {
    expect(parseUploadArgs(['--version', '1.2.3', '--desc', 'd'])).toEqual({
      version: '1.2.3',
      desc: 'd',
      robot: 1,
      dryRun: false,
    });
    expect(parseUploadArgs(['--version', '1.2', '--desc', 'd'])).toMatch(/use x\.y\.z/);
    expect(parseUploadArgs(['--version', '1.2.3'])).toMatch(/required/);
    expect(parseUploadArgs(['--version', '1.2.3', '--desc', 'd', '--robot', '31'])).toMatch(/1 to 30/);
  });

  test('SDK ranges and timer descriptions', () => {
    expect(satisfies('4.0.2', '~4.0.2')).toBe(true);
    expect(satisfies('4.0.9', '~4.0.2')).toBe(true);
    expect(satisfies('4.1.0', '~4.0.2')).toBe(false);
    expect(satisfies('4.0.1', '~4.0.2')).toBe(false);
    expect(satisfies('4.3.0', '^4.0.2')).toBe(true);
    expect(satisfies('5.0.0', '^4.0.2')).toBe(false);
    expect(satisfies('4.0.2', '4.0.2')).toBe(true);
    expect(cronOf('{"cron":"0 * * * * * *"}')).toBe('0 * * * * * *');
    expect(cronOf('0 * * * * * *')).toBe('0 * * * * * *');
  });
});

function projectConfig(): Record<string, unknown> {
  return {
    miniprogramRoot: 'mp/',
    compileType: 'miniprogram',
    appid: 'wx0000000000000000',
    setting: { packNpmManually: true },
  };
}
