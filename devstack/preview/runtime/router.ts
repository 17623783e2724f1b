/**
 * The page stack of the preview: every page is `simulate.load` + `simulate.render` + `attach()`
 * into its own layer inside the phone screen. Covered pages stay in the DOM, hidden, so their
 * state survives navigateBack. Lifecycles follow WeChat: onLoad(query) → onShow → onReady,
 * onHide when covered, onUnload when popped; tab pages stay alive across switchTab.
 */
import type { AppJson, PageJson } from './state';
import { allPages, appJson, describeError, el, fileMap, reportError } from './state';
import type { RouterApi } from './wx';

export const MAX_STACK = 10;

export interface SimRoot {
  readonly instance: Record<string, unknown>;
  readonly dom: HTMLElement;
  attach(parent: Node): void;
  detach(): void;
  triggerPageLifeTime(name: string, ...args: unknown[]): void;
}

export interface Simulate {
  load(path: string, tagName: string, options: { rootPath: string }): string;
  load(definition: Record<string, unknown>): string;
  render(id: string, properties?: Record<string, unknown>): SimRoot;
}

export interface PageEntry {
  route: string;
  query: Record<string, string>;
  root: SimRoot;
  layer: HTMLElement;
  json: PageJson;
  title: string;
  refreshing: boolean;
}

function parseUrl(url: string, fromRoute: string | null): { route: string; query: Record<string, string> } {
  const [pathPart = '', queryPart = ''] = url.split('?', 2);
  let path = pathPart;
  if (!path.startsWith('/')) {
    const base = fromRoute ? fromRoute.split('/').slice(0, -1) : [];
    for (const seg of path.split('/')) {
      if (seg === '..') base.pop();
      else if (seg && seg !== '.') base.push(seg);
    }
    path = base.join('/');
  }
  const route = path.replace(/^\/+/, '').replace(/\.(js|ts|wxml)$/, '');
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(queryPart)) query[k] = v;
  return { route, query };
}

export function pageTagName(route: string): string {
  return `page-${route.replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase()}`;
}

export class Router implements RouterApi {
  readonly stack: PageEntry[] = [];
  private readonly tabCache = new Map<string, PageEntry>();
  private readonly loaded = new Map<string, string>();
  private readonly app: AppJson;
  /** Main package and subpackage pages alike. */
  private readonly pages: Set<string>;
  onChange: () => void = () => undefined;

  constructor(private readonly simulate: Simulate) {
    this.app = appJson();
    this.pages = new Set(allPages());
  }

  get tabRoutes(): string[] {
    return (this.app.tabBar?.list ?? []).map((t) => t.pagePath);
  }

  isTab(route: string): boolean {
    return this.tabRoutes.includes(route);
  }

  top(): PageEntry | undefined {
    return this.stack[this.stack.length - 1];
  }

  private call(entry: PageEntry, hook: string, ...args: unknown[]): void {
    const inst = entry.root.instance;
    const fn = inst[hook];
    if (typeof fn !== 'function') return;
    try {
      const r = (fn as (...a: unknown[]) => unknown).apply(inst, args);
      if (r && typeof (r as Promise<unknown>).then === 'function') {
        (r as Promise<unknown>).catch((err: unknown) =>
          reportError(`[preview] ${entry.route} ${hook}() rejected: ${describeError(err)}`),
        );
      }
    } catch (err) {
      reportError(`[preview] ${entry.route} ${hook}() threw: ${describeError(err)}`);
    }
  }

  private pageLifetime(entry: PageEntry, name: 'show' | 'hide'): void {
    try {
      entry.root.triggerPageLifeTime(name);
    } catch (err) {
      reportError(`[preview] ${entry.route} pageLifetimes.${name} threw: ${describeError(err)}`);
    }
  }

  private show(entry: PageEntry): void {
    entry.layer.hidden = false;
    this.call(entry, 'onShow');
    this.pageLifetime(entry, 'show');
  }

  private hide(entry: PageEntry): void {
    this.call(entry, 'onHide');
    this.pageLifetime(entry, 'hide');
    entry.layer.hidden = true;
  }

  private unload(entry: PageEntry): void {
    this.call(entry, 'onUnload');
    try {
      entry.root.detach();
    } catch (err) {
      reportError(`[preview] ${entry.route} detach failed: ${describeError(err)}`);
    }
    entry.layer.remove();
    if (this.tabCache.get(entry.route) === entry) this.tabCache.delete(entry.route);
  }

