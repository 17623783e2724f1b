import type {
  BookingView,
  DepartmentView,
  DoctorView,
  SessionView,
  TimePointView,
  WaitlistView,
} from '../../typings/booking';
import { simulate } from './simulate';
import { card, countOf, countTags, renderPage, tapDialogButton, tapVant, textOf } from './helpers';
import type { PageComponent } from './helpers';
import { fail, flush, installWx, networkDown, ok, routes } from './wx-mock';
import type { BackendReply } from './wx-mock';

// ---- fixtures ----

const DATES = [
  '2024-05-06',
  '2024-05-07',
  '2024-05-08',
  '2024-05-09',
  '2024-05-10',
  '2024-05-11',
  '2024-05-12',
  '2024-05-13',
];

function dept(overrides: Partial<DepartmentView> = {}): DepartmentView {
  return {
    code: 'XNK',
    name: '心血管内科',
    location: '门诊楼3楼A区',
    intro: '高血压、冠心病、心律失常的诊治',
    doctorCount: 12,
    ...overrides,
  };
}

function doctor(overrides: Partial<DoctorView> = {}): DoctorView {
  return {
    doctorId: 'd1',
    name: '张建国',
    title: '主任医师',
    level: 'expert',
    gender: 'M',
    deptCode: 'XNK',
    deptName: '心血管内科',
    specialty: '冠心病介入治疗',
    intro: '从事心血管临床工作30年。',
    ...overrides,
  };
}

function tp(time: string, remaining: number, overrides: Partial<TimePointView> = {}): TimePointView {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const end = `${String(h + (m === 30 ? 1 : 0)).padStart(2, '0')}:${m === 30 ? '00' : '30'}`;
  const from = `${String(h - (m === 0 ? 1 : 0)).padStart(2, '0')}:${m === 0 ? '30' : '00'}`;
  return {
    time,
    endTime: end,
    seatsTotal: 5,
    seatsRemaining: remaining,
    arrival: { from, to: time },
    bookable: remaining > 0,
    ...overrides,
  };
}

function session(overrides: Partial<SessionView> = {}): SessionView {
  return {
    sessionId: 's-am',
    date: '2024-05-06',
    period: 'AM',
    kind: 'specialist',
    deptCode: 'XNK',
    deptName: '心血管内科',
    doctorId: null,
    doctorName: null,
    doctorTitle: null,
    feeFen: 1500,
    location: '门诊楼3楼A区',
    startsAt: '2024-05-06T00:00:00.000Z',
    releaseAt: '2024-04-28T23:00:00.000Z',
    released: true,
    seatsTotal: 10,
    seatsRemaining: 3,
    closedReason: null,
    timePoints: [tp('09:00', 3), tp('09:30', 0)],
    waitlist: { open: false, waiting: 0 },
    ...overrides,
  };
}

const fullPm = session({
  sessionId: 's-pm',
  period: 'PM',
  startsAt: '2024-05-06T06:00:00.000Z',
  seatsRemaining: 0,
  closedReason: 'full',
  timePoints: [tp('14:00', 0), tp('14:30', 0)],
  waitlist: { open: true, waiting: 2 },
});

const notReleased = session({
  sessionId: 's-later',
  date: '2024-05-13',
  startsAt: '2024-05-13T00:00:00.000Z',
  releaseAt: '2024-05-05T23:00:00.000Z',
  released: false,
  closedReason: 'notReleased',
  seatsRemaining: 10,
  timePoints: [tp('09:00', 5, { bookable: false })],
});

function scheduleReply(sessions: SessionView[] = [session(), fullPm, notReleased]): BackendReply {
  return ok({ dates: DATES, releaseTime: '07:00', sessions });
}

function booking(overrides: Partial<BookingView> = {}): BookingView {
  return {
    bookingId: 'b1',
    status: 'booked',
    cardId: 'c1',
    patientName: '王小明',
    kind: 'specialist',
    deptCode: 'XNK',
    deptName: '心血管内科',
    doctorName: null,
    doctorTitle: null,
    date: '2024-05-06',
    period: 'AM',
    time: '09:00',
    seatNo: 16,
    display: '09:00（16号）',
    location: '门诊楼3楼A区',
    feeFen: 1500,
    arrival: { from: '08:30', to: '09:00' },
    cancellableUntil: '2024-05-05T23:00:00.000Z',
    canCancel: true,
    canCheckIn: false,
    queueNo: null,
    source: 'direct',
    createdAt: '2024-05-01T02:00:00.000Z',
    cancelledAt: null,
    cancelReason: null,
    checkedInAt: null,
    ...overrides,
  };
}

function waitlistEntry(overrides: Partial<WaitlistView> = {}): WaitlistView {
  return {
    waitlistId: 'w1',
    status: 'waiting',
    cardId: 'c1',
    patientName: '王小明',
    sessionId: 's-pm',
    date: '2024-05-06',
    period: 'PM',
    deptName: '心血管内科',
    doctorName: null,
    position: 2,
    bookingId: null,
    closesAt: '2024-05-06T04:00:00.000Z',
    createdAt: '2024-05-01T03:00:00.000Z',
    ...overrides,
  };
}

const twoCards = () => [
  card({ id: 'c1', name: '王小明', relation: '本人', isDefault: true, cardNo: 'HZ0001' }),
  card({ id: 'c2', name: '王*华', relation: '父母', isDefault: false, cardNo: 'HZ0002' }),
];

