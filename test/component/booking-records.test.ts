/** 预约结果, 预约记录 and 预约详情 (packageBooking/pages/result, records, detail). */
import { simulate } from './simulate';
import { freshPagesEachTest, openPage, showPage, tapDialogButton, tapVant, textOf } from './helpers';
import { fail, flush, installWx, networkDown, ok, routes } from './wx-mock';
import type { BackendReply, WxMock } from './wx-mock';
import type { BookingView } from '../../typings/booking';
import { booking, rules, tapView, waitlistEntry, withRules } from './booking-fixtures';

freshPagesEachTest();

describe('预约结果 packageBooking/pages/result', () => {
  test('success state with time point, arrival window, location and fee; buttons', async () => {
    const wx = installWx({ backend: routes({ 'booking.get': ok(booking()) }) });
    const page = await openPage('packageBooking/pages/result/index', { bookingId: 'b1' });
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
    const page = await showPage('packageBooking/pages/records/index');
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
    const page = await showPage('packageBooking/pages/records/index');
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
    const page = await showPage('packageBooking/pages/records/index');
    expect(textOf(page.querySelector('#truncated'))).toContain('仅显示最近的预约记录');
  });

  test('a whole answer has no such note', async () => {
    installWx({
      backend: routes({ 'booking.list': ok({ bookings: [booking()], waitlist: [], truncated: false }) }),
    });
    const page = await showPage('packageBooking/pages/records/index');
    expect(page.querySelector('#booking-b1')).toBeTruthy();
    expect(page.querySelector('#truncated')).toBeFalsy();
  });

  test('error state shows the message', async () => {
    installWx({ backend: () => networkDown() });
    const page = await showPage('packageBooking/pages/records/index');
    expect(textOf(page.querySelector('#error-state'))).toContain('网络异常，请稍后重试');
  });
});

describe('预约详情 packageBooking/pages/detail', () => {
  /** What the page sent to `booking` besides the (once-per-app-session) `rules`. */
  const sentBesidesRules = (wx: WxMock) => wx.eventsTo('booking').filter((e) => e.action !== 'rules');

  /** The detail page opened with `query` and its first load settled. */
  const openDetail = (query: Record<string, string> = { bookingId: 'b1' }) =>
    openPage('packageBooking/pages/detail/index', query);

  /** The detail page showing `shown` (what `booking.get` answers), with the default rules. */
  function openDetailOf(shown: BookingView) {
    installWx({ backend: withRules({ 'booking.get': ok(shown) }) });
    return openDetail();
  }

  test('all fields; 取消预约 asks first, cancel sends nothing, confirm cancels', async () => {
    const wx = installWx({
      backend: withRules({
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
    // This booking's own deadline, and the no-show rule of `rules`.
    expect(textOf(page.querySelector('#cancel-hint'))).toBe('2024-05-06 07:00 后不可取消；90天内爽约3次将暂停预约');

    await tapVant(page, '#cancel');
    await simulate.sleep(60);
    expect(textOf(page.querySelector('#cancel-dialog'))).toContain('确定取消本次预约');
    await tapDialogButton(page, '#cancel-dialog', 'cancel');
    expect(sentBesidesRules(wx)).toHaveLength(1);

    await tapVant(page, '#cancel');
    await tapDialogButton(page, '#cancel-dialog', 'confirm');
    await flush();
    expect(sentBesidesRules(wx)[1]).toEqual({ action: 'cancel', bookingId: 'b1' });
    expect(textOf(page.querySelector('#status-tag'))).toBe('已取消');
    expect(page.querySelector('#cancel')).toBeFalsy();
    expect(textOf(page.querySelector('#booking-info'))).toContain('2024-05-02 09:00');
  });

  test('cancelled by the hospital (医生停诊): its own tag and a notice, nothing to cancel or check in', async () => {
    const page = await openDetailOf(
      booking({
        status: 'cancelled',
        cancelReason: 'stopped',
        canCancel: false,
        cancelledAt: '2024-05-05T02:00:00.000Z',
      }),
    );
    expect(textOf(page.querySelector('#status-tag'))).toBe('医生停诊');
    expect(textOf(page.querySelector('#cancel-notice'))).toContain('因医生停诊，本次预约已由医院取消');
    expect(page.querySelector('#cancel')).toBeFalsy();
    expect(page.querySelector('#check-in')).toBeFalsy();
  });

  test('cancelled by the patient: 已取消 and no notice', async () => {
    const page = await openDetailOf(booking({ status: 'cancelled', cancelReason: 'patient', canCancel: false }));
    expect(textOf(page.querySelector('#status-tag'))).toBe('已取消');
    expect(page.querySelector('#cancel-notice')).toBeFalsy();
  });

  test('cancelled at the hospital window: 已取消 with a notice saying where', async () => {
    const page = await openDetailOf(booking({ status: 'cancelled', cancelReason: 'window', canCancel: false }));
    expect(textOf(page.querySelector('#status-tag'))).toBe('已取消');
    expect(textOf(page.querySelector('#cancel-notice'))).toContain('本次预约已在医院窗口取消');
    expect(page.querySelector('#cancel')).toBeFalsy();
  });

  test('签到取号, then the queue status with a refresh', async () => {
    let ahead = 3;
    const wx = installWx({
      backend: withRules({
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
    expect(sentBesidesRules(wx)[1]).toEqual({ action: 'checkIn', bookingId: 'b1' });
    expect(sentBesidesRules(wx)[2]).toEqual({ action: 'queue', bookingId: 'b1' });
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
      backend: withRules({
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
    const wx = installWx({ backend: withRules({ 'booking.get': ok(booking()) }) });
    const page = await openDetail({ id: 'b1' });
    expect(sentBesidesRules(wx)).toEqual([{ action: 'get', bookingId: 'b1' }]);
    expect(textOf(page.querySelector('#display'))).toBe('09:00（16号）');
  });

  test('NOT_FOUND state', async () => {
    installWx({ backend: withRules({ 'booking.get': fail('NOT_FOUND', '预约不存在') }) });
    const page = await openDetail({ bookingId: 'nope' });
    expect(textOf(page.querySelector('#not-found'))).toContain('预约记录不存在');
  });

  test("the hint under 取消预约 follows this deployment's no-show rule and the booking's deadline", async () => {
    installWx({
      backend: withRules({
        'booking.rules': ok(rules({ noShowLimit: 4, noShowWindowDays: 30 })),
        'booking.get': ok(booking({ cancellableUntil: '2024-05-06T00:30:00.000Z' })),
      }),
    });
    const page = await openDetail();
    expect(textOf(page.querySelector('#cancel-hint'))).toBe('2024-05-06 08:30 后不可取消；30天内爽约4次将暂停预约');
  });

  test('without the rules the hint states the deadline only', async () => {
    installWx({ backend: withRules({ 'booking.rules': networkDown(), 'booking.get': ok(booking()) }) });
    const page = await openDetail();
    expect(page.querySelector('#cancel')).toBeTruthy();
    expect(textOf(page.querySelector('#cancel-hint'))).toBe('2024-05-06 07:00 后不可取消');
  });
});
