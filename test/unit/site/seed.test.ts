/**
 * The devstack's 微官网 seed (devstack/seed/site-content.ts): the promised content, dates relative
 * to the seeding clock, and seeding only an empty collection.
 */
import { createCloudEmulator } from '../../../devstack/cloud';
import { buildSiteContent, pickHoliday, seedSiteContent } from '../../../devstack/seed/site-content';
import { SITE_CONTENT, type AnnouncementDoc } from '../../../server/adapters/clouddb/site-content';
import { inBusinessTz } from '../../../server/core/time';

const DAY = 86_400_000;

const announcements = (now: Date): AnnouncementDoc[] =>
  buildSiteContent(now).filter((d): d is AnnouncementDoc => d.kind === 'announcement');

describe('content', () => {
  const now = new Date('2026-06-15T02:00:00Z');
  const anns = announcements(now);

  it('has the hospital, the guide and 8–12 announcements, 1–2 pinned, one draft', () => {
    const docs = buildSiteContent(now);
    expect(docs.filter((d) => d.kind === 'hospital').map((d) => d._id)).toEqual(['hospital']);
    expect(docs.filter((d) => d.kind === 'guide').map((d) => d._id)).toEqual(['guide']);
    expect(anns.length).toBeGreaterThanOrEqual(8);
    expect(anns.length).toBeLessThanOrEqual(12);
    const pinned = anns.filter((a) => a.pinned && a.published).length;
    expect(pinned).toBeGreaterThanOrEqual(1);
    expect(pinned).toBeLessThanOrEqual(2);
    expect(anns.filter((a) => !a.published)).toHaveLength(1);
    expect(new Set(anns.map((a) => a._id)).size).toBe(anns.length);
  });

  it('covers the promised topics', () => {
    const text = anns.map((a) => `${a.title}${a.summary}${a.body.join('')}`).join('\n');
    for (const topic of ['门诊', '停诊', '医保', '预约挂号', '每日07:00放出第7日号源', '疫苗', '期间门诊安排']) {
      expect(text).toContain(topic);
    }
  });

  it.each([
    '2026-01-01T03:00:00Z',
    '2026-02-20T03:00:00Z',
    '2026-04-20T03:00:00Z',
    '2026-06-15T02:00:00Z',
    '2026-08-20T15:30:00Z',
    '2026-09-10T03:00:00Z',
    '2026-11-27T10:00:00Z',
    '2026-12-31T16:30:00Z',
    '2031-03-01T00:00:00Z',
  ])('dates are in the last three months of the seeding clock (%s)', (iso) => {
    const at = new Date(iso);
    for (const a of announcements(at)) {
      const age = at.getTime() - Date.parse(a.publishedAt);
      expect({ id: a._id, inPast: age > 0, within: age <= 92 * DAY }).toEqual({
        id: a._id,
        inPast: true,
        within: true,
      });
      expect(new Date(a.publishedAt).toISOString()).toBe(a.publishedAt);
    }
  });

  it('picks the coming holiday when near, else the last one', () => {
    expect(pickHoliday(inBusinessTz('2026-06-10T10:00:00+08:00')).holiday).toEqual({
      name: '端午节',
      date: '2026-06-19',
    });
    expect(pickHoliday(inBusinessTz('2026-07-20T10:00:00+08:00')).holiday).toEqual({
      name: '端午节',
      date: '2026-06-19',
    });
    expect(pickHoliday(inBusinessTz('2026-09-01T10:00:00+08:00')).holiday).toEqual({
      name: '中秋节',
      date: '2026-09-25',
    });
    expect(pickHoliday(inBusinessTz('2026-12-20T10:00:00+08:00')).holiday).toEqual({
      name: '元旦',
      date: '2027-01-01',
    });
  });
});

describe('seedSiteContent', () => {
  it('seeds an empty collection once, and leaves existing content alone', async () => {
    const emu = createCloudEmulator({ dbFile: ':memory:', templates: [] });
    try {
      const now = new Date('2026-06-15T02:00:00Z');
      const first = await seedSiteContent(emu.db, { now });
      expect(first).toEqual({ seeded: true, count: buildSiteContent(now).length });
      const stored = (await emu.db.collection(SITE_CONTENT).limit(1000).get()).data;
      expect(stored).toHaveLength(first.count);

      await emu.db.collection(SITE_CONTENT).doc('ann-holiday').remove();
      const again = await seedSiteContent(emu.db, { now: new Date('2026-09-01T00:00:00Z') });
      expect(again).toEqual({ seeded: false, count: first.count - 1 });
      const after = (await emu.db.collection(SITE_CONTENT).limit(1000).get()).data;
      expect(after.map((d) => d._id).sort()).toEqual(
        stored
          .map((d) => d._id)
          .filter((id) => id !== 'ann-holiday')
          .sort(),
      );
    } finally {
      emu.close();
    }
  });
});