/** Taps a plain (non-Vant) view carrying a bindtap. */
async function tapView(page: PageComponent, selector: string): Promise<void> {
  const node = page.querySelector(selector);
  if (!node) throw new Error(`no element ${selector}`);
  node.dispatchEvent('tap');
  await flush();
}

/** Types into van-search (its inner van-field input). */
async function search(page: PageComponent, value: string): Promise<void> {
  const input = page
    .querySelector('#search')
    ?.querySelector('.van-search__field')
    ?.querySelectorAll('.van-field__control')
    .find((c) => c.toJSON().event['input']);
  if (!input) throw new Error('no search input');
  input.dispatchEvent('input', { detail: { value, cursor: value.length } });
  await flush();
}

/**
 * This file renders several pages that share Vant components. miniprogram-simulate re-runs a
 * component's JS on each `load` by deleting it from `require.cache`, which jest's module registry
 * ignores; resetting the registry lets each page's first load register its components again.
 */
beforeEach(() => {
  jest.resetModules();
});

// ---- hub ----

describe('门诊服务 packageBooking/pages/index', () => {
  test('entries open 科室列表, 预约记录 and 就诊人管理', async () => {
    const wx = installWx();
    const page = renderPage('packageBooking/pages/index/index');
    expect(textOf(page)).toContain('每日07:00放出第7日号源');
    await tapVant(page, '#hub-book');
    await tapVant(page, '#hub-records');
    await tapVant(page, '#hub-patients');
    expect(wx.argsOf('navigateTo').map((o) => o.url)).toEqual([
      '/packageBooking/pages/departments/index',
      '/packageBooking/pages/records/index',
      '/pages/patients/list/index',
    ]);
  });
});

// ---- departments ----

describe('科室列表 packageBooking/pages/departments', () => {
  const departments = [
    dept(),
    dept({ code: 'HXK', name: '呼吸内科', location: '门诊楼2楼B区', intro: '哮喘、慢阻肺' }),
    dept({ code: 'EK', name: '儿科', location: '门诊楼1楼', intro: '小儿发热、腹泻' }),
  ];

  test('skeleton, then the list with locations; search filters locally; no match shows empty', async () => {
    const wx = installWx({ backend: routes({ 'booking.departments': ok({ departments }) }) });
    const page = renderPage('packageBooking/pages/departments/index');
    page.instance.onLoad({});
    expect(countTags(page.querySelector('#loading')!, 'van-skeleton')).toBe(3);
    await flush();
    expect(wx.eventsTo('booking')).toEqual([{ action: 'departments' }]);
    expect(countTags(page, 'van-skeleton')).toBe(0);
    expect(textOf(page.querySelector('#dept-XNK'))).toContain('门诊楼3楼A区');
    expect(textOf(page.querySelector('#department-list'))).toContain('呼吸内科');

    await search(page, '哮喘');
    expect(page.querySelector('#dept-HXK')).toBeTruthy();
    expect(page.querySelector('#dept-XNK')).toBeFalsy();
    expect(page.querySelector('#dept-EK')).toBeFalsy();

    await search(page, '眼科');
    expect(textOf(page.querySelector('#empty-state'))).toContain('没有找到相关科室');

    await search(page, '');
    for (const code of ['XNK', 'HXK', 'EK']) expect(page.querySelector(`#dept-${code}`)).toBeTruthy();
    expect(wx.eventsTo('booking')).toHaveLength(1); // filtering never calls the server

    await tapVant(page, '#dept-EK');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/packageBooking/pages/doctors/index?deptCode=EK' });
  });

  test('intro mode (微官网 科室介绍) opens the doctors page in intro mode', async () => {
    const wx = installWx({ backend: routes({ 'booking.departments': ok({ departments }) }) });
    const page = renderPage('packageBooking/pages/departments/index');
    page.instance.onLoad({ mode: 'intro' });
    await flush();
    await tapVant(page, '#dept-XNK');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({
      url: '/packageBooking/pages/doctors/index?deptCode=XNK&mode=intro',
    });
  });

  test('error state with the server message and retry', async () => {
    let down = true;
    installWx({
      backend: () => (down ? fail('UNAVAILABLE', '医院系统维护中，请稍后再试') : ok({ departments })),
    });
    const page = renderPage('packageBooking/pages/departments/index');
    page.instance.onLoad({});
    await flush();
    expect(textOf(page.querySelector('#error-state'))).toContain('医院系统维护中，请稍后再试');
    down = false;
    await tapVant(page, '#error-state >>> #retry');
    expect(page.querySelector('#dept-XNK')).toBeTruthy();
  });
});

// ---- doctors / doctor ----

