/**
 * What WeChat DevTools would upload for the mini program, per package, against WeChat's limits
 * (main package and each subpackage ≤ 2 MB, everything ≤ 20 MB).
 *
 * Model: reachable files only. project.config.json sets `ignoreUploadUnusedFiles` (过滤无依赖文件)
 * and app.json `lazyCodeLoading: "requiredComponents"`, so DevTools uploads what app.json's pages
 * and components depend on; without that setting it would upload every file under the root
 * (all of miniprogram_npm included). From app.json we follow: pages and subpackages, each page's
 * and component's `usingComponents` (relative, `/absolute` and npm names via miniprogram_npm),
 * script `require`s, WXML `<wxs|import|include src>` and literal image paths, WXSS `@import`,
 * WXS `require`. A file counts once, in the package whose root holds it (else the main package).
 *
 * Bytes: a `.ts` counts as the `.js` DevTools compiles it to (`useCompilerPlugins: ["typescript"]`),
 * estimated with esbuild's transformSync per file (no bundling); everything else as it is on disk.
 * An estimate: DevTools minifies on upload (`minified`) but its 增强编译 lowers scripts to ES5.
 */
import { transformSync, type Loader } from 'esbuild';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

export const MB = 1024 * 1024;

export interface SizeLimits {
  /** Main package, and each subpackage on its own. */
  packageBytes: number;
  /** Main package plus all subpackages. */
  totalBytes: number;
}

export const DEFAULT_LIMITS: SizeLimits = { packageBytes: 2 * MB, totalBytes: 20 * MB };

export interface FileFigure {
  /** Path under the miniprogram root (posix); a `.ts` is uploaded as the same name in `.js`. */
  path: string;
  /** '' for the main package, else the subpackage root. */
  pkg: string;
  bytes: number;
}

export interface PackageFigure {
  /** '' for the main package, else the subpackage root as in app.json (no slashes around it). */
  root: string;
  files: number;
  bytes: number;
}

export interface SizeReport {
  main: PackageFigure;
  subpackages: PackageFigure[];
  totalFiles: number;
  totalBytes: number;
  files: FileFigure[];
  /** Broken or forbidden references: missing files, main → subpackage, subpackage → subpackage. */
  problems: string[];
}

interface PackageDef {
  root: string;
  pages: string[];
  independent: boolean;
}

interface Ref {
  ref: string;
  /** Suffixes tried after the literal path (`''` first). */
  exts: string[];
}

interface Scan {
  bytes: number;
  refs: Ref[];
}

interface Walk {
  dir: string;
  subRoots: string[];
  /** Every file reached by any package: its bytes and references, scanned once. */
  scans: Map<string, Scan>;
  problems: Set<string>;
  /** The package being walked: '' main, else its root; a file outside it may be a problem. */
  origin: string;
  independent: boolean;
  seen: Set<string>;
}

