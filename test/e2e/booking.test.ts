/**
 * The 预约挂号 journey through the real mini program in Chromium (devstack `/preview`), with mouse
 * and keyboard: a patient finds a doctor, books, gets the confirmation message (devstack outbox),
 * finds the booking under 预约记录 · 1周内, cancels it — and a waitlisted patient gets the seat.
 *
 * Setup over HTTP: patients A and B (two openids) each bind a 本人 card; the HIS sandbox stages a
 * one-seat 专家号 session of a 心血管内科 expert, released now and starting ≥ 3 h from now (so
 * cancelling, allowed until 2 h before, still is), and the syncSchedule timer mirrors it.
 * In the pages as A: 首页 → 门诊服务 → 预约挂号 → search the department → the expert → 近7日出诊 →
 * date and time point → 确认预约 (本人 card preselected) → the subscription consent sheet → 允许 →
 * 预约结果. Then B, in the pages, finds the session full and joins the waitlist (consent 允许). As A:
 * 我的 → 预约记录 → 1周内 → 详情 → 取消预约 → confirm → 已取消. B now holds the seat (source 'waitlist'),
 * got the 候补成功 message, and sees it in 预约记录. After every step neither the runtime nor the
 * browser reported an error.
 */
import type { Locator, Page } from 'playwright-core';
import { freshPerson, type FreshPerson } from '../../devstack/seed/identities';
import type { BookingListResponse, BookingView, DepartmentView, DoctorView, SessionView } from '../../typings/booking';
import type { PatientCardView } from '../../typings/patient';
import {
  publishScreenshot,
  runtimeErrors,
  stackOf,
  startE2E,
  visiblePage,
  waitRoute,
  waitText,
  type E2E,
  type OutboxEntry,
} from './harness';

const A = 'u-e2e-booking-a';
const B = 'u-e2e-booking-b';
const DEPT_NAME = '心血管内科';
const TMPL_CONFIRMED = 'tmpl-booking-confirmed';
const TMPL_REMINDER = 'tmpl-visit-reminder';
const TMPL_WAITLIST = 'tmpl-waitlist-success';
const TMPL_CANCELLED = 'tmpl-booking-cancelled';

const R = {
  home: 'pages/home/index',
  me: 'pages/me/index',
  hub: 'packageBooking/pages/index/index',
  departments: 'packageBooking/pages/departments/index',
  doctors: 'packageBooking/pages/doctors/index',
  doctor: 'packageBooking/pages/doctor/index',
  schedule: 'packageBooking/pages/schedule/index',
  confirm: 'packageBooking/pages/confirm/index',
  result: 'packageBooking/pages/result/index',
  records: 'packageBooking/pages/records/index',
  detail: 'packageBooking/pages/detail/index',
} as const;

// Each step drives several screens; jest's project-level testTimeout does not reach this file.

let e2e: E2E;
let page: Page;
const people: Record<string, FreshPerson> = {};
const cardOf: Record<string, PatientCardView> = {};
let dept: DepartmentView;
let expert: DoctorView;
/** The staged one-seat session as the booking function serves it. */
let session: SessionView;
let bookingA: BookingView;

async function data<T>(fn: string, openid: string, event: Record<string, unknown>): Promise<T> {
  const env = await e2e.callFunction<T>(fn, openid, event);
  if (!env.ok) throw new Error(`${fn}.${String(event.action)}: ${env.error.code} ${env.error.message}`);
  return env.data;
}

function list(openid: string): Promise<BookingListResponse> {
  return data<BookingListResponse>('booking', openid, { action: 'list', range: '1w' });
}

/** An element of the top page (the pages' `id`s are not DOM ids in the preview: use data-* attributes). */
function $(selector: string) {
  return visiblePage(page).locator(selector);
}

/** Polls `read` until `accept` holds (10 s), then returns the last value read. */
async function until<T>(read: () => Promise<T>, accept: (v: T) => boolean, timeout = 10_000): Promise<T> {
  const end = Date.now() + timeout;
  let v = await read();
  while (!accept(v) && Date.now() < end) {
    await page.waitForTimeout(100);
    v = await read();
  }
  return v;
}

/** Clicks a tab or date of the strip and waits until its class marks it the selected one. */
async function select(el: Locator, activeClass: string): Promise<void> {
  await el.click();
  expect(
    await until(
      () => el.getAttribute('class'),
      (c) => !!c?.includes(activeClass),
    ),
  ).toContain(activeClass);
}

