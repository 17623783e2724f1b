import { valueProblem, type KeyType } from '../../../devstack/cloud/subscribe';
import { createCloudEmulator } from '../../../devstack/cloud';
import { DEVSTACK_TEMPLATES } from '../../../devstack/seed/subscribe-templates';
import { memoryEmulator, rejection, type Harness } from './helpers';

const good = { thing1: { value: '张*三' }, time2: { value: '2026年11月27日 09:00' } };

describe('cloud emulator: subscribeMessage.send', () => {
  let h: Harness;
  beforeEach(() => {
    h = memoryEmulator();
  });
  afterEach(() => h.emu.close());
  const send = (p: Record<string, unknown>): Promise<{ errCode: 0; errMsg: string }> =>
    h.emu.sdk.openapi.subscribeMessage.send(p as never);

  it('unknown template → 40037', async () => {
    const err = await rejection(send({ touser: 'o1', templateId: 'nope', data: good }));
    expect(err.errCode).toBe(40037);
    expect(err.errMsg).toContain('openapi.subscribeMessage.send:fail');
  });

  it('empty touser → 40003', async () => {
    expect((await rejection(send({ touser: '', templateId: 'tmpl-one', data: good }))).errCode).toBe(40003);
  });

  it('no consent → 43101; a one-time consent is consumed by a successful send', async () => {
    expect((await rejection(send({ touser: 'o1', templateId: 'tmpl-one', data: good }))).errCode).toBe(43101);
    h.emu.subscriptions.grant('o1', 'tmpl-one');
    h.emu.subscriptions.grant('o1', 'tmpl-one');
    expect(h.emu.subscriptions.consents('o1')).toEqual([{ templateId: 'tmpl-one', remaining: 2 }]);
    await expect(
      send({ touser: 'o1', templateId: 'tmpl-one', page: 'pages/index/index', data: good }),
    ).resolves.toEqual({
      errCode: 0,
      errMsg: 'openapi.subscribeMessage.send:ok',
    });
    expect(h.emu.subscriptions.consents('o1')).toEqual([{ templateId: 'tmpl-one', remaining: 1 }]);
    await send({ touser: 'o1', templateId: 'tmpl-one', data: good });
    expect(h.emu.subscriptions.consents('o1')).toEqual([]);
    expect((await rejection(send({ touser: 'o1', templateId: 'tmpl-one', data: good }))).errCode).toBe(43101);
    // another user's consent does not help
    h.emu.subscriptions.grant('o2', 'tmpl-one', 3);
    expect((await rejection(send({ touser: 'o1', templateId: 'tmpl-one', data: good }))).errCode).toBe(43101);
  });

  it('a rejected send does not consume the consent', async () => {
    h.emu.subscriptions.grant('o1', 'tmpl-one');
    const err = await rejection(
      send({ touser: 'o1', templateId: 'tmpl-one', data: { ...good, thing1: { value: 'x'.repeat(21) } } }),
    );
    expect(err.errCode).toBe(47003);
    expect(h.emu.subscriptions.consents('o1')).toEqual([{ templateId: 'tmpl-one', remaining: 1 }]);
  });

  it('concurrent sends consume each one-time consent exactly once', async () => {
    h.emu.subscriptions.grant('o1', 'tmpl-one', 5);
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, () => send({ touser: 'o1', templateId: 'tmpl-one', data: good })),
    );
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(5);
  });

  it('long-term templates need one grant ever', async () => {
    const data = { thing1: { value: '张*三' }, thing2: { value: '血常规' } };
    expect((await rejection(send({ touser: 'o1', templateId: 'tmpl-long', data }))).errCode).toBe(43101);
    h.emu.subscriptions.grant('o1', 'tmpl-long');
    for (let i = 0; i < 3; i++) await send({ touser: 'o1', templateId: 'tmpl-long', data });
    expect(h.emu.subscriptions.consents('o1')).toEqual([{ templateId: 'tmpl-long', remaining: 'long-term' }]);
  });

  it('data must have exactly the template keys, each { value: string } non-empty → else 47003 naming the key', async () => {
    h.emu.subscriptions.grant('o1', 'tmpl-one', 10);
    const cases: [Record<string, unknown>, string][] = [
      [{ thing1: good.thing1 }, 'data.time2'],
      [{ ...good, thing3: { value: 'x' } }, 'data.thing3'],
      [{ ...good, thing1: { value: '' } }, 'data.thing1.value'],
      [{ ...good, thing1: { value: 12 } }, 'data.thing1.value'],
      [{ ...good, thing1: 'x' }, 'data.thing1.value'],
      [{ ...good, time2: { value: '明天上午' } }, 'data.time2.value'],
    ];
    for (const [data, key] of cases) {
      const err = await rejection(send({ touser: 'o1', templateId: 'tmpl-one', data }));
      expect(err.errCode).toBe(47003);
      expect(err.errMsg).toContain(`argument invalid! ${key}`);
    }
    expect(h.emu.subscriptions.consents('o1')).toEqual([{ templateId: 'tmpl-one', remaining: 10 }]);
  });

  it('records every attempt in the outbox, newest first', async () => {
    h.emu.subscriptions.grant('o1', 'tmpl-one');
    h.now.value = new Date('2026-11-27T01:00:00.000Z');
    await send({ touser: 'o1', templateId: 'tmpl-one', page: 'packageBooking/pages/detail/index?id=1', data: good });
    h.now.value = new Date('2026-11-27T01:00:01.000Z');
    await rejection(send({ touser: 'o1', templateId: 'tmpl-one', data: good }));
    h.now.value = new Date('2026-11-27T01:00:02.000Z');
    await rejection(send({ touser: 'o1', templateId: 'bogus', data: good }));
    const outbox = h.emu.subscriptions.outbox();
    expect(outbox.map((e) => [e.status, e.errCode])).toEqual([
      ['rejected', 40037],
      ['rejected', 43101],
      ['sent', 0],
    ]);
    expect(outbox[2]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      at: '2026-11-27T01:00:00.000Z',
      touser: 'o1',
      templateId: 'tmpl-one',
      templateTitle: '预约成功通知',
      page: 'packageBooking/pages/detail/index?id=1',
      data: good,
      status: 'sent',
      errCode: 0,
      errMsg: 'openapi.subscribeMessage.send:ok',
    });
    expect(outbox[0]!.templateTitle).toBeNull();
    expect(h.emu.subscriptions.outbox(1)).toHaveLength(1);
  });

  it('grant rejects unknown templates; templates() lists them', () => {
    expect(() => h.emu.subscriptions.grant('o1', 'nope')).toThrow();
    expect(h.emu.subscriptions.templates().map((t) => t.id)).toEqual(['tmpl-one', 'tmpl-long']);
  });

  it('rejects template definitions with keys WeChat does not have', () => {
    expect(() =>
      createCloudEmulator({
        dbFile: ':memory:',
        templates: [{ id: 't', title: 't', kind: 'one-time', keys: { foo1: 'x' } }],
      }),
    ).toThrow('unsupported key');
  });

  it('the devstack templates are valid and sendable', async () => {
    const emu = createCloudEmulator({ dbFile: ':memory:', templates: DEVSTACK_TEMPLATES });
    const t = DEVSTACK_TEMPLATES.find((x) => x.id === 'tmpl-booking-confirmed')!;
    expect(Object.keys(t.keys)).toEqual(['thing1', 'thing2', 'thing3', 'time4', 'thing5', 'thing6']);
    for (const tmpl of DEVSTACK_TEMPLATES) {
      const n = Object.keys(tmpl.keys).length;
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(6);
    }
    emu.subscriptions.grant('o1', t.id);
    await expect(
      emu.sdk.openapi.subscribeMessage.send({
        touser: 'o1',
        templateId: t.id,
        data: {
          thing1: { value: '张*三' },
          thing2: { value: '心血管内科' },
          thing3: { value: '李医生' },
          time4: { value: '2026年11月27日 09:00' },
          thing5: { value: '门诊楼3楼A区' },
          thing6: { value: '请提前15分钟到达签到' },
        },
      }),
    ).resolves.toEqual({ errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' });
    emu.close();
  });
});

