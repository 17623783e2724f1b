/** Shared helpers for page tests: load/render a page-component and read its text. */
import * as path from 'node:path';
import { simulate } from './simulate';
import type { SimNode, SimRoot } from './simulate';
import type { PatientCardView } from '../../typings/patient';
import { flush } from './wx-mock';

export const mpRoot = path.join(__dirname, '..', '..', 'miniprogram');

/** A rendered page (pages are `Component()`s; call `instance.onLoad/onShow` yourself). */
export type PageComponent = SimRoot;

/**
 * Loads a module of the mini program at run time. Tests do not `import` mini program sources: that
 * would pull the mini program's global typings into the root TypeScript program (see ./simulate).
 */
export function mpRequire<T>(relativePath: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(mpRoot, relativePath)) as T;
}

/** Delay after a success toast before the page navigates back (miniprogram/utils/nav.ts). */
export const SUCCESS_BACK_DELAY_MS = mpRequire<{ SUCCESS_BACK_DELAY_MS: number }>('utils/nav').SUCCESS_BACK_DELAY_MS;

const loaded = new Map<string, string>();

/**
 * Loads a page or component once per test file (jest caches its module, so a second
 * `simulate.load` would not re-run its `Component()` call) and renders a fresh, attached instance.
 */
function renderOnce(mpPath: string, properties?: Record<string, unknown>): SimRoot {
  let id = loaded.get(mpPath);
  if (!id) {
    id = simulate.load(path.join(mpRoot, mpPath), { rootPath: mpRoot });
    loaded.set(mpPath, id);
  }
  const comp = simulate.render(id, properties);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

/**
 * Each test of the calling file gets freshly evaluated pages and modules: for files that render
 * several pages sharing Vant components, and for pages that keep state in a module (the `rules`
 * answer packageBooking/services/booking.ts keeps for the app session), so that no test sees what
 * an earlier one loaded. miniprogram-simulate re-runs a component's JS on each `load` by deleting
 * it from `require.cache`, which jest's module registry ignores: resetting the registry, and
 * forgetting which pages this file loaded, makes the next render load and evaluate them again.
 */
export function freshPagesEachTest(): void {
  beforeEach(() => {
    jest.resetModules();
    loaded.clear();
  });
}

/** A page by its route, e.g. `packageBooking/pages/records/index`. */
export function renderPage(page: string): PageComponent {
  return renderOnce(page);
}

/** A page opened as the framework opens it: rendered, `onLoad(query)` run, its first answers settled. */
export async function openPage(page: string, query: Record<string, string> = {}): Promise<PageComponent> {
  const rendered = renderPage(page);
  rendered.instance.onLoad(query);
  await flush();
  return rendered;
}

/** A page shown as the framework shows it (pages that load on show): rendered, `onShow()` run, settled. */
export async function showPage(page: string): Promise<PageComponent> {
  const rendered = renderPage(page);
  rendered.instance.onShow();
  await flush();
  return rendered;
}

/** A shared component of miniprogram/components (e.g. `components/state-view/index`) with properties. */
export function renderComponent(component: string, properties: Record<string, unknown> = {}): SimRoot {
  return renderOnce(component, properties);
}

/** Visible text of a rendered component, whitespace collapsed. */
export function textOf(comp: SimNode | undefined): string {
  return (comp?.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

const TAP_TARGETS = ['.van-button', '.van-cell', '.van-grid-item', '.van-radio__icon-wrap'];

/**
 * Taps a Vant component (button, cell, grid item, radio) the way a finger does: `tap` on the inner
 * view that carries Vant's own bindtap, so Vant's handler runs and emits its `click`/`change`.
 * Inside a custom component, name the way in with exparser's `>>>`:
 * `tapVant(page, '#error-state >>> #retry')` (the 重新加载 of a <state-view id="error-state">).
 */
export async function tapVant(comp: SimNode, selector: string): Promise<void> {
  const host = comp.querySelector(selector);
  if (!host) throw new Error(`no element ${selector}`);
  for (const inner of TAP_TARGETS) {
    const target = host.querySelector(inner);
    if (target) {
      target.dispatchEvent('tap');
      await flush(); // exparser delivers component events asynchronously
      return;
    }
  }
  host.dispatchEvent('tap');
  await flush();
}

/**
 * Taps a van-dialog's 取消 or 确认 button once its enter transition has rendered it.
 * (Its `van-dialog__cancel/confirm` are external classes, so pick the footer buttons by order.)
 */
export async function tapDialogButton(
  comp: PageComponent,
  dialogSelector: string,
  which: 'cancel' | 'confirm',
): Promise<void> {
  await simulate.sleep(60); // van-popup renders on the next animation frame
  const dialog = comp.querySelector(dialogSelector);
  const buttons = dialog?.querySelectorAll('.van-dialog__button') ?? [];
  const button = which === 'confirm' ? buttons[buttons.length - 1] : buttons.length > 1 ? buttons[0] : undefined;
  const inner = button?.querySelector('.van-button');
  if (!inner) throw new Error(`no ${which} button in ${dialogSelector}`);
  inner.dispatchEvent('tap');
  await flush();
}

/** Number of elements matching a WXML class selector (class names as written in the WXML). */
export function countOf(comp: PageComponent, selector: string): number {
  return comp.querySelectorAll(selector).length;
}

/**
 * Number of rendered elements with this tag anywhere in the component, inside its custom
 * components too (`van-skeleton` of a <state-view>): the DOM keeps the WXML tag names.
 */
export function countTags(comp: SimNode, tagName: string): number {
  return comp.dom?.querySelectorAll(tagName).length ?? 0;
}

export function card(overrides: Partial<PatientCardView> = {}): PatientCardView {
  return {
    id: 'card-1',
    cardNo: 'HZ00012345',
    name: '王小明',
    idNumberMasked: '330602********1234',
    phoneMasked: '138****8000',
    gender: 'M',
    age: 35,
    relation: '本人',
    isDefault: true,
    socialSecurityMasked: null,
    boundAt: '2024-03-01T16:30:00.000Z',
    ...overrides,
  };
}

/** The <input> inside a van-field (its `.van-field__control` that listens to `input`). */
function fieldInput(comp: PageComponent, selector: string) {
  const controls = comp.querySelector(selector)?.querySelectorAll('.van-field__control') ?? [];
  const input = controls.find((c) => c.toJSON().event['input']);
  if (!input) throw new Error(`no van-field input in ${selector}`);
  return input;
}

/** Types into a van-field the way the keyboard does: `input` on its inner <input>. */
export async function typeInto(comp: PageComponent, selector: string, value: string): Promise<void> {
  const input = fieldInput(comp, selector);
  input.dispatchEvent('input', { detail: { value, cursor: value.length } });
  await flush();
}

/** Leaves a van-field: `blur` on its inner <input>. */
export async function blurField(comp: PageComponent, selector: string): Promise<void> {
  const input = fieldInput(comp, selector);
  input.dispatchEvent('blur', { detail: { value: '' } });
  await flush();
}

/** The error message Vant renders under a van-field ('' when none). */
export function fieldError(comp: PageComponent, selector: string): string {
  return textOf(comp.querySelector(selector)?.querySelector('.van-field__error-message'));
}
