import { z } from 'zod';
import { action, createMain } from '../../../server/core/handler';
import { AppError } from '../../../server/core/errors';
import type { Logger, LogFields } from '../../../server/core/log';
import type { WXContext } from '../../../server/ports/cloud-sdk';

function recordingLogger(): Logger & { lines: { level: string; msg: string; fields?: LogFields }[] } {
  const lines: { level: string; msg: string; fields?: LogFields }[] = [];
  return {
    lines,
    info: (msg, fields) => lines.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => lines.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => lines.push({ level: 'error', msg, fields }),
  };
}

function wx(openid: string): { getWXContext: () => WXContext } {
  return { getWXContext: () => ({ OPENID: openid, APPID: 'wx0000000000000000', SOURCE: 'wx_client', ENV: 'test' }) };
}

const echo = action({
  schema: z.object({ text: z.string({ error: '请输入内容' }).min(1, '请输入内容') }).strict(),
  run: async (input, ctx) => ({ text: input.text, openid: ctx.openid }),
});

describe('createMain', () => {
  it('routes the action with the caller from getWXContext, never from the event', async () => {
    const main = createMain(wx('u1'), { echo }, { fn: 't', log: recordingLogger() });
    const res = await main({ action: 'echo', text: 'hi', userInfo: { openId: 'spoofed', appId: 'x' } });
    expect(res).toEqual({ ok: true, data: { text: 'hi', openid: 'u1' } });
  });

  it('names the field of a schema violation', async () => {
    const main = createMain(wx('u1'), { echo }, { fn: 't', log: recordingLogger() });
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
    const main = createMain(wx('u1'), { echo }, { fn: 't', log: recordingLogger() });
    expect(await main(event)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field } });
  });

  it('refuses calls without a WeChat identity', async () => {
    const main = createMain(wx(''), { echo }, { fn: 't', log: recordingLogger() });
    expect(await main({ action: 'echo', text: 'x' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('maps AppError and unexpected errors, logging no payload', async () => {
    const log = recordingLogger();
    const main = createMain(
      wx('u1'),
      {
        fail: action({
          schema: z.object({ secret: z.string() }).strict(),
          run: async () => {
            throw new AppError('FAILED_PRECONDITION', '不可以', undefined, 'rule x');
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
      error: { code: 'FAILED_PRECONDITION', message: '不可以' },
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
  });
});
