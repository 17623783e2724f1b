/**
 * `main` for a function with both actions and timer triggers. Timer events
 * (`{ Type: 'Timer', TriggerName, Time }`) are routed to `timers[TriggerName]`; everything else goes
 * to createMain (server/core/handler.ts, unchanged). A timer event is only accepted without a
 * WeChat user (the platform's trigger): a client forging `{ Type: 'Timer' }` through callFunction
 * gets PERMISSION_DENIED.
 */
import type { Envelope } from '../../../typings/envelope';
import { createMain, type ActionMap, type MainOptions } from '../../core/handler';
import { logger as defaultLogger } from '../../core/log';
import { systemClock, type Clock } from '../../core/time';
import type { CloudSdk } from '../../ports/cloud-sdk';

export type TimerJob = (now: Clock) => Promise<unknown>;
export type TimerMap = Record<string, TimerJob>;

export function isTimerEvent(event: unknown): event is { Type: 'Timer'; TriggerName: string; Time?: string } {
  return (
    typeof event === 'object' &&
    event !== null &&
    (event as { Type?: unknown }).Type === 'Timer' &&
    typeof (event as { TriggerName?: unknown }).TriggerName === 'string'
  );
}

export function createTimerAwareMain(
  cloud: Pick<CloudSdk, 'getWXContext'>,
  actions: ActionMap | (() => ActionMap),
  timers: TimerMap | (() => TimerMap),
  opts: MainOptions,
): (event: unknown, context?: unknown) => Promise<Envelope<unknown>> {
  const actionMain = createMain(cloud, actions, opts);
  const log = opts.log ?? defaultLogger;
  const clock = opts.clock ?? systemClock;
  let resolved: TimerMap | undefined;
  const getTimers = (): TimerMap => (resolved ??= typeof timers === 'function' ? timers() : timers);

  return async (event: unknown): Promise<Envelope<unknown>> => {
    if (!isTimerEvent(event)) return actionMain(event);
    const started = Date.now();
    const name = event.TriggerName;
    try {
      if (cloud.getWXContext().OPENID) {
        log.warn('timer', { fn: opts.fn, trigger: name, ok: false, code: 'PERMISSION_DENIED' });
        return { ok: false, error: { code: 'PERMISSION_DENIED', message: '无权执行该操作' } };
      }
      const table = getTimers();
      const job = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
      if (!job) {
        log.warn('timer', { fn: opts.fn, trigger: name, ok: false, code: 'INVALID_ARGUMENT' });
        return { ok: false, error: { code: 'INVALID_ARGUMENT', message: '不支持的定时任务', field: 'TriggerName' } };
      }
      const data = await job(clock);
      log.info('timer', { fn: opts.fn, trigger: name, ok: true, ms: Date.now() - started });
      return { ok: true, data };
    } catch (err) {
      log.error('timer', {
        fn: opts.fn,
        trigger: name,
        ok: false,
        detail: err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : 'error',
        ms: Date.now() - started,
      });
      return { ok: false, error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试' } };
    }
  };
}
