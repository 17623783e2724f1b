/**
 * WeChat's async API convention for the preview's `wx`: callbacks (success/fail/complete) when any
 * is given, otherwise a Promise; `errMsg` `<api>:ok` or `<api>:fail …`.
 */
import { describeError, reportError } from './state';
import { WxFail } from './wx-fail';

export type Callbacks = {
  success?: (res: unknown) => void;
  fail?: (err: unknown) => void;
  complete?: (res: unknown) => void;
};
export type Opts = Record<string, unknown> & Callbacks;

export function failOf(api: string, err: unknown): { errMsg: string } {
  if (err instanceof WxFail) return { errMsg: err.errMsg };
  return { errMsg: `${api}:fail ${describeError(err)}` };
}

/** Wraps an async implementation in WeChat's callback-or-promise convention. */
export function asyncApi(api: string, impl: (opts: Opts) => Promise<Record<string, unknown> | void>) {
  return (opts: Opts = {}): Promise<unknown> | undefined => {
    const o = opts ?? {};
    const p = Promise.resolve()
      .then(() => impl(o))
      .then(
        (res) => ({ errMsg: `${api}:ok`, ...(res ?? {}) }),
        (err: unknown) => Promise.reject(failOf(api, err)),
      );
    if (!o.success && !o.fail && !o.complete) return p;
    p.then(
      (res) => {
        o.success?.(res);
        o.complete?.(res);
      },
      (err: unknown) => {
        o.fail?.(err);
        o.complete?.(err);
      },
    );
    return undefined;
  };
}

/** An API the preview deliberately does not support yet: loud, and `fail` with a clear message. */
export function unsupported(api: string, why: string) {
  return asyncApi(api, () => {
    const message = `[preview] wx.${api}: ${why}`;
    reportError(message);
    throw new WxFail(`${api}:fail ${why}`);
  });
}
