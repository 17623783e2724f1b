/** Shared state of the preview runtime: the phone's DOM, the caller identity and the error log. */
import { showApiError } from '../ui/index';

export const OPENID_STORAGE_KEY = 'devstack.openid';
export const STORAGE_PREFIX = 'mp:';
export const DEFAULT_OPENID = 'dev-openid-0001';

export interface PageJson {
  navigationBarTitleText?: string;
  navigationBarBackgroundColor?: string;
  navigationBarTextStyle?: string;
  backgroundColor?: string;
  enablePullDownRefresh?: boolean;
  usingComponents?: Record<string, string>;
}

export interface AppJson {
  /** The main package's pages only: see allPages() for every page. */
  pages: string[];
  window?: PageJson;
  tabBar?: {
    color?: string;
    selectedColor?: string;
    backgroundColor?: string;
    borderStyle?: string;
    list: { pagePath: string; text: string }[];
  };
}

/** Errors shown on screen (missing APIs, uncaught errors); `window.__mp.errors`. */
export const errors: string[] = [];

export function el<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`[preview] #${id} is missing from index.html`);
  return found as T;
}

export function overlayRoot(): HTMLElement {
  return el('mp-overlay');
}

export function fileMap(): Record<string, unknown> {
  return (window as unknown as { __FILE_MAP__?: Record<string, unknown> }).__FILE_MAP__ ?? {};
}

export function appJson(): AppJson {
  const json = (window as unknown as { __MP_APP_JSON__?: AppJson }).__MP_APP_JSON__;
  if (!json) throw new Error('[preview] filemap.js did not load (window.__MP_APP_JSON__ missing)');
  return json;
}

/**
 * Every page route of app.json: the main package's, then each subpackage's under its root
 * (`packageBooking/pages/records/index`), as scripts/build-preview.ts listed them. The preview has
 * all of them in its file map from the start, so a subpackage page opens like any other; WeChat
 * would download the subpackage first (or earlier, by app.json `preloadRule`).
 */
export function allPages(): string[] {
  const pages = (window as unknown as { __MP_PAGES__?: string[] }).__MP_PAGES__;
  if (!pages) throw new Error('[preview] filemap.js did not load (window.__MP_PAGES__ missing)');
  return pages;
}

export function readStorage(key: string): unknown {
  const raw = localStorage.getItem(STORAGE_PREFIX + key);
  if (raw === null) return '';
  try {
    return (JSON.parse(raw) as { v: unknown }).v;
  } catch {
    return '';
  }
}

export function writeStorage(key: string, value: unknown): void {
  localStorage.setItem(STORAGE_PREFIX + key, JSON.stringify({ v: value }));
}

export function currentOpenid(): string {
  const v = readStorage(OPENID_STORAGE_KEY);
  return typeof v === 'string' && v ? v : DEFAULT_OPENID;
}

/** Shows an error on the phone (red banner) and records it for tests. */
export function reportError(message: string): void {
  errors.push(message);
  console.error(message);
  try {
    showApiError(overlayRoot(), message);
  } catch {
    // the frame is not there yet: the console has it
  }
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (err && typeof err === 'object') {
    const o = err as { errMsg?: unknown; message?: unknown };
    if (typeof o.errMsg === 'string') return o.errMsg;
    if (typeof o.message === 'string') return o.message;
    try {
      return JSON.stringify(err);
    } catch {
      return String(err);
    }
  }
  return String(err);
}