describe('subscription value rules by key type', () => {
  const accept: [KeyType, string][] = [
    ['thing', '心血管内科'],
    ['thing', '一二三四五六七八九十一二三四五六七八九十'],
    ['thing', 'Room 3-A，请带医保卡'],
    ['number', '12'],
    ['number', '3.14'],
    ['number', '1'.repeat(32)],
    ['letter', 'ABCdef'],
    ['symbol', '★'],
    ['symbol', '+-*/%'],
    ['character_string', 'ORD-20261127-0001'],
    ['character_string', 'A1_b2@c3'],
    ['time', '09:00'],
    ['time', '15:01:30'],
    ['time', '2026年11月27日 09:00'],
    ['time', '2026-11-27 09:00'],
    ['time', '2026-11-27 09:00~2026-11-27 09:30'],
    ['date', '2026年11月27日'],
    ['date', '2026-11-27'],
    ['date', '2026/11/27'],
    ['date', '11月27日'],
    ['date', '2026年11月27日 15:01'],
    ['date', '2026-11-27~2026-11-30'],
    ['amount', '¥12.50'],
    ['amount', '12.50元'],
    ['amount', '￥100'],
    ['amount', '0.01'],
    ['phone_number', '+86-0571-88888888'],
    ['phone_number', '13800138000'],
    ['car_number', '浙A8Z888'],
    ['car_number', '粤A8Z888挂'],
    ['name', '张三'],
    ['name', '张*三'],
    ['name', 'Zhang San'],
    ['name', '欧阳娜娜Nana'],
    ['phrase', '配送中'],
    ['phrase', '已结算'],
  ];
  const reject: [KeyType, string][] = [
    ['thing', '一二三四五六七八九十一二三四五六七八九十一'],
    ['thing', '第一行\n第二行'],
    ['thing', '   '],
    ['number', '12a'],
    ['number', '-5'],
    ['number', '1'.repeat(33)],
    ['letter', 'abc1'],
    ['letter', 'a'.repeat(33)],
    ['symbol', 'abc'],
    ['symbol', '******'],
    ['character_string', '订单123'],
    ['character_string', 'x'.repeat(33)],
    ['time', '明天上午'],
    ['time', '25:00'],
    ['time', '2026年11月27日'],
    ['date', '2026-13'],
    ['date', '下周一'],
    ['date', '09:00'],
    ['amount', '¥¥12'],
    ['amount', '12.5.0'],
    ['amount', '十二元'],
    ['amount', '12345678901'],
    ['phone_number', '1'.repeat(18)],
    ['phone_number', '电话13800138000'],
    ['car_number', '浙A8Z8888挂'],
    ['car_number', 'A浙8Z888'],
    ['name', '张三丰张三丰张三丰张三'],
    ['name', 'Zhang3'],
    ['name', 'a'.repeat(21)],
    ['phrase', '配送中配送中'],
    ['phrase', 'OK'],
  ];

  it.each(accept)('%s accepts %j', (type, value) => {
    expect(valueProblem(type, value)).toBeNull();
  });
  it.each(reject)('%s rejects %j', (type, value) => {
    expect(valueProblem(type, value)).not.toBeNull();
  });
});