describe('医生列表 packageBooking/pages/doctors', () => {
  const doctors = [
    doctor(),
    doctor({ doctorId: 'd2', name: '李*', title: '主治医师', level: 'specialist', specialty: '高血压' }),
  ];

  test('department header, 专科号 entry and the experts only', async () => {
    const wx = installWx({ backend: routes({ 'booking.doctors': ok({ department: dept(), doctors }) }) });
    const page = renderPage('packageBooking/pages/doctors/index');
    page.instance.onLoad({ deptCode: 'XNK' });
    await flush();
    expect(wx.eventsTo('booking')).toEqual([{ action: 'doctors', deptCode: 'XNK' }]);
    expect(textOf(page.querySelector('#department'))).toContain('门诊楼3楼A区');
    const expert = textOf(page.querySelector('#doctor-d1'));
    for (const s of ['张建国', '主任医师', '冠心病介入治疗']) expect(expert).toContain(s);
    expect(page.querySelector('#doctor-d2')).toBeFalsy();

    await tapVant(page, '#specialist-entry');
    await tapVant(page, '#doctor-d1');
    expect(wx.argsOf('navigateTo').map((o) => o.url)).toEqual([
      '/packageBooking/pages/schedule/index?deptCode=XNK&kind=specialist',
      '/packageBooking/pages/doctor/index?doctorId=d1&deptCode=XNK',
    ]);
  });

  test('intro mode lists every doctor and has no booking entry', async () => {
    installWx({ backend: routes({ 'booking.doctors': ok({ department: dept(), doctors }) }) });
    const page = renderPage('packageBooking/pages/doctors/index');
    page.instance.onLoad({ deptCode: 'XNK', mode: 'intro' });
    await flush();
    expect(page.querySelector('#specialist-entry')).toBeFalsy();
    expect(page.querySelector('#doctor-d2')).toBeTruthy();
    expect(textOf(page.querySelector('#department'))).toContain('高血压、冠心病、心律失常的诊治');
  });

  test('NOT_FOUND shows the not-found state', async () => {
    installWx({ backend: routes({ 'booking.doctors': fail('NOT_FOUND', '科室不存在') }) });
    const page = renderPage('packageBooking/pages/doctors/index');
    page.instance.onLoad({ deptCode: 'NOPE' });
    await flush();
    expect(textOf(page.querySelector('#not-found'))).toContain('科室不存在或已停诊');
  });
});

describe('医生主页 packageBooking/pages/doctor', () => {
  test('profile and the 7-day schedule; a session opens the schedule on its date', async () => {
    const expertSession = session({
      sessionId: 'e1',
      kind: 'expert',
      doctorId: 'd1',
      doctorName: '张建国',
      doctorTitle: '主任医师',
      feeFen: 5000,
      date: '2024-05-08',
      startsAt: '2024-05-08T00:00:00.000Z',
    });
    const wx = installWx({
      backend: routes({
        'booking.doctors': ok({ department: dept(), doctors: [doctor()] }),
        'booking.schedule': scheduleReply([expertSession]),
      }),
    });
    const page = renderPage('packageBooking/pages/doctor/index');
    page.instance.onLoad({ doctorId: 'd1', deptCode: 'XNK' });
    await flush();
    expect(wx.eventsTo('booking')).toContainEqual({
      action: 'schedule',
      deptCode: 'XNK',
      doctorId: 'd1',
      kind: 'expert',
    });
    const profile = textOf(page.querySelector('#profile'));
    expect(profile).toContain('张建国');
    expect(profile).toContain('主任医师');
    expect(textOf(page)).toContain('从事心血管临床工作30年。');
    const row = textOf(page.querySelector('#session-e1'));
    for (const s of ['05-08', '周三', '上午', '¥50.00', '余3']) expect(row).toContain(s);
    await tapVant(page, '#session-e1');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({
      url: '/packageBooking/pages/schedule/index?deptCode=XNK&doctorId=d1&kind=expert&date=2024-05-08',
    });
  });
});

// ---- schedule ----

