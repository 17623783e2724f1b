/**
 * Fidelity of the browser preview:
 * (a) every page of miniprogram/app.json opens in `/preview` (detail with the id of a real bound
 *     card, and without / with an unknown id: its not-found state) and neither the runtime nor the
 *     browser reports an error;
 * (b) the home page and the patient list render the same text in the browser as in jsdom with
 *     miniprogram-simulate (the component tests' renderer), fed with the very envelope the devstack
 *     answers over HTTP.
 *
 * Both halves of (b) run here, in this node-environment file: the jsdom half creates its own JSDOM
 * window (installed as globals only after the browser half is done) and then loads the component
 * project's helpers, which require miniprogram-simulate against those globals.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import type { Page } from 'playwright-core';
import {
  generateIdNumber,
  generateName,
  generatePhone,
  freshPerson,
  type FreshPerson,
} from '../../devstack/seed/identities';
import type { PatientCardView } from '../../typings/patient';
import {
  runtimeErrors,
  startE2E,
  textNodesOf,
  visiblePage,
  waitRoute,
  waitText,
  type E2E,
  type Envelope,
} from './harness';

type HelpersModule = typeof import('../component/helpers');
type WxMockModule = typeof import('../component/wx-mock');

const OPENID = 'u-e2e-fidelity';
const MP_ROOT = join(__dirname, '..', '..', 'miniprogram');

interface PageJson {
  navigationBarTitleText?: string;
}
const appJson = JSON.parse(readFileSync(join(MP_ROOT, 'app.json'), 'utf8')) as {
  pages: string[];
  window: PageJson;
  tabBar: { list: { pagePath: string }[] };
};

function titleOf(route: string): string {
  const own = JSON.parse(readFileSync(join(MP_ROOT, `${route}.json`), 'utf8')) as PageJson;
  return own.navigationBarTitleText ?? appJson.window.navigationBarTitleText ?? '';
}

let e2e: E2E;
let page: Page;
let self: FreshPerson;
let child: { name: string; idNumber: string; phone: string };
let cards: PatientCardView[] = [];

async function expectNoErrors(): Promise<void> {
  expect(await runtimeErrors(page)).toEqual([]);
  expect(e2e.pageErrors).toEqual([]);
}

beforeAll(async () => {
  e2e = await startE2E('fidelity');
  page = e2e.page;
  // Two cards for one user: 本人 (an adult) and 子女 (a four-year-old: only 子女 may bind under 6).
  self = freshPerson();
  const year = Number(new Date().toISOString().slice(0, 4)) - 4;
  child = {
    name: generateName(),
    idNumber: generateIdNumber({ fromYear: year, toYear: year }),
    phone: generatePhone(),
  };
  const bound = [
    await e2e.callFunction('patient', OPENID, {
      action: 'bind',
      name: self.name,
      idNumber: self.idNumber,
      phone: self.phone,
      relation: '本人',
    }),
    await e2e.callFunction('patient', OPENID, { action: 'bind', ...child, relation: '子女' }),
  ];
  expect(bound.map((b) => b.ok)).toEqual([true, true]);
  const list = await e2e.callFunction<{ cards: PatientCardView[] }>('patient', OPENID, { action: 'list' });
  if (!list.ok) throw new Error(list.error.message);
  cards = list.data.cards;
  expect(cards.map((c) => c.relation)).toEqual(['本人', '子女']);
});

afterAll(async () => {
  await e2e?.close();
});

describe('(a) every page opens in the preview without errors', () => {
  /** Text each page shows once its data arrived (the page is "settled"). */
  const cases: { name: string; path: () => string; route: string; shows: () => string[] }[] = [
    {
      name: 'pages/home/index',
      path: () => 'pages/home/index',
      route: 'pages/home/index',
      shows: () => ['就诊人管理', '默认就诊人', self.name, '切换/管理'],
    },
    {
      name: 'pages/patients/list/index',
      path: () => 'pages/patients/list/index',
      route: 'pages/patients/list/index',
      shows: () => ['已绑定 2/5', self.name, '子女', '添加就诊人'],
    },
    {
      name: 'pages/patients/add/index',
      path: () => 'pages/patients/add/index',
      route: 'pages/patients/add/index',
      shows: () => ['与本人关系', '确认绑定'],
    },
    {
      name: 'pages/patients/detail/index?id=<bound card>',
      path: () => `pages/patients/detail/index?id=${encodeURIComponent(cards[1]!.id)}`,
      route: 'pages/patients/detail/index',
      shows: () => [cards[1]!.name, cards[1]!.idNumberMasked, '设为默认就诊人', '解除绑定'],
    },
    {
      name: 'pages/patients/detail/index (no id)',
      path: () => 'pages/patients/detail/index',
      route: 'pages/patients/detail/index',
      shows: () => ['就诊人不存在或已解绑', '返回就诊人列表'],
    },
    {
      name: 'pages/patients/detail/index?id=<unknown>',
      path: () => 'pages/patients/detail/index?id=pc_nope',
      route: 'pages/patients/detail/index',
      shows: () => ['就诊人不存在或已解绑'],
    },
    {
      name: 'pages/me/index',
      path: () => 'pages/me/index',
      route: 'pages/me/index',
      shows: () => ['管理您和家人的就诊信息', '就诊人管理', '关于智慧医院'],
    },
  ];

  test('the cases cover every page of app.json', () => {
    expect([...new Set(cases.map((c) => c.route))].sort()).toEqual([...appJson.pages].sort());
  });

  test.each(cases)('$name', async (c) => {
    await e2e.open({ openid: OPENID, path: c.path() });
    await waitRoute(page, c.route);
    for (const text of c.shows()) await waitText(page, text);
    await expect(page.locator('#mp-title').innerText()).resolves.toBe(titleOf(c.route));
    const isTab = appJson.tabBar.list.some((t) => t.pagePath === c.route);
    await expect(page.locator('#mp-tabbar').isVisible()).resolves.toBe(isTab);
    // No skeleton left over: the page settled.
    await expect(visiblePage(page).locator('van-skeleton').count()).resolves.toBe(0);
    await e2e.shot(c.name.replace(/[^a-z0-9]+/gi, '-'));
    await expectNoErrors();
  });
});

