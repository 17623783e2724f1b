/**
 * `main` for a function with both actions and timer triggers. Timer events
 * (`{ Type: 'Timer', TriggerName, Time }`) are routed to `timers[TriggerName]`; everything else goes
 * to createMain (./handler.ts). Both answer and log through answerCall: one envelope mapping, one
 * log line (`trigger` instead of `action`). A timer event is only accepted without a WeChat user
 * (the platform's trigger): a client forging `{ Type: 'Timer' }` through callFunction gets
 * PERMISSION_DENIED.
 */
import { randomUUID } from 'node:crypto';
import type { Envelope } from '../../typings/envelope';
import type { CloudSdk } from '../ports/cloud-sdk';
import { AppError } from './errors';
import { answerCall, createMain, type ActionMap, type MainOptions } from './handler';
import { logger as defaultLogger } from './log';
import { systemClock, type Clock } from './time';

/** The platform's timer event: `Message` is the trigger's configured argument, if any. */
export interface TimerEvent {
  Type: 'Timer';
  TriggerName: string;
  Time?: string;
  Message?: string;
}

export type TimerJob = (now: Clock, event: TimerEvent) => Promise<unknown>;
export type TimerMap = Record<string, TimerJob>;

export function isTimerEvent(event: unknown): event is TimerEvent {
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
    const trigger = event.TriggerName;
    const requestId = randomUUID();
    return answerCall(
      log,
      () => ({ fn: opts.fn, trigger, requestId }),
      async () => {
        if (cloud.getWXContext().OPENID) throw new AppError('PERMISSION_DENIED', '无权执行该操作');
        const table = getTimers();
        const job = Object.prototype.hasOwnProperty.call(table, trigger) ? table[trigger] : undefined;
        if (!job) throw new AppError('INVALID_ARGUMENT', '不支持的定时任务', { field: 'TriggerName' });
        return job(clock, event);
      },
    );
  };
}
