/**
 * Entry of the browser preview runtime (bundled by scripts/build-preview.ts into
 * .build/preview/runtime.js, loaded after filemap.js by devstack/preview/index.html).
 *
 * Boot: miniprogram-simulate in browser mode → a caching CommonJS loader over window.__FILE_MAP__
 * → the preview's `wx` → interactive built-ins → App/Page/getApp/getCurrentPages → app.js →
 * the first page. The frame around the phone (navigation bar, tab bar, identity switcher, route
 * and stack) is drawn here too. Test hooks: window.__mp.
 */
import { registerBuiltins } from './builtins';
import { pageTagName, Router, type Simulate } from './router';
import {
  appJson,
  currentOpenid,
  DEFAULT_OPENID,
  describeError,
  el,
  errors,
  fileMap,
  OPENID_STORAGE_KEY,
  reportError,
  writeStorage,
} from './state';
import { installMouseToTouch } from './touch';
import { createWx, NAV_BAR_HEIGHT, type AppLifecycle } from './wx';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const simulate = require('miniprogram-simulate') as Simulate;

type AnyRecord = Record<string, unknown>;
const w = window as unknown as AnyRecord;

// ---------------------------------------------------------------- errors

const originalConsoleError = console.error.bind(console);
function record(message: string): void {
  if (errors.some((e) => message.includes(e) || e.includes(message))) return;
  reportError(message);
}
// j-component and exparser catch errors thrown by page handlers and log them: surface them.
console.error = (...args: unknown[]) => {
  const err = args.find((a) => a instanceof Error);
  if (err) record(`[preview] uncaught: ${describeError(err)}`);
  else originalConsoleError(...args);
};
window.addEventListener('error', (e) => record(`[preview] uncaught: ${describeError(e.error ?? e.message)}`));
window.addEventListener('unhandledrejection', (e) =>
  record(`[preview] unhandled rejection: ${describeError(e.reason)}`),
);

// ---------------------------------------------------------------- module loader

interface Module {
  exports: unknown;
}
const moduleCache = new Map<string, Module>();

