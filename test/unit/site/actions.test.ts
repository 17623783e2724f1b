/**
 * The `site` function (微官网) through createMain, against the devstack cloud emulator in memory,
 * seeded by the devstack's own seed (seedSiteContent). Read-only: no call changes the collection.
 */
import { createCloudEmulator, type CloudEmulator } from '../../../devstack/cloud';
import { DEPARTMENTS, HOSPITAL } from '../../../devstack/his/seed-data';
import { seedSiteContent } from '../../../devstack/seed/site-content';
import { SITE_CONTENT } from '../../../server/adapters/clouddb/site-content';
import { createMain } from '../../../server/core/handler';
import { silentLogger, type Logger } from '../../../server/core/log';
import { siteActions } from '../../../server/actions/site';
import type { Database } from '../../../server/ports/cloud-sdk';
import type { Envelope } from '../../../typings/envelope';
import type {
  Announcement,
  AnnouncementSummary,
  SiteAnnouncementsResponse,
  SiteGuideResponse,
  SiteHospitalResponse,
} from '../../../typings/site';

// 2026-06-15 10:00 in Shanghai.
const NOW = new Date('2026-06-15T02:00:00Z');
const DAY = 86_400_000;

let emu: CloudEmulator;
let db: Database;
let clock: { now: Date };
let warnings: Record<string, unknown>[];

const log: Logger = { ...silentLogger, warn: (_m, f) => warnings.push({ ...f }) };

beforeEach(async () => {
  emu = createCloudEmulator({ dbFile: ':memory:', templates: [] });
  db = emu.db;
  clock = { now: NOW };
  warnings = [];
  await seedSiteContent(db, { now: NOW });
});

afterEach(() => emu.close());

function call<T = unknown>(event: unknown, openid = 'u1'): Promise<Envelope<T>> {
  const main = createMain(emu.sdk, siteActions({ db }), { fn: 'site', clock: () => clock.now, log });
  return emu.runWithContext({ OPENID: openid }, () => main(event)) as Promise<Envelope<T>>;
}

const ok = <T>(env: Envelope<T>): T => {
  if (!env.ok) throw new Error(`expected ok, got ${JSON.stringify(env.error)}`);
  return env.data;
};

async function all(): Promise<Record<string, unknown>[]> {
  return (await db.collection(SITE_CONTENT).limit(1000).get()).data;
}

const listAll = async (): Promise<SiteAnnouncementsResponse> =>
  ok(await call<SiteAnnouncementsResponse>({ action: 'announcements', limit: 50 }));

describe('hospital', () => {
  it('returns the introduction, consistent with the HIS seed, and only the contract fields', async () => {
    const h = ok(await call<SiteHospitalResponse>({ action: 'hospital' }));
    expect(Object.keys(h).sort()).toEqual(['address', 'figures', 'hours', 'intro', 'level', 'name', 'phone']);
    expect(h).toMatchObject({
      name: HOSPITAL.name,
      level: '三级甲等',
      address: HOSPITAL.address,
      phone: HOSPITAL.phone,
    });
    expect(h.intro).toHaveLength(3);
    const labels = h.figures.map((f) => f.label);
    for (const l of ['开放床位', '年门诊量', '临床医技科室', '高级职称专家']) expect(labels).toContain(l);
    expect(h.hours.join('\n')).toContain('每日07:00放出第7日号源');
  });

  it('NOT_FOUND when the publicity office has not published it yet', async () => {
    await db.collection(SITE_CONTENT).doc('hospital').remove();
    const r = await call({ action: 'hospital' });
    expect(r).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: '医院介绍暂未发布' } });
  });

  it('INTERNAL (no half-filled answer) when the stored document is malformed', async () => {
    await db
      .collection(SITE_CONTENT)
      .doc('hospital')
      .update({ data: { intro: 'one string, not paragraphs' } });
    const r = await call({ action: 'hospital' });
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});