describe('号源选择 packageBooking/pages/schedule', () => {
  test('8 dates with 周几 and 有号/约满/未放号; chips with remaining; full ones disabled', async () => {
    const wx = installWx({ backend: routes({ 'booking.schedule': scheduleReply() }) });
    const page = renderPage('packageBooking/pages/schedule/index');
    page.instance.onLoad({ deptCode: 'XNK', kind: 'specialist' });
    await flush();
    expect(wx.eventsTo('booking')).toEqual([{ action: 'schedule', deptCode: 'XNK', kind: 'specialist' }]);

    expect(countOf(page, '.date')).toBe(8);
    expect(textOf(page.querySelector('#date-0'))).toBe('今天05-06有号');
    expect(textOf(page.querySelector('#date-1'))).toBe('明天05-07无号');
    expect(textOf(page.querySelector('#date-2'))).toContain('周三');
    expect(textOf(page.querySelector('#date-7'))).toBe('周一05-13未放号');
    expect(textOf(page.querySelector('#heading'))).toBe('心血管内科 · 专科号');
    expect(textOf(page.querySelector('#release-note'))).toContain('每日07:00放出第7日号源');

    const am = textOf(page.querySelector('#session-s-am'));
    for (const s of ['上午', '专科号', '¥15.00', '余3', '门诊楼3楼A区']) expect(am).toContain(s);
    expect(textOf(page.querySelector('#chip-s-am-0'))).toBe('09:00（余3）');
    expect(page.querySelector('#chip-s-am-0')!.data.disabled).toBe(false);
    expect(textOf(page.querySelector('#chip-s-am-1'))).toBe('09:30（满）');
    expect(page.querySelector('#chip-s-am-1')!.data.disabled).toBe(true);

    const pm = textOf(page.querySelector('#session-s-pm'));
    expect(pm).toContain('约满');
    expect(page.querySelector('#waitlist-s-pm')).toBeTruthy();
    expect(page.querySelector('#waitlist-s-am')).toBeFalsy();

    // A disabled chip does nothing; a free one opens 确认预约 with what the page needs.
    await tapVant(page, '#chip-s-am-1');
    expect(wx.argsOf('navigateTo')).toHaveLength(0);
    await tapVant(page, '#chip-s-am-0');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({
      url: '/packageBooking/pages/confirm/index?sessionId=s-am&time=09%3A00&deptCode=XNK&kind=specialist',
    });
  });

  test('switching date shows that day; a not-released day shows its release time', async () => {
    installWx({ backend: routes({ 'booking.schedule': scheduleReply() }) });
    const page = renderPage('packageBooking/pages/schedule/index');
    page.instance.onLoad({ deptCode: 'XNK', kind: 'specialist' });
    await flush();
    // The chosen date carries a check mark besides its colour.
    expect(countTags(page.querySelector('#date-0')!, 'van-icon')).toBe(1);
    await tapView(page, '#date-1');
    expect(countTags(page.querySelector('#date-0')!, 'van-icon')).toBe(0);
    expect(countTags(page.querySelector('#date-1')!, 'van-icon')).toBe(1);
    expect(textOf(page.querySelector('#no-sessions'))).toContain('当日暂无排班');
    await tapView(page, '#date-7');
    const later = textOf(page.querySelector('#session-s-later'));
    expect(later).toContain('05-06 07:00放号');
    expect(textOf(page.querySelector('#chip-s-later-0'))).toBe('09:00（未放号）');
    expect(page.querySelector('#chip-s-later-0')!.data.disabled).toBe(true);
  });

  test('加入候补: choose a card, consent asked on that tap, joinWaitlist sent', async () => {
    const wx = installWx({
      backend: routes({
        'booking.schedule': scheduleReply(),
        'patient.list': ok({ cards: twoCards(), limit: 5 }),
        'booking.joinWaitlist': ok(waitlistEntry({ cardId: 'c2', patientName: '王*华', position: 3 })),
      }),
      apis: {
        requestSubscribeMessage: (o: { success?: (r: unknown) => void }) => {
          wx.calls.push({ api: 'requestSubscribeMessage', args: [o] });
          o.success?.({ errMsg: 'requestSubscribeMessage:ok' });
        },
      },
    });
    const page = renderPage('packageBooking/pages/schedule/index');
    page.instance.onLoad({ deptCode: 'XNK', kind: 'specialist' });
    await flush();
    await tapVant(page, '#waitlist-s-pm');
    await simulate.sleep(60);
    const sheet = page.querySelector('#card-sheet')!;
    expect(sheet.data.show).toBe(true);
    expect(textOf(sheet)).toContain('选择候补就诊人');
    // Every card, the default one first, none chosen yet.
    const picker = page.querySelector('#waitlist-cards')!;
    const text = textOf(picker);
    expect(text.indexOf('王小明')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('王*华')).toBeGreaterThan(text.indexOf('王小明'));
    expect(textOf(picker.querySelector('#card-c2'))).toContain('父母');
    expect(text).not.toContain('已选');
    await tapVant(picker, '#card-c2');
    await flush();
    expect(sheet.data.show).toBe(false);
    expect(wx.argsOf<{ tmplIds: string[] }>('requestSubscribeMessage')[0]!.tmplIds).toEqual([
      'tmpl-waitlist-success',
      'tmpl-visit-reminder',
      'tmpl-booking-cancelled',
    ]);
    expect(wx.eventsTo('booking')).toContainEqual({ action: 'joinWaitlist', cardId: 'c2', sessionId: 's-pm' });
    expect(wx.argsOf('showModal')[0]).toMatchObject({ title: '已加入候补' });
    expect(String(wx.argsOf('showModal')[0]!.content)).toContain('排队第3位');
  });

  test('pull-down refresh reloads and stops the spinner', async () => {
    const wx = installWx({ backend: routes({ 'booking.schedule': scheduleReply() }) });
    const page = renderPage('packageBooking/pages/schedule/index');
    page.instance.onLoad({ deptCode: 'XNK', doctorId: 'd1', kind: 'expert' });
    await flush();
    page.instance.onPullDownRefresh();
    await flush();
    expect(wx.argsOf('stopPullDownRefresh')).toHaveLength(1);
    expect(wx.eventsTo('booking')).toHaveLength(2);
    expect(wx.eventsTo('booking')[0]).toEqual({ action: 'schedule', deptCode: 'XNK', doctorId: 'd1', kind: 'expert' });
  });
});

// ---- confirm ----

type Consent = 'accept' | 'reject' | 'fail';

function confirmWx(
  bookReplies: (BackendReply | Promise<BackendReply>)[],
  consent: Consent = 'accept',
  cards = twoCards(),
) {
  const replies = bookReplies.slice();
  const order: string[] = [];
  const wx = installWx({
    backend: routes({
      'booking.schedule': scheduleReply(),
      'patient.list': ok({ cards, limit: 5 }),
      'booking.book': () => {
        order.push('book');
        const next = replies.shift();
        if (!next) throw new Error('unexpected book');
        return next;
      },
    }),
    apis: {
      requestSubscribeMessage: (o: {
        tmplIds: string[];
        success?: (r: unknown) => void;
        fail?: (e: unknown) => void;
      }) => {
        order.push('consent');
        wx.calls.push({ api: 'requestSubscribeMessage', args: [o] });
        if (consent === 'fail') o.fail?.({ errMsg: 'requestSubscribeMessage:fail cancel', errCode: 20004 });
        else {
          const res: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
          for (const id of o.tmplIds) res[id] = consent;
          o.success?.(res);
        }
      },
    },
  });
  return { wx, order };
}

