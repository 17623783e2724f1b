/**
 * Builds the browser preview of the mini program (served by the devstack at GET /preview) into
 * .build/preview/:
 *
 *   filemap.js   window.__FILE_MAP__: every file miniprogram-simulate (browser mode) asks for —
 *                for the pages of the main package and of every subpackage alike, as the preview
 *                loads them all up front — keyed by its absolute mini program path
 *                ('/pages/home/index.json', '/packageBooking/pages/records/index.wxml', ...):
 *                  .json  the component/page json (text)
 *                  .wxss  WXSS precompiled here: @imports inlined, rpx → px (750 rpx = 375 px),
 *                         vh → the phone's page viewport, class selectors prefixed with the
 *                         placeholder `__MPX__--` and `:host`/`page` turned into `__MPHOST__`;
 *                         the runtime substitutes the component's tag name (its class prefix)
 *                  .js    CommonJS modules: .ts compiled by esbuild, Vant's .js as is, requires
 *                         rewritten to paths relative to the module (npm names resolved into
 *                         miniprogram_npm/), wrapped with `var exports = module.exports;`
 *                  .wxml  template functions from the official compiler (miniprogram-compiler
 *                         wxmlToJs over the whole miniprogramRoot, evaluated in the browser)
 *                plus window.__MP_APP_JSON__ (app.json), window.__MP_PAGES__ (every page route, the
 *                subpackages' under their roots) and window.__MP_ASSETS__: the images under
 *                miniprogram/images/ as data: URLs keyed by their absolute path ('/images/…'), which
 *                the preview's <image> shows for such a `src`.
 *   runtime.js   the preview runtime (devstack/preview/runtime) with miniprogram-simulate and
 *                j-component bundled for the browser (node builtins shimmed, compiler/less stubbed).
 *   vant-icon.woff2  Vant's icon font from the @vant/icons package (Vant's wxss loads it from a CDN).
 *
 * The page itself (devstack/preview/index.html, preview.css) is served from the source folder.
 */
import { build, transform, type Plugin } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';

const root = join(__dirname, '..');
const mpRoot = join(root, 'miniprogram');
export const PREVIEW_OUT_DIR = join(root, '.build', 'preview');

/** Width the preview renders at: 750 rpx = 375 px. */
const RPX_TO_PX = 375 / 750;
const CLASS_PREFIX_PLACEHOLDER = '__MPX__';
const HOST_PLACEHOLDER = '__MPHOST__';
const ICON_FONT_URL = '/preview/vant-icon.woff2';

interface JsonFile {
  usingComponents?: Record<string, string>;
  [key: string]: unknown;
}

interface AppJson extends JsonFile {
  pages: string[];
  subpackages?: { root: string; pages: string[] }[];
  subPackages?: AppJson['subpackages'];
  tabBar?: { list?: { pagePath: string }[] };
}

/** Every page route of app.json: the main package's, then each subpackage's under its root. */
export function appPages(app: AppJson): string[] {
  const subs = [...(app.subpackages ?? []), ...(app.subPackages ?? [])];
  const root = (r: string): string => r.replace(/^\/+|\/+$/g, '');
  return [...app.pages, ...subs.flatMap((s) => s.pages.map((p) => `${root(s.root)}/${p.replace(/^\/+/, '')}`))];
}

/** Absolute mini program path ('/pages/home/index') → file system path. */
function fsPath(mpPath: string): string {
  return join(mpRoot, ...mpPath.split('/').filter(Boolean));
}

function readText(file: string): string {
  return readFileSync(file, 'utf8');
}

// ---------------------------------------------------------------- WXSS

