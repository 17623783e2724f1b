/**
 * Chinese text renders without system CJK fonts: the console and the preview load Noto Sans SC
 * from the devstack itself (never from the internet), and their Chinese text is set in it.
 * Saves the console screenshot for the README (UPDATE_SCREENSHOTS=1).
 */
import type { Page } from 'playwright-core';
import { publishScreenshot, startE2E, waitText, type E2E } from './harness';

let e2e: E2E;
let page: Page;

beforeAll(async () => {
  e2e = await startE2E('fonts');
  page = e2e.page;
});

afterAll(async () => {
  await e2e?.close();
});

/** The Noto Sans SC faces the page has loaded (the browser fetches only subsets its text uses). */
function loadedNotoFaces(p: Page): Promise<number> {
  return p.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts].filter((f) => f.family.replace(/["']/g, '') === 'Noto Sans SC' && f.status === 'loaded')
      .length;
  });
}

/** The first family of the element's font stack that has a glyph for its text, as the browser resolved it. */
function resolvesToNoto(p: Page, selector: string): Promise<boolean> {
  return p
    .locator(selector)
    .first()
    .evaluate((el) => {
      const style = getComputedStyle(el);
      return (
        document.fonts.check(`${style.fontSize} 'Noto Sans SC'`, el.textContent ?? '') &&
        /Noto Sans SC/.test(style.fontFamily)
      );
    });
}

test('the console loads Noto Sans SC from the devstack and sets its Chinese title in it', async () => {
  const fontRequests: string[] = [];
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (/\.woff2?$|400\.css$/.test(r.url())) fontRequests.push(r.url());
  });
  // A reconciliation report to show (yesterday had no trades: a clean day).
  const recon = await fetch(`${e2e.stack.url}/timers/payment?trigger=reconcileDaily`, { method: 'POST' });
  expect(recon.status).toBe(200);
  await page.goto(`${e2e.stack.url}/`);
  await page.getByText('devstack 控制台').first().waitFor();
  expect(await loadedNotoFaces(page)).toBeGreaterThan(0);
  expect(await resolvesToNoto(page, 'h1')).toBe(true);
  expect(fontRequests.length).toBeGreaterThan(0);
  for (const url of fontRequests) expect(url.startsWith(`${e2e.stack.url}/fonts/noto-sans-sc/`)).toBe(true);
  expect(e2e.externalRequests).toEqual([]);
  await page.waitForTimeout(300);
  // Every console script ran (app.js, pay.js, identities.js share helpers through window).
  await page.locator('#recon-body').getByText('无异常 clean').waitFor();
  await page.locator('#pay-summary').getByText('mchid').waitFor();
  await page.locator('#identities-body table').waitFor({ state: 'attached' });
  expect(errors).toEqual([]);
  const file = await e2e.shot('console', { fullPage: true });
  publishScreenshot(file, 'console');
});

test('the preview sets the mini program’s Chinese text in Noto Sans SC', async () => {
  await e2e.open();
  await waitText(page, '预约挂号');
  expect(await loadedNotoFaces(page)).toBeGreaterThan(0);
  expect(await resolvesToNoto(page, '#mp-title')).toBe(true);
  const pageText = page.locator('#mp-screen .mp-page:not([hidden])').getByText('预约挂号').first();
  expect(await pageText.evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/Noto Sans SC/);
  expect(e2e.externalRequests).toEqual([]);
  expect(e2e.pageErrors).toEqual([]);
});
