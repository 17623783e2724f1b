/** 号源选择 packageBooking/pages/schedule: dates, sessions and chips, 加入候补, the rules it states. */
import { simulate } from './simulate';
import { countOf, countTags, freshPagesEachTest, openPage, tapVant, textOf } from './helpers';
import { fail, flush, installWx, networkDown, ok } from './wx-mock';
import { bookingActions, rules, scheduleReply, tapView, twoCards, waitlistEntry, withRules } from './booking-fixtures';

freshPagesEachTest();

describe('号源选择 packageBooking/pages/schedule', () => {
  test('8 dates with 周几 and 有号/约满/未放号; chips with remaining; full ones disabled', async () => {
    const wx = installWx({ backend: withRules({ 'booking.schedule': scheduleReply() }) });
    const page = await openPage('packageBooking/pages/schedule/index', { deptCode: 'XNK', kind: 'specialist' });
    expect(wx.eventsTo('booking')).toEqual([
      { action: 'rules' },
      { action: 'schedule', deptCode: 'XNK', kind: 'specialist' },
    ]);

    expect(countOf(page, '.date')).toBe(8);
    expect(textOf(page.querySelector('#date-0'))).toBe('今天05-06有号');
    expect(textOf(page.querySelector('#date-1'))).toBe('明天05-07无号');
    expect(textOf(page.querySelector('#date-2'))).toContain('周三');
    expect(textOf(page.querySelector('#date-7'))).toBe('周一05-13未放号');
    expect(textOf(page.querySelector('#heading'))).toBe('心血管内科 · 专科号');
    expect(textOf(page.querySelector('#release-note'))).toBe('每日07:00放出第7日号源，下拉可刷新号源');

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
      url: '/packageBooking/pages/confirm/index?sessionId=s-am&time=09%3A00',
    });
  });

  test('switching date shows that day; a not-released day shows its release time', async () => {
    installWx({ backend: withRules({ 'booking.schedule': scheduleReply() }) });
    const page = await openPage('packageBooking/pages/schedule/index', { deptCode: 'XNK', kind: 'specialist' });
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
      backend: withRules({
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
    const page = await openPage('packageBooking/pages/schedule/index', { deptCode: 'XNK', kind: 'specialist' });
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
    // The ids of `rules.consent.waitlist`, as the server sends with them.
    expect(wx.argsOf<{ tmplIds: string[] }>('requestSubscribeMessage')[0]!.tmplIds).toEqual(rules().consent.waitlist);
    expect(wx.eventsTo('booking')).toContainEqual({ action: 'joinWaitlist', cardId: 'c2', sessionId: 's-pm' });
    expect(wx.argsOf('showModal')[0]).toMatchObject({ title: '已加入候补' });
    expect(String(wx.argsOf('showModal')[0]!.content)).toContain('排队第3位');
  });

  test('pull-down refresh reloads and stops the spinner', async () => {
    const wx = installWx({ backend: withRules({ 'booking.schedule': scheduleReply() }) });
    const page = await openPage('packageBooking/pages/schedule/index', {
      deptCode: 'XNK',
      doctorId: 'd1',
      kind: 'expert',
    });
    page.instance.onPullDownRefresh();
    await flush();
    expect(wx.argsOf('stopPullDownRefresh')).toHaveLength(1);
    // The schedule again; the rules are kept for the app session.
    expect(bookingActions(wx.eventsTo('booking'))).toEqual(['rules', 'schedule', 'schedule']);
    expect(wx.eventsTo('booking')[1]).toEqual({ action: 'schedule', deptCode: 'XNK', doctorId: 'd1', kind: 'expert' });
  });

  test("the release note is the rules' (not the schedule's releaseTime)", async () => {
    installWx({
      backend: withRules({
        'booking.rules': ok(rules({ releaseTime: '08:30', windowDays: 10 })),
        'booking.schedule': scheduleReply(),
      }),
    });
    const page = await openPage('packageBooking/pages/schedule/index', { deptCode: 'XNK', kind: 'specialist' });
    expect(textOf(page.querySelector('#release-note'))).toBe('每日08:30放出第10日号源，下拉可刷新号源');
  });

  test('without the rules the schedule still shows, without a release note', async () => {
    installWx({ backend: withRules({ 'booking.rules': networkDown(), 'booking.schedule': scheduleReply() }) });
    const without = await openPage('packageBooking/pages/schedule/index', { deptCode: 'XNK', kind: 'specialist' });
    expect(textOf(without.querySelector('#session-s-am'))).toContain('余3');
    expect(textOf(without.querySelector('#release-note'))).toBe('下拉可刷新号源');
  });

  test('加入候补 refused because a seat was freed (`waitlistNotFull`): the message, then the schedule again', async () => {
    const wx = installWx({
      backend: withRules({
        'booking.schedule': scheduleReply(),
        'patient.list': ok({ cards: twoCards(), limit: 5 }),
        'booking.joinWaitlist': fail('FAILED_PRECONDITION', '该时段已有余号，请直接预约', {
          reason: 'waitlistNotFull',
        }),
      }),
      apis: { requestSubscribeMessage: (o: { success?: (r: unknown) => void }) => o.success?.({}) },
    });
    const page = await openPage('packageBooking/pages/schedule/index', { deptCode: 'XNK', kind: 'specialist' });
    await tapVant(page, '#waitlist-s-pm');
    await simulate.sleep(60);
    await tapVant(page.querySelector('#waitlist-cards')!, '#card-c1');
    await flush();
    expect(wx.argsOf('showModal')[0]).toMatchObject({ title: '加入候补失败', content: '该时段已有余号，请直接预约' });
    expect(bookingActions(wx.eventsTo('booking')).filter((a) => a === 'schedule')).toHaveLength(2);
  });

  test('加入候补 without the rules: no sheet, the error shown, nothing joined', async () => {
    const wx = installWx({
      backend: withRules({
        'booking.rules': networkDown(),
        'booking.schedule': scheduleReply(),
        'patient.list': ok({ cards: twoCards(), limit: 5 }),
      }),
    });
    const page = await openPage('packageBooking/pages/schedule/index', { deptCode: 'XNK', kind: 'specialist' });
    await tapVant(page, '#waitlist-s-pm');
    expect(page.querySelector('#card-sheet')!.data.show).toBe(false);
    expect(wx.argsOf('showToast')[0]).toMatchObject({ title: '网络异常，请稍后重试' });
    expect(bookingActions(wx.eventsTo('booking'))).not.toContain('joinWaitlist');
  });
});
