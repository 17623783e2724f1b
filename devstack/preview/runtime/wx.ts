/**
 * The `wx` object of the browser preview. Implemented APIs talk to the devstack (request and
 * cloud.callFunction, ./network.ts; subscription consents, ./subscribe.ts; requestPayment and
 * requestMedicalInsurancePay through its pay sandbox, ./pay.ts and ./med-ins-pay.ts), to
 * localStorage (storage, prefix `mp:`), to the overlay widgets (toast, modal, loading, action
 * sheet, consent, the pay sheets), to the clipboard, to the page stack, and to the look-alikes of
 * the 医保 and contract-signing mini programs (navigateToMiniProgram, ./mini-program.ts).
 *
 * Anything else is a Proxy miss: `reportMissingApi(name)` puts a red banner on the phone, logs
 * `[preview] wx.<name> is not implemented in the preview runtime` and throws — never a silent
 * `undefined`. Async APIs follow WeChat: callbacks (success/fail/complete) when any is given,
 * otherwise a Promise.
 */
import * as ui from '../ui/index';
import { asyncApi, unsupported, type Opts } from './async-api';
import {
  currentOpenid,
  describeError,
  errors,
  overlayRoot,
  readStorage,
  reportError,
  STORAGE_PREFIX,
  writeStorage,
} from './state';
import { getClipboardData, setClipboardData } from './clipboard';
import { requestMedicalInsurancePay } from './med-ins-pay';
import { navigateToMiniProgram, type ReferrerInfo } from './mini-program';
import { cloud, request, urlOf } from './network';
import { requestPayment } from './pay';
import type { SandboxDeps } from './sandbox-fetch';
import { requestSubscribeMessage } from './subscribe';
import { WxFail } from './wx-fail';

export { rewriteDevstackUrl } from './network';

/** Leaving the app for another mini program and coming back (App and page onHide / onShow). */
export interface AppLifecycle {
  leave(): void;
  comeBack(referrerInfo: ReferrerInfo): void;
}

export interface RouterApi {
  navigateTo(url: string): Promise<void>;
  redirectTo(url: string): Promise<void>;
  navigateBack(delta: number): Promise<void>;
  switchTab(url: string): Promise<void>;
  reLaunch(url: string): Promise<void>;
  setTitle(title: string): void;
  startPullDownRefresh(): void;
  stopPullDownRefresh(): void;
  pageScrollTo(scrollTop: number, duration: number): void;
  /** The current page's component instance (for selector queries). */
  currentInstance(): SelectorHost | null;
  /** Height of the page area in px (screen minus navigation and tab bars). */
  windowHeight(): number;
}

interface SelectorHost {
  createSelectorQuery(): Record<string, unknown>;
  createIntersectionObserver(options?: unknown): unknown;
}

export const SCREEN_WIDTH = 375;
export const SCREEN_HEIGHT = 812;
export const STATUS_BAR_HEIGHT = 20;
export const NAV_BAR_HEIGHT = 44;
export const APP_ID = 'wxpreview00000000';

export function missingApiMessage(name: string): string {
  return `[preview] wx.${name} is not implemented in the preview runtime`;
}

/** Red banner + console.error + throw: a page must never get a silent undefined. */
export function reportMissingApi(name: string): never {
  const message = missingApiMessage(name);
  errors.push(message);
  console.error(message);
  try {
    ui.showApiError(overlayRoot(), `预览环境未实现 wx.${name}\n${message}`);
  } catch {
    // no frame yet: the console has it
  }
  throw new Error(message);
}

function systemInfo(router: RouterApi): Record<string, unknown> {
  const windowHeight = router.windowHeight();
  return {
    brand: 'devtools',
    model: 'iPhone X (preview)',
    pixelRatio: 2,
    screenWidth: SCREEN_WIDTH,
    screenHeight: SCREEN_HEIGHT,
    windowWidth: SCREEN_WIDTH,
    windowHeight,
    statusBarHeight: STATUS_BAR_HEIGHT,
    language: 'zh_CN',
    version: '8.0.50',
    system: 'iOS 16.0',
    platform: 'devtools',
    fontSizeSetting: 16,
    SDKVersion: '3.5.0',
    benchmarkLevel: 1,
    theme: 'light',
    enableDebug: false,
    safeArea: {
      left: 0,
      right: SCREEN_WIDTH,
      top: STATUS_BAR_HEIGHT,
      bottom: SCREEN_HEIGHT,
      width: SCREEN_WIDTH,
      height: SCREEN_HEIGHT - STATUS_BAR_HEIGHT,
    },
  };
}

/**
 * Creates the preview's `wx`. `framework` is miniprogram-simulate's own API object: a few
 * framework-level helpers (createAnimation) are delegated to it.
 */