interface PostcssRule {
  type: string;
  selectors: string[];
  selector: string;
}
interface PostcssNode {
  type: string;
  prop?: string;
  value?: string;
  params?: string;
  selectors?: string[];
  parent?: { type: string; name?: string };
}
interface PostcssRoot {
  walk(cb: (node: PostcssNode) => void): void;
}
interface Postcss {
  parse(css: string): PostcssRoot & { toResult(): { css: string } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const postcss = require('postcss') as Postcss;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const csso = require('csso') as { minify(css: string, opts: { restructure: boolean }): { css: string } };

function inlineImports(file: string, seen = new Set<string>()): string {
  if (seen.has(file)) return '';
  seen.add(file);
  if (!existsSync(file)) return '';
  return readText(file).replace(/@import\s+(?:"([^"]+)"|'([^']+)');?/g, (_m, a?: string, b?: string) =>
    inlineImports(join(dirname(file), (a ?? b)!), seen),
  );
}

function convertUnits(value: string): string {
  return value
    .replace(/(-?\d*\.?\d+)rpx/gi, (_m, n: string) => `${+(Number(n) * RPX_TO_PX).toFixed(4)}px`)
    .replace(/(-?\d*\.?\d+)vh\b/gi, (_m, n: string) => `calc(${n} * var(--mp-vh, 1vh))`);
}

/** The same class-prefix rule miniprogram-simulate applies (src/wxss.js), with a placeholder prefix. */
function prefixSelector(selector: string): string {
  let s = selector.replace(/(^|[\s>+~(,])page(?=$|[\s>+~:.[),])/g, `$1${HOST_PLACEHOLDER}`);
  s = s.replace(/:host(\(([^)]*)\))?/g, (_m, _g, inner?: string) => `${HOST_PLACEHOLDER}${inner ?? ''}`);
  return s.replace(/(.)?\.([-_a-zA-Z0-9]+)/g, (all, p1: string | undefined, p2: string) =>
    /\d/.test(p1 ?? '') ? all : `${p1 ?? ''}.${CLASS_PREFIX_PLACEHOLDER}--${p2}`,
  );
}

export function compileWxss(css: string): string {
  const ast = postcss.parse(css);
  ast.walk((node) => {
    if (node.type === 'rule') {
      const rule = node as unknown as PostcssRule;
      const inKeyframes = node.parent?.type === 'atrule' && /keyframes$/i.test(node.parent.name ?? '');
      if (!inKeyframes) rule.selectors = rule.selectors.map(prefixSelector);
    } else if (node.type === 'decl' && node.value !== undefined) {
      node.value = convertUnits(node.value);
      if (node.prop === 'src' && node.value.includes('at.alicdn.com')) {
        node.value = `url(${ICON_FONT_URL}) format("woff2")`;
      }
    } else if (node.type === 'atrule' && node.params !== undefined) {
      node.params = convertUnits(node.params);
    }
  });
  return csso.minify(ast.toResult().css, { restructure: false }).css;
}

// ---------------------------------------------------------------- JS modules

const REQUIRE_RE = /\brequire\(\s*(["'])([^"']+)\1\s*\)/g;

/** Resolves a require specifier the way the mini program runtime does; returns an mp path without extension. */
function resolveModule(fromMpPath: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith('./') || spec.startsWith('../')) base = posix.join(posix.dirname(fromMpPath), spec);
  else if (spec.startsWith('/')) base = posix.normalize(spec);
  else base = posix.join('/miniprogram_npm', spec);
  base = base.replace(/\.(js|ts)$/, '');
  for (const candidate of [base, `${base}/index`]) {
    if (existsSync(`${fsPath(candidate)}.ts`) || existsSync(`${fsPath(candidate)}.js`)) return candidate;
  }
  return null;
}

function relativeSpec(fromMpPath: string, toMpPath: string): string {
  const rel = posix.relative(posix.dirname(fromMpPath), toMpPath);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

interface BuildState {
  files: Record<string, string>;
  modulesDone: Set<string>;
  componentsDone: Set<string>;
  wxml: string[];
}

async function addModule(state: BuildState, mpPath: string): Promise<void> {
  if (state.modulesDone.has(mpPath)) return;
  state.modulesDone.add(mpPath);
  const tsFile = `${fsPath(mpPath)}.ts`;
  const jsFile = `${fsPath(mpPath)}.js`;
  let code: string;
  if (existsSync(tsFile)) {
    const out = await transform(readText(tsFile), {
      loader: 'ts',
      format: 'cjs',
      target: 'es2019',
      sourcefile: `miniprogram${mpPath}.ts`,
    });
    code = out.code;
  } else if (existsSync(jsFile)) {
    code = readText(jsFile);
  } else {
    throw new Error(`preview build: no module at miniprogram${mpPath}(.ts|.js)`);
  }
  const deps: string[] = [];
  code = code.replace(REQUIRE_RE, (all, _q: string, spec: string) => {
    const target = resolveModule(mpPath, spec);
    if (!target) return all; // left as is: the runtime reports the missing module loudly
    deps.push(target);
    return `require(${JSON.stringify(relativeSpec(mpPath, target))})`;
  });
  state.files[`${mpPath}.js`] = `var exports = module.exports;\n${code}\n//# sourceURL=mp://miniprogram${mpPath}.js\n`;
  for (const dep of deps) await addModule(state, dep);
}

async function addComponent(state: BuildState, mpPath: string, isPage: boolean, appWxss: string): Promise<void> {
  if (state.componentsDone.has(mpPath)) return;
  state.componentsDone.add(mpPath);
  const jsonFile = `${fsPath(mpPath)}.json`;
  const json = (existsSync(jsonFile) ? JSON.parse(readText(jsonFile)) : {}) as JsonFile;
  state.files[`${mpPath}.json`] = JSON.stringify(json);
  const wxss = inlineImports(`${fsPath(mpPath)}.wxss`);
  state.files[`${mpPath}.wxss`] = compileWxss((isPage ? `${appWxss}\n` : '') + wxss);
  state.wxml.push(mpPath);
  await addModule(state, mpPath);
  for (const value of Object.values(json.usingComponents ?? {})) {
    if (value.startsWith('plugin://')) continue;
    const target = value.startsWith('/') ? posix.normalize(value) : posix.join(posix.dirname(mpPath), value);
    if (existsSync(`${fsPath(target)}.json`)) await addComponent(state, target, false, appWxss);
  }
}

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};

/** miniprogram/images/** as data: URLs keyed by absolute mini program path. */
function imageAssets(): Record<string, string> {
  const root = join(mpRoot, 'images');
  const out: Record<string, string> = {};
  if (!existsSync(root)) return out;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      const type = IMAGE_TYPES[posix.extname(entry.name).toLowerCase()];
      if (!entry.isFile() || !type) continue;
      const key = `/${relative(mpRoot, file).split(sep).join('/')}`;
      out[key] = `data:${type};base64,${readFileSync(file).toString('base64')}`;
    }
  };
  walk(root);
  return out;
}

/** Builds the file map; returns the JS source of filemap.js. */
async function buildFileMap(): Promise<string> {
  const appJson = JSON.parse(readText(join(mpRoot, 'app.json'))) as AppJson;
  const appWxss = inlineImports(join(mpRoot, 'app.wxss'));
  const state: BuildState = { files: {}, modulesDone: new Set(), componentsDone: new Set(), wxml: [] };
  await addModule(state, '/app');
  for (const page of appPages(appJson)) await addComponent(state, `/${page}`, true, appWxss);

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const compiler = require('miniprogram-compiler') as { wxmlToJs(rootPath: string): string };
  const gwxSource = compiler.wxmlToJs(mpRoot);
  const wxmlPaths = state.wxml.map((p) => p.slice(1));

  return [
    '/* generated by scripts/build-preview.ts — do not edit */',
    '(function () {',
    `var map = window.__FILE_MAP__ = ${JSON.stringify(state.files)};`,
    `window.__MP_APP_JSON__ = ${JSON.stringify(appJson)};`,
    `window.__MP_PAGES__ = ${JSON.stringify(appPages(appJson))};`,
    `window.__MP_ASSETS__ = ${JSON.stringify(imageAssets())};`,
    'var gwx = (function () {',
    gwxSource,
    '})();',
    `${JSON.stringify(wxmlPaths)}.forEach(function (p) {`,
    "  var fn = gwx(p + '.wxml');",
    "  if (typeof fn !== 'function') throw new Error('preview: no compiled template for ' + p + '.wxml');",
    "  map['/' + p + '.wxml'] = fn;",
    '});',
    '})();',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- browser runtime bundle

/** Replaces/patches the Node-only parts of miniprogram-simulate and j-component for the browser. */
function browserPlugin(): Plugin {
  const runtimeDir = join(root, 'devstack', 'preview', 'runtime');
  return {
    name: 'mp-preview-browser',
    setup(b) {
      b.onResolve({ filter: /^(path|fs)$/ }, (args) => ({
        path: join(runtimeDir, 'shims', `${args.path}.ts`),
      }));
      b.onResolve({ filter: /^(less|postcss|csso|miniprogram-compiler)$/ }, () => ({
        path: join(runtimeDir, 'shims', 'stub.ts'),
      }));
      // simulate's wxss.js compiles with postcss at run time: use the precompiled WXSS instead.
      b.onResolve({ filter: /^\.\/wxss$/ }, (args) =>
        args.importer.includes(`miniprogram-simulate${'/'}src`)
          ? { path: join(runtimeDir, 'shims', 'wxss.ts') }
          : undefined,
      );
      // Both libraries turn 1 rpx into 1 px in inline styles; WeChat at 375 px wide uses 0.5 px.
      b.onLoad({ filter: /(j-component|miniprogram-simulate)[\\/]src[\\/](tool[\\/])?utils\.js$/ }, (args) => {
        const src = readText(args.path).replace(
          /function transformRpx\(style\) \{\s*return style\.replace\(\/\(\\d\+\)rpx\/ig, '\$1px'\)\s*\}/,
          "function transformRpx(style) {\n  return String(style).replace(/(-?\\d*\\.?\\d+)rpx/ig, function (m, n) { return (+(n * 0.5).toFixed(4)) + 'px' })\n}",
        );
        if (!src.includes('(n * 0.5)')) throw new Error(`preview build: could not patch transformRpx in ${args.path}`);
        return { contents: src, loader: 'js' };
      });
    },
  };
}

async function buildRuntime(): Promise<void> {
  await build({
    entryPoints: [join(root, 'devstack', 'preview', 'runtime', 'index.ts')],
    outfile: join(PREVIEW_OUT_DIR, 'runtime.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    sourcemap: 'linked',
    define: { global: 'window', 'process.env.NODE_ENV': '"development"' },
    plugins: [browserPlugin()],
    logLevel: 'error',
  });
}

function writeIconFont(): void {
  const less = readText(
    join(dirname(require.resolve('@vant/icons/package.json', { paths: [root] })), 'src', 'encode-woff2.less'),
  );
  const m = /data:font\/woff2;charset=utf-8;base64,([A-Za-z0-9+/=]+)/.exec(less);
  if (!m) throw new Error('preview build: no woff2 data in @vant/icons/src/encode-woff2.less');
  writeFileSync(join(PREVIEW_OUT_DIR, 'vant-icon.woff2'), Buffer.from(m[1]!, 'base64'));
}

/** Builds .build/preview/ (filemap.js, runtime.js, vant-icon.woff2). */
export async function buildPreview(): Promise<void> {
  const started = Date.now();
  mkdirSync(PREVIEW_OUT_DIR, { recursive: true });
  const [fileMap] = await Promise.all([buildFileMap(), buildRuntime()]);
  writeFileSync(join(PREVIEW_OUT_DIR, 'filemap.js'), fileMap);
  writeIconFont();
  console.log(`built preview in ${Date.now() - started} ms → ${relative(root, PREVIEW_OUT_DIR)}/`);
}

if (require.main === module) {
  buildPreview().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
