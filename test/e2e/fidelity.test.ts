/**
 * Fidelity of the browser preview:
 * (a) every page of miniprogram/app.json, main package and subpackages, opens in `/preview` (pages
 *     taking an id with a real one — a bound card, a department and doctor of the HIS, a session
 *     staged in the HIS sandbox and a booking made over HTTP, an announcement — and without / with
 *     an unknown id: their not-found state; for 门诊缴费 an order paid through the pay sandbox and
 *     settled by the HIS, ./page-cases.ts) and neither the runtime nor the browser reports an error;
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
import type { Page } from 'playwright-core';
import {
  generateIdNumber,
  generateName,
  generatePhone,
  freshPerson,
  type FreshPerson,
} from '../../devstack/seed/identities';
import type { BookingView, DepartmentView, DoctorView, SessionView } from '../../typings/booking';
import type { PatientCardView } from '../../typings/patient';
import type { AnnouncementSummary } from '../../typings/site';
import { installJsdomGlobals } from './jsdom-globals';
import { opens, paymentPageCases, stagePaymentPages, type PageCase, type PaymentPagesData } from './page-cases';
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
  subpackages: { root: string; pages: string[] }[];
  window: PageJson;
  tabBar: { list: { pagePath: string }[] };
};
/** Every page: the main package's and each subpackage's (under its root). */
const allPages = [...appJson.pages, ...appJson.subpackages.flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))];

function titleOf(route: string): string {
  const own = JSON.parse(readFileSync(join(MP_ROOT, `${route}.json`), 'utf8')) as PageJson;
  return own.navigationBarTitleText ?? appJson.window.navigationBarTitleText ?? '';
}

// Setup and steps outlast jest's default 5 s; the e2e project's testTimeout is not applied (see the report).

let e2e: E2E;
let page: Page;
let self: FreshPerson;
let child: { name: string; idNumber: string; phone: string };
let cards: PatientCardView[] = [];
/** 心血管内科, one of its experts, a staged 专科号 session (two time points, one seat each) and a booking of its first seat. */
let dept: DepartmentView;
let expert: DoctorView;
let session: SessionView;
let booking: BookingView;
let pinned: AnnouncementSummary;
let payment: PaymentPagesData;

async function data<T>(fn: string, event: Record<string, unknown>): Promise<T> {
  const env = await e2e.callFunction<T>(fn, OPENID, event);
  if (!env.ok) throw new Error(`${fn}.${String(event.action)}: ${env.error.code} ${env.error.message}`);
  return env.data;
}

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

  // Booking data for the 门诊服务 pages: a session staged in the HIS sandbox, mirrored by the
  // syncSchedule timer, and a booking of its first seat for the 本人 card.
  const { departments } = await data<{ departments: DepartmentView[] }>('booking', { action: 'departments' });
  dept = departments.find((d) => d.name === '心血管内科')!;
  expect(dept).toBeDefined();
  const { doctors } = await data<{ doctors: DoctorView[] }>('booking', { action: 'doctors', deptCode: dept.code });
  expert = doctors.find((d) => d.level === 'expert')!;
  expect(expert).toBeDefined();
  const staged = await e2e.sandbox<{ session: { sessionId: string } }>('stage-session', {
    deptCode: dept.code,
    kind: 'specialist',
    seats: 2,
    seatsPerTimePoint: 1,
  });
  const synced = await e2e.fireTimer('booking', 'syncSchedule');
  expect(synced.ok).toBe(true);
  const schedule = await data<{ sessions: SessionView[] }>('booking', {
    action: 'schedule',
    deptCode: dept.code,
    kind: 'specialist',
  });
  session = schedule.sessions.find((s) => s.sessionId === staged.session.sessionId)!;
  expect(session?.timePoints.map((t) => t.bookable)).toEqual([true, true]);
  booking = await data<BookingView>('booking', {
    action: 'book',
    cardId: cards[0]!.id,
    sessionId: session.sessionId,
    time: session.timePoints[0]!.time,
    idempotencyKey: 'e2e-fidelity-book-1',
  });
  expect(booking).toMatchObject({ status: 'booked', seatNo: 1, source: 'direct' });
  const { items } = await data<{ items: AnnouncementSummary[] }>('site', { action: 'announcements' });
  pinned = items.find((a) => a.pinned)!;
  expect(pinned).toBeDefined();
  payment = await stagePaymentPages(e2e, OPENID, cards[0]!, cards[1]!);
});

