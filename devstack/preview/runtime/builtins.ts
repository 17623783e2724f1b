/**
 * Built-in components with real browser behaviour. miniprogram-simulate registers every built-in
 * (`input`, `button`, ...) as an inert `<wx-*>` element; the preview re-registers the interactive
 * ones under the same ids (j-component's registry is keyed by id, so later registrations win) with
 * definitions that put real DOM inside the `<wx-*>` host and forward its events to the page with
 * `triggerEvent`, carrying the `detail` WeChat sends. Only the preview bundle does this: the jsdom
 * component tests keep simulate's plain built-ins.
 */
import * as ui from '../ui/index';
import type { Simulate } from './router';
import { overlayRoot, reportError } from './state';
import type { RouterApi } from './wx';

interface Exparser {
  Element: { getMethodCaller(node: unknown): Caller | undefined };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const exparser = require('miniprogram-exparser') as Exparser;

interface ExparserNode {
  $$: HTMLElement;
  addListener(name: string, fn: (e: { detail: Record<string, unknown> }) => void, opts?: unknown): void;
}

/** `this` inside a built-in's lifetimes/observers/methods (j-component's method caller). */
interface Caller {
  data: Record<string, unknown>;
  _exparserNode: ExparserNode;
  setData(data: Record<string, unknown>): void;
  triggerEvent(name: string, detail?: unknown, options?: Record<string, unknown>): void;
}

type Def = Record<string, unknown>;

function host(self: Caller): HTMLElement {
  return self._exparserNode.$$;
}

function callerOf(dom: Element): Caller | undefined {
  const node = (dom as unknown as { __wxElement?: unknown }).__wxElement;
  return node ? exparser.Element.getMethodCaller(node) : undefined;
}

const str = { type: String, value: '' };
const bool = { type: Boolean, value: false };

// ---------------------------------------------------------------- input / textarea

const NATIVE_KEY = '__mpNative';

function nativeOf(self: Caller): HTMLInputElement | HTMLTextAreaElement | undefined {
  return (host(self) as unknown as Record<string, HTMLInputElement | HTMLTextAreaElement | undefined>)[NATIVE_KEY];
}

function syncField(self: Caller): void {
  const field = nativeOf(self);
  if (!field) return;
  const d = self.data;
  const value = d.value === undefined || d.value === null ? '' : String(d.value);
  if (field.value !== value) field.value = value;
  field.placeholder = String(d.placeholder ?? '');
  field.disabled = d.disabled === true;
  const max = Number(d.maxlength);
  if (Number.isFinite(max) && max >= 0) field.maxLength = max;
  else field.removeAttribute('maxlength');
  if (field instanceof HTMLInputElement) {
    const type = String(d.type || 'text');
    field.type = d.password === true ? 'password' : 'text';
    field.inputMode = type === 'number' ? 'numeric' : type === 'digit' ? 'decimal' : 'text';
    host(self).setAttribute('data-type', type);
  }
  if (d.focus === true && document.activeElement !== field) setTimeout(() => field.focus(), 0);
  host(self).toggleAttribute('disabled', d.disabled === true);
}

function mountField(self: Caller, tag: 'input' | 'textarea'): void {
  const h = host(self) as unknown as Record<string, unknown> & HTMLElement;
  if (h[NATIVE_KEY]) return;
  const field = document.createElement(tag);
  field.className = 'mp-native-field';
  h[NATIVE_KEY] = field;
  let keyCode = 0;
  const cursor = (): number => field.selectionStart ?? field.value.length;
  field.addEventListener('keydown', (evt) => {
    const e = evt as KeyboardEvent;
    keyCode = e.keyCode;
    if (e.key === 'Enter' && (tag === 'input' || self.data.confirmType === 'send')) {
      self.triggerEvent('confirm', { value: field.value });
    }
  });
  field.addEventListener('input', (e) => {
    e.stopPropagation();
    self.triggerEvent('input', { value: field.value, cursor: cursor(), keyCode });
  });
  field.addEventListener('change', (e) => e.stopPropagation());
  field.addEventListener('focus', () => self.triggerEvent('focus', { value: field.value, height: 0 }));
  field.addEventListener('blur', () => self.triggerEvent('blur', { value: field.value, cursor: cursor() }));
  h.appendChild(field);
  syncField(self);
  if (self.data.autoFocus === true) setTimeout(() => field.focus(), 0);
}

function fieldDef(tag: 'input' | 'textarea'): Def {
  return {
    id: tag,
    tagName: `wx-${tag}`,
    template: '<slot/>',
    properties: {
      value: { type: null, value: '' },
      type: { type: String, value: 'text' },
      password: bool,
      placeholder: str,
      disabled: bool,
      maxlength: { type: Number, value: 140 },
      focus: bool,
      autoFocus: bool,
      autoHeight: bool,
      confirmType: str,
      name: str,
    },
    observers: {
      'value, type, password, placeholder, disabled, maxlength, focus'(this: Caller) {
        syncField(this);
      },
    },
    lifetimes: {
      attached(this: Caller) {
        mountField(this, tag);
      },
    },
  };
}

// ---------------------------------------------------------------- button / navigator

function buttonDef(): Def {
  return {
    id: 'button',
    tagName: 'wx-button',
    template: '<slot/>',
    properties: {
      size: str,
      type: str,
      plain: bool,
      disabled: bool,
      loading: bool,
      formType: str,
      openType: str,
      hoverClass: str,
    },
    observers: {
      'type, size, plain, disabled, loading'(this: Caller) {
        const h = host(this);
        const d = this.data;
        if (d.type) h.setAttribute('type', String(d.type));
        else h.removeAttribute('type');
        if (d.size) h.setAttribute('size', String(d.size));
        else h.removeAttribute('size');
        h.toggleAttribute('plain', d.plain === true);
        h.toggleAttribute('disabled', d.disabled === true);
      },
    },
    lifetimes: {
      attached(this: Caller) {
        const self: Caller = this as Caller; // captured by the DOM listeners below
        host(self).addEventListener('click', () => {
          const openType = String(self.data.openType ?? '');
          if (openType && self.data.disabled !== true) {
            reportError(`[preview] <button open-type="${openType}"> is not supported in the preview runtime`);
          }
          if (self.data.formType) {
            reportError(
              `[preview] <button form-type="${String(self.data.formType)}"> (<form>) is not supported in the preview runtime`,
            );
          }
        });
      },
    },
  };
}

function navigatorDef(router: RouterApi): Def {
  return {
    id: 'navigator',
    tagName: 'wx-navigator',
    template: '<slot/>',
    properties: {
      url: str,
      openType: { type: String, value: 'navigate' },
      delta: { type: Number, value: 1 },
      target: str,
    },
    lifetimes: {
      attached(this: Caller) {
        const self: Caller = this as Caller; // captured by the DOM listeners below
        host(self).addEventListener('click', () => {
          const url = String(self.data.url ?? '');
          const kind = String(self.data.openType || 'navigate');
          const run: Record<string, () => Promise<void>> = {
            navigate: () => router.navigateTo(url),
            redirect: () => router.redirectTo(url),
            switchTab: () => router.switchTab(url),
            reLaunch: () => router.reLaunch(url),
            navigateBack: () => router.navigateBack(Number(self.data.delta) || 1),
          };
          const fn = run[kind];
          if (!fn) {
            reportError(`[preview] <navigator open-type="${kind}"> is not supported in the preview runtime`);
            return;
          }
          fn().catch((err: unknown) => reportError(`[preview] <navigator> ${kind} ${url}: ${String(err)}`));
        });
      },
    },
  };
}

// ---------------------------------------------------------------- image / scroll-view / web-view

const IMAGE_FIT: Record<string, string> = {
  scaleToFill: 'fill',
  aspectFit: 'contain',
  aspectFill: 'cover',
  widthFix: 'fill',
  heightFix: 'fill',
};

/**
 * An image of the package (`/images/…`, absolute from the mini program root) as the data: URL the
 * build put in window.__MP_ASSETS__; anything else (http(s), data:, blob:) as it is.
 */
function imageUrl(src: string): string {
  const assets = (window as unknown as { __MP_ASSETS__?: Record<string, string> }).__MP_ASSETS__ ?? {};
  return Object.prototype.hasOwnProperty.call(assets, src) ? assets[src]! : src;
}

function imageDef(): Def {
  const sync = (self: Caller): void => {
    const img = host(self).querySelector(':scope > img.mp-native-img') as HTMLImageElement | null;
    if (!img) return;
    const mode = String(self.data.mode || 'scaleToFill');
    const src = imageUrl(String(self.data.src ?? ''));
    if (img.getAttribute('src') !== src) {
      if (src) img.src = src;
      else img.removeAttribute('src');
    }
    img.style.objectFit = IMAGE_FIT[mode] ?? 'none';
    host(self).setAttribute('data-mode', mode);
  };
  return {
    id: 'image',
    tagName: 'wx-image',
    template: '<slot/>',
    properties: { src: str, mode: { type: String, value: 'scaleToFill' }, lazyLoad: bool, showMenuByLongpress: bool },
    observers: {
      'src, mode'(this: Caller) {
        sync(this);
      },
    },
    lifetimes: {
      attached(this: Caller) {
        const self: Caller = this as Caller; // captured by the DOM listeners below
        const img = document.createElement('img');
        img.className = 'mp-native-img';
        img.alt = '';
        img.draggable = false;
        img.addEventListener('load', () =>
          self.triggerEvent('load', { width: img.naturalWidth, height: img.naturalHeight }),
        );
        img.addEventListener('error', () => self.triggerEvent('error', { errMsg: `GET ${img.src} failed` }));
        host(self).appendChild(img);
        sync(self);
      },
    },
  };
}

function scrollViewDef(): Def {
  return {
    id: 'scroll-view',
    tagName: 'wx-scroll-view',
    template: '<slot/>',
    properties: {
      scrollX: bool,
      scrollY: bool,
      scrollTop: { type: null, value: 0 },
      scrollLeft: { type: null, value: 0 },
      enableFlex: bool,
    },
    observers: {
      'scrollX, scrollY, scrollTop, scrollLeft'(this: Caller) {
        const h = host(this);
        h.style.overflowX = this.data.scrollX === true ? 'auto' : 'hidden';
        h.style.overflowY = this.data.scrollY === true ? 'auto' : 'hidden';
        const top = Number(this.data.scrollTop);
        if (Number.isFinite(top) && top > 0) h.scrollTop = top;
        const left = Number(this.data.scrollLeft);
        if (Number.isFinite(left) && left > 0) h.scrollLeft = left;
      },
    },
  };
}

function webViewDef(): Def {
  return {
    id: 'web-view',
    tagName: 'wx-web-view',
    template: '<slot/>',
    properties: { src: str },
    observers: {
      src(this: Caller) {
        const frame = host(this).querySelector('iframe');
        if (frame && frame.getAttribute('src') !== this.data.src) frame.src = String(this.data.src ?? '');
      },
    },
    lifetimes: {
      attached(this: Caller) {
        const frame = document.createElement('iframe');
        frame.className = 'mp-native-webview';
        frame.src = String(this.data.src ?? '');
        host(this).appendChild(frame);
      },
    },
  };
}

// ---------------------------------------------------------------- switch / picker

function switchDef(): Def {
  const sync = (self: Caller): void => {
    const h = host(self);
    h.toggleAttribute('checked', self.data.checked === true);
    h.toggleAttribute('disabled', self.data.disabled === true);
    h.setAttribute('data-type', String(self.data.type || 'switch'));
    h.style.setProperty('--mp-switch-color', String(self.data.color || '#04BE02'));
  };
  return {
    id: 'switch',
    tagName: 'wx-switch',
    template: '<slot/>',
    properties: { checked: bool, disabled: bool, type: { type: String, value: 'switch' }, color: str, name: str },
    observers: {
      'checked, disabled, type, color'(this: Caller) {
        sync(this);
      },
    },
    lifetimes: {
      attached(this: Caller) {
        const self: Caller = this as Caller; // captured by the DOM listeners below
        const knob = document.createElement('span');
        knob.className = 'mp-native-switch';
        host(self).appendChild(knob);
        sync(self);
        host(self).addEventListener('click', () => {
          if (self.data.disabled === true) return;
          const value = self.data.checked !== true;
          self.setData({ checked: value });
          self.triggerEvent('change', { value });
        });
      },
    },
  };
}

function pickerDef(): Def {
  return {
    id: 'picker',
    tagName: 'wx-picker',
    template: '<slot/>',
    properties: {
      mode: { type: String, value: 'selector' },
      range: { type: Array, value: [] },
      rangeKey: str,
      value: { type: null, value: 0 },
      disabled: bool,
    },
    lifetimes: {
      attached(this: Caller) {
        const self: Caller = this as Caller; // captured by the DOM listeners below
        host(self).addEventListener('click', () => {
          if (self.data.disabled === true) return;
          const mode = String(self.data.mode || 'selector');
          if (mode !== 'selector') {
            reportError(
              `[preview] <picker mode="${mode}"> is not supported in the preview runtime (only mode="selector")`,
            );
            return;
          }
          const range = Array.isArray(self.data.range) ? (self.data.range as unknown[]) : [];
          const key = String(self.data.rangeKey ?? '');
          const itemList = range.map((item) =>
            key && item && typeof item === 'object' ? String((item as Record<string, unknown>)[key]) : String(item),
          );
          if (itemList.length === 0) return;
          void ui.showActionSheet(overlayRoot(), { itemList }).then((res) => {
            if (res) self.triggerEvent('change', { value: res.tapIndex });
            else self.triggerEvent('cancel', {});
          });
        });
      },
    },
  };
}

// ---------------------------------------------------------------- radio / checkbox (+ groups)

function choiceDefs(kind: 'radio' | 'checkbox'): Def[] {
  const tapEvent = `mp${kind}tap`;
  const item: Def = {
    id: kind,
    tagName: `wx-${kind}`,
    template: '<slot/>',
    properties: { value: str, checked: bool, disabled: bool, color: str },
    observers: {
      'checked, disabled, color'(this: Caller) {
        const h = host(this);
        h.toggleAttribute('checked', this.data.checked === true);
        h.toggleAttribute('disabled', this.data.disabled === true);
        h.style.setProperty('--mp-choice-color', String(this.data.color || '#09BB07'));
      },
    },
    lifetimes: {
      attached(this: Caller) {
        const self: Caller = this as Caller; // captured by the DOM listeners below
        const icon = document.createElement('span');
        icon.className = `mp-native-${kind}`;
        host(self).insertBefore(icon, host(self).firstChild);
        host(self).addEventListener('click', (e) => {
          e.stopPropagation();
          if (self.data.disabled === true) return;
          if (kind === 'radio') {
            if (self.data.checked === true) return;
            self.setData({ checked: true });
          } else self.setData({ checked: self.data.checked !== true });
          self.triggerEvent(tapEvent, { value: self.data.value }, { bubbles: true, composed: true });
        });
      },
    },
  };
  const group: Def = {
    id: `${kind}-group`,
    tagName: `wx-${kind}-group`,
    template: '<slot/>',
    properties: { name: str },
    lifetimes: {
      attached(this: Caller) {
        const self: Caller = this as Caller; // captured by the DOM listeners below
        self._exparserNode.addListener(tapEvent, (e) => {
          const items = Array.from(host(self).querySelectorAll(`wx-${kind}`));
          if (kind === 'radio') {
            for (const dom of items) {
              const c = callerOf(dom);
              if (c && c.data.value !== e.detail.value && c.data.checked === true) c.setData({ checked: false });
            }
            self.triggerEvent('change', { value: e.detail.value });
          } else {
            const value = items
              .map((dom) => callerOf(dom))
              .filter((c) => c?.data.checked === true)
              .map((c) => c!.data.value);
            self.triggerEvent('change', { value });
          }
        });
      },
    },
  };
  return [item, group];
}

/** Re-registers the interactive built-ins; call after miniprogram-simulate has loaded. */
export function registerBuiltins(simulate: Simulate, router: RouterApi): void {
  const defs: Def[] = [
    fieldDef('input'),
    fieldDef('textarea'),
    buttonDef(),
    navigatorDef(router),
    imageDef(),
    scrollViewDef(),
    webViewDef(),
    switchDef(),
    pickerDef(),
    ...choiceDefs('radio'),
    ...choiceDefs('checkbox'),
  ];
  for (const def of defs) simulate.load(def);
}
