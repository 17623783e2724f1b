/**
 * End-to-end harness: an in-process devstack on ephemeral ports (fresh state, seeded HIS) and
 * Chromium (see ./chromium.ts: CHROMIUM_PATH, Debian's, or the npm package's) driven by playwright-core against the devstack's `/preview`, which runs the
 * real mini program. Screenshots of key screens go to `.artifacts/e2e/<journey>/` (git-ignored)
 * so a person can look at them.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { OutboxEntry } from '../../devstack/cloud';
import { startDevstack, type Devstack } from '../../devstack/stack';
import { CHROMIUM_ARGS, resolveChromium } from './chromium';

const REPO = resolve(__dirname, '..', '..');
const ARTIFACTS = join(REPO, '.artifacts', 'e2e');
const README_SCREENSHOTS = join(REPO, 'docs', 'screenshots');

/** Storage key of the devstack identity (miniprogram/config.ts DEVSTACK_OPENID_KEY). */
const DEVSTACK_OPENID_KEY = 'devstack.openid';

/** The page the user sees: the top page layer of the phone (covered pages stay in the DOM, hidden). */
export const VISIBLE_PAGE = '#mp-screen .mp-page:not([hidden])';

/**
 * The mini program ships everything it shows (its <van-empty> pictures are its own
 * /images/empty/*.svg, not Vant's CDN): any request leaving loopback is recorded in
 * `externalRequests`, aborted and reported as an error.
 */

export interface OpenOptions {
  /** Caller identity (X-WX-OPENID); default: the preview's default identity. */
  openid?: string;
  /** Page to open first, with its query, e.g. `pages/patients/detail/index?id=...`. */
  path?: string;
}

export interface E2E {
  stack: Devstack;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Errors the page reported: console errors, uncaught exceptions, aborted external requests. */
  pageErrors: string[];
  /** External URLs the page asked for (all blocked and reported; see above). */
  externalRequests: string[];
  /** Saves `.artifacts/e2e/<journey>/<nn>-<name>.png` of the phone and returns its path. */
  shot(name: string, opts?: { fullPage?: boolean }): Promise<string>;
  /**
   * Opens `/preview` as `openid` (or the default identity), optionally on `path`, and waits for the
   * app to be ready. The preview has no `?openid=` query: the identity is the mini program's own
   * storage key `devstack.openid` (what the identity switcher writes), set with `wx.setStorageSync`
   * before a reload so the first page already loads as that user.
   */
  open(opts?: OpenOptions | string): Promise<void>;
  /** POSTs `{ action, ...payload }` to the devstack's `/functions/<fn>` as `openid`; returns the envelope. */
  callFunction<T = unknown>(fn: string, openid: string, event: Record<string, unknown>): Promise<Envelope<T>>;
  /** POSTs `body` to the HIS sandbox's unsigned `/sandbox/<path>`; returns its `data` (throws unless `OK`). */
  sandbox<T = unknown>(path: string, body: Record<string, unknown>): Promise<T>;
  /** Fires a timer trigger of a function now (`POST /timers/<fn>?trigger=`); returns the job's envelope. */
  fireTimer<T = unknown>(fn: string, trigger: string): Promise<Envelope<T>>;
  /** The devstack's subscription outbox (`GET /outbox`), newest first. */
  outbox(): Promise<OutboxEntry[]>;
  close(): Promise<void>;
}

/** One attempt of `subscribeMessage.send` as the devstack recorded it. */
export type { OutboxEntry };

export type Envelope<T> =
  { ok: true; data: T } | { ok: false; error: { code: string; message: string; field?: string } };