function normalize(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** CommonJS require over the file map (absolute mini program paths, no extension), cached like WeChat. */
function requireModule(path: string): unknown {
  const key = normalize(path).replace(/\.js$/, '');
  const cached = moduleCache.get(key);
  if (cached) return cached.exports;
  const source = fileMap()[`${key}.js`];
  if (typeof source !== 'string') throw new Error(`[preview] module not found: ${key}.js`);
  const mod: Module = { exports: {} };
  moduleCache.set(key, mod);
  const dir = key.slice(0, key.lastIndexOf('/')) || '/';
  try {
    const fn = new Function('require', 'module', 'exports', source) as (r: unknown, m: Module, e: unknown) => void;
    fn((rel: string) => requireModule(rel.startsWith('/') ? rel : `${dir}/${rel}`), mod, mod.exports);
  } catch (err) {
    moduleCache.delete(key);
    throw err;
  }
  return mod.exports;
}
// simulate's own runJs (page/component files) resolves relative requires and calls window.require.
w.require = requireModule;

// ---------------------------------------------------------------- wx, built-ins, App/Page

const framework = (w.wx ?? {}) as AnyRecord;
const router = new Router(simulate);
let appInstance: AnyRecord | undefined;

function callApp(hook: string, options?: unknown): void {
  const fn = appInstance?.[hook];
  if (typeof fn !== 'function') return;
  try {
    (fn as (o: unknown) => void).call(appInstance, options);
  } catch (err) {
    reportError(`[preview] App.${hook}() threw: ${describeError(err)}`);
  }
}

/** Another mini program opened and closed (wx.navigateToMiniProgram): hide, then show with scene 1038. */
const appLifecycle: AppLifecycle = {
  leave() {
    router.suspend();
    callApp('onHide');
  },
  comeBack(referrerInfo) {
    const top = router.top();
    callApp('onShow', { path: top?.route ?? '', query: { ...top?.query }, scene: 1038, referrerInfo });
    router.resume();
  },
};

w.wx = createWx(router, framework, appLifecycle);
registerBuiltins(simulate, router);

w.App = (def: AnyRecord) => {
  appInstance = def;
};
w.getApp = () => appInstance;
w.getCurrentPages = () =>
  router.stack.map((p) => {
    const inst = p.root.instance;
    inst.route = p.route;
    inst.options = { ...p.query };
    return inst;
  });
w.Page = (def: AnyRecord) => {
  const methods: AnyRecord = {};
  const fields: AnyRecord = {};
  for (const [k, v] of Object.entries(def)) {
    if (k === 'data' || k === 'options' || k === 'behaviors') continue;
    if (typeof v === 'function') methods[k] = v;
    else fields[k] = v;
  }
  const component = w.Component as (d: AnyRecord) => void;
  component({
    data: def.data ?? {},
    behaviors: def.behaviors ?? [],
    options: def.options ?? {},
    methods,
    lifetimes: {
      created(this: AnyRecord) {
        Object.assign(this, JSON.parse(JSON.stringify(fields)) as AnyRecord);
      },
    },
  });
};

// ---------------------------------------------------------------- frame

const app = appJson();

interface Identity {
  openid: string;
  role: string;
  note?: string;
}

function renderFrame(): void {
  const top = router.top();
  const win = { ...app.window, ...(top?.json ?? {}) };
  const navbar = el('mp-navbar');
  const status = el('mp-statusbar');
  const bg = win.navigationBarBackgroundColor ?? '#ffffff';
  const fg = win.navigationBarTextStyle === 'white' ? '#ffffff' : '#000000';
  for (const node of [navbar, status]) {
    node.style.backgroundColor = bg;
    node.style.color = fg;
  }
  el('mp-title').textContent = top?.title ?? '';
  el('mp-back').hidden = router.stack.length <= 1;

  const tabbar = el('mp-tabbar');
  const isTab = !!top && router.isTab(top.route);
  tabbar.hidden = !isTab;
  if (app.tabBar) {
    tabbar.style.backgroundColor = app.tabBar.backgroundColor ?? '#ffffff';
    tabbar.classList.toggle('mp-tabbar--white', app.tabBar.borderStyle === 'white');
    tabbar.querySelectorAll<HTMLButtonElement>('button').forEach((b) => {
      const selected = b.dataset.path === top?.route;
      b.classList.toggle('mp-tab--selected', selected);
      b.setAttribute('aria-selected', String(selected));
      b.style.color = selected ? (app.tabBar?.selectedColor ?? '#07c160') : (app.tabBar?.color ?? '#7a7e83');
    });
  }

  el('mp-refresh-indicator').hidden = !top?.refreshing;
  const refresh = el<HTMLButtonElement>('mp-refresh');
  refresh.disabled = !top?.json.enablePullDownRefresh;
  refresh.title = refresh.disabled
    ? '当前页面未开启下拉刷新 (enablePullDownRefresh)'
    : '触发当前页面的 onPullDownRefresh';

  el('mp-route').textContent = top ? `/${top.route}${queryString(top.query)}` : '—';
  const stackList = el('mp-stack');
  stackList.replaceChildren(
    ...router.stack.map((p) => {
      const li = document.createElement('li');
      li.textContent = `/${p.route}${queryString(p.query)}`;
      return li;
    }),
  );
  const select = el<HTMLSelectElement>('mp-identity');
  if (select.value !== currentOpenid()) select.value = currentOpenid();
}

function queryString(q: Record<string, string>): string {
  const s = new URLSearchParams(q).toString();
  return s ? `?${s}` : '';
}

function buildTabbar(): void {
  const tabbar = el('mp-tabbar');
  for (const item of app.tabBar?.list ?? []) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'mp-tab';
    b.dataset.path = item.pagePath;
    b.textContent = item.text;
    b.addEventListener('click', () => {
      router
        .switchTab(`/${item.pagePath}`)
        .catch((err: unknown) => reportError(`[preview] switchTab: ${describeError(err)}`));
    });
    tabbar.appendChild(b);
  }
}