async function openConfirm(): Promise<PageComponent> {
  const page = renderPage('packageBooking/pages/confirm/index');
  page.instance.onLoad({ sessionId: 's-am', time: '09%3A00', deptCode: 'XNK', kind: 'specialist' });
  await flush();
  return page;
}

describe('确认预约 packageBooking/pages/confirm', () => {
  test('shows the visit, fee, rules and the default card preselected', async () => {
    confirmWx([]);
    const page = await openConfirm();
    const visit = textOf(page.querySelector('#visit'));
    for (const s of [
      '心血管内科',
      '专科号',
      '2024-05-06 周一 上午',
      '09:00-09:30',
      '请于08:30至09:00到院签到/取号',
      '门诊楼3楼A区',
    ]) {
      expect(visit).toContain(s);
    }
    expect(textOf(page.querySelector('#fee'))).toBe('¥15.00');
    const rules = textOf(page.querySelector('#rules'));
    for (const s of ['同一天同一科室只能预约 1 个号', '最多 5 个', '2 小时', '3 次', '30 分钟'])
      expect(rules).toContain(s);
    expect(page.instance.data.selectedCardId).toBe('c1');
    expect(textOf(page.querySelector('#card-picker >>> #card-c1'))).toContain('已选');
    await tapVant(page, '#card-picker >>> #card-c2');
    expect(page.instance.data.selectedCardId).toBe('c2');
    // The choice is shown with text (and the filled check), not by colour alone.
    expect(textOf(page.querySelector('#card-picker >>> #card-c2'))).toContain('已选');
    expect(textOf(page.querySelector('#card-picker >>> #card-c1'))).not.toContain('已选');
  });

  test('the tap asks consent FIRST, then books with the idempotency key; success redirects to the result', async () => {
    const { wx, order } = confirmWx([ok(booking())]);
    const page = await openConfirm();
    await tapVant(page, '#confirm');
    await flush();
    expect(order).toEqual(['consent', 'book']);
    expect(wx.argsOf<{ tmplIds: string[] }>('requestSubscribeMessage')[0]!.tmplIds).toEqual([
      'tmpl-booking-confirmed',
      'tmpl-visit-reminder',
      'tmpl-booking-cancelled',
    ]);
    const sent = wx.eventsTo('booking').find((e) => e.action === 'book')!;
    expect(sent).toMatchObject({ action: 'book', cardId: 'c1', sessionId: 's-am', time: '09:00' });
    expect(typeof sent.idempotencyKey).toBe('string');
    expect(String(sent.idempotencyKey).length).toBeGreaterThan(8);
    expect(wx.argsOf('redirectTo')).toEqual([
      expect.objectContaining({ url: '/packageBooking/pages/result/index?bookingId=b1' }),
    ]);
    expect(page.querySelector('#confirm')!.data.disabled).toBe(true); // stays disabled while leaving
  });

  test('a refused (or failed) consent still books', async () => {
    for (const consent of ['reject', 'fail'] as const) {
      const { wx, order } = confirmWx([ok(booking())], consent);
      const page = await openConfirm();
      await tapVant(page, '#confirm');
      await flush();
      expect(order).toEqual(['consent', 'book']);
      expect(wx.argsOf('redirectTo')).toHaveLength(1);
    }
  });

  test('the button is disabled while submitting: a second tap sends nothing', async () => {
    let release: (r: BackendReply) => void = () => undefined;
    const pending = new Promise<BackendReply>((resolve) => (release = resolve));
    const { wx } = confirmWx([pending]);
    const page = await openConfirm();
    await tapVant(page, '#confirm');
    expect(page.querySelector('#confirm')!.data.disabled).toBe(true);
    expect(page.querySelector('#confirm')!.data.loading).toBe(true);
    await tapVant(page, '#confirm');
    release(ok(booking()));
    await flush();
    expect(wx.eventsTo('booking').filter((e) => e.action === 'book')).toHaveLength(1);
    expect(wx.argsOf('requestSubscribeMessage')).toHaveLength(1);
    expect(wx.argsOf('redirectTo')).toHaveLength(1);
  });

  test('network failure: the retry reuses the SAME idempotency key', async () => {
    const { wx } = confirmWx([networkDown(), ok(booking())]);
    const page = await openConfirm();
    await tapVant(page, '#confirm');
    await flush();
    expect(wx.argsOf('showModal')[0]).toMatchObject({ content: '网络异常，请稍后重试' });
    expect(textOf(page.querySelector('#submit-error'))).toBe('网络异常，请稍后重试');
    expect(page.querySelector('#confirm')!.data.disabled).toBe(false);
    expect(wx.argsOf('redirectTo')).toHaveLength(0);

    await tapVant(page, '#confirm');
    await flush();
    const books = wx.eventsTo('booking').filter((e) => e.action === 'book');
    expect(books).toHaveLength(2);
    expect(books[1]!.idempotencyKey).toBe(books[0]!.idempotencyKey);
    expect(wx.argsOf('redirectTo')).toHaveLength(1);
  });

  test("FAILED_PRECONDITION shows the server's message; a later attempt uses a fresh key", async () => {
    const { wx } = confirmWx([fail('FAILED_PRECONDITION', '该就诊人当天已预约本科室，不能重复预约'), ok(booking())]);
    const page = await openConfirm();
    await tapVant(page, '#confirm');
    await flush();
    expect(wx.argsOf('showModal')[0]).toMatchObject({
      title: '预约未成功',
      content: '该就诊人当天已预约本科室，不能重复预约',
    });
    expect(textOf(page.querySelector('#submit-error'))).toBe('该就诊人当天已预约本科室，不能重复预约');
    expect(wx.argsOf('redirectTo')).toHaveLength(0);

    await tapVant(page, '#card-picker >>> #card-c2');
    await tapVant(page, '#confirm');
    await flush();
    const books = wx.eventsTo('booking').filter((e) => e.action === 'book');
    expect(books[1]).toMatchObject({ cardId: 'c2' });
    expect(books[1]!.idempotencyKey).not.toBe(books[0]!.idempotencyKey);
  });

  test('RESOURCE_EXHAUSTED (seat gone) is shown as the server says', async () => {
    const { wx } = confirmWx([fail('RESOURCE_EXHAUSTED', '该时段号源已约满，请选择其他时段')]);
    const page = await openConfirm();
    await tapVant(page, '#confirm');
    await flush();
    expect(wx.argsOf('showModal')[0]).toMatchObject({ content: '该时段号源已约满，请选择其他时段' });
  });

  test('no card: prompt to add one and the button stays disabled', async () => {
    const { wx } = confirmWx([], 'accept', []);
    const page = await openConfirm();
    expect(textOf(page.querySelector('#card-picker >>> #no-card'))).toContain('请先添加就诊人');
    expect(page.querySelector('#confirm')!.data.disabled).toBe(true);
    await tapVant(page, '#card-picker >>> #no-card >>> #action');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/pages/patients/add/index' });
  });

  test('an unknown session shows the not-found state', async () => {
    confirmWx([]);
    const page = renderPage('packageBooking/pages/confirm/index');
    page.instance.onLoad({ sessionId: 'gone', time: '09:00', deptCode: 'XNK', kind: 'specialist' });
    await flush();
    expect(textOf(page.querySelector('#not-found'))).toContain('号源不存在或已停诊');
  });
});

