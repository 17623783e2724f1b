import { z } from 'zod';
import { action, createMain } from '../../../server/core/handler';
import { AppError } from '../../../server/core/errors';
import { createTimerAwareMain } from '../../../server/core/timer-main';
import { memoryLogger } from './memory-logger';
import type { WXContext } from '../../../server/ports/cloud-sdk';

function wx(openid: string): { getWXContext: () => WXContext } {
  return { getWXContext: () => ({ OPENID: openid, APPID: 'wx0000000000000000', SOURCE: 'wx_client', ENV: 'test' }) };
}

const echo = action({
  schema: z.object({ text: z.string({ error: '请输入内容' }).min(1, '请输入内容') }).strict(),
  run: async (input, ctx) => ({ text: input.text, openid: ctx.openid }),
});

describe('createMain', () => {
  it('routes the action with the caller from getWXContext, never from the event', async () => {
    const main = createMain(wx('u1'), { echo }, { fn: 't', log: memoryLogger() });
    const res = await main({ action: 'echo', text: 'hi', userInfo: { openId: 'spoofed', appId: 'x' } });
    expect(res).toEqual({ ok: true, data: { text: 'hi', openid: 'u1' } });
  });

  it('names the field of a schema violation', async () => {
    const main = createMain(wx('u1'), { echo }, { fn: 't', log: memoryLogger() });
    expect(await main({ action: 'echo', text: '' })).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: '请输入内容', field: 'text' },
    });
    expect(await main({ action: 'echo' })).toMatchObject({ ok: false, error: { field: 'text' } });
    expect(await main({ action: 'echo', text: 'a', extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', field: 'extra' },
    });
  });

  it.each([
    [null, '(payload)'],
    [[], '(payload)'],
    ['echo', '(payload)'],
    [{}, 'action'],
    [{ action: 5 }, 'action'],
    [{ action: 'nope' }, 'action'],
    [{ action: 'toString' }, 'action'],
  ])('refuses the event %p', async (event, field) => {
    const main = createMain(wx('u1'), { echo }, { fn: 't', log: memoryLogger() });
    expect(await main(event)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field } });
  });

  it('refuses calls without a WeChat identity', async () => {
    const main = createMain(wx(''), { echo }, { fn: 't', log: memoryLogger() });
    expect(await main({ action: 'echo', text: 'x' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('maps AppError and unexpected errors, logging no payload', async () => {
    const log = memoryLogger();
    const main = createMain(
      wx('u1'),
      {
        fail: action({
          schema: z.object({ secret: z.string() }).strict(),
          run: async () => {
            throw new AppError('FAILED_PRECONDITION', '不可以', { reason: 'notAllowed', detail: 'rule x' });
          },
        }),
        boom: action({
          schema: z.object({ secret: z.string() }).strict(),
          run: async () => {
            throw new TypeError('kaput');
          },
        }),
      },
      { fn: 't', log },
    );
    expect(await main({ action: 'fail', secret: '330602199001011234' })).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: '不可以', reason: 'notAllowed' },
    });
    expect(await main({ action: 'boom', secret: '330602199001011234' })).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试' },
    });
    const text = JSON.stringify(log.lines);
    expect(text).not.toContain('330602199001011234');
    expect(log.lines.map((l) => [l.level, l.fields?.code])).toEqual([
      ['info', 'FAILED_PRECONDITION'],
      ['error', 'INTERNAL'],
    ]);
    // The detail goes to the log only; the reason to both.
    expect(log.lines[0]).toMatchObject({
      msg: 'call',
      fields: { fn: 't', action: 'fail', ok: false, reason: 'notAllowed', detail: 'rule x' },
    });
  });
});

describe('createTimerAwareMain', () => {
  const timerEvent = (name: string) => ({ Type: 'Timer', TriggerName: name, Time: '2026-06-15T02:00:00Z' });
  const jobs = {
    ok: async () => ({ done: 1 }),
    refused: async () => {
      throw new AppError('UNAVAILABLE', '医院系统繁忙，请稍后再试', { reason: 'hisUnavailable', detail: 'his down' });
    },
    boom: async () => {
      throw new TypeError('kaput');
    },
  };

  it('routes timer events to their job and logs the same line as a call (trigger instead of action)', async () => {
    const log = memoryLogger();
    const main = createTimerAwareMain(wx(''), { echo }, jobs, { fn: 't', log });
    expect(await main(timerEvent('ok'))).toEqual({ ok: true, data: { done: 1 } });
    expect(log.lines).toEqual([
      { level: 'info', msg: 'call', fields: expect.objectContaining({ fn: 't', trigger: 'ok', ok: true }) },
    ]);
    // Everything else is an action call.
    expect(
      await createTimerAwareMain(wx('u1'), { echo }, jobs, { fn: 't', log })({ action: 'echo', text: 'a' }),
    ).toEqual({ ok: true, data: { text: 'a', openid: 'u1' } });
  });

  it('maps a job failure as createMain maps an action failure', async () => {
    const log = memoryLogger();
    const main = createTimerAwareMain(wx(''), { echo }, jobs, { fn: 't', log });
    expect(await main(timerEvent('refused'))).toEqual({
      ok: false,
      error: { code: 'UNAVAILABLE', message: '医院系统繁忙，请稍后再试', reason: 'hisUnavailable' },
    });
    expect(await main(timerEvent('boom'))).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试' },
    });
    expect(await main(timerEvent('nope'))).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: '不支持的定时任务', field: 'TriggerName' },
    });
    expect(log.lines.map((l) => [l.level, l.fields?.trigger, l.fields?.code, l.fields?.detail])).toEqual([
      ['error', 'refused', 'UNAVAILABLE', 'his down'],
      ['error', 'boom', 'INTERNAL', 'TypeError: kaput'],
      ['info', 'nope', 'INVALID_ARGUMENT', undefined],
    ]);
  });

  it('refuses a timer event that carries a WeChat user (forged through callFunction)', async () => {
    let ran = false;
    const main = createTimerAwareMain(
      wx('u1'),
      { echo },
      {
        ok: async () => {
          ran = true;
        },
      },
      { fn: 't', log: memoryLogger() },
    );
    expect(await main(timerEvent('ok'))).toEqual({
      ok: false,
      error: { code: 'PERMISSION_DENIED', message: '无权执行该操作' },
    });
    expect(ran).toBe(false);
  });
});
