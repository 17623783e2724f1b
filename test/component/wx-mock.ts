/**
 * A strict `wx` for component tests. App-level APIs (network, cloud, storage, navigation,
 * feedback) are recorded fakes; a short allowlist of framework APIs that Vant Weapp uses
 * internally (nextTick, selector queries, system info) passes through to miniprogram-simulate's
 * own implementation; ANY other access throws, so a page calling an unmocked API fails loudly.
 */
import { simulate } from './simulate';

/** miniprogram-simulate installs its API object as `global.wx` when first loaded (by ./simulate). */
const g = globalThis as unknown as { wx: Record<string, unknown> };
const frameworkWx: Record<string, unknown> = g.wx;

/** Framework APIs components may use internally; never app behaviour worth asserting. */
const FRAMEWORK_APIS = new Set([
  'nextTick',
  'canIUse',
  'getSystemInfoSync',
  'getWindowInfo',
  'getDeviceInfo',
  'getAppBaseInfo',
  'createSelectorQuery',
  'createIntersectionObserver',
  'createAnimation',
  'getMenuButtonBoundingClientRect',
  'env',
  // Vant only feature-detects it (`!!wx.getUserProfile`).
  'getUserProfile',
]);

export interface WxCall {
  api: string;
  args: unknown[];
}

/** What a fake backend returns for one function call. */
export type BackendReply =
  { kind: 'envelope'; body: unknown } | { kind: 'http'; statusCode: number; body: unknown } | { kind: 'network-down' };

export interface BackendCall {
  fn: string;
  event: Record<string, unknown>;
  transport: 'devstack' | 'cloud';
  /** devstack only: the X-WX-OPENID header sent. */
  openid?: string;
  url?: string;
  header?: Record<string, string>;
}

export type Backend = (call: BackendCall) => BackendReply | Promise<BackendReply>;

export const ok = (data: unknown): BackendReply => ({ kind: 'envelope', body: { ok: true, data } });
/** A refusal; the third argument is the field at fault, or `{ field?, reason? }` (ErrorBody). */
export const fail = (
  code: string,
  message: string,
  detail?: string | { field?: string; reason?: string },
): BackendReply => {
  const { field, reason } = typeof detail === 'string' ? { field: detail, reason: undefined } : (detail ?? {});
  return {
    kind: 'envelope',
    body: { ok: false, error: { code, message, ...(field ? { field } : {}), ...(reason ? { reason } : {}) } },
  };
};
export const networkDown = (): BackendReply => ({ kind: 'network-down' });

/** Routes `fn.action` → reply (or a function producing one); unknown routes answer NOT_FOUND loudly. */
export function routes(
  table: Record<string, BackendReply | ((call: BackendCall) => BackendReply | Promise<BackendReply>)>,
): Backend {
  return (call) => {
    const key = `${call.fn}.${String(call.event.action)}`;
    const entry = table[key];
    if (!entry) throw new Error(`backend: no route for ${key}`);
    return typeof entry === 'function' ? entry(call) : entry;
  };
}

export interface WxMockOptions {
  envVersion?: 'develop' | 'trial' | 'release';
  backend?: Backend;
  /** showModal answer: true = user taps 确定. */
  modalConfirm?: boolean;
  storage?: Record<string, unknown>;
  /** Extra or replacement APIs. */
  apis?: Record<string, unknown>;
}

export interface WxMock {
  calls: WxCall[];
  backendCalls: BackendCall[];
  storage: Map<string, unknown>;
  /** First arguments of every call to `api`, in order. */
  argsOf<T = Record<string, unknown>>(api: string): T[];
  /** Events sent to function `fn` (action included). */
  eventsTo(fn: string): Record<string, unknown>[];
  reset(): void;
}

type Opts = Record<string, unknown> & {
  success?: (res: unknown) => void;
  fail?: (err: unknown) => void;
  complete?: (res: unknown) => void;
};

function settle(opts: Opts | undefined, res: unknown): Promise<unknown> {
  opts?.success?.(res);
  opts?.complete?.(res);
  return Promise.resolve(res);
}

