/**
 * wx.requestSubscribeMessage of the preview: the templates the devstack knows
 * (`GET /devstack/api/identities`), WeChat's consent sheet, and each accepted one recorded
 * (`POST /devstack/api/consents`) so that the function's later `subscribeMessage.send` is allowed.
 */
import * as ui from '../ui/index';
import { asyncApi } from './async-api';
import { currentOpenid, overlayRoot } from './state';
import { WxFail } from './wx-fail';

interface TemplateInfo {
  id: string;
  title: string;
}

async function fetchTemplates(): Promise<TemplateInfo[]> {
  const r = await fetch(`${location.origin}/devstack/api/identities`);
  if (!r.ok) throw new Error(`GET /devstack/api/identities answered HTTP ${r.status}`);
  const body = (await r.json()) as { templates?: TemplateInfo[] };
  return body.templates ?? [];
}

export const requestSubscribeMessage = asyncApi('requestSubscribeMessage', async (o) => {
  const ids = Array.isArray(o.tmplIds) ? o.tmplIds.map(String) : [];
  if (ids.length === 0) throw new WxFail('requestSubscribeMessage:fail parameter error: tmplIds is empty');
  const templates = await fetchTemplates();
  const wanted: TemplateInfo[] = [];
  for (const id of ids) {
    const t = templates.find((x) => x.id === id);
    if (!t)
      throw new WxFail(`requestSubscribeMessage:fail No template data return, verify the template id exist (${id})`);
    wanted.push({ id: t.id, title: t.title });
  }
  const answers = await ui.showConsentDialog(overlayRoot(), wanted);
  const openid = currentOpenid();
  for (const t of wanted) {
    if (answers[t.id] !== 'accept') continue;
    const r = await fetch(`${location.origin}/devstack/api/consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ openid, templateId: t.id }),
    });
    if (!r.ok) throw new WxFail(`requestSubscribeMessage:fail devstack refused the consent (HTTP ${r.status})`);
  }
  const res: Record<string, unknown> = {};
  for (const t of wanted) res[t.id] = answers[t.id] === 'accept' ? 'accept' : 'reject';
  return res;
});