afterAll(async () => {
  await e2e?.close();
});

describe('(a) every page opens in the preview without errors', () => {
  const cases: PageCase[] = [
    opens('pages/home/index', () => [
      '门诊服务',
      '预约记录',
      '微官网',
      '就诊人管理',
      '默认就诊人',
      self.name,
      '切换/管理',
    ]),
    opens('pages/patients/list/index', () => ['已绑定 2/5', self.name, '子女', '添加就诊人']),
    opens('pages/patients/add/index', () => ['与本人关系', '确认绑定']),
    opens(
      'pages/patients/detail/index',
      () => [cards[1]!.name, cards[1]!.idNumberMasked, '设为默认就诊人', '解除绑定'],
      { label: '?id=<bound card>', query: () => `?id=${encodeURIComponent(cards[1]!.id)}` },
    ),
    opens('pages/patients/detail/index', () => ['就诊人不存在或已解绑', '返回就诊人列表'], { label: ' (no id)' }),
    opens('pages/patients/detail/index', () => ['就诊人不存在或已解绑'], {
      label: '?id=<unknown>',
      query: '?id=pc_nope',
    }),
    opens('pages/me/index', () => ['管理您和家人的就诊信息', '就诊人管理', '预约记录', '关于智慧医院']),
    // ---- 门诊服务 ----
    opens('packageBooking/pages/index/index', () => [
      '线上预约，按时段到院签到/取号',
      '预约挂号',
      '预约记录',
      '就诊人管理',
      '每日07:00放出第7日号源',
    ]),
    opens('packageBooking/pages/departments/index', () => ['内科', dept.name, dept.location, '康复医学科']),
    opens('packageBooking/pages/departments/index', () => [dept.name, dept.location], {
      query: '?mode=intro',
      title: () => '科室介绍',
    }),
    opens(
      'packageBooking/pages/doctors/index',
      () => [dept.location, `${dept.name} 专科号`, '专家号', expert.name, `擅长：${expert.specialty}`],
      { label: '?deptCode=<dept>', query: () => `?deptCode=${dept.code}`, title: () => dept.name },
    ),
    opens('packageBooking/pages/doctors/index', () => ['科室不存在或已停诊'], { label: ' (no deptCode)' }),
    opens('packageBooking/pages/doctors/index', () => ['科室不存在或已停诊'], {
      label: '?deptCode=<unknown>',
      query: '?deptCode=9999',
    }),
    opens(
      'packageBooking/pages/doctor/index',
      () => [expert.name, expert.title, `${dept.name} · ${dept.location}`, '擅长', '近7日出诊'],
      { label: '?doctorId=<expert>', query: () => `?doctorId=${expert.doctorId}&deptCode=${dept.code}` },
    ),
    opens('packageBooking/pages/doctor/index', () => ['医生不存在或已停诊'], {
      label: '?doctorId=<unknown>',
      query: () => `?doctorId=D99999&deptCode=${dept.code}`,
    }),
    // The staged session: its first seat is booked, the second one is left.
    opens(
      'packageBooking/pages/schedule/index',
      () => [
        `${dept.name} · 专科号`,
        `${session.timePoints[0]!.time}（满）`,
        `${session.timePoints[1]!.time}（余1）`,
        '下拉可刷新号源',
      ],
      {
        label: '?deptCode=<dept>&date=<staged>',
        query: () => `?deptCode=${dept.code}&kind=specialist&date=${session.date}`,
      },
    ),
    opens('packageBooking/pages/schedule/index', () => ['缺少科室信息，请返回重新选择'], { label: ' (no deptCode)' }),
    opens(
      'packageBooking/pages/confirm/index',
      () => [
        self.name,
        '就诊信息',
        `${session.timePoints[1]!.time}-${session.timePoints[1]!.endTime}`,
        session.location,
        '预约须知',
        '确认预约',
      ],
      {
        label: '?sessionId=<staged>&time=<free>',
        query: () =>
          `?sessionId=${session.sessionId}&time=${session.timePoints[1]!.time}` +
          `&deptCode=${dept.code}&kind=specialist`,
      },
    ),
    opens('packageBooking/pages/confirm/index', () => ['号源不存在或已停诊，请返回重新选择'], {
      label: ' (no session)',
    }),
    opens('packageBooking/pages/confirm/index', () => ['号源不存在或已停诊，请返回重新选择'], {
      label: '?sessionId=<unknown>',
      query: () => `?sessionId=S20000101-X&time=08:00&deptCode=${dept.code}&kind=specialist`,
    }),
    opens(
      'packageBooking/pages/result/index',
      () => [
        '预约成功',
        booking.display,
        `请于${booking.arrival.from}至${booking.arrival.to}到院签到/取号`,
        booking.patientName,
        '查看预约记录',
      ],
      { label: '?bookingId=<booking>', query: () => `?bookingId=${booking.bookingId}` },
    ),
    opens('packageBooking/pages/result/index', () => ['预约记录不存在'], { label: ' (no bookingId)' }),
    opens('packageBooking/pages/result/index', () => ['预约记录不存在'], {
      label: '?bookingId=<unknown>',
      query: '?bookingId=bk_nope',
    }),
    opens('packageBooking/pages/records/index', () => [
      '1周内',
      '1个月内',
      '3个月内',
      dept.name,
      '已预约',
      booking.display,
    ]),
    opens(
      'packageBooking/pages/detail/index',
      () => [dept.name, '已预约', booking.display, booking.bookingId, '取消预约'],
      { label: '?bookingId=<booking>', query: () => `?bookingId=${booking.bookingId}` },
    ),
    opens('packageBooking/pages/detail/index', () => ['预约记录不存在', '查看预约记录'], { label: ' (no bookingId)' }),
    opens('packageBooking/pages/detail/index', () => ['预约记录不存在'], {
      label: '?bookingId=<unknown>',
      query: '?bookingId=bk_nope',
    }),
    // ---- 微官网 ----
    opens('packageSite/pages/index/index', () => [
      '科室介绍',
      '医院公告',
      '来院导航',
      '越州市第一人民医院',
      '三级甲等',
      '就诊时间',
      '联系我们',
    ]),
    opens('packageSite/pages/announcements/index', () => [pinned.title, '置顶', '没有更多了']),
    opens('packageSite/pages/announcement/index', () => [pinned.title, '置顶', '发布时间'], {
      label: '?id=<pinned>',
      query: () => `?id=${pinned.id}`,
    }),
    opens('packageSite/pages/announcement/index', () => ['公告不存在或已下线'], { label: ' (no id)' }),
    opens('packageSite/pages/announcement/index', () => ['公告不存在或已下线'], {
      label: '?id=<unknown>',
      query: '?id=ann-nope',
    }),
    opens('packageSite/pages/guide/index', () => [
      '医院地址',
      '咨询电话',
      '交通指引',
      '公交',
      '停车',
      '楼层分布',
      '门诊楼 1楼',
    ]),
    // ---- 门诊缴费 ----
    ...paymentPageCases(() => payment),
  ];

  test('the cases cover every page of app.json', () => {
    expect([...new Set(cases.map((c) => c.route))].sort()).toEqual([...allPages].sort());
  });

  test.each(cases)('$name', async (c) => {
    await e2e.open({ openid: OPENID, path: c.path() });
    await waitRoute(page, c.route);
    for (const text of c.shows()) await waitText(page, text);
    await expect(page.locator('#mp-title').innerText()).resolves.toBe(c.title ? c.title() : titleOf(c.route));
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