/** Neither the preview runtime nor the browser saw an error (nothing is allow-listed). */
async function expectNoErrors(): Promise<void> {
  expect(await runtimeErrors(page)).toEqual([]);
  expect(e2e.pageErrors).toEqual([]);
}

async function waitToast(title: string): Promise<void> {
  await page.getByTestId('toast').filter({ hasText: title }).waitFor({ state: 'visible', timeout: 10_000 });
}

/** The subscription consent sheet (wx.requestSubscribeMessage): both templates listed and on, then 允许. */
async function allowConsent(templateIds: string[]): Promise<void> {
  const sheet = page.getByTestId('consent');
  await sheet.waitFor({ state: 'visible' });
  await expect(sheet.innerText()).resolves.toContain('向你发送下列消息');
  for (const id of templateIds) await expect(sheet.getByTestId(`consent-item-${id}`).isChecked()).resolves.toBe(true);
}

beforeAll(async () => {
  e2e = await startE2E('booking');
  page = e2e.page;
  for (const openid of [A, B]) {
    const p = freshPerson();
    people[openid] = p;
    await data('patient', openid, {
      action: 'bind',
      name: p.name,
      idNumber: p.idNumber,
      phone: p.phone,
      relation: '本人',
    });
    const { cards } = await data<{ cards: PatientCardView[] }>('patient', openid, { action: 'list' });
    expect(cards).toHaveLength(1);
    cardOf[openid] = cards[0]!;
  }

  const { departments } = await data<{ departments: DepartmentView[] }>('booking', A, { action: 'departments' });
  dept = departments.find((d) => d.name === DEPT_NAME)!;
  const { doctors } = await data<{ doctors: DoctorView[] }>('booking', A, { action: 'doctors', deptCode: dept.code });
  expert = doctors.find((d) => d.level === 'expert')!;
  expect(expert).toBeDefined();

  // One seat, released now, tomorrow (Asia/Shanghai) at 09:00 — a morning clinic, as on a real day.
  const todayShanghai = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const tomorrow = new Date(Date.parse(todayShanghai) + 86_400_000).toISOString().slice(0, 10);
  const staged = await e2e.sandbox<{ session: { sessionId: string }; startsAt: string }>('stage-session', {
    deptCode: dept.code,
    kind: 'expert',
    doctorId: expert.doctorId,
    seats: 1,
    date: tomorrow,
    period: 'AM',
    startsAt: `${tomorrow}T09:00:00+08:00`,
  });
  expect(Date.parse(staged.startsAt) - Date.now()).toBeGreaterThan(2.5 * 3_600_000);
  const synced = await e2e.fireTimer('booking', 'syncSchedule');
  expect(synced.ok).toBe(true);
  const schedule = await data<{ sessions: SessionView[] }>('booking', A, {
    action: 'schedule',
    deptCode: dept.code,
    doctorId: expert.doctorId,
    kind: 'expert',
  });
  session = schedule.sessions.find((s) => s.sessionId === staged.session.sessionId)!;
  expect(session).toMatchObject({ seatsTotal: 1, seatsRemaining: 1, closedReason: null, released: true });
  expect(session.timePoints).toHaveLength(1);
});

afterAll(async () => {
  await e2e?.close();
});

