/**
 * Every tappable element of the mini program has a role and a Chinese label for screen readers
 * (WeChat's `aria-role` / `aria-label`). The WXML source of every page of app.json (main package
 * and subpackages) and of every local component they use is scanned, so a new tap target without
 * them fails here.
 *
 * Tappable: anything with a tap or click handler (`bindtap`, `catch:tap`, `bind:click`, …), every
 * button, navigator, radio, checkbox and switch, and cells or grid items that link (`is-link`,
 * `url`, `link-type`, `clickable`). A label may be bound (`{{ item.label }}`); a literal one must
 * contain Chinese.
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { mpRoot } from './helpers';

interface StartTag {
  name: string;
  attrs: Map<string, string | true>;
  /** 1-based line of the `<`. */
  line: number;
}

const HANDLERS = /^(?:bind|catch|capture-bind|capture-catch|mut-bind)(?::)?(?:tap|click|longpress)$/;
const ALWAYS_TAPPABLE = new Set(['van-button', 'button', 'navigator', 'van-radio', 'van-checkbox', 'van-switch']);
const LINKABLE = new Set(['van-cell', 'van-grid-item']);
const LINK_ATTRS = ['is-link', 'url', 'link-type', 'clickable'];
const ROLES = new Set(['button', 'link', 'radio', 'checkbox', 'switch', 'tab', 'menuitem', 'option']);
const CHINESE = /[\u4e00-\u9fff]/;

/** The start tags of a WXML text with their attributes (quoted values may hold `>` and `{{ }}`). */
export function startTags(wxml: string): StartTag[] {
  const src = wxml.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
  const tags: StartTag[] = [];
  for (let i = src.indexOf('<'); i >= 0; i = src.indexOf('<', i + 1)) {
    const name = /^<([a-zA-Z][\w:-]*)/.exec(src.slice(i))?.[1];
    if (!name) continue;
    const attrs = new Map<string, string | true>();
    let j = i + 1 + name.length;
    for (;;) {
      while (/\s/.test(src[j] ?? '')) j++;
      if (j >= src.length || src[j] === '>' || src.startsWith('/>', j)) break;
      const attr = /^[^\s=/>]+/.exec(src.slice(j))?.[0] ?? src[j]!;
      j += attr.length;
      while (/\s/.test(src[j] ?? '')) j++;
      if (src[j] !== '=') {
        attrs.set(attr, true);
        continue;
      }
      j++;
      while (/\s/.test(src[j] ?? '')) j++;
      const quote = src[j];
      const end = quote === '"' || quote === "'" ? src.indexOf(quote, j + 1) : j;
      attrs.set(attr, src.slice(j + 1, end));
      j = end + 1;
    }
    tags.push({ name, attrs, line: src.slice(0, i).split('\n').length });
    i = j;
  }
  return tags;
}

export function isTappable(tag: StartTag): boolean {
  if ([...tag.attrs.keys()].some((a) => HANDLERS.test(a))) return true;
  if (ALWAYS_TAPPABLE.has(tag.name)) return true;
  return LINKABLE.has(tag.name) && LINK_ATTRS.some((a) => tag.attrs.has(a));
}

/** What is wrong with a tappable element ('' when nothing). */
export function a11yProblem(tag: StartTag): string {
  const role = tag.attrs.get('aria-role');
  const label = tag.attrs.get('aria-label');
  if (typeof role !== 'string' || !ROLES.has(role))
    return `aria-role ${JSON.stringify(role ?? null)} is not one of ${[...ROLES].join('/')}`;
  if (typeof label !== 'string' || !label.trim()) return 'no aria-label';
  if (!label.includes('{{') && !CHINESE.test(label)) return `aria-label "${label}" is not Chinese`;
  return '';
}

interface AppJson {
  pages: string[];
  subpackages?: { root: string; pages: string[] }[];
}

/** Pages of app.json and the local components they use (recursively), as paths without extension. */
function units(): string[] {
  const app = JSON.parse(readFileSync(join(mpRoot, 'app.json'), 'utf8')) as AppJson;
  const queue = [...app.pages, ...(app.subpackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))];
  const seen = new Set<string>();
  for (let unit = queue.shift(); unit !== undefined; unit = queue.shift()) {
    if (seen.has(unit)) continue;
    seen.add(unit);
    const json = JSON.parse(readFileSync(join(mpRoot, `${unit}.json`), 'utf8')) as {
      usingComponents?: Record<string, string>;
    };
    for (const ref of Object.values(json.usingComponents ?? {})) {
      const path = ref.startsWith('/') ? ref.slice(1) : posix.join(posix.dirname(unit), ref);
      if (!path.startsWith('miniprogram_npm/')) queue.push(path);
    }
  }
  return [...seen];
}

describe('accessibility of tap targets', () => {
  const all = units();

  test('scans every page of app.json and the shared components', () => {
    expect(all).toEqual(
      expect.arrayContaining([
        'pages/home/index',
        'pages/me/index',
        'packageBooking/pages/confirm/index',
        'packageSite/pages/guide/index',
        'packagePayment/pages/index/index',
        'packagePayment/pages/result/index',
        'packagePayment/pages/records/index',
        'packagePayment/pages/detail/index',
        'packagePayment/pages/lab/index',
        'packagePayment/components/fee-lines/index',
        'packagePayment/components/pickup-code/index',
        'components/state-view/index',
        'components/card-picker/index',
      ]),
    );
    expect(all.length).toBeGreaterThanOrEqual(20);
  });

  test.each(all)('%s.wxml: every tappable element has aria-role and a Chinese aria-label', (unit) => {
    const tags = startTags(readFileSync(join(mpRoot, `${unit}.wxml`), 'utf8'));
    const problems = tags
      .filter(isTappable)
      .map((t) => ({ t, problem: a11yProblem(t) }))
      .filter((p) => p.problem)
      .map(({ t, problem }) => `${unit}.wxml:${t.line} <${t.name}>: ${problem}`);
    expect(problems).toEqual([]);
  });

  test('the scanner finds what it must (it cannot silently pass)', () => {
    const tags = startTags(`<!-- <view bindtap="x"> -->
      <view class="a" data-x="{{ a > b }}" bindtap="onTap">x</view>
      <van-cell title="科室" />
      <van-cell is-link title="科室" bind:click="go" aria-role="link" aria-label="{{ name }}" />
      <van-button aria-role="button" aria-label="OK">OK</van-button>
      <van-grid-item url="/p" aria-role="tab" aria-label="首页" />`);
    expect(tags.map((t) => t.name)).toEqual(['view', 'van-cell', 'van-cell', 'van-button', 'van-grid-item']);
    expect(tags.map(isTappable)).toEqual([true, false, true, true, true]);
    expect(tags.filter(isTappable).map(a11yProblem)).toEqual([
      'aria-role null is not one of button/link/radio/checkbox/switch/tab/menuitem/option',
      '',
      'aria-label "OK" is not Chinese',
      '',
    ]);
  });
});
