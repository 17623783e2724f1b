/**
 * Mouse → touch for desktop browsers: j-component synthesises `tap`/`longpress` from touch events
 * only, so a left-button press inside a page becomes touchstart/touchmove/touchend on the same
 * target. Nothing is prevented, so focusing and selecting text in inputs keeps working. A
 * keyboard-generated click (detail 0) becomes a quick touchstart+touchend.
 */
let nextId = 1;

function touchEvent(type: string, target: EventTarget, x: number, y: number, ended: boolean, id: number): Event {
  const init = { identifier: id, target, clientX: x, clientY: y, pageX: x, pageY: y, screenX: x, screenY: y };
  try {
    const t = new Touch(init);
    return new TouchEvent(type, {
      bubbles: true,
      cancelable: true,
      composed: true,
      touches: ended ? [] : [t],
      targetTouches: ended ? [] : [t],
      changedTouches: [t],
    });
  } catch {
    // Browsers without Touch constructors: an Event carrying the same fields.
    const evt = new Event(type, { bubbles: true, cancelable: true, composed: true });
    const list = [init];
    Object.defineProperties(evt, {
      touches: { value: ended ? [] : list },
      targetTouches: { value: ended ? [] : list },
      changedTouches: { value: list },
    });
    return evt;
  }
}

export function installMouseToTouch(screen: HTMLElement, inPage: (target: Element) => boolean): void {
  let active: { target: Element; id: number } | null = null;

  screen.addEventListener(
    'mousedown',
    (e) => {
      if (e.button !== 0 || !(e.target instanceof Element) || !inPage(e.target)) return;
      active = { target: e.target, id: nextId++ };
      e.target.dispatchEvent(touchEvent('touchstart', e.target, e.clientX, e.clientY, false, active.id));
    },
    true,
  );
  window.addEventListener(
    'mousemove',
    (e) => {
      if (!active || (e.buttons & 1) === 0) return;
      active.target.dispatchEvent(touchEvent('touchmove', active.target, e.clientX, e.clientY, false, active.id));
    },
    true,
  );
  window.addEventListener(
    'mouseup',
    (e) => {
      if (!active || e.button !== 0) return;
      const { target, id } = active;
      active = null;
      target.dispatchEvent(touchEvent('touchend', target, e.clientX, e.clientY, true, id));
    },
    true,
  );
  screen.addEventListener(
    'click',
    (e) => {
      if (e.detail !== 0 || !(e.target instanceof Element) || !inPage(e.target)) return;
      if (e.target.closest('input, textarea, select')) return;
      const id = nextId++;
      const r = e.target.getBoundingClientRect();
      e.target.dispatchEvent(touchEvent('touchstart', e.target, r.left + 1, r.top + 1, false, id));
      e.target.dispatchEvent(touchEvent('touchend', e.target, r.left + 1, r.top + 1, true, id));
    },
    true,
  );
}