async function loadIdentities(): Promise<void> {
  const select = el<HTMLSelectElement>('mp-identity');
  let identities: Identity[] = [];
  try {
    const r = await fetch('/devstack/api/identities');
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    identities = ((await r.json()) as { identities?: Identity[] }).identities ?? [];
  } catch (err) {
    reportError(`[preview] could not load identities from /devstack/api/identities: ${describeError(err)}`);
  }
  const all: Identity[] = [{ openid: DEFAULT_OPENID, role: '默认开发身份' }, ...identities];
  const current = currentOpenid();
  if (!all.some((i) => i.openid === current)) all.push({ openid: current, role: '当前身份' });
  select.replaceChildren(
    ...all.map((i) => {
      const o = document.createElement('option');
      o.value = i.openid;
      o.textContent = `${i.role} · ${i.openid}`;
      if (i.note) o.title = i.note;
      return o;
    }),
  );
  select.value = current;
}

function switchIdentity(openid: string): void {
  writeStorage(OPENID_STORAGE_KEY, openid);
  router.reLaunch(`/${app.pages[0]}`).catch((err: unknown) => reportError(`[preview] reLaunch: ${describeError(err)}`));
}

function installPullDown(): void {
  const pages = el('mp-pages');
  let start: { y: number; fired: boolean } | null = null;
  pages.addEventListener('mousedown', (e) => {
    const top = router.top();
    if (e.button !== 0 || !top?.json.enablePullDownRefresh || top.layer.scrollTop > 0) return;
    if (e.target instanceof Element && e.target.closest('input, textarea')) return;
    start = { y: e.clientY, fired: false };
  });
  window.addEventListener('mousemove', (e) => {
    if (!start || start.fired || (e.buttons & 1) === 0) return;
    if (e.clientY - start.y > 80) {
      start.fired = true;
      router.startPullDownRefresh();
    }
  });
  window.addEventListener('mouseup', () => {
    start = null;
  });
}

function updateViewportUnit(): void {
  const pages = el('mp-pages');
  pages.style.setProperty('--mp-vh', `${pages.clientHeight / 100}px`);
}

// ---------------------------------------------------------------- boot

let resolveReady: () => void = () => undefined;
let rejectReady: (err: unknown) => void = () => undefined;
const ready = new Promise<void>((resolve, reject) => {
  resolveReady = resolve;
  rejectReady = reject;
});
ready.catch(() => undefined);

w.__mp = {
  ready,
  route: () => router.top()?.route ?? '',
  stack: () => router.stack.map((p) => p.route),
  errors,
  openid: () => currentOpenid(),
  tagName: pageTagName,
};

async function boot(): Promise<void> {
  el('mp-navbar').style.height = `${NAV_BAR_HEIGHT}px`;
  buildTabbar();
  router.onChange = renderFrame;
  updateViewportUnit();
  new ResizeObserver(updateViewportUnit).observe(el('mp-pages'));
  installMouseToTouch(el('mp-screen'), (target) => !!target.closest('.mp-page'));
  installPullDown();
  el('mp-back').addEventListener('click', () => {
    router.navigateBack(1).catch((err: unknown) => reportError(`[preview] navigateBack: ${describeError(err)}`));
  });
  el('mp-refresh').addEventListener('click', () => router.startPullDownRefresh());
  el<HTMLSelectElement>('mp-identity').addEventListener('change', (e) =>
    switchIdentity((e.target as HTMLSelectElement).value),
  );
  await loadIdentities();

  // `?path=` opens any page first, a subpackage's too (`packageBooking/pages/records/index?…`).
  const wanted = new URLSearchParams(location.search).get('path');
  const first = wanted ? `/${wanted.replace(/^\/+/, '')}` : `/${app.pages[0]}`;

  requireModule('/app');
  const [launchPath = ''] = first.slice(1).split('?', 1);
  const launch = { path: launchPath, query: {}, scene: 1001, referrerInfo: {} };
  for (const hook of ['onLaunch', 'onShow']) {
    const fn = appInstance?.[hook];
    if (typeof fn === 'function') (fn as (o: unknown) => void).call(appInstance, launch);
  }

  await router.reLaunch(first);
  renderFrame();
}

boot().then(resolveReady, (err: unknown) => {
  reportError(`[preview] the mini program failed to start: ${describeError(err)}`);
  rejectReady(err);
});
