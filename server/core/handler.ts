import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Envelope } from '../../typings/envelope';
import type { CloudSdk, WXContext } from '../ports/cloud-sdk';
import { AppError } from './errors';
import { logger as defaultLogger, type Logger } from './log';
import { systemClock, type Clock } from './time';

/** What every action handler gets besides its validated payload. */
export interface CallContext {
  /** Caller identity, only ever from getWXContext(). */
  openid: string;
  appid: string;
  source: string;
  requestId: string;
  now: Clock;
  log: Logger;
}

export interface ActionDef<S extends z.ZodType = z.ZodType, R = unknown> {
  schema: S;
  /** Set for actions that may be called without a WeChat user (timers, HTTP access). */
  allowAnonymous?: boolean;
  run(input: z.infer<S>, ctx: CallContext): Promise<R>;
}

/** Helper that keeps the payload type tied to the schema. */
export function action<S extends z.ZodType, R>(def: ActionDef<S, R>): ActionDef<S, R> {
  return def;
}

/** Who a user's call acts for, as the services see it: the caller's openid and the call's clock. */
export interface Caller {
  openid: string;
  now: Clock;
}

/**
 * An action run for the calling WeChat user (the booking and patient functions): its handler gets
 * the payload and the Caller, and nothing else of the context.
 */
export function userAction<S extends z.ZodType, R>(
  schema: S,
  run: (input: z.infer<S>, caller: Caller) => Promise<R>,
): ActionDef<S, R> {
  return { schema, run: (input, ctx) => run(input, { openid: ctx.openid, now: ctx.now }) };
}

export type ActionMap = Record<string, ActionDef<z.ZodType, unknown>>;

/** Keys the platform adds to a callFunction event; never part of a payload. */
const PLATFORM_KEYS = new Set(['action', 'userInfo']);

/** Turns the first schema issue into INVALID_ARGUMENT naming the field. */
export function schemaError(error: z.ZodError): AppError {
  const issue = error.issues[0];
  if (!issue) return new AppError('INVALID_ARGUMENT', '参数不正确');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const field = [...issue.path.map(String), key].filter(Boolean).join('.');
    return new AppError('INVALID_ARGUMENT', `不支持的字段：${field}`, { field });
  }
  const field = issue.path.map(String).join('.') || '(payload)';
  return new AppError('INVALID_ARGUMENT', issue.message, { field });
}

export interface MainOptions {
  fn: string;
  clock?: Clock;
  log?: Logger;
}

/** What the one log line of a call names besides its outcome: an action, or a timer trigger. */
export type CallLine = { fn: string; requestId: string } & ({ action: string } | { trigger: string });

/**
 * Runs one call and answers it: its result as `{ ok: true, data }`, or its error mapped to the
 * envelope — an AppError as it is (code, message, field, reason), anything else as INTERNAL with a
 * generic message. Logs one line (`call`: function, action or trigger, outcome, code, reason,
 * field, detail, duration, request id; never the payload). Used by createMain and by
 * createTimerAwareMain (./timer-main.ts), so both answer and log alike.
 */
export async function answerCall(
  log: Logger,
  line: () => CallLine,
  run: () => Promise<unknown>,
): Promise<Envelope<unknown>> {
  const started = Date.now();
  try {
    const data = await run();
    log.info('call', { ...line(), ok: true, ms: Date.now() - started });
    return { ok: true, data };
  } catch (err) {
    const appErr =
      err instanceof AppError ? err : new AppError('INTERNAL', '系统繁忙，请稍后再试', { detail: errorSummary(err) });
    const level = appErr.code === 'INTERNAL' || appErr.code === 'UNAVAILABLE' ? 'error' : 'info';
    log[level]('call', {
      ...line(),
      ok: false,
      code: appErr.code,
      reason: appErr.reason,
      field: appErr.field,
      detail: appErr.detail,
      ms: Date.now() - started,
    });
    return { ok: false, error: appErr.toBody() };
  }
}

/**
 * Builds a cloud function's `main`: routes `event.action`, validates the payload with the action's
 * schema, takes identity from getWXContext(), and answers through answerCall (the envelope, one
 * log line per call).
 */
export function createMain(
  cloud: Pick<CloudSdk, 'getWXContext'>,
  actions: ActionMap | (() => ActionMap),
  opts: MainOptions,
): (event: unknown, context?: unknown) => Promise<Envelope<unknown>> {
  const log = opts.log ?? defaultLogger;
  const clock = opts.clock ?? systemClock;
  let resolved: ActionMap | undefined;
  const getActions = (): ActionMap => (resolved ??= typeof actions === 'function' ? actions() : actions);

  return (event: unknown): Promise<Envelope<unknown>> => {
    const requestId = randomUUID();
    let actionName = '(none)';
    return answerCall(
      log,
      () => ({ fn: opts.fn, action: actionName, requestId }),
      async () => {
        if (typeof event !== 'object' || event === null || Array.isArray(event)) {
          throw new AppError('INVALID_ARGUMENT', '请求格式不正确', { field: '(payload)' });
        }
        const ev = event as Record<string, unknown>;
        if (typeof ev.action !== 'string' || ev.action === '') {
          throw new AppError('INVALID_ARGUMENT', '缺少操作类型', { field: 'action' });
        }
        const table = getActions();
        const def = Object.prototype.hasOwnProperty.call(table, ev.action) ? table[ev.action] : undefined;
        if (!def) throw new AppError('INVALID_ARGUMENT', '不支持的操作', { field: 'action' });
        actionName = ev.action;

        const wx: WXContext = cloud.getWXContext();
        if (!def.allowAnonymous && !wx.OPENID) throw new AppError('UNAUTHENTICATED', '请在微信中打开');

        const payload: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(ev)) if (!PLATFORM_KEYS.has(k)) payload[k] = v;
        const parsed = def.schema.safeParse(payload);
        if (!parsed.success) throw schemaError(parsed.error);

        const ctx: CallContext = { openid: wx.OPENID, appid: wx.APPID, source: wx.SOURCE, requestId, now: clock, log };
        return def.run(parsed.data, ctx);
      },
    );
  };
}

/** Error name + message only (no stack with data, no event). */
function errorSummary(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 300);
  return String(err).slice(0, 300);
}