describe('(b) the same page renders the same text in the browser and in jsdom', () => {
  const browserText: Record<'home' | 'list', string[]> = { home: [], list: [] };
  let listEnvelope: Envelope<unknown>;
  let restoreGlobals: (() => void) | undefined;

  afterAll(() => restoreGlobals?.());

  test('browser: 首页 and 就诊人管理 as the user sees them', async () => {
    await e2e.open({ openid: OPENID });
    await waitRoute(page, 'pages/home/index');
    await waitText(page, self.name);
    browserText.home = await visiblePage(page).evaluate(textNodesOf);

    await visiblePage(page).getByText('就诊人管理', { exact: true }).click();
    await waitRoute(page, 'pages/patients/list/index');
    await waitText(page, '已绑定 2/5');
    browserText.list = await visiblePage(page).evaluate(textNodesOf);
    await expectNoErrors();

    // What the pages were given: the devstack's envelope for patient.list (nothing changed since).
    listEnvelope = await e2e.callFunction('patient', OPENID, { action: 'list' });
    expect(listEnvelope.ok).toBe(true);
    expect(browserText.home).toContain(self.name);
    expect(browserText.list).toContain(cards[1]!.name);
  });

  test('jsdom: the same envelope through miniprogram-simulate gives the same text', async () => {
    expect(listEnvelope).toBeDefined();
    restoreGlobals = installJsdomGlobals();
    // Loaded only now: miniprogram-simulate needs `window`/`document` when it is first required.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wxMock = require('../component/wx-mock') as WxMockModule;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const helpers = require('../component/helpers') as HelpersModule;

    for (const [key, route] of [
      ['home', 'pages/home/index'],
      ['list', 'pages/patients/list/index'],
    ] as const) {
      const wx = wxMock.installWx({
        // The identity switcher's storage key, so the request carries the same X-WX-OPENID.
        storage: { 'devstack.openid': OPENID },
        backend: wxMock.routes({ 'patient.list': { kind: 'envelope', body: listEnvelope } }),
      });
      const comp = helpers.renderPage(route);
      comp.instance.onShow();
      await wxMock.flush();
      expect(wx.backendCalls.map((c) => [c.fn, c.event.action, c.openid])).toEqual([['patient', 'list', OPENID]]);
      const jsdomText = textNodesOf(comp.dom!);
      expect(jsdomText.length).toBeGreaterThan(10);
      expect(jsdomText).toEqual(browserText[key]);
      comp.detach();
    }
  });
});

/**
 * Makes this node-environment test look like jest-environment-jsdom for miniprogram-simulate: a
 * JSDOM window's properties become globals (only those node does not have already). Returns a
 * function removing them again.
 */
function installJsdomGlobals(): () => void {
  const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
    url: 'http://localhost/',
    pretendToBeVisual: true,
  });
  const g = globalThis as unknown as Record<string, unknown>;
  const win = dom.window as unknown as Record<string, unknown>;
  const added: string[] = [];
  for (const key of Object.getOwnPropertyNames(dom.window)) {
    // Web storage is a Proxy that jest's global cleanup walks into endlessly; nothing here uses it.
    if (key in g || key === 'localStorage' || key === 'sessionStorage') continue;
    try {
      g[key] = win[key];
      added.push(key);
    } catch {
      // a few window getters refuse to be read outside their window; simulate does not use them
    }
  }
  return () => {
    for (const key of added) delete g[key];
    dom.window.close();
  };
}
