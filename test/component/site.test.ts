import type { Announcement, AnnouncementSummary, HospitalIntro, VisitorGuide } from '../../typings/site';
import { countTags, openPage, renderPage, tapVant, textOf } from './helpers';
import { fail, flush, installWx, networkDown, ok, routes } from './wx-mock';

/** Several pages share Vant components here; see freshPagesEachTest in ./helpers.ts. */
beforeEach(() => {
  jest.resetModules();
});

const hospital: HospitalIntro = {
  name: '市第一人民医院',
  level: '三级甲等',
  intro: ['医院始建于1950年，是集医疗、教学、科研于一体的综合性医院。', '医院设有临床科室45个。'],
  address: '市中心人民路100号',
  phone: '0571-88888888',
  hours: ['门诊时间：周一至周日 08:00-11:30, 13:30-17:00', '急诊：24小时'],
  figures: [
    { label: '开放床位', value: '2000张' },
    { label: '临床科室', value: '45个' },
    { label: '年门诊量', value: '300万' },
  ],
};

const guide: VisitorGuide = {
  address: '市中心人民路100号',
  transport: [
    { mode: '公交', text: '1路、6路至“人民医院”站' },
    { mode: '地铁', text: '2号线人民路站B出口' },
  ],
  parking: '地下停车场入口在东门，前30分钟免费',
  floors: [
    { building: '门诊楼', floor: '1F', places: '挂号收费、药房、急诊' },
    { building: '门诊楼', floor: '3F', places: '心血管内科、呼吸内科' },
  ],
};

function summary(i: number, overrides: Partial<AnnouncementSummary> = {}): AnnouncementSummary {
  return {
    id: `a${i}`,
    title: `公告${i}`,
    summary: `摘要${i}`,
    publishedAt: '2024-05-01T16:30:00.000Z', // 2024-05-02 in Asia/Shanghai
    pinned: false,
    ...overrides,
  };
}

describe('微官网 packageSite/pages/index', () => {
  test('hospital intro, figures, hours and contact; entries open 科室介绍, 公告, 导航', async () => {
    const wx = installWx({ backend: routes({ 'site.hospital': ok(hospital) }) });
    const page = renderPage('packageSite/pages/index/index');
    page.instance.onLoad({});
    expect(countTags(page.querySelector('#loading')!, 'van-skeleton')).toBe(1);
    await flush();
    expect(wx.eventsTo('site')).toEqual([{ action: 'hospital' }]);
    const intro = textOf(page.querySelector('#hospital'));
    for (const s of ['市第一人民医院', '三级甲等', '医院始建于1950年', '临床科室45个']) expect(intro).toContain(s);
    const figures = textOf(page.querySelector('#figures'));
    for (const s of ['2000张', '开放床位', '300万']) expect(figures).toContain(s);
    expect(textOf(page.querySelector('#hours'))).toContain('周一至周日 08:00-11:30, 13:30-17:00');
    expect(textOf(page.querySelector('#contact'))).toContain('0571-88888888');

    await tapVant(page, '#site-departments');
    await tapVant(page, '#site-announcements');
    await tapVant(page, '#site-guide');
    expect(wx.argsOf('navigateTo').map((o) => o.url)).toEqual([
      '/packageBooking/pages/departments/index?mode=intro',
      '/packageSite/pages/announcements/index',
      '/packageSite/pages/guide/index',
    ]);
  });

  test('error state with retry', async () => {
    let down = true;
    installWx({ backend: () => (down ? networkDown() : ok(hospital)) });
    const page = await openPage('packageSite/pages/index/index');
    expect(textOf(page.querySelector('#error-state'))).toContain('网络异常，请稍后重试');
    down = false;
    await tapVant(page, '#error-state >>> #retry');
    expect(textOf(page.querySelector('#hospital'))).toContain('市第一人民医院');
  });
});