  private create(url: string): PageEntry {
    const { route, query } = parseUrl(url, this.top()?.route ?? null);
    if (!this.pages.has(route)) throw new Error(`page "${route}" is not found`);
    const jsonText = fileMap()[`/${route}.json`];
    const json = (typeof jsonText === 'string' ? JSON.parse(jsonText) : {}) as PageJson;
    let id = this.loaded.get(route);
    if (!id) {
      id = this.simulate.load(`/${route}`, pageTagName(route), { rootPath: '/' });
      this.loaded.set(route, id);
    }
    const root = this.simulate.render(id);
    const layer = document.createElement('div');
    layer.className = 'mp-page';
    layer.dataset.route = route;
    const bg = json.backgroundColor ?? this.app.window?.backgroundColor;
    if (bg) layer.style.backgroundColor = bg;
    el('mp-pages').appendChild(layer);
    root.attach(layer);
    const title = json.navigationBarTitleText ?? this.app.window?.navigationBarTitleText ?? '';
    return { route, query, root, layer, json, title, refreshing: false };
  }

  /** Creates a page, runs onLoad/onShow/onReady, and pushes it. */
  private open(url: string): PageEntry {
    const entry = this.create(url);
    this.stack.push(entry);
    this.call(entry, 'onLoad', { ...entry.query });
    this.show(entry);
    this.onChange();
    setTimeout(() => this.call(entry, 'onReady'), 0);
    return entry;
  }

  private clear(keepTabs: boolean): void {
    while (this.stack.length > 0) {
      const entry = this.stack.pop()!;
      if (keepTabs && this.isTab(entry.route)) this.hide(entry);
      else this.unload(entry);
    }
  }

  async navigateTo(url: string): Promise<void> {
    const { route } = parseUrl(url, this.top()?.route ?? null);
    if (this.isTab(route)) throw new Error('can not navigateTo a tabbar page');
    if (this.stack.length >= MAX_STACK) throw new Error('webview count limit exceed');
    const current = this.top();
    if (current) this.hide(current);
    try {
      this.open(url);
    } catch (err) {
      if (current) this.show(current);
      throw err;
    }
  }

  async redirectTo(url: string): Promise<void> {
    const { route } = parseUrl(url, this.top()?.route ?? null);
    if (this.isTab(route)) throw new Error('can not redirectTo a tabbar page');
    if (!this.pages.has(route)) throw new Error(`page "${route}" is not found`);
    const current = this.stack.pop();
    if (current) this.unload(current);
    this.open(url);
  }

  async navigateBack(delta: number): Promise<void> {
    if (this.stack.length <= 1) throw new Error('cannot navigate back at first page.');
    const n = Math.max(1, Math.min(Math.floor(delta) || 1, this.stack.length - 1));
    for (let i = 0; i < n; i++) this.unload(this.stack.pop()!);
    this.show(this.top()!);
    this.onChange();
  }

  async switchTab(url: string): Promise<void> {
    const { route } = parseUrl(url, this.top()?.route ?? null);
    if (!this.isTab(route)) throw new Error(`can not switch to no-tabBar page "${route}"`);
    if (this.stack.length === 1 && this.top()!.route === route) return;
    this.clear(true);
    const cached = this.tabCache.get(route);
    if (cached) {
      this.stack.push(cached);
      this.show(cached);
      this.onChange();
      return;
    }
    const entry = this.open(`/${route}`);
    this.tabCache.set(route, entry);
  }

  async reLaunch(url: string): Promise<void> {
    const { route } = parseUrl(url, this.top()?.route ?? null);
    if (!this.pages.has(route)) throw new Error(`page "${route}" is not found`);
    this.clear(false);
    for (const entry of [...this.tabCache.values()]) this.unload(entry);
    this.tabCache.clear();
    const entry = this.open(url);
    if (this.isTab(route)) this.tabCache.set(route, entry);
  }

  /** The app went to the background (another mini program opened): the top page's onHide. */
  suspend(): void {
    const top = this.top();
    if (top) this.hide(top);
  }

  /** Back in the foreground: the top page's onShow. */
  resume(): void {
    const top = this.top();
    if (top) this.show(top);
    this.onChange();
  }

  setTitle(title: string): void {
    const top = this.top();
    if (top) top.title = title;
    this.onChange();
  }

  startPullDownRefresh(): void {
    const top = this.top();
    if (!top || top.refreshing) return;
    top.refreshing = true;
    top.layer.scrollTop = 0;
    this.onChange();
    this.call(top, 'onPullDownRefresh');
  }

  stopPullDownRefresh(): void {
    for (const entry of this.stack) entry.refreshing = false;
    this.onChange();
  }

  pageScrollTo(scrollTop: number, duration: number): void {
    this.top()?.layer.scrollTo({ top: scrollTop, behavior: duration > 0 ? 'smooth' : 'auto' });
  }

  currentInstance(): {
    createSelectorQuery(): Record<string, unknown>;
    createIntersectionObserver(o?: unknown): unknown;
  } | null {
    const top = this.top();
    return top ? (top.root.instance as unknown as ReturnType<RouterApi['currentInstance']>) : null;
  }

  windowHeight(): number {
    return el('mp-pages').clientHeight || 812 - 64;
  }
}