// ---- result ----

describe('预约结果 packageBooking/pages/result', () => {
  test('success state with time point, arrival window, location and fee; buttons', async () => {
    const wx = installWx({ backend: routes({ 'booking.get': ok(booking()) }) });
    const page = renderPage('packageBooking/pages/result/index');
    page.instance.onLoad({ bookingId: 'b1' });
    await flush();
    expect(wx.eventsTo('booking')).toEqual([{ action: 'get', bookingId: 'b1' }]);
    expect(textOf(page.querySelector('#result'))).toContain('预约成功');
    expect(textOf(page.querySelector('#display'))).toBe('09:00（16号）');
    expect(textOf(page.querySelector('#arrival'))).toBe('请于08:30至09:00到院签到/取号');
    const summary = textOf(page.querySelector('#summary'));
    for (const s of ['王小明', '门诊楼3楼A区', '¥15.00', '2024-05-06 周一 上午', '2024-05-06 07:00']) {
      expect(summary).toContain(s);
    }
    await tapVant(page, '#go-records');
    await tapVant(page, '#go-home');
    expect(wx.argsOf('redirectTo')[0]).toMatchObject({ url: '/packageBooking/pages/records/index' });
    expect(wx.argsOf('switchTab')[0]).toMatchObject({ url: '/pages/home/index' });
  });
});

// ---- records ----

