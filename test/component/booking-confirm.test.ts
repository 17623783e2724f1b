/** 确认预约 packageBooking/pages/confirm: the session by id, the rules, consent on the tap, idempotent booking. */
import { freshPagesEachTest, openPage, tapVant, textOf } from './helpers';
import type { PageComponent } from './helpers';
import { fail, flush, installWx, networkDown, ok } from './wx-mock';
import type { BackendCall, BackendReply, WxMock } from './wx-mock';
import { booking, bookingActions, rules, session, twoCards, withRules } from './booking-fixtures';

freshPagesEachTest();

type Consent = 'accept' | 'reject' | 'fail';

/** The session the confirm page asks for by id; any other id is NOT_FOUND, as the server answers. */
function sessionRoute(call: BackendCall): BackendReply {
  return call.event.sessionId === 's-am' ? ok(session()) : fail('NOT_FOUND', '号源不存在或已停诊');
}

function confirmWx(
  bookReplies: (BackendReply | Promise<BackendReply>)[],
  consent: Consent = 'accept',
  cards = twoCards(),
  rulesRoute: BackendReply | (() => BackendReply) = ok(rules()),
) {
  const replies = bookReplies.slice();
  const order: string[] = [];
  const wx = installWx({
    backend: withRules({
      'booking.rules': rulesRoute,
      'booking.session': sessionRoute,
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

function openConfirm(query: Record<string, string> = { sessionId: 's-am', time: '09%3A00' }) {
  return openPage('packageBooking/pages/confirm/index', query);
}

/** Taps 确认预约 and lets what it starts (consent, the `book` call, the page's answer) settle. */
async function submit(page: PageComponent): Promise<void> {
  await tapVant(page, '#confirm');
  await flush();
}

/** The `book` events sent, in order. */
const booksOf = (wx: WxMock) => wx.eventsTo('booking').filter((e) => e.action === 'book');

describe('确认预约 packageBooking/pages/confirm', () => {
  test('shows the visit, fee, rules and the default card preselected', async () => {
    const { wx } = confirmWx([]);
    const page = await openConfirm();
    // One session by id, and the rules: never the whole schedule.
    expect(wx.eventsTo('booking')).toEqual([{ action: 'session', sessionId: 's-am' }, { action: 'rules' }]);
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
    await submit(page);
    expect(order).toEqual(['consent', 'book']);
    // The ids of `rules.consent.book`, loaded with the page: the tap asks before anything asynchronous.
    expect(wx.argsOf<{ tmplIds: string[] }>('requestSubscribeMessage')[0]!.tmplIds).toEqual(rules().consent.book);
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
      await submit(page);
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
    await submit(page);
    expect(wx.argsOf('showModal')[0]).toMatchObject({ content: '网络异常，请稍后重试' });
    expect(textOf(page.querySelector('#submit-error'))).toBe('网络异常，请稍后重试');
    expect(page.querySelector('#confirm')!.data.disabled).toBe(false);
    expect(wx.argsOf('redirectTo')).toHaveLength(0);

    await submit(page);
    const books = booksOf(wx);
    expect(books).toHaveLength(2);
    expect(books[1]!.idempotencyKey).toBe(books[0]!.idempotencyKey);
    expect(wx.argsOf('redirectTo')).toHaveLength(1);
  });

  test("a definite refusal shows the server's message; a later attempt uses a fresh key", async () => {
    const { wx } = confirmWx([
      fail('ALREADY_EXISTS', '该就诊人当天已预约本科室，不能重复预约', { reason: 'perDeptDay' }),
      ok(booking()),
    ]);
    const page = await openConfirm();
    await submit(page);
    expect(wx.argsOf('showModal')[0]).toMatchObject({
      title: '预约未成功',
      content: '该就诊人当天已预约本科室，不能重复预约',
    });
    expect(textOf(page.querySelector('#submit-error'))).toBe('该就诊人当天已预约本科室，不能重复预约');
    expect(wx.argsOf('redirectTo')).toHaveLength(0);

    await tapVant(page, '#card-picker >>> #card-c2');
    await submit(page);
    const books = booksOf(wx);
    expect(books[1]).toMatchObject({ cardId: 'c2' });
    expect(books[1]!.idempotencyKey).not.toBe(books[0]!.idempotencyKey);
  });

  test.each([
    ['UNAVAILABLE', 'pending', '医院系统确认中，请稍后在预约记录中查看结果'],
    ['ABORTED', 'processing', '正在处理您的预约，请稍候'],
  ])('%s `%s`: the outcome is unknown, so the retry reuses the SAME key', async (code, reason, message) => {
    const { wx } = confirmWx([fail(code, message, { reason }), ok(booking())]);
    const page = await openConfirm();
    await submit(page);
    expect(wx.argsOf('showModal')[0]).toMatchObject({ content: message });
    await submit(page);
    const books = booksOf(wx);
    expect(books).toHaveLength(2);
    expect(books[1]!.idempotencyKey).toBe(books[0]!.idempotencyKey);
  });

  test('UNAVAILABLE `hisUnavailable`: nothing was booked, so the next attempt is a new request', async () => {
    const { wx } = confirmWx([
      fail('UNAVAILABLE', '医院系统繁忙，请稍后再试', { reason: 'hisUnavailable' }),
      ok(booking()),
    ]);
    const page = await openConfirm();
    await submit(page);
    await submit(page);
    const books = booksOf(wx);
    expect(books).toHaveLength(2);
    expect(books[1]!.idempotencyKey).not.toBe(books[0]!.idempotencyKey);
  });

  test('`full`: the message, then the button stays disabled with the hint to choose another time', async () => {
    const { wx } = confirmWx([fail('FAILED_PRECONDITION', '该时段已约满，请选择其他时段', { reason: 'full' })]);
    const page = await openConfirm();
    await submit(page);
    expect(wx.argsOf('showModal')[0]).toMatchObject({ content: '该时段已约满，请选择其他时段' });
    expect(page.querySelector('#confirm')!.data.disabled).toBe(true);
    expect(textOf(page.querySelector('#unbookable'))).toContain('请返回选择其他时段');
    await tapVant(page, '#confirm');
    expect(booksOf(wx)).toHaveLength(1);
  });

  test('no card: prompt to add one and the button stays disabled', async () => {
    const { wx } = confirmWx([], 'accept', []);
    const page = await openConfirm();
    expect(textOf(page.querySelector('#card-picker >>> #no-card'))).toContain('请先添加就诊人');
    expect(page.querySelector('#confirm')!.data.disabled).toBe(true);
    await tapVant(page, '#card-picker >>> #no-card >>> #action');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/pages/patients/add/index' });
  });

  test('an unknown session (NOT_FOUND), or a time point it does not have, shows the not-found state', async () => {
    confirmWx([]);
    const gone = await openConfirm({ sessionId: 'gone', time: '09:00' });
    expect(textOf(gone.querySelector('#not-found'))).toContain('号源不存在或已停诊');
    const noTime = await openConfirm({ sessionId: 's-am', time: '11:00' });
    expect(textOf(noTime.querySelector('#not-found'))).toContain('号源不存在或已停诊');
  });

  test("the 预约须知 are this deployment's rules", async () => {
    confirmWx(
      [],
      'accept',
      twoCards(),
      ok(
        rules({
          onePerDeptPerDay: false,
          maxActivePerPatient: 4,
          cancelBeforeMinutes: 90,
          noShowLimit: 2,
          noShowWindowDays: 60,
          noShowBlockDays: 30,
          arrivalBeforeMinutes: 20,
        }),
      ),
    );
    const page = await openConfirm();
    const text = textOf(page.querySelector('#rules'));
    for (const s of [
      '最多 4 个',
      '就诊前 90 分钟以前',
      '60 天内爽约',
      '累计 2 次',
      '暂停预约挂号资格 30 天',
      '前 20 分钟内',
    ])
      expect(text).toContain(s);
    for (const s of ['同一天同一科室', '最多 5 个', '2 小时', '3 次', '30 分钟']) expect(text).not.toContain(s);
  });

  test('without the rules the page shows the error; 重新加载 asks for them again', async () => {
    let rulesDown = true;
    const { wx } = confirmWx([], 'accept', twoCards(), () => (rulesDown ? networkDown() : ok(rules())));
    const page = await openConfirm();
    expect(textOf(page.querySelector('#error-state'))).toContain('网络异常，请稍后重试');
    rulesDown = false;
    await tapVant(page, '#error-state >>> #retry');
    await flush();
    expect(page.querySelector('#confirm')).toBeTruthy();
    expect(textOf(page.querySelector('#rules'))).toContain('最多 5 个');
    // The failed answer was not kept for the app session.
    expect(bookingActions(wx.eventsTo('booking')).filter((a) => a === 'rules')).toHaveLength(2);
  });
});