const SCRIPT_EXTS = ['.ts', '.js', '.json', '/index.ts', '/index.js'];
const IMAGE_EXT = /\.(?:png|jpe?g|gif|svg|webp|bmp|ico)$/i;
const REQUIRE = /\brequire\s*\(\s*(['"`])([^'"`]+)\1\s*\)/g;

// ---------------------------------------------------------------------------------------------
// Reference scanners: plain text in, literal paths out. Regexes, not esbuild's metafile: a
// metafile needs a bundling build taught WeChat's resolution (root-absolute paths, nested
// miniprogram_npm), while a per-file scan of esbuild's output already drops type-only imports.

/**
 * The compiled JS (for .ts) and the modules it requires; `require.async` is not followed. Chinese
 * text stays UTF-8 (`charset`), as DevTools uploads it; esbuild would escape it to `\uXXXX`.
 * `file` matters to the size: esbuild names a module's exports object after it (`index_exports`).
 */
export function compileScript(code: string, loader: Loader, file = 'input'): { js: string; requires: string[] } {
  const options = { loader, format: 'cjs', target: 'es2017', charset: 'utf8', sourcefile: file } as const;
  const js = transformSync(code, options).code;
  return { js, requires: [...js.matchAll(REQUIRE)].map((m) => m[2]) };
}

export function wxmlRefs(text: string): Ref[] {
  const src = text.replace(/<!--[\s\S]*?-->/g, '');
  const refs: Ref[] = [];
  for (const m of src.matchAll(/<(wxs|import|include)\b[^>]*?\ssrc\s*=\s*(["'])([^"']+)\2/g)) {
    refs.push({ ref: m[3], exts: m[1] === 'wxs' ? ['', '.wxs'] : ['', '.wxml'] });
  }
  // Literal image paths in any attribute (`<image src>`, `<van-empty image>`); bound ones are unknowable.
  for (const m of src.matchAll(/\s[\w:.-]+\s*=\s*(["'])([^"'{}<>\s]+)\1/g)) {
    if (IMAGE_EXT.test(m[2]) && !isRemote(m[2])) refs.push({ ref: m[2], exts: [''] });
  }
  return refs;
}

export function wxssRefs(text: string): Ref[] {
  const src = text.replace(/\/\*[\s\S]*?\*\//g, '');
  return [...src.matchAll(/@import\s+(?:url\(\s*)?(["'])([^"']+)\1/g)]
    .filter((m) => !isRemote(m[2]))
    .map((m) => ({ ref: m[2], exts: ['', '.wxss'] }));
}

export function wxsRefs(text: string): Ref[] {
  const src = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...src.matchAll(REQUIRE)].map((m) => ({ ref: m[2], exts: ['', '.wxs'] }));
}

function isRemote(ref: string): boolean {
  return /^[a-z][\w+.-]*:/i.test(ref) || ref.startsWith('//');
}

// ---------------------------------------------------------------------------------------------
// Resolution, with paths relative to the miniprogram root.

/** Where `ref` may live: `/x` from the root, `./x` from the file, a bare name also in miniprogram_npm. */
function candidates(from: string, ref: string): string[] | null {
  const local = posix.normalize(ref.startsWith('/') ? ref.slice(1) : posix.join(posix.dirname(from), ref));
  if (local === '..' || local.startsWith('../')) return null;
  if (ref.startsWith('/')) return [local];
  if (ref.startsWith('.')) return [local];
  // WeChat looks for npm packages in miniprogram_npm next to the file, then in each parent up to the root.
  const npm: string[] = [];
  for (let d = posix.dirname(from); ; d = posix.dirname(d)) {
    npm.push(posix.join(d === '.' ? '' : d, 'miniprogram_npm', ref));
    if (d === '.' || d === '') break;
  }
  return [local, ...npm];
}

function isFile(w: Walk, rel: string): boolean {
  const abs = join(w.dir, rel);
  return existsSync(abs) && statSync(abs).isFile();
}

function resolveWith(w: Walk, from: string, ref: string, exts: string[]): string | null {
  for (const base of candidates(from, ref) ?? []) {
    for (const ext of exts) if (isFile(w, base + ext)) return base + ext;
  }
  return null;
}

/** A component is a base path with a `.json` beside it; `x` may also mean `x/index`. */
function resolveComponent(w: Walk, from: string, ref: string): string | null {
  const json = resolveWith(w, from, ref, ['.json', '/index.json']);
  return json ? json.slice(0, -'.json'.length) : null;
}

// ---------------------------------------------------------------------------------------------
// The walk.

function packageOf(path: string, subRoots: string[]): string {
  return subRoots.find((r) => path.startsWith(r + '/')) ?? '';
}

function problem(w: Walk, text: string): void {
  w.problems.add(text);
}

function checkBoundary(w: Walk, path: string, from: string): void {
  const pkg = packageOf(path, w.subRoots);
  if (pkg === w.origin || (pkg === '' && !w.independent)) return;
  const who = w.origin === '' ? 'the main package' : `subpackage "${w.origin}"`;
  const where = pkg === '' ? 'the main package' : `subpackage "${pkg}"`;
  problem(w, `${from} → ${path}: ${who} may not use files of ${where}`);
}

/** Reads, sizes (once for all packages) and follows one file. */
function addFile(w: Walk, path: string, from: string): void {
  if (w.seen.has(path)) return;
  w.seen.add(path);
  checkBoundary(w, path, from);
  let scan = w.scans.get(path);
  if (!scan) {
    scan = scanFile(join(w.dir, path));
    w.scans.set(path, scan);
  }
  for (const r of scan.refs) follow(w, path, r);
}

const TEXT_SCANNERS: Record<string, ((text: string) => Ref[]) | undefined> = {
  '.wxml': wxmlRefs,
  '.wxss': wxssRefs,
  '.wxs': wxsRefs,
};

function scanFile(abs: string): Scan {
  const ext = posix.extname(abs);
  const text = (): string => readFileSync(abs, 'utf8');
  if (ext === '.ts' || ext === '.js') {
    const { js, requires } = compileScript(text(), ext === '.ts' ? 'ts' : 'js', abs);
    const refs = requires.map((ref) => ({ ref, exts: ['', ...SCRIPT_EXTS] }));
    return { bytes: ext === '.ts' ? Buffer.byteLength(js) : statSync(abs).size, refs };
  }
  const scanner = TEXT_SCANNERS[ext];
  return { bytes: statSync(abs).size, refs: scanner ? scanner(text()) : [] };
}

function follow(w: Walk, from: string, r: Ref): void {
  const hit = resolveWith(w, from, r.ref, r.exts);
  if (hit) addFile(w, hit, from);
  else if (!candidates(from, r.ref)) problem(w, `${from}: "${r.ref}" is outside the miniprogram root (not uploaded)`);
  else problem(w, `${from}: cannot resolve "${r.ref}"`);
}

/** A page or component: its json, wxml, wxss and script, then the components it uses. */
function addUnit(w: Walk, base: string, from: string): void {
  if (w.seen.has(`unit:${base}`)) return;
  w.seen.add(`unit:${base}`);
  for (const ext of ['.json', '.wxml']) {
    if (isFile(w, base + ext)) addFile(w, base + ext, from);
    else problem(w, `${from}: ${base}${ext} is missing`);
  }
  if (isFile(w, base + '.wxss')) addFile(w, base + '.wxss', from);
  const script = ['.ts', '.js'].map((e) => base + e).find((p) => isFile(w, p));
  if (script) addFile(w, script, from);
  else problem(w, `${from}: ${base}.ts/.js is missing`);
  if (isFile(w, base + '.json')) useComponents(w, base + '.json');
}

function useComponents(w: Walk, jsonPath: string): void {
  const json = readJson(join(w.dir, jsonPath)) as { usingComponents?: Record<string, string> };
  for (const ref of Object.values(json.usingComponents ?? {})) {
    if (ref.startsWith('plugin://') || ref.startsWith('plugin-private://')) continue;
    const base = resolveComponent(w, jsonPath, ref);
    if (base) addUnit(w, base, jsonPath);
    else problem(w, `${jsonPath}: cannot resolve component "${ref}"`);
  }
}

function readJson(abs: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(abs, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${abs}: ${(err as Error).message}`, { cause: err });
  }
}

// ---------------------------------------------------------------------------------------------
// app.json and the report.

interface AppJson {
  pages?: string[];
  subpackages?: Array<{ root: string; pages?: string[]; independent?: boolean }>;
  subPackages?: AppJson['subpackages'];
  tabBar?: { custom?: boolean; list?: Array<{ iconPath?: string; selectedIconPath?: string }> };
  sitemapLocation?: string;
  themeLocation?: string;
}

function trimSlashes(p: string): string {
  return p.replace(/^\.?\/+/, '').replace(/\/+$/, '');
}

export function readPackages(dir: string): PackageDef[] {
  const app = readJson(join(dir, 'app.json')) as AppJson;
  const subs = [...(app.subpackages ?? []), ...(app.subPackages ?? [])].map((s) => ({
    root: trimSlashes(s.root),
    pages: (s.pages ?? []).map((p) => `${trimSlashes(s.root)}/${trimSlashes(p)}`),
    independent: s.independent === true,
  }));
  return [{ root: '', pages: (app.pages ?? []).map(trimSlashes), independent: false }, ...subs];
}

/** The app itself: app.json, app.ts|js, app.wxss, sitemap, theme, tab bar icons, global components. */
function addApp(w: Walk): void {
  const app = readJson(join(w.dir, 'app.json')) as AppJson;
  addFile(w, 'app.json', 'app.json');
  const script = ['app.ts', 'app.js'].find((p) => isFile(w, p));
  if (script) addFile(w, script, 'app.json');
  else problem(w, 'app.json: app.ts/app.js is missing');
  const optional = ['app.wxss', ...(app.sitemapLocation ? [] : ['sitemap.json'])];
  for (const p of optional) if (isFile(w, p)) addFile(w, p, 'app.json');
  const named = [app.sitemapLocation, app.themeLocation];
  for (const item of app.tabBar?.list ?? []) named.push(item.iconPath, item.selectedIconPath);
  for (const p of named) if (p) follow(w, 'app.json', { ref: '/' + trimSlashes(p), exts: [''] });
  if (app.tabBar?.custom) addUnit(w, 'custom-tab-bar/index', 'app.json');
  useComponents(w, 'app.json');
}

/** Measures the mini program whose app.json is in `dir` (the project's miniprogramRoot). */
export function measurePackages(dir: string): SizeReport {
  const pkgs = readPackages(dir);
  const subRoots = pkgs.slice(1).map((p) => p.root);
  const scans = new Map<string, Scan>();
  const problems = new Set<string>();
  for (const pkg of pkgs) {
    const w: Walk = { dir, subRoots, scans, problems, origin: pkg.root, independent: pkg.independent, seen: new Set() };
    if (pkg.root === '') addApp(w);
    for (const page of pkg.pages) addUnit(w, page, pkg.root === '' ? 'app.json pages' : `subpackage "${pkg.root}"`);
  }
  const files = [...scans]
    .map(([path, scan]) => ({ path, bytes: scan.bytes, pkg: packageOf(path, subRoots) }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const figure = (root: string): PackageFigure => {
    const own = files.filter((f) => f.pkg === root);
    return { root, files: own.length, bytes: own.reduce((n, f) => n + f.bytes, 0) };
  };
  return {
    main: figure(''),
    subpackages: subRoots.map(figure),
    totalFiles: files.length,
    totalBytes: files.reduce((n, f) => n + f.bytes, 0),
    files,
    problems: [...problems],
  };
}

// ---------------------------------------------------------------------------------------------
// Limits and output.

function label(p: PackageFigure): string {
  return p.root === '' ? 'main package' : `subpackage "${p.root}"`;
}

function formatMB(bytes: number): string {
  return `${(bytes / MB).toFixed(2)} MB`;
}

/** One sentence per limit passed, naming the package; empty when all fit. */
export function checkLimits(report: SizeReport, limits: SizeLimits = DEFAULT_LIMITS): string[] {
  const over: string[] = [];
  for (const p of [report.main, ...report.subpackages]) {
    if (p.bytes > limits.packageBytes) {
      over.push(
        `${label(p)} is ${formatMB(p.bytes)} (${p.bytes} bytes), over the ${formatMB(limits.packageBytes)} limit`,
      );
    }
  }
  if (report.totalBytes > limits.totalBytes) {
    over.push(
      `total is ${formatMB(report.totalBytes)} (${report.totalBytes} bytes), over the ${formatMB(limits.totalBytes)} limit`,
    );
  }
  return over;
}

export function formatTable(report: SizeReport, limits: SizeLimits = DEFAULT_LIMITS): string {
  const packages = [report.main, ...report.subpackages].map((p) => [label(p), p.files, p.bytes, limits.packageBytes]);
  const rows = [...packages, ['total', report.totalFiles, report.totalBytes, limits.totalBytes]].map(
    ([name, files, bytes, limit]) => [
      String(name),
      String(files),
      bytes.toLocaleString('en-US'),
      (Number(bytes) / 1024).toFixed(1),
      `${((Number(bytes) / Number(limit)) * 100).toFixed(1)}%`,
      `${Number(limit) / MB} MB`,
    ],
  );
  const table = [['package', 'files', 'bytes', 'KB', 'share', 'of limit'], ...rows];
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const line = (r: string[]): string =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return table.map(line).join('\n');
}

/** The machine-readable last line of `npm run size`. */
export function jsonLine(report: SizeReport): string {
  const subpackages = Object.fromEntries(report.subpackages.map((p) => [p.root, p.bytes]));
  return JSON.stringify({ mainBytes: report.main.bytes, subpackages, totalBytes: report.totalBytes });
}