export function createWx(
  router: RouterApi,
  framework: Record<string, unknown>,
  app: AppLifecycle,
): Record<string, unknown> {
  const sandboxDeps: SandboxDeps = {
    origin: location.origin,
    root: overlayRoot,
    fetch: (u, i) => fetch(u, i),
    report: reportError,
  };
  const storageKeys = (): string[] => {
    const keys: string[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k && k.startsWith(STORAGE_PREFIX)) keys.push(k.slice(STORAGE_PREFIX.length));
    }
    return keys;
  };
  const requireKey = (api: string, key: unknown): string => {
    if (typeof key !== 'string' || key === '')
      throw new WxFail(`${api}:fail parameter error: key should be a non-empty string`);
    return key;
  };

  const nav = (api: string, fn: (opts: Opts) => Promise<void>) =>
    asyncApi(api, async (opts) => {
      try {
        await fn(opts);
      } catch (err) {
        throw new WxFail(`${api}:fail ${err instanceof Error ? err.message : describeError(err)}`);
      }
    });

  const impl: Record<string, unknown> = {
    // ---- base ----
    canIUse: (schema: string) => {
      const name = String(schema).split('.')[0] ?? '';
      return name in impl && !String(schema).includes('.open-type.');
    },
    getSystemInfoSync: () => systemInfo(router),
    getSystemInfo: asyncApi('getSystemInfo', async () => systemInfo(router)),
    getWindowInfo: () => {
      const s = systemInfo(router);
      return {
        pixelRatio: s.pixelRatio,
        screenWidth: s.screenWidth,
        screenHeight: s.screenHeight,
        windowWidth: s.windowWidth,
        windowHeight: s.windowHeight,
        statusBarHeight: s.statusBarHeight,
        safeArea: s.safeArea,
        screenTop: 0,
      };
    },
    getDeviceInfo: () => {
      const s = systemInfo(router);
      return {
        brand: s.brand,
        model: s.model,
        pixelRatio: s.pixelRatio,
        system: s.system,
        platform: s.platform,
        benchmarkLevel: 1,
      };
    },
    getAppBaseInfo: () => {
      const s = systemInfo(router);
      return {
        SDKVersion: s.SDKVersion,
        language: s.language,
        version: s.version,
        theme: s.theme,
        enableDebug: false,
        fontSizeSetting: 16,
      };
    },
    getAccountInfoSync: () => ({ miniProgram: { appId: APP_ID, envVersion: 'develop', version: '' } }),
    getMenuButtonBoundingClientRect: () => {
      const top = STATUS_BAR_HEIGHT + 6;
      return { width: 87, height: 32, top, bottom: top + 32, left: SCREEN_WIDTH - 7 - 87, right: SCREEN_WIDTH - 7 };
    },
    nextTick: (fn: () => void) => {
      setTimeout(fn, 0);
    },
    env: { USER_DATA_PATH: 'http://usr' },

    // ---- storage ----
    setStorageSync: (key: unknown, data: unknown) => writeStorage(requireKey('setStorageSync', key), data),
    getStorageSync: (key: unknown) => readStorage(requireKey('getStorageSync', key)),
    removeStorageSync: (key: unknown) => localStorage.removeItem(STORAGE_PREFIX + requireKey('removeStorageSync', key)),
    clearStorageSync: () => storageKeys().forEach((k) => localStorage.removeItem(STORAGE_PREFIX + k)),
    getStorageInfoSync: () => ({ keys: storageKeys(), currentSize: 0, limitSize: 10240 }),
    setStorage: asyncApi('setStorage', async (o) => {
      writeStorage(requireKey('setStorage', o.key), o.data);
    }),
    getStorage: asyncApi('getStorage', async (o) => {
      const key = requireKey('getStorage', o.key);
      if (localStorage.getItem(STORAGE_PREFIX + key) === null) throw new WxFail('getStorage:fail data not found');
      return { data: readStorage(key) };
    }),
    removeStorage: asyncApi('removeStorage', async (o) => {
      localStorage.removeItem(STORAGE_PREFIX + requireKey('removeStorage', o.key));
    }),
    clearStorage: asyncApi('clearStorage', async () => {
      storageKeys().forEach((k) => localStorage.removeItem(STORAGE_PREFIX + k));
    }),
    getStorageInfo: asyncApi('getStorageInfo', async () => ({ keys: storageKeys(), currentSize: 0, limitSize: 10240 })),

    // ---- feedback ----
    showToast: asyncApi('showToast', async (o) => {
      ui.showToast(overlayRoot(), {
        title: String(o.title ?? ''),
        icon: (o.icon as 'success' | 'error' | 'loading' | 'none' | undefined) ?? 'success',
        duration: typeof o.duration === 'number' ? o.duration : 1500,
        mask: o.mask === true,
      });
    }),
    hideToast: asyncApi('hideToast', async () => ui.hideToast(overlayRoot())),
    showLoading: asyncApi('showLoading', async (o) => {
      ui.showLoading(overlayRoot(), { title: String(o.title ?? ''), mask: o.mask === true });
    }),
    hideLoading: asyncApi('hideLoading', async () => ui.hideLoading(overlayRoot())),
    showModal: asyncApi('showModal', async (o) => {
      const res = await ui.showModal(overlayRoot(), {
        title: o.title as string | undefined,
        content: o.content as string | undefined,
        showCancel: o.showCancel !== false,
        cancelText: o.cancelText as string | undefined,
        confirmText: o.confirmText as string | undefined,
        cancelColor: o.cancelColor as string | undefined,
        confirmColor: o.confirmColor as string | undefined,
        editable: o.editable === true,
        placeholderText: o.placeholderText as string | undefined,
      });
      return { ...res };
    }),
    showActionSheet: asyncApi('showActionSheet', async (o) => {
      const itemList = Array.isArray(o.itemList) ? o.itemList.map(String) : [];
      if (itemList.length === 0 || itemList.length > 6) {
        throw new WxFail('showActionSheet:fail parameter error: itemList should have 1 to 6 items');
      }
      const res = await ui.showActionSheet(overlayRoot(), {
        itemList,
        itemColor: o.itemColor as string | undefined,
        alertText: o.alertText as string | undefined,
      });
      if (!res) throw new WxFail('showActionSheet:fail cancel');
      return { tapIndex: res.tapIndex };
    }),
    vibrateShort: asyncApi('vibrateShort', async () => {
      console.debug('[preview] wx.vibrateShort: no vibration in a browser');
    }),
    vibrateLong: asyncApi('vibrateLong', async () => {
      console.debug('[preview] wx.vibrateLong: no vibration in a browser');
    }),

    // ---- navigation ----
    navigateTo: nav('navigateTo', (o) => router.navigateTo(urlOf(o, 'navigateTo'))),
    redirectTo: nav('redirectTo', (o) => router.redirectTo(urlOf(o, 'redirectTo'))),
    navigateBack: nav('navigateBack', (o) => router.navigateBack(typeof o.delta === 'number' ? o.delta : 1)),
    switchTab: nav('switchTab', (o) => router.switchTab(urlOf(o, 'switchTab'))),
    reLaunch: nav('reLaunch', (o) => router.reLaunch(urlOf(o, 'reLaunch'))),
    setNavigationBarTitle: asyncApi('setNavigationBarTitle', async (o) => router.setTitle(String(o.title ?? ''))),
    startPullDownRefresh: asyncApi('startPullDownRefresh', async () => router.startPullDownRefresh()),
    stopPullDownRefresh: asyncApi('stopPullDownRefresh', async () => router.stopPullDownRefresh()),
    pageScrollTo: asyncApi('pageScrollTo', async (o) => {
      router.pageScrollTo(
        typeof o.scrollTop === 'number' ? o.scrollTop : 0,
        typeof o.duration === 'number' ? o.duration : 300,
      );
    }),
    // The 医保 and contract-signing mini programs (./mini-program.ts); any other appId fails loudly.
    navigateToMiniProgram: asyncApi('navigateToMiniProgram', (o) =>
      navigateToMiniProgram(o, {
        ...sandboxDeps,
        openid: currentOpenid,
        storage: localStorage,
        leave: () => app.leave(),
        comeBack: (info) => app.comeBack(info),
      }),
    ),
    // WeChat Pay and 医保 mobile payment against the devstack's pay sandbox (./pay.ts, ./med-ins-pay.ts).
    requestPayment: asyncApi('requestPayment', (o) => requestPayment(o, sandboxDeps)),
    requestMedicalInsurancePay: asyncApi('requestMedicalInsurancePay', (o) =>
      requestMedicalInsurancePay(o, sandboxDeps),
    ),
    setClipboardData: asyncApi('setClipboardData', (o) => setClipboardData(o, overlayRoot)),
    getClipboardData: asyncApi('getClipboardData', () => getClipboardData()),
    getUserProfile: unsupported(
      'getUserProfile',
      '预览不支持获取用户头像昵称 (getUserProfile is not supported in the preview)',
    ),

    // ---- selector queries ----
    createSelectorQuery: () => {
      const page = router.currentInstance();
      if (!page) throw new Error('[preview] wx.createSelectorQuery: no page is shown');
      const q = page.createSelectorQuery();
      q.in = (component: SelectorHost) => component.createSelectorQuery();
      return q;
    },
    createIntersectionObserver: (component: SelectorHost | undefined, options?: unknown) => {
      const host = component ?? router.currentInstance();
      if (!host) throw new Error('[preview] wx.createIntersectionObserver: no page is shown');
      return host.createIntersectionObserver(options);
    },

    // ---- network, cloud, subscription messages ----
    request,
    cloud,
    requestSubscribeMessage,
  };

  // Framework helpers simulate implements well enough (Vant's transitions use them).
  for (const name of ['createAnimation']) {
    if (typeof framework[name] === 'function') impl[name] = framework[name];
  }

  return new Proxy(impl, {
    get(target, prop) {
      if (typeof prop === 'symbol') return undefined;
      if (prop === 'then' || prop === 'toJSON' || prop === '__esModule') return undefined;
      if (Object.prototype.hasOwnProperty.call(target, prop)) return target[prop];
      return reportMissingApi(prop);
    },
    has(target, prop) {
      return typeof prop === 'string' && Object.prototype.hasOwnProperty.call(target, prop);
    },
    set(target, prop, value) {
      // Page code must not patch wx; simulate's own boot-time assignment is allowed.
      target[String(prop)] = value;
      return true;
    },
  });
}
