/**
 * `site` (微官网) through the devstack HTTP contract only: POST /functions/site with X-WX-OPENID,
 * against the built bundle and the CloudBase emulator, with the content the devstack seeds into
 * `site_content` on first start and after a reset (never by the handlers).
 */
import type { Devstack } from '../../devstack/stack';
import type {
  Announcement,
  SiteAnnouncementsResponse,
  SiteGuideResponse,
  SiteHospitalResponse,
} from '../../typings/site';
import { callFn, freshStateDir, removeStateDir, startTestStack } from './helpers';

jest.setTimeout(60_000);

let stack: Devstack | undefined;
let stateDir: string;

beforeAll(async () => {
  stateDir = freshStateDir();
  stack = await startTestStack(stateDir, true);
});

afterAll(async () => {
  await stack?.stop();
  removeStateDir(stateDir);
});

const s = (): Devstack => {
  if (!stack) throw new Error('no devstack');
  return stack;
};

async function data<T>(event: Record<string, unknown>, openid = 'u1'): Promise<T> {
  const r = await callFn<T>(s(), 'site', event, openid);
  expect(r.status).toBe(200);
  if (!r.body.ok) throw new Error(`${String(event.action)} failed: ${JSON.stringify(r.body)}`);
  return r.body.data;
}

const siteDocCount = (st: Devstack): number =>
  st.emulator.admin.listCollections().find((c) => c.name === 'site_content')?.count ?? 0;

test('hospital: the seeded introduction', async () => {
  const h = await data<SiteHospitalResponse>({ action: 'hospital' });
  expect(h).toMatchObject({ name: '越州市第一人民医院', level: '三级甲等', phone: '0575-80000000' });
  expect(h.intro).toHaveLength(3);
  expect(h.figures.length).toBeGreaterThanOrEqual(4);
  expect(h.hours.length).toBeGreaterThan(0);
});

test('guide: address, transport, parking, floors', async () => {
  const g = await data<SiteGuideResponse>({ action: 'guide' });
  expect(g.address).toContain('示范路1号');
  expect(g.transport.map((t) => t.mode)).toEqual(['公交', '地铁', '自驾', '出租车']);
  expect(g.floors.find((f) => f.building === '门诊楼' && f.floor === '3楼')?.places).toContain('A区 心血管内科');
  expect(g.floors.find((f) => f.building === '医技楼' && f.floor === '2楼')?.places).toContain('B区 康复医学科');
});

test('announcements: pinned first, newest next, paged, drafts hidden; one by id', async () => {
  const all = await data<SiteAnnouncementsResponse>({ action: 'announcements', limit: 50 });
  expect(all.total).toBe(all.items.length);
  expect(all.total).toBeGreaterThanOrEqual(7);
  expect(all.items[0]!.pinned).toBe(true);
  expect(all.items.map((i) => i.id)).not.toContain('ann-draft-free-clinic');
  const unpinned = all.items.filter((i) => !i.pinned).map((i) => Date.parse(i.publishedAt));
  expect(unpinned).toEqual([...unpinned].sort((a, b) => b - a));

  const page2 = await data<SiteAnnouncementsResponse>({ action: 'announcements', limit: 3, offset: 3 });
  expect(page2).toEqual({ items: all.items.slice(3, 6), total: all.total });

  const one = await data<Announcement>({ action: 'announcement', id: all.items[0]!.id }, 'someone-else');
  expect(one).toMatchObject(all.items[0]!);
  expect(one.body.length).toBeGreaterThan(0);
});

test('errors: unpublished → NOT_FOUND, bad payload → INVALID_ARGUMENT, no OPENID → UNAUTHENTICATED', async () => {
  const draft = await callFn(s(), 'site', { action: 'announcement', id: 'ann-draft-free-clinic' }, 'u1');
  expect(draft.status).toBe(200);
  expect(draft.body).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: '公告不存在或已下线' } });

  const big = await callFn(s(), 'site', { action: 'announcements', limit: 51 }, 'u1');
  expect(big.body).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field: 'limit' } });
  const extra = await callFn(s(), 'site', { action: 'hospital', openid: 'x' }, 'u1');
  expect(extra.body).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field: 'openid' } });

  const anon = await callFn(s(), 'site', { action: 'hospital' });
  expect(anon.body).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
});

test('seeded only when empty: kept across a restart, back after a reset', async () => {
  const seeded = siteDocCount(s());
  expect(seeded).toBeGreaterThan(0);
  await s().emulator.db.collection('site_content').doc('ann-holiday').remove();

  await s().stop();
  stack = undefined;
  stack = await startTestStack(stateDir, false);
  expect(siteDocCount(s())).toBe(seeded - 1);
  const r = await callFn(s(), 'site', { action: 'announcement', id: 'ann-holiday' }, 'u1');
  expect(r.body).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

  await s().stop();
  stack = undefined;
  stack = await startTestStack(stateDir, true);
  expect(siteDocCount(s())).toBe(seeded);
  expect(await data<Announcement>({ action: 'announcement', id: 'ann-holiday' })).toMatchObject({ id: 'ann-holiday' });
});