/** Installs a fresh strict `wx` as the global and returns its recorder. */
export function installWx(options: WxMockOptions = {}): WxMock {
  const calls: WxCall[] = [];
  const backendCalls: BackendCall[] = [];
  const storage = new Map<string, unknown>(Object.entries(options.storage ?? {}));
  const backend: Backend =
    options.backend ??
    ((call) => {
      throw new Error(`backend: unexpected call ${call.fn}.${String(call.event.action)}`);
    });

  const record = (api: string, args: unknown[]): void => {
    calls.push({ api, args });
  };

  const feedback =
    (api: string, res: unknown = { errMsg: `${api}:ok` }) =>
    (opts?: Opts): Promise<unknown> => {
      record(api, [opts]);
      return settle(opts, res);
    };

  const apis: Record<string, unknown> = {
    getAccountInfoSync: () => {
      record('getAccountInfoSync', []);
      return { miniProgram: { appId: 'wx0000000000000000', envVersion: options.envVersion ?? 'develop', version: '' } };
    },
    getStorageSync: (key: string) => {
      record('getStorageSync', [key]);
      return storage.has(key) ? storage.get(key) : '';
    },
    setStorageSync: (key: string, value: unknown) => {
      record('setStorageSync', [key, value]);
      storage.set(key, value);
    },
    removeStorageSync: (key: string) => {
      record('removeStorageSync', [key]);
      storage.delete(key);
    },
    showToast: feedback('showToast'),
    hideToast: feedback('hideToast'),
    showLoading: feedback('showLoading'),
    hideLoading: feedback('hideLoading'),
    showModal: (opts?: Opts) => {
      record('showModal', [opts]);
      const confirm = options.modalConfirm ?? true;
      return settle(opts, { errMsg: 'showModal:ok', confirm, cancel: !confirm });
    },
    navigateTo: feedback('navigateTo'),
    navigateBack: feedback('navigateBack'),
    redirectTo: feedback('redirectTo'),
    switchTab: feedback('switchTab'),
    reLaunch: feedback('reLaunch'),
    stopPullDownRefresh: feedback('stopPullDownRefresh'),
    request: (opts: Opts) => {
      record('request', [opts]);
      const url = String(opts.url);
      const match = /\/functions\/([^/?]+)$/.exec(url);
      const header = (opts.header ?? {}) as Record<string, string>;
      const call: BackendCall = {
        fn: match ? match[1]! : url,
        event: (opts.data ?? {}) as Record<string, unknown>,
        transport: 'devstack',
        url,
        header,
        openid: header['X-WX-OPENID'],
      };
      backendCalls.push(call);
      void Promise.resolve()
        .then(() => backend(call))
        .then((reply) => {
          if (reply.kind === 'network-down') {
            const err = { errMsg: 'request:fail net::ERR_CONNECTION_REFUSED' };
            opts.fail?.(err);
            opts.complete?.(err);
            return;
          }
          const res = {
            statusCode: reply.kind === 'http' ? reply.statusCode : 200,
            data: reply.body,
            header: {},
            errMsg: 'request:ok',
          };
          opts.success?.(res);
          opts.complete?.(res);
        });
      return { abort: () => undefined };
    },
    cloud: {
      init: (opts: unknown) => record('cloud.init', [opts]),
      callFunction: async (opts: Opts) => {
        record('cloud.callFunction', [opts]);
        const call: BackendCall = {
          fn: String(opts.name),
          event: (opts.data ?? {}) as Record<string, unknown>,
          transport: 'cloud',
        };
        backendCalls.push(call);
        const reply = await backend(call);
        if (reply.kind === 'network-down') {
          throw { errCode: -1, errMsg: 'cloud.callFunction:fail network error' };
        }
        return { errMsg: 'cloud.callFunction:ok', result: reply.body, requestID: 'test' };
      },
    },
    ...options.apis,
  };

  const proxy = new Proxy(apis, {
    get(target, prop) {
      if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') return undefined;
      if (prop in target) return target[prop];
      if (FRAMEWORK_APIS.has(prop) && prop in frameworkWx) return frameworkWx[prop];
      throw new Error(`wx.${prop} is not provided by the test's wx mock (test/component/wx-mock.ts)`);
    },
    has(target, prop) {
      return typeof prop === 'string' && (prop in target || (FRAMEWORK_APIS.has(prop) && prop in frameworkWx));
    },
  });
  g.wx = proxy;

  return {
    calls,
    backendCalls,
    storage,
    argsOf<T>(api: string): T[] {
      return calls.filter((c) => c.api === api).map((c) => c.args[0] as T);
    },
    eventsTo(fn: string) {
      return backendCalls.filter((c) => c.fn === fn).map((c) => c.event);
    },
    reset() {
      calls.length = 0;
      backendCalls.length = 0;
    },
  };
}

/** Waits for pending promise chains, timers and Vant's nextTick-based updates to settle. */
export async function flush(times = 3): Promise<void> {
  for (let i = 0; i < times; i++) await simulate.sleep(0);
}