describe('预约记录 packageBooking/pages/records', () => {
  test('tabs switch the range sent; newest first; status tags; waitlist entries; empty per tab', async () => {
    const byRange: Record<string, BackendReply> = {
      '1w': ok({
        bookings: [
          booking({ bookingId: 'old', date: '2024-05-02', status: 'completed', canCancel: false }),
          booking({ bookingId: 'new', date: '2024-05-06' }),
          booking({ bookingId: 'cx', date: '2024-05-04', status: 'cancelled', canCancel: false }),
        ],
        waitlist: [
          waitlistEntry(),
          waitlistEntry({ waitlistId: 'w2', status: 'fulfilled', position: null, bookingId: 'new' }),
        ],
      }),
      '1m': ok({
        bookings: [
          booking({ bookingId: 'm1', status: 'missed', canCancel: false }),
          booking({ bookingId: 'm2', date: '2024-04-20', status: 'checkedIn', canCancel: false }),
        ],
        waitlist: [waitlistEntry({ waitlistId: 'w3', status: 'expired', position: null })],
      }),
      '3m': ok({ bookings: [], waitlist: [waitlistEntry({ waitlistId: 'w4', status: 'left', position: null })] }),
    };
    let emptyAll = false;
    const wx = installWx({
      backend: routes({
        'booking.list': (call) => (emptyAll ? ok({ bookings: [], waitlist: [] }) : byRange[String(call.event.range)]!),
      }),
    });
    const page = renderPage('packageBooking/pages/records/index');
    page.instance.onShow();
    await flush();
    expect(wx.eventsTo('booking')).toEqual([{ action: 'list', range: '1w' }]);
    const list = textOf(page.querySelector('#booking-list'));
    const order = ['2024-05-06', '2024-05-04', '2024-05-02'].map((d) => list.indexOf(d));
    expect(order.every((pos, i) => pos >= 0 && (i === 0 || pos > order[i - 1]!))).toBe(true); // newest first
    expect(textOf(page.querySelector('#booking-new'))).toContain('已预约');
    expect(textOf(page.querySelector('#booking-new'))).toContain('09:00（16号）');
    expect(textOf(page.querySelector('#booking-cx'))).toContain('已取消');
    expect(textOf(page.querySelector('#booking-old'))).toContain('已就诊');
    expect(textOf(page.querySelector('#waitlist-w1'))).toContain('候补中');
    expect(textOf(page.querySelector('#waitlist-w1'))).toContain('排队第2位');
    expect(textOf(page.querySelector('#waitlist-w2'))).toContain('候补成功');

    expect(textOf(page.querySelector('#range-tabs'))).toBe('1周内1个月内3个月内');
    await tapView(page, '#tab-1m');
    expect(wx.eventsTo('booking')[1]).toEqual({ action: 'list', range: '1m' });
    expect(textOf(page.querySelector('#booking-m1'))).toContain('已过号');
    expect(textOf(page.querySelector('#booking-m2'))).toContain('已签到');
    expect(textOf(page.querySelector('#waitlist-w3'))).toContain('已过期');

    await tapView(page, '#tab-3m');
    expect(wx.eventsTo('booking')[2]).toEqual({ action: 'list', range: '3m' });
    expect(textOf(page.querySelector('#waitlist-w4'))).toContain('已退出');

    emptyAll = true;
    await tapView(page, '#tab-1w');
    expect(wx.eventsTo('booking')[3]).toEqual({ action: 'list', range: '1w' });
    expect(textOf(page.querySelector('#empty-state'))).toContain('1周内暂无预约记录');

    await tapVant(page, '#empty-state >>> #action');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/packageBooking/pages/departments/index' });
  });

  test('a booking opens its detail; 退出候补 asks, then leaves', async () => {
    const wx = installWx({
      backend: routes({
        'booking.list': ok({ bookings: [booking()], waitlist: [waitlistEntry()] }),
        'booking.leaveWaitlist': ok(waitlistEntry({ status: 'left', position: null })),
      }),
    });
    const page = renderPage('packageBooking/pages/records/index');
    page.instance.onShow();
    await flush();
    await tapView(page, '#booking-b1');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/packageBooking/pages/detail/index?bookingId=b1' });
    await tapVant(page, '#leave-w1');
    await flush();
    expect(wx.argsOf('showModal')[0]).toMatchObject({ title: '退出候补' });
    expect(wx.eventsTo('booking')).toContainEqual({ action: 'leaveWaitlist', waitlistId: 'w1' });
  });

  test('an answer cut at the limit says that older records are not shown', async () => {
    installWx({
      backend: routes({ 'booking.list': ok({ bookings: [booking()], waitlist: [], truncated: true }) }),
    });
    const page = renderPage('packageBooking/pages/records/index');
    page.instance.onShow();
    await flush();
    expect(textOf(page.querySelector('#truncated'))).toContain('仅显示最近的预约记录');
  });

  test('a whole answer has no such note', async () => {
    installWx({
      backend: routes({ 'booking.list': ok({ bookings: [booking()], waitlist: [], truncated: false }) }),
    });
    const page = renderPage('packageBooking/pages/records/index');
    page.instance.onShow();
    await flush();
    expect(page.querySelector('#booking-b1')).toBeTruthy();
    expect(page.querySelector('#truncated')).toBeFalsy();
  });

  test('error state shows the message', async () => {
    installWx({ backend: () => networkDown() });
    const page = renderPage('packageBooking/pages/records/index');
    page.instance.onShow();
    await flush();
    expect(textOf(page.querySelector('#error-state'))).toContain('网络异常，请稍后重试');
  });
});

// ---- detail ----

