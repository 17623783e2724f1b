/**
 * The subscription authorisation sheet WeChat shows for wx.requestSubscribeMessage:
 * "智慧医院 申请 / 向你发送下列消息", one switch per template (default on), 拒绝 / 允许.
 */

import { blockingLayer, button, el, trapInitialFocus, uid } from './dom';

export type ConsentDecision = 'accept' | 'reject';

export const APP_NAME = '智慧医院';

export function showConsentDialog(
  root: HTMLElement,
  templates: { id: string; title: string }[],
): Promise<Record<string, ConsentDecision>> {
  const list = Array.isArray(templates) ? templates : [];
  const node = blockingLayer(root, 'mpui-sheet-layer');
  // Tapping the mask does nothing: the native sheet must be answered with 拒绝 or 允许.
  node.appendChild(el(root, 'div', 'mpui-mask'));

  const titleId = uid('mpui-consent-title');
  const sheet = el(root, 'div', 'mpui-sheet mpui-consent', {
    role: 'dialog',
    'aria-modal': 'true',
    'aria-labelledby': titleId,
    tabindex: '-1',
    'data-testid': 'consent',
  });

  const app = el(root, 'div', 'mpui-consent__app');
  app.appendChild(el(root, 'span', 'mpui-consent__logo', { 'aria-hidden': 'true' }, '医'));
  app.appendChild(el(root, 'span', 'mpui-consent__name-app', undefined, APP_NAME));
  app.appendChild(el(root, 'span', 'mpui-consent__apply', undefined, '申请'));
  sheet.appendChild(app);
  sheet.appendChild(el(root, 'h2', 'mpui-consent__title', { id: titleId }, '向你发送下列消息'));

  const ul = el(root, 'ul', 'mpui-consent__list');
  const checks = list.map((t) => {
    const li = el(root, 'li', 'mpui-consent__item');
    const row = el(root, 'label', 'mpui-consent__row', { 'data-testid': `consent-row-${t.id}` });
    row.appendChild(el(root, 'span', 'mpui-consent__name', undefined, String(t.title)));
    const check = el(root, 'input', 'mpui-check', {
      type: 'checkbox',
      'data-testid': `consent-item-${t.id}`,
      'data-template-id': t.id,
    });
    check.checked = true;
    row.appendChild(check);
    li.appendChild(row);
    ul.appendChild(li);
    return { id: t.id, check };
  });
  sheet.appendChild(ul);

  // Shown for fidelity; the preview does not persist it (the result has no room for it).
  const always = el(root, 'label', 'mpui-consent__always');
  const alwaysCheck = el(root, 'input', 'mpui-check mpui-check_small', {
    type: 'checkbox',
    'data-testid': 'consent-always',
  });
  always.append(alwaysCheck, el(root, 'span', undefined, undefined, '总是保持以上选择，不再询问'));
  sheet.appendChild(always);

  const ft = el(root, 'div', 'mpui-consent__ft');
  const rejectBtn = button(root, 'mpui-consent__btn mpui-consent__btn_reject', 'consent-reject', '拒绝');
  const allowBtn = button(root, 'mpui-consent__btn mpui-consent__btn_allow', 'consent-allow', '允许');
  ft.append(rejectBtn, allowBtn);
  sheet.appendChild(ft);
  node.appendChild(sheet);

  return new Promise((resolve) => {
    let settled = false;
    const restoreFocus = trapInitialFocus(sheet);

    function close(allow: boolean): void {
      if (settled) return;
      settled = true;
      const result: Record<string, ConsentDecision> = {};
      for (const { id, check } of checks) result[id] = allow && check.checked ? 'accept' : 'reject';
      node.remove();
      restoreFocus();
      resolve(result);
    }

    allowBtn.addEventListener('click', () => close(true));
    rejectBtn.addEventListener('click', () => close(false));
  });
}
