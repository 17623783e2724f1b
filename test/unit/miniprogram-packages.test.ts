/**
 * The mini program's packages (miniprogram/app.json): the main package holds the tab pages, home
 * and the patient cards; 门诊服务 (booking) and 微官网 are subpackages, preloaded from the pages
 * patients open them from. Every page path the code navigates to, and the page the booking
 * function's subscription messages open, is a page of app.json; no source file passes 400 lines.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { bookingPage } from '../../server/domain/booking/messages';

const mpRoot = join(__dirname, '..', '..', 'miniprogram');

interface AppJson {
  pages: string[];
  subpackages: { root: string; name?: string; pages: string[] }[];
  preloadRule?: Record<string, { network?: string; packages: string[] }>;
  tabBar: { list: { pagePath: string }[] };
}

const app = JSON.parse(readFileSync(join(mpRoot, 'app.json'), 'utf8')) as AppJson;
const subPages = app.subpackages.flatMap((s) => s.pages.map((p) => `${s.root}/${p}`));
const allPages = [...app.pages, ...subPages];

/** The mini program's own sources (not the build's miniprogram_npm and common copies). */
function sources(dir = mpRoot): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return ['miniprogram_npm', 'common'].includes(e.name) && dir === mpRoot ? [] : sources(path);
    return [relative(mpRoot, path).split(sep).join('/')];
  });
}

describe('packages', () => {
  test('main package: the tab pages, home and the patient cards', () => {
    expect(app.pages).toEqual([
      'pages/home/index',
      'pages/patients/list/index',
      'pages/patients/add/index',
      'pages/patients/detail/index',
      'pages/me/index',
    ]);
    // WeChat requires tab pages in the main package.
    for (const tab of app.tabBar.list) expect(app.pages).toContain(tab.pagePath);
  });

  test('booking and 微官网 are subpackages, each page with its files', () => {
    expect(app.subpackages.map((s) => s.root)).toEqual(['packageBooking', 'packageSite', 'packagePayment']);
    expect(subPages.filter((p) => p.startsWith('packageBooking/'))).toHaveLength(9);
    expect(subPages.filter((p) => p.startsWith('packageSite/'))).toHaveLength(4);
    expect(subPages.filter((p) => p.startsWith('packagePayment/'))).toHaveLength(6);
    for (const page of allPages) {
      for (const ext of ['.json', '.wxml', '.ts']) expect(existsSync(join(mpRoot, page + ext))).toBe(true);
    }
  });

  test('preload rules: home and 我的 preload 门诊服务; each names pages and packages that exist', () => {
    const rules = app.preloadRule ?? {};
    expect(rules['pages/home/index']?.packages).toEqual(expect.arrayContaining(['packageBooking', 'packageSite']));
    expect(rules['pages/me/index']?.packages).toEqual(['packageBooking', 'packagePayment']);
    const known = new Set(app.subpackages.flatMap((s) => [s.root, ...(s.name ? [s.name] : [])]));
    for (const [page, rule] of Object.entries(rules)) {
      expect(allPages).toContain(page);
      expect(rule.network ?? 'wifi').toMatch(/^(all|wifi)$/);
      for (const pkg of rule.packages) expect(known.has(pkg)).toBe(true);
      // A page does not preload its own package.
      expect(rule.packages.some((pkg) => page.startsWith(`${pkg}/`))).toBe(false);
    }
  });
});

describe('page paths in the code', () => {
  test('every page path literal in the mini program is a page of app.json', () => {
    const found = new Map<string, string>();
    for (const file of sources().filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(mpRoot, file), 'utf8');
      for (const m of text.matchAll(/['"`]\/((?:pages|package[A-Z]\w*)\/[\w/-]+)/g)) found.set(m[1]!, file);
    }
    expect(found.size).toBeGreaterThan(15);
    const unknown = [...found].filter(([route]) => !allPages.includes(route)).map(([r, f]) => `${f}: /${r}`);
    expect(unknown).toEqual([]);
  });

  test("the booking function's subscription messages open 预约详情 of the booking subpackage", () => {
    const [route, query] = bookingPage('bk_1').split('?');
    expect(allPages).toContain(route);
    expect(route).toBe('packageBooking/pages/detail/index');
    expect(query).toBe('id=bk_1'); // 预约详情 reads `id` as well as `bookingId`
  });
});

describe('file size', () => {
  test('no source file under miniprogram/ passes 400 lines', () => {
    const long = sources()
      .map((f) => ({ f, lines: (readFileSync(join(mpRoot, f), 'utf8').match(/\n/g) ?? []).length }))
      .filter((x) => x.lines > 400)
      .map((x) => `${x.f}: ${x.lines} lines`);
    expect(long).toEqual([]);
  });
});
