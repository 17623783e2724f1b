/**
 * The frame of another mini program the preview "jumps" to (wx.navigateToMiniProgram): a full
 * screen over the phone with that mini program's own navigation bar (its name, a back arrow, the
 * capsule) and a scrolling body. The screens themselves are ./med-ins-auth.ts and ./papay-sign.ts.
 */
import { blockingLayer, button, el, pushKeyHandler, trapInitialFocus, uid } from './dom';

export const MP_SCREEN_STYLE_ELEMENT_ID = 'mpui-mp-screen-style';

const CSS = `
.mpui-mp-layer { z-index: 2500; background: #ededed; display: flex; flex-direction: column; }
.mpui-mp__bar {
  flex: none; height: 64px; padding-top: 20px; display: flex; align-items: center; position: relative;
  background: #ededed; color: rgba(0, 0, 0, 0.9); font-size: 17px; font-weight: 500;
}
.mpui-mp__back { width: 44px; height: 44px; font-size: 28px !important; line-height: 44px; background: transparent; }
.mpui-mp__title { position: absolute; left: 60px; right: 100px; text-align: center; top: 20px; line-height: 44px; }
.mpui-mp__capsule {
  position: absolute; right: 7px; top: 26px; width: 87px; height: 32px; border-radius: 16px;
  border: 0.5px solid rgba(0, 0, 0, 0.15); background: rgba(255, 255, 255, 0.6);
}
.mpui-mp__body { flex: 1; overflow-y: auto; padding: 16px; }
.mpui-mp__card { background: #fff; border-radius: 12px; padding: 20px 16px; margin-bottom: 12px; }
.mpui-mp__brand { display: flex; align-items: center; gap: 10px; font-size: 15px; color: rgba(0, 0, 0, 0.5); }
.mpui-mp__logo {
  width: 36px; height: 36px; border-radius: 50%; display: inline-flex; align-items: center;
  justify-content: center; color: #fff; font-size: 16px; font-weight: 600; background: #1677b3;
}
.mpui-mp__headline { margin: 16px 0 6px; font-size: 20px; font-weight: 600; color: rgba(0, 0, 0, 0.9); }
.mpui-mp__text { font-size: 14px; line-height: 1.6; color: rgba(0, 0, 0, 0.55); }
.mpui-mp__field { display: flex; align-items: center; gap: 12px; padding: 14px 0; border-bottom: 0.5px solid rgba(0, 0, 0, 0.1); }
.mpui-mp__field label { flex: none; width: 72px; font-size: 16px; color: rgba(0, 0, 0, 0.9); }
.mpui-mp__field input { flex: 1; min-width: 0; border: 0; outline: none; font: inherit; font-size: 16px; background: transparent; }
.mpui-mp__row { display: flex; justify-content: space-between; gap: 12px; padding: 12px 0; font-size: 15px; border-bottom: 0.5px solid rgba(0, 0, 0, 0.1); }
.mpui-mp__row span:first-child { color: rgba(0, 0, 0, 0.5); flex: none; }
.mpui-mp__error { margin-top: 10px; font-size: 14px; color: #fa5151; min-height: 20px; }
.mpui-mp__actions { display: flex; flex-direction: column; gap: 12px; margin-top: 24px; }
.mpui-mp__primary {
  height: 48px; border-radius: 8px !important; background: #07c160 !important; color: #fff;
  font-size: 17px !important; font-weight: 600;
}
.mpui-mp__primary:disabled { opacity: 0.6; }
.mpui-mp__secondary { height: 48px; border-radius: 8px !important; background: #fff !important; color: #07c160; font-size: 17px !important; }
.mpui-mp__note { margin-top: 16px; font-size: 12px; line-height: 1.6; color: rgba(0, 0, 0, 0.4); }
`;

function ensureStyles(root: HTMLElement): void {
  const doc = root.ownerDocument;
  if (doc.getElementById(MP_SCREEN_STYLE_ELEMENT_ID)) return;
  const style = doc.createElement('style');
  style.id = MP_SCREEN_STYLE_ELEMENT_ID;
  style.textContent = CSS;
  (doc.head ?? doc.documentElement).appendChild(style);
}

export interface MiniProgramScreen {
  body: HTMLElement;
  /** Resolves with the value passed to close (the back arrow and Escape close with `back`). */
  closed: Promise<unknown>;
  close(value: unknown): void;
}

/** Opens the frame; `back` is what the back arrow (and Escape) close it with. */
export function openMiniProgramScreen(
  root: HTMLElement,
  title: string,
  testId: string,
  back: unknown,
): MiniProgramScreen {
  ensureStyles(root);
  const node = blockingLayer(root, 'mpui-mp-layer', testId);
  const titleId = uid('mpui-mp-title');
  node.setAttribute('role', 'dialog');
  node.setAttribute('aria-modal', 'true');
  node.setAttribute('aria-labelledby', titleId);
  node.tabIndex = -1;
  const bar = el(root, 'div', 'mpui-mp__bar');
  const backBtn = button(root, 'mpui-mp__back', `${testId}-back`, '‹');
  backBtn.setAttribute('aria-label', '返回');
  bar.append(
    backBtn,
    el(root, 'div', 'mpui-mp__title', { id: titleId }, title),
    el(root, 'div', 'mpui-mp__capsule', { 'aria-hidden': 'true' }),
  );
  const body = el(root, 'div', 'mpui-mp__body');
  node.append(bar, body);

  let resolve: (v: unknown) => void = () => undefined;
  const closed = new Promise<unknown>((r) => {
    resolve = r;
  });
  const restoreFocus = trapInitialFocus(node);
  let done = false;
  const popKeys = pushKeyHandler(root, (event) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    close(back);
  });
  function close(value: unknown): void {
    if (done) return;
    done = true;
    popKeys();
    node.remove();
    restoreFocus();
    resolve(value);
  }
  backBtn.addEventListener('click', () => close(back));
  return { body, closed, close };
}

/** The brand line: a round logo letter and a name. */
export function brand(root: HTMLElement, letter: string, name: string, color?: string): HTMLElement {
  const line = el(root, 'div', 'mpui-mp__brand');
  const logo = el(root, 'span', 'mpui-mp__logo', { 'aria-hidden': 'true' }, letter);
  if (color) logo.style.background = color;
  line.append(logo, el(root, 'span', undefined, undefined, name));
  return line;
}