describe('医院公告 packageSite/pages/announcements', () => {
  test('list with pinned tag and Shanghai date; reaching the bottom loads the next page', async () => {
    const first = Array.from({ length: 20 }, (_, i) => summary(i + 1, { pinned: i === 0 }));
    const wx = installWx({
      backend: routes({
        'site.announcements': (call) =>
          call.event.offset === 0 ? ok({ items: first, total: 21 }) : ok({ items: [summary(21)], total: 21 }),
      }),
    });
    const page = await openPage('packageSite/pages/announcements/index');
    expect(wx.eventsTo('site')[0]).toEqual({ action: 'announcements', offset: 0, limit: 20 });
    const a1 = textOf(page.querySelector('#announcement-a1'));
    for (const s of ['置顶', '公告1', '摘要1', '2024-05-02']) expect(a1).toContain(s);
    expect(textOf(page.querySelector('#announcement-a2'))).not.toContain('置顶');

    (page.instance as unknown as { onReachBottom(): void }).onReachBottom();
    await flush();
    expect(wx.eventsTo('site')[1]).toEqual({ action: 'announcements', offset: 20, limit: 20 });
    expect(page.querySelector('#announcement-a21')).toBeTruthy();
    expect(textOf(page.querySelector('#list-end'))).toContain('没有更多了');

    (page.instance as unknown as { onReachBottom(): void }).onReachBottom();
    await flush();
    expect(wx.eventsTo('site')).toHaveLength(2); // nothing more to load

    await tapVant(page, '#announcement-a21');
    expect(wx.argsOf('navigateTo')[0]).toMatchObject({ url: '/packageSite/pages/announcement/index?id=a21' });
  });

  test('empty state', async () => {
    installWx({ backend: routes({ 'site.announcements': ok({ items: [], total: 0 }) }) });
    const page = await openPage('packageSite/pages/announcements/index');
    expect(textOf(page.querySelector('#empty-state'))).toContain('暂无公告');
  });
});

describe('公告详情 packageSite/pages/announcement', () => {
  test('title, date and paragraphs; NOT_FOUND state', async () => {
    const a: Announcement = { ...summary(7, { title: '五一假期门诊安排' }), body: ['第一段。', '第二段。'] };
    const wx = installWx({ backend: routes({ 'site.announcement': ok(a) }) });
    const page = await openPage('packageSite/pages/announcement/index', { id: 'a7' });
    expect(wx.eventsTo('site')).toEqual([{ action: 'announcement', id: 'a7' }]);
    const text = textOf(page.querySelector('#article'));
    for (const s of ['五一假期门诊安排', '2024-05-02', '第一段。', '第二段。']) expect(text).toContain(s);

    installWx({ backend: routes({ 'site.announcement': fail('NOT_FOUND', '公告不存在') }) });
    const gone = await openPage('packageSite/pages/announcement/index', { id: 'nope' });
    expect(textOf(gone.querySelector('#not-found'))).toContain('公告不存在或已下线');
  });
});

describe('来院导航 packageSite/pages/guide', () => {
  test('address, phone, transport, parking and floors', async () => {
    const wx = installWx({ backend: routes({ 'site.guide': ok(guide), 'site.hospital': ok(hospital) }) });
    const page = await openPage('packageSite/pages/guide/index');
    expect(
      wx
        .eventsTo('site')
        .map((e) => e.action)
        .sort(),
    ).toEqual(['guide', 'hospital']);
    expect(textOf(page.querySelector('#address'))).toContain('市中心人民路100号');
    expect(textOf(page.querySelector('#phone'))).toBe('0571-88888888');
    const transport = textOf(page.querySelector('#transport'));
    for (const s of ['公交', '1路、6路至“人民医院”站', '地铁']) expect(transport).toContain(s);
    expect(textOf(page.querySelector('#parking'))).toContain('前30分钟免费');
    const floors = textOf(page.querySelector('#floors'));
    for (const s of ['门诊楼 1F', '挂号收费、药房、急诊', '心血管内科、呼吸内科']) expect(floors).toContain(s);
  });

  test('the guide still shows when the hospital intro fails (no phone then)', async () => {
    installWx({
      backend: routes({ 'site.guide': ok(guide), 'site.hospital': fail('UNAVAILABLE', '服务繁忙') }),
    });
    const page = await openPage('packageSite/pages/guide/index');
    expect(textOf(page.querySelector('#address'))).toContain('市中心人民路100号');
    expect(page.querySelector('#phone')).toBeFalsy();
  });
});