describe('guide', () => {
  it('returns address, the four ways to come, parking and floors', async () => {
    const g = ok(await call<SiteGuideResponse>({ action: 'guide' }));
    expect(Object.keys(g).sort()).toEqual(['address', 'floors', 'parking', 'transport']);
    expect(g.address).toBe(HOSPITAL.address);
    expect(g.transport.map((t) => t.mode)).toEqual(['公交', '地铁', '自驾', '出租车']);
    expect(g.parking).toMatch(/停车/);
    expect(new Set(g.floors.map((f) => f.building))).toEqual(new Set(['门诊楼', '医技楼', '住院楼']));
  });

  it('places every HIS department where the HIS says it is', async () => {
    const g = ok(await call<SiteGuideResponse>({ action: 'guide' }));
    for (const d of DEPARTMENTS) {
      const m = /^(.+楼)(\d+楼)([A-Z])区$/.exec(d.location)!;
      const floor = g.floors.find((f) => f.building === m[1] && f.floor === m[2]);
      expect({ dept: d.name, places: floor?.places.split('；') }).toEqual({
        dept: d.name,
        places: expect.arrayContaining([`${m[3]}区 ${d.name}`]),
      });
    }
  });

  it('NOT_FOUND when missing', async () => {
    await db.collection(SITE_CONTENT).doc('guide').remove();
    expect(await call({ action: 'guide' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('announcements', () => {
  it('lists published ones only: pinned first, then newest; summaries without body', async () => {
    const stored = (await all()).filter((d) => d.kind === 'announcement');
    const published = stored.filter((d) => d.published === true);
    const res = await listAll();
    expect(res.total).toBe(published.length);
    expect(res.items).toHaveLength(published.length);
    expect(res.items.map((i) => i.id)).not.toContain('ann-draft-free-clinic');
    for (const i of res.items)
      expect(Object.keys(i).sort()).toEqual(['id', 'pinned', 'publishedAt', 'summary', 'title']);

    const pinnedCount = res.items.filter((i) => i.pinned).length;
    expect(pinnedCount).toBeGreaterThanOrEqual(1);
    expect(res.items.slice(0, pinnedCount).every((i) => i.pinned)).toBe(true);
    const sorted = (xs: AnnouncementSummary[]) =>
      xs.every((x, k) => k === 0 || Date.parse(xs[k - 1]!.publishedAt) >= Date.parse(x.publishedAt));
    expect(sorted(res.items.slice(0, pinnedCount))).toBe(true);
    expect(sorted(res.items.slice(pinnedCount))).toBe(true);
  });

  it('defaults to 20 per page and pages with limit/offset', async () => {
    // 25 more published notices so the default page size shows.
    for (let k = 0; k < 25; k++) {
      await db.collection(SITE_CONTENT).add({
        data: {
          _id: `ann-extra-${String(k).padStart(2, '0')}`,
          kind: 'announcement',
          published: true,
          pinned: false,
          publishedAt: new Date(NOW.getTime() - (k + 1) * 3600_000).toISOString(),
          title: `测试公告${k}`,
          summary: '摘要',
          body: ['正文'],
          updatedAt: NOW.toISOString(),
        },
      });
    }
    const full = await listAll();
    expect(full.items).toHaveLength(35);
    expect(full.total).toBe(35);

    const first = ok(await call<SiteAnnouncementsResponse>({ action: 'announcements' }));
    expect(first.items).toHaveLength(20);
    expect(first.total).toBe(35);
    expect(first.items).toEqual(full.items.slice(0, 20));

    const pages: AnnouncementSummary[] = [];
    for (let offset = 0; offset < 40; offset += 7) {
      const p = ok(await call<SiteAnnouncementsResponse>({ action: 'announcements', limit: 7, offset }));
      expect(p.total).toBe(35);
      pages.push(...p.items);
    }
    expect(pages).toEqual(full.items);

    const beyond = ok(await call<SiteAnnouncementsResponse>({ action: 'announcements', offset: 100 }));
    expect(beyond).toEqual({ items: [], total: 35 });
  });

  it('hides a scheduled (future) announcement until its time', async () => {
    await db.collection(SITE_CONTENT).add({
      data: {
        _id: 'ann-scheduled',
        kind: 'announcement',
        published: true,
        pinned: true,
        publishedAt: new Date(NOW.getTime() + DAY).toISOString(),
        title: '定时发布的公告',
        summary: '明天发布',
        body: ['正文'],
        updatedAt: NOW.toISOString(),
      },
    });
    expect((await listAll()).items.map((i) => i.id)).not.toContain('ann-scheduled');
    expect(await call({ action: 'announcement', id: 'ann-scheduled' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    clock.now = new Date(NOW.getTime() + 2 * DAY);
    expect((await listAll()).items[0]!.id).toBe('ann-scheduled');
  });

  it('leaves a malformed document out of the page and logs its id', async () => {
    await db
      .collection(SITE_CONTENT)
      .doc('ann-vaccination')
      .update({ data: { title: 42 } });
    const res = await listAll();
    expect(res.items.map((i) => i.id)).not.toContain('ann-vaccination');
    expect(warnings).toEqual([expect.objectContaining({ id: 'ann-vaccination' })]);
  });

  it('answers an empty list when there is no content', async () => {
    await db.collection(SITE_CONTENT).where({ kind: 'announcement' }).remove();
    expect(await listAll()).toEqual({ items: [], total: 0 });
  });
});

describe('announcement', () => {
  it('returns one published announcement with its body', async () => {
    const a = ok(await call<Announcement>({ action: 'announcement', id: 'ann-booking-rules' }));
    expect(Object.keys(a).sort()).toEqual(['body', 'id', 'pinned', 'publishedAt', 'summary', 'title']);
    expect(a).toMatchObject({ id: 'ann-booking-rules', pinned: true, title: '预约挂号须知' });
    expect(a.body.join('')).toContain('每日07:00放出第7日号源');
    const fromList = (await listAll()).items.find((i) => i.id === a.id);
    expect(fromList).toEqual({
      id: a.id,
      title: a.title,
      summary: a.summary,
      publishedAt: a.publishedAt,
      pinned: a.pinned,
    });
  });

  it.each([
    ['unpublished', 'ann-draft-free-clinic'],
    ['missing', 'ann-no-such-thing'],
    ['not an announcement', 'hospital'],
  ])('NOT_FOUND when %s', async (_what, id) => {
    expect(await call({ action: 'announcement', id })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: '公告不存在或已下线' },
    });
  });
});

describe('validation and identity', () => {
  it.each([
    [{ action: 'announcements', limit: 0 }, 'limit'],
    [{ action: 'announcements', limit: 51 }, 'limit'],
    [{ action: 'announcements', limit: 2.5 }, 'limit'],
    [{ action: 'announcements', limit: '20' }, 'limit'],
    [{ action: 'announcements', limit: null }, 'limit'],
    [{ action: 'announcements', offset: -1 }, 'offset'],
    [{ action: 'announcements', offset: 1.5 }, 'offset'],
    [{ action: 'announcements', offset: 10_001 }, 'offset'],
    [{ action: 'announcements', page: 2 }, 'page'],
    [{ action: 'announcement' }, 'id'],
    [{ action: 'announcement', id: '' }, 'id'],
    [{ action: 'announcement', id: 12 }, 'id'],
    [{ action: 'announcement', id: '../hospital' }, 'id'],
    [{ action: 'announcement', id: 'x'.repeat(65) }, 'id'],
    [{ action: 'announcement', id: 'ann-booking-rules', extra: 1 }, 'extra'],
    [{ action: 'hospital', lang: 'en' }, 'lang'],
    [{ action: 'guide', id: 'guide' }, 'id'],
    [{ action: 'publish' }, 'action'],
    [{}, 'action'],
  ])('%j → INVALID_ARGUMENT on %s', async (event, field) => {
    const before = await all();
    const r = await call(event);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field } });
    if (!r.ok) expect(r.error.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(await all()).toEqual(before);
  });

  it('requires a WeChat user (OPENID)', async () => {
    for (const action of ['hospital', 'announcements', 'guide']) {
      expect(await call({ action }, '')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('any WeChat user may read; nothing is written', async () => {
    const before = await all();
    for (const openid of ['u1', 'someone-else']) {
      ok(await call({ action: 'hospital' }, openid));
      ok(await call({ action: 'guide' }, openid));
      ok(await call({ action: 'announcements', limit: 5, offset: 2 }, openid));
      ok(await call({ action: 'announcement', id: 'ann-holiday' }, openid));
    }
    expect(await all()).toEqual(before);
  });
});
