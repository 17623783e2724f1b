/** The booking browse pages: 门诊服务, 科室列表, 医生列表, 医生主页. */
import { countTags, freshPagesEachTest, openPage, renderPage, tapVant, textOf } from './helpers';
import { fail, flush, installWx, networkDown, ok, routes } from './wx-mock';
import { dept, doctor, rules, scheduleReply, search, session, withRules } from './booking-fixtures';

freshPagesEachTest();

// ---- hub ----

describe('门诊服务 packageBooking/pages/index', () => {
  test('entries open 科室列表, 预约记录 and 就诊人管理; window and release time from `rules`', async () => {
    const wx = installWx({ backend: withRules({}) });
    const page = await openPage('packageBooking/pages/index/index');
    expect(wx.eventsTo('booking')).toEqual([{ action: 'rules' }]);
    expect(textOf(page.querySelector('#release-note'))).toBe('每日07:00放出第7日号源，请提前安排就诊时间');
    expect(textOf(page.querySelector('#hub-book'))).toContain('最多可预约7天内号源');
    await tapVant(page, '#hub-book');
    await tapVant(page, '#hub-records');
    await tapVant(page, '#hub-patients');
    expect(wx.argsOf('navigateTo').map((o) => o.url)).toEqual([
      '/packageBooking/pages/departments/index',
      '/packageBooking/pages/records/index',
      '/pages/patients/list/index',
    ]);
  });

  test("another deployment's rules are what the page says", async () => {
    installWx({ backend: withRules({ 'booking.rules': ok(rules({ windowDays: 14, releaseTime: '08:30' })) }) });
    const page = await openPage('packageBooking/pages/index/index');
    expect(textOf(page.querySelector('#release-note'))).toContain('每日08:30放出第14日号源');
    expect(textOf(page.querySelector('#hub-book'))).toContain('最多可预约14天内号源');
    expect(textOf(page)).not.toContain('07:00');
  });

  test('without the rules the entries still work and no rule is stated', async () => {
    const wx = installWx({ backend: withRules({ 'booking.rules': networkDown() }) });
    const page = await openPage('packageBooking/pages/index/index');
    expect(page.querySelector('#release-note')).toBeFalsy();
    expect(textOf(page.querySelector('#hub-book'))).toContain('选择科室、医生和就诊时间');
    expect(textOf(page.querySelector('#hub-book'))).not.toContain('天内');
    await tapVant(page, '#hub-book');
    expect(wx.argsOf('navigateTo')).toHaveLength(1);
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
    const page = await openPage('packageBooking/pages/departments/index', { mode: 'intro' });
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
    const page = await openPage('packageBooking/pages/departments/index');
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
    const page = await openPage('packageBooking/pages/doctors/index', { deptCode: 'XNK' });
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
    const page = await openPage('packageBooking/pages/doctors/index', { deptCode: 'XNK', mode: 'intro' });
    expect(page.querySelector('#specialist-entry')).toBeFalsy();
    expect(page.querySelector('#doctor-d2')).toBeTruthy();
    expect(textOf(page.querySelector('#department'))).toContain('高血压、冠心病、心律失常的诊治');
  });

  test('NOT_FOUND shows the not-found state', async () => {
    installWx({ backend: routes({ 'booking.doctors': fail('NOT_FOUND', '科室不存在') }) });
    const page = await openPage('packageBooking/pages/doctors/index', { deptCode: 'NOPE' });
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
      backend: withRules({
        'booking.doctors': ok({ department: dept(), doctors: [doctor()] }),
        'booking.schedule': scheduleReply([expertSession]),
      }),
    });
    const page = await openPage('packageBooking/pages/doctor/index', { doctorId: 'd1', deptCode: 'XNK' });
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
    expect(textOf(page)).toContain('近7日出诊');
    expect(textOf(page.querySelector('#release-note'))).toBe('每日07:00放出第7日号源');
    const row = textOf(page.querySelector('#session-e1'));
    for (const s of ['05-08', '周三', '上午', '¥50.00', '余3']) expect(row).toContain(s);
    await tapVant(page, '#session-e1');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({
      url: '/packageBooking/pages/schedule/index?deptCode=XNK&doctorId=d1&kind=expert&date=2024-05-08',
    });
  });

  test('the window and release time follow `rules`; no sessions offers the 专科号', async () => {
    const wx = installWx({
      backend: withRules({
        'booking.rules': ok(rules({ windowDays: 10, releaseTime: '08:00' })),
        'booking.doctors': ok({ department: dept(), doctors: [doctor()] }),
        'booking.schedule': scheduleReply([]),
      }),
    });
    const page = await openPage('packageBooking/pages/doctor/index', { doctorId: 'd1', deptCode: 'XNK' });
    expect(textOf(page)).toContain('近10日出诊');
    expect(textOf(page.querySelector('#no-sessions'))).toContain('近10日暂无该医生的专家号排班');
    expect(textOf(page.querySelector('#release-note'))).toBe('每日08:00放出第10日号源');
    await tapVant(page, '#specialist-entry');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({
      url: '/packageBooking/pages/schedule/index?deptCode=XNK&kind=specialist',
    });
  });
});