describe('预约挂号 journey in the browser preview', () => {
  test('A: 首页 → 门诊服务 → 预约挂号', async () => {
    await e2e.open(A);
    await waitRoute(page, R.home);
    await waitText(page, people[A]!.name);
    await visiblePage(page).getByText('门诊服务', { exact: true }).click();
    await waitRoute(page, R.hub);
    await waitText(page, '预约记录');
    await $('van-cell[data-key="book"]').click();
    await waitRoute(page, R.departments);
    await waitText(page, DEPT_NAME);
    await expectNoErrors();
  });

  test('A: searching the department narrows the list', async () => {
    const all = await $('van-cell[data-code]').count();
    expect(all).toBe(16);
    await visiblePage(page).getByPlaceholder('搜索科室名称或症状').click();
    await page.keyboard.type('心血管');
    const rows = $('van-cell[data-code]');
    expect(
      await until(
        () => rows.count(),
        (n) => n === 1,
      ),
    ).toBe(1);
    await expect(rows.first().innerText()).resolves.toContain(dept.location);
    await e2e.shot('departments-search');
    // Nothing matches: the page says so.
    await page.keyboard.type('骨折');
    await waitText(page, '没有找到相关科室，换个关键词试试');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    expect(
      await until(
        () => rows.count(),
        (n) => n === 1,
      ),
    ).toBe(1);
    await rows.first().click();
    await waitRoute(page, R.doctors);
    await waitText(page, `${dept.name} 专科号`);
    await expect(page.locator('#mp-title').innerText()).resolves.toBe(dept.name);
    await expectNoErrors();
  });

  test('A: the expert → 医生主页 lists the staged session', async () => {
    await $(`van-cell[data-id="${expert.doctorId}"]`).click();
    await waitRoute(page, R.doctor);
    await waitText(page, '近7日出诊');
    await waitText(page, expert.specialty);
    // The doctor's sessions, one row per session; the staged one is the only one with one seat.
    const row = $(`van-cell[data-date="${session.date}"]`).filter({ hasText: '余1' });
    await row.waitFor({ state: 'visible' });
    await expect(row.innerText()).resolves.toContain(session.period === 'AM' ? '上午' : '下午');
    await e2e.shot('doctor');
    await row.click();
    await waitRoute(page, R.schedule);
    await waitText(page, `${expert.name} ${expert.title} · ${dept.name}`);
    await expectNoErrors();
  });

  test('A: 选择号源 — pick the date and the time point', async () => {
    const strip = $('wx-view[data-date]');
    await expect(strip.count()).resolves.toBe(8);
    const time = session.timePoints[0]!.time;
    const chip = $(`van-button[data-session="${session.sessionId}"][data-time="${time}"]`);
    await chip.waitFor({ state: 'visible' });
    // Another date first, then the session's date again (the page came with it preselected).
    // (A neighbouring date: one the strip shows without scrolling it sideways.)
    const other = strip.filter({ hasNotText: session.date.slice(5) }).first();
    await select(other, 'date--active');
    await chip.waitFor({ state: 'detached' });
    const day = $(`wx-view[data-date="${session.date}"]`);
    await day.click();
    await chip.waitFor({ state: 'visible' });
    await expect(day.getAttribute('class')).resolves.toContain('date--active');
    await expect(chip.innerText()).resolves.toBe(`${time}（余1）`);
    const file = await e2e.shot('schedule');
    publishScreenshot(file, 'preview-booking-schedule');
    await chip.click();
    await waitRoute(page, R.confirm);
    await waitText(page, '预约须知');
    await expectNoErrors();
  });

  test('A: 确认预约 with the 本人 card preselected; the tap asks consent; 允许 → 预约结果', async () => {
    const cardRow = $(`card-picker van-cell[data-id="${cardOf[A]!.id}"]`);
    await expect(cardRow.innerText()).resolves.toContain(people[A]!.name);
    // The selected card shows the filled check and says 已选 (not colour alone).
    await expect(cardRow.locator('[class*="van-icon-checked"]').count()).resolves.toBe(1);
    await expect(cardRow.innerText()).resolves.toContain('已选');
    const text = await visiblePage(page).innerText();
    for (const t of [dept.name, '专家号', expert.name, session.location, '¥']) expect(text).toContain(t);
    const tp = session.timePoints[0]!;
    expect(text).toContain(`${tp.time}-${tp.endTime}`);
    expect(text).toContain(`请于${tp.arrival.from}至${tp.arrival.to}到院签到/取号`);
    const file = await e2e.shot('confirm', { fullPage: true });
    publishScreenshot(file, 'preview-booking-confirm');

    await $('van-button').filter({ hasText: '确认预约' }).click();
    // WeChat asks for subscription consent on the tap, before anything is booked.
    await allowConsent([TMPL_CONFIRMED, TMPL_REMINDER, TMPL_CANCELLED]);
    await e2e.shot('consent', { fullPage: true });
    expect((await list(A)).bookings).toHaveLength(0);
    await page.getByTestId('consent-allow').click();
    await page.getByTestId('consent').waitFor({ state: 'detached' });

    // A refusal shows a modal (预约未成功) instead: fail with what it says.
    const modal = page.getByTestId('modal');
    await Promise.race([waitRoute(page, R.result), modal.waitFor({ state: 'visible', timeout: 10_000 })]);
    if (await modal.isVisible()) throw new Error(`book refused: ${(await modal.innerText()).replace(/\s+/g, ' ')}`);
    await waitRoute(page, R.result);
    await waitText(page, '预约成功');
    const display = `${tp.time}（1号）`;
    await waitText(page, display);
    const result = await visiblePage(page).innerText();
    expect(result).toMatch(/\n\d{2}:\d{2}（\d+号）\n/);
    expect(result).toContain(`请于${tp.arrival.from}至${tp.arrival.to}到院签到/取号`);
    expect(result).toContain(people[A]!.name);
    expect(result).toContain(session.location);
    const shot = await e2e.shot('result', { fullPage: true });
    publishScreenshot(shot, 'preview-booking-result');

    const { bookings } = await list(A);
    expect(bookings).toHaveLength(1);
    bookingA = bookings[0]!;
    expect(bookingA).toMatchObject({
      status: 'booked',
      cardId: cardOf[A]!.id,
      time: tp.time,
      seatNo: 1,
      display,
      source: 'direct',
      canCancel: true,
    });
    // The result page replaced 确认预约 (redirectTo).
    await expect(stackOf(page)).resolves.toEqual([
      R.home,
      R.hub,
      R.departments,
      R.doctors,
      R.doctor,
      R.schedule,
      R.result,
    ]);
    await expectNoErrors();
  });

  test('A: the booking-confirmed message is in the devstack outbox, sent', async () => {
    const mine = (await e2e.outbox()).filter((m: OutboxEntry) => m.touser === A);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      templateId: TMPL_CONFIRMED,
      templateTitle: '预约成功通知',
      status: 'sent',
      errCode: 0,
      page: `${R.detail}?id=${bookingA.bookingId}`,
    });
    const values = Object.values(mine[0]!.data).map((v) => v.value);
    expect(values.join(' ')).toContain(dept.name);
    // The consents are one-time: the confirmation used its own up; reminder and cancellation remain.
    const r = await fetch(`${e2e.stack.url}/devstack/api/consents?openid=${A}`);
    const { consents } = (await r.json()) as { consents: { templateId: string; remaining: number | string }[] };
    expect(consents).toEqual([
      { templateId: TMPL_CANCELLED, remaining: 1 },
      { templateId: TMPL_REMINDER, remaining: 1 },
    ]);
  });

  test('B: the session is full; 加入候补 in the pages (consent 允许)', async () => {
    await e2e.open({
      openid: B,
      path: `${R.schedule}?deptCode=${dept.code}&doctorId=${expert.doctorId}&kind=expert&date=${session.date}`,
    });
    await waitRoute(page, R.schedule);
    const chip = $(`van-button[data-session="${session.sessionId}"][data-time="${session.timePoints[0]!.time}"]`);
    await chip.waitFor({ state: 'visible' });
    await expect(chip.innerText()).resolves.toBe(`${session.timePoints[0]!.time}（满）`);
    await waitText(page, '号源已约满，0人候补中');
    await e2e.shot('schedule-full');

    await $(`van-button[data-session="${session.sessionId}"]`).filter({ hasText: '加入候补' }).click();
    const sheet = $('van-popup').filter({ hasText: '选择候补就诊人' });
    await sheet.getByText('选择候补就诊人').waitFor({ state: 'visible' });
    await e2e.shot('waitlist-card-sheet');
    // B's one card, nothing chosen yet: the tap chooses it.
    const row = sheet.locator(`card-picker van-cell[data-id="${cardOf[B]!.id}"]`);
    await expect(row.innerText()).resolves.toContain(people[B]!.name);
    await expect(row.innerText()).resolves.toContain('本人');
    await expect(row.innerText()).resolves.not.toContain('已选');
    await row.click();
    await allowConsent([TMPL_WAITLIST, TMPL_REMINDER, TMPL_CANCELLED]);
    await page.getByTestId('consent-allow').click();

    const modal = page.getByTestId('modal');
    await modal.waitFor({ state: 'visible' });
    await expect(page.getByTestId('modal-title').innerText()).resolves.toBe('已加入候补');
    await expect(page.getByTestId('modal-content').innerText()).resolves.toContain('排队第1位');
    await e2e.shot('waitlist-joined', { fullPage: true });
    // Keyboard: Enter answers the modal's 我知道了.
    await page.keyboard.press('Enter');
    await modal.waitFor({ state: 'detached' });
    await waitText(page, '号源已约满，1人候补中');

    const { bookings, waitlist } = await list(B);
    expect(bookings).toHaveLength(0);
    expect(waitlist).toHaveLength(1);
    expect(waitlist[0]).toMatchObject({ status: 'waiting', position: 1, sessionId: session.sessionId });
    await expectNoErrors();
  });

  test('A: 我的 → 预约记录 → 1周内 shows the booking → 详情 → 取消预约 → 已取消', async () => {
    await e2e.open(A);
    await waitRoute(page, R.home);
    await page.locator('#mp-tabbar').getByText('我的', { exact: true }).click();
    await waitRoute(page, R.me);
    await visiblePage(page).locator('van-cell', { hasText: '预约记录' }).click();
    await waitRoute(page, R.records);
    await expect(stackOf(page)).resolves.toEqual([R.me, R.records]);
    const row = $(`wx-view[data-id="${bookingA.bookingId}"]`);
    await row.waitFor({ state: 'visible' });
    // Another range and back to 1周内.
    const selectRange = async (name: string): Promise<void> => {
      const tab = $(`wx-view[data-name="${name}"]`);
      await select(tab, '--active');
      await row.waitFor({ state: 'visible' });
    };
    await selectRange('1m');
    await selectRange('1w');
    const text = await row.innerText();
    for (const t of [dept.name, '已预约', bookingA.display, expert.name]) expect(text).toContain(t);
    const file = await e2e.shot('records');
    publishScreenshot(file, 'preview-booking-records');

    await row.click();
    await waitRoute(page, R.detail);
    await waitText(page, bookingA.bookingId);
    const header = $('van-tag').first();
    await expect(header.innerText()).resolves.toBe('已预约');
    await e2e.shot('detail');

    const cancel = $('van-button:not(van-dialog van-button)').filter({ hasText: '取消预约' });
    await cancel.click();
    const dialog = $('van-dialog');
    await dialog.getByText('取消后该号源将释放给其他患者，确定取消本次预约？').waitFor({ state: 'visible' });
    await e2e.shot('cancel-dialog');
    await dialog.locator('van-button', { hasText: '取消预约' }).click();
    await waitToast('已取消预约');
    expect(
      await until(
        () => header.innerText(),
        (t) => t === '已取消',
      ),
    ).toBe('已取消');
    await cancel.waitFor({ state: 'detached' });
    await waitText(page, '取消时间');
    await e2e.shot('detail-cancelled');

    const { bookings } = await list(A);
    expect(bookings.map((b) => [b.bookingId, b.status])).toEqual([[bookingA.bookingId, 'cancelled']]);
    // A consented to 预约取消通知 when booking: it was sent.
    const cancelledMsg = (await e2e.outbox()).find(
      (m: OutboxEntry) => m.touser === A && m.templateId === TMPL_CANCELLED,
    );
    expect(cancelledMsg).toMatchObject({ templateTitle: '预约取消通知', status: 'sent' });
    expect(cancelledMsg!.data.thing4!.value).toBe('您已取消本次预约');
    // Back on 预约记录 (reloaded on show) the row says 已取消.
    await page.getByTestId('toast').waitFor({ state: 'detached' });
    await page.locator('#mp-back').click();
    await waitRoute(page, R.records);
    expect(
      await until(
        () => row.innerText(),
        (t) => t.includes('已取消'),
      ),
    ).toContain('已取消');
    await expectNoErrors();
  });

  test('B got the seat from the waitlist: list, outbox, and 预约记录 in the pages', async () => {
    const { bookings, waitlist } = await list(B);
    expect(bookings).toHaveLength(1);
    const seat = bookings[0]!;
    expect(seat).toMatchObject({
      status: 'booked',
      source: 'waitlist',
      cardId: cardOf[B]!.id,
      time: bookingA.time,
      seatNo: bookingA.seatNo,
      display: bookingA.display,
    });
    expect(waitlist).toHaveLength(1);
    expect(waitlist[0]).toMatchObject({ status: 'fulfilled', bookingId: seat.bookingId, position: null });

    const toB = (await e2e.outbox()).filter((m) => m.touser === B);
    expect(toB).toHaveLength(1);
    expect(toB[0]).toMatchObject({
      templateId: TMPL_WAITLIST,
      templateTitle: '候补成功通知',
      status: 'sent',
      errCode: 0,
      page: `${R.detail}?id=${seat.bookingId}`,
    });

    await e2e.open({ openid: B, path: R.records });
    await waitRoute(page, R.records);
    const row = $(`wx-view[data-id="${seat.bookingId}"]`);
    await row.waitFor({ state: 'visible' });
    const text = await row.innerText();
    for (const t of [dept.name, '已预约', seat.display, '候补预约']) expect(text).toContain(t);
    await waitText(page, '候补记录');
    await waitText(page, '候补成功');
    const file = await e2e.shot('records-waitlist', { fullPage: true });
    publishScreenshot(file, 'preview-booking-waitlist');

    await $(`van-button[data-booking="${seat.bookingId}"]`).click();
    await waitRoute(page, R.detail);
    await waitText(page, seat.bookingId);
    await expect($('van-tag').first().innerText()).resolves.toBe('已预约');
    await waitText(page, '候补预约');
    await expectNoErrors();
  });
});