export async function startE2E(journey: string): Promise<E2E> {
  const stateDir = mkdtempSync(join(tmpdir(), 'devstack-e2e-'));
  const stack = await startDevstack({ port: 0, hisPort: 0, stateDir, reset: true, quiet: true });
  let browser: Browser | undefined;
  try {
    const choice = await resolveChromium();
    browser = await chromium.launch({
      executablePath: choice.executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      ...(choice.env ? { env: { ...process.env, ...choice.env } } : {}),
    });
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    const externalRequests: string[] = [];
    const origin = new URL(stack.url).origin;
    await context.route(
      (url) => url.origin !== origin && url.protocol !== 'data:' && url.protocol !== 'blob:',
      async (r) => {
        const url = r.request().url();
        externalRequests.push(url);
        pageErrors.push(`external request blocked: ${url}`);
        await r.abort('internetdisconnected');
      },
    );
    page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`console: ${msg.text()}`);
    });
    const dir = join(ARTIFACTS, journey);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    let n = 0;
    const b = browser;
    return {
      stack,
      browser: b,
      context,
      page,
      pageErrors,
      externalRequests,
      async shot(name, opts) {
        n += 1;
        const file = join(dir, `${String(n).padStart(2, '0')}-${name}.png`);
        // Let transitions (van-transition, 300 ms) and pictures finish so the shot shows the end state.
        await page.waitForTimeout(350);
        if (opts?.fullPage) await page.screenshot({ path: file });
        else await page.locator('#mp-screen').screenshot({ path: file });
        return file;
      },
      async open(opts) {
        const o: OpenOptions = typeof opts === 'string' ? { openid: opts } : (opts ?? {});
        const url = `${stack.url}/preview${o.path ? `?path=${encodeURIComponent(o.path)}` : ''}`;
        await page.goto(url);
        await waitReady(page);
        if (o.openid && (await currentOpenid(page)) !== o.openid) {
          await page.evaluate(
            ([key, id]) =>
              (window as unknown as { wx: { setStorageSync(k: string, v: string): void } }).wx.setStorageSync(key, id),
            [DEVSTACK_OPENID_KEY, o.openid] as const,
          );
          await page.reload();
          await waitReady(page);
          const now = await currentOpenid(page);
          if (now !== o.openid) throw new Error(`the preview runs as ${now}, not ${o.openid}`);
        }
      },
      async callFunction<T>(fn: string, openid: string, event: Record<string, unknown>): Promise<Envelope<T>> {
        const r = await fetch(`${stack.url}/functions/${fn}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'X-WX-OPENID': openid },
          body: JSON.stringify(event),
        });
        return (await r.json()) as Envelope<T>;
      },
      async sandbox<T>(path: string, body: Record<string, unknown>): Promise<T> {
        const r = await fetch(`${stack.hisUrl}/sandbox/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const json = (await r.json()) as { code: string; message?: string; data?: T };
        if (json.code !== 'OK') throw new Error(`sandbox ${path}: ${json.code} ${json.message ?? ''}`);
        return json.data as T;
      },
      async fireTimer<T>(fn: string, trigger: string): Promise<Envelope<T>> {
        const r = await fetch(`${stack.url}/timers/${fn}?trigger=${encodeURIComponent(trigger)}`, { method: 'POST' });
        if (!r.ok) throw new Error(`timer ${fn}/${trigger}: HTTP ${r.status} ${await r.text()}`);
        return ((await r.json()) as { result: Envelope<T> }).result;
      },
      async outbox(): Promise<OutboxEntry[]> {
        const r = await fetch(`${stack.url}/outbox`);
        return (await r.json()) as OutboxEntry[];
      },
      async close() {
        try {
          await b.close();
        } finally {
          await stack.stop();
          rmSync(stateDir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await browser?.close();
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
}

async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { __mp?: { ready?: unknown } }).__mp?.ready);
  await page.evaluate(() => (window as unknown as { __mp: { ready: Promise<void> } }).__mp.ready);
}

function currentOpenid(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as { __mp: { openid(): string } }).__mp.openid());
}

/** The current route of the mini program (e.g. `pages/home/index`). */
export function route(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as { __mp: { route(): string } }).__mp.route());
}

/** The page stack, bottom first. */
export function stackOf(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __mp: { stack(): string[] } }).__mp.stack());
}

/** Waits until the mini program shows `expected` as its current route. */
export async function waitRoute(page: Page, expected: string): Promise<void> {
  await page.waitForFunction((r) => (window as unknown as { __mp: { route(): string } }).__mp.route() === r, expected, {
    timeout: 10_000,
  });
}

/** Errors collected by the preview runtime itself (missing APIs, uncaught page errors). */
export function runtimeErrors(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as { __mp: { errors: string[] } }).__mp.errors]);
}

/** The top page of the phone. */
export function visiblePage(page: Page): Locator {
  return page.locator(VISIBLE_PAGE);
}

/** Waits until the top page shows `text` (a visible element containing it). */
export async function waitText(page: Page, text: string, timeout = 10_000): Promise<void> {
  await visiblePage(page).getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout });
}

/**
 * The text nodes under `root` in document order, whitespace collapsed, empty ones dropped; nodes
 * inside <style>/<script> and inside elements with the `hidden` attribute are skipped. Self-contained
 * (no closure, no imports) so that it runs in the browser (`locator.evaluate`) and in jsdom alike.
 */
export function textNodesOf(root: Node): string[] {
  const doc = root.ownerDocument ?? (root as Document);
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  const out: string[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let skip = false;
    for (let el = node.parentElement; el && (el as Node) !== root; el = el.parentElement) {
      if (el.tagName === 'STYLE' || el.tagName === 'SCRIPT' || el.hasAttribute('hidden')) {
        skip = true;
        break;
      }
    }
    const text = skip ? '' : (node.nodeValue ?? '').replace(/\s+/g, ' ').trim();
    if (text) out.push(text);
  }
  return out;
}

/** Copies a journey screenshot to `docs/screenshots/<name>.png` when UPDATE_SCREENSHOTS=1. */
export function publishScreenshot(file: string, name: string): boolean {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return false;
  mkdirSync(README_SCREENSHOTS, { recursive: true });
  copyFileSync(file, join(README_SCREENSHOTS, `${name}.png`));
  return true;
}