describe('预约详情 packageBooking/pages/detail', () => {
  /** The detail page opened with `query` and its first load settled. */
  async function openDetail(query: Record<string, string> = { bookingId: 'b1' }) {
    const page = renderPage('packageBooking/pages/detail/index');
    page.instance.onLoad(query);
    await flush();
    return page;
  }

  test('all fields; 取消预约 asks first, cancel sends nothing, confirm cancels', async () => {
    const wx = installWx({
      backend: routes({
        'booking.get': ok(booking({ kind: 'expert', doctorName: '张建国', doctorTitle: '主任医师', feeFen: 5000 })),
        'booking.cancel': ok(
          booking({ status: 'cancelled', canCancel: false, cancelledAt: '2024-05-02T01:00:00.000Z' }),
        ),
      }),
    });
    const page = await openDetail();
    const info = textOf(page.querySelector('#booking-info'));
    for (const s of [
      '王小明',
      '心血管内科',
      '专家号',
      '张建国 主任医师',
      '2024-05-06 周一 上午',
      '09:00（16号）',
      '¥50.00',
      '门诊楼3楼A区',
      '2024-05-06 07:00',
      'b1',
    ]) {
      expect(info).toContain(s);
    }
    expect(textOf(page.querySelector('#header'))).toContain('请于08:30至09:00到院签到/取号');
    expect(page.querySelector('#check-in')).toBeFalsy();

    await tapVant(page, '#cancel');
    await simulate.sleep(60);
    expect(textOf(page.querySelector('#cancel-dialog'))).toContain('确定取消本次预约');
    await tapDialogButton(page, '#cancel-dialog', 'cancel');
    expect(wx.eventsTo('booking')).toHaveLength(1);

    await tapVant(page, '#cancel');
    await tapDialogButton(page, '#cancel-dialog', 'confirm');
    await flush();
    expect(wx.eventsTo('booking')[1]).toEqual({ action: 'cancel', bookingId: 'b1' });
    expect(textOf(page.querySelector('#status-tag'))).toBe('已取消');
    expect(page.querySelector('#cancel')).toBeFalsy();
    expect(textOf(page.querySelector('#booking-info'))).toContain('2024-05-02 09:00');
  });

  test('cancelled by the hospital (医生停诊): its own tag and a notice, nothing to cancel or check in', async () => {
    installWx({
      backend: routes({
        'booking.get': ok(
          booking({
            status: 'cancelled',
            cancelReason: 'stopped',
            canCancel: false,
            cancelledAt: '2024-05-05T02:00:00.000Z',
          }),
        ),
      }),
    });
    const page = await openDetail();
    expect(textOf(page.querySelector('#status-tag'))).toBe('医生停诊');
    expect(textOf(page.querySelector('#cancel-notice'))).toContain('因医生停诊，本次预约已由医院取消');
    expect(page.querySelector('#cancel')).toBeFalsy();
    expect(page.querySelector('#check-in')).toBeFalsy();
  });

  test('cancelled by the patient: 已取消 and no notice', async () => {
    installWx({
      backend: routes({
        'booking.get': ok(booking({ status: 'cancelled', cancelReason: 'patient', canCancel: false })),
      }),
    });
    const page = await openDetail();
    expect(textOf(page.querySelector('#status-tag'))).toBe('已取消');
    expect(page.querySelector('#cancel-notice')).toBeFalsy();
  });

  test('cancelled at the hospital window: 已取消 with a notice saying where', async () => {
    installWx({
      backend: routes({
        'booking.get': ok(booking({ status: 'cancelled', cancelReason: 'window', canCancel: false })),
      }),
    });
    const page = await openDetail();
    expect(textOf(page.querySelector('#status-tag'))).toBe('已取消');
    expect(textOf(page.querySelector('#cancel-notice'))).toContain('本次预约已在医院窗口取消');
    expect(page.querySelector('#cancel')).toBeFalsy();
  });

  test('签到取号, then the queue status with a refresh', async () => {
    let ahead = 3;
    const wx = installWx({
      backend: routes({
        'booking.get': ok(booking({ canCancel: false, canCheckIn: true })),
        'booking.checkIn': ok(
          booking({
            status: 'checkedIn',
            canCancel: false,
            canCheckIn: false,
            queueNo: 18,
            checkedInAt: '2024-05-06T00:40:00.000Z',
          }),
        ),
        'booking.queue': () => ok({ bookingId: 'b1', queueNo: 18, nowServing: 18 - ahead - 1, ahead }),
      }),
    });
    const page = await openDetail();
    expect(page.querySelector('#cancel')).toBeFalsy();
    await tapVant(page, '#check-in');
    await flush();
    expect(wx.eventsTo('booking')[1]).toEqual({ action: 'checkIn', bookingId: 'b1' });
    expect(wx.eventsTo('booking')[2]).toEqual({ action: 'queue', bookingId: 'b1' });
    expect(textOf(page.querySelector('#status-tag'))).toBe('已签到');
    expect(textOf(page.querySelector('#queue'))).toContain('18');
    expect(textOf(page.querySelector('#queue-text'))).toBe('当前叫号 14，您前面还有 3 人');

    ahead = 1;
    await tapVant(page, '#queue-refresh');
    await flush();
    expect(textOf(page.querySelector('#queue-text'))).toBe('当前叫号 16，您前面还有 1 人');
  });

  test('a refused check-in shows the server message', async () => {
    const wx = installWx({
      backend: routes({
        'booking.get': ok(booking({ canCancel: false, canCheckIn: true })),
        'booking.checkIn': fail('FAILED_PRECONDITION', '未到签到时间，请于08:30后签到'),
      }),
    });
    const page = await openDetail();
    await tapVant(page, '#check-in');
    await flush();
    expect(wx.argsOf('showModal')[0]).toMatchObject({ title: '签到失败', content: '未到签到时间，请于08:30后签到' });
  });

  test('opens from a subscription message path (`?id=`)', async () => {
    const wx = installWx({ backend: routes({ 'booking.get': ok(booking()) }) });
    const page = await openDetail({ id: 'b1' });
    expect(wx.eventsTo('booking')).toEqual([{ action: 'get', bookingId: 'b1' }]);
    expect(textOf(page.querySelector('#display'))).toBe('09:00（16号）');
  });

  test('NOT_FOUND state', async () => {
    installWx({ backend: routes({ 'booking.get': fail('NOT_FOUND', '预约不存在') }) });
    const page = await openDetail({ bookingId: 'nope' });
    expect(textOf(page.querySelector('#not-found'))).toContain('预约记录不存在');
  });
});
