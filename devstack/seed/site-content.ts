/**
 * Seed of the `site_content` collection (微官网) for the devstack: the hospital introduction, the
 * visitor guide and a dozen announcements of the fictional 越州市第一人民医院. In production the
 * hospital's publicity office maintains these documents (cloudfunctions/site/README.md); the
 * handlers never seed anything.
 *
 * Name, address, phone and department locations come from the HIS sandbox's seed
 * (devstack/his/seed-data.ts) so both sides tell the same story. Announcement dates are relative
 * to the seeding clock (all within the last three months); one is an unpublished draft.
 */
import type { Database } from '../../server/ports/cloud-sdk';
import {
  GUIDE_DOC_ID,
  HOSPITAL_DOC_ID,
  SITE_CONTENT,
  type AnnouncementDoc,
  type GuideDoc,
  type HospitalDoc,
  type SiteContentDoc,
} from '../../server/adapters/clouddb/site-content';
import { inBusinessTz, type dayjs } from '../../server/core/time';
import { DEPARTMENTS, HOSPITAL } from '../his/seed-data';

type Day = dayjs.Dayjs;

/** `6月19日` */
const md = (d: Day): string => `${d.month() + 1}月${d.date()}日`;
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'] as const;
/** `6月19日（周五）` */
const mdw = (d: Day): string => `${md(d)}（周${WEEKDAYS[d.day()]}）`;

/** A business-time instant `daysAgo` days before `today` at hh:mm, as ISO. */
function at(today: Day, daysAgo: number, hh: number, mm = 0): string {
  return today.subtract(daysAgo, 'day').hour(hh).minute(mm).second(0).millisecond(0).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Hospital

export const HOSPITAL_HOURS: readonly string[] = [
  '门诊时间：周一至周五 08:00-11:30，13:30-17:00',
  '周六、周日：上午正常门诊，下午开设部分专科门诊',
  '夜间门诊：周一至周五 17:30-20:30（心血管内科、内分泌科、儿科）',
  '挂号收费：每日07:30起；预约号源每日07:00放出第7日号源',
  '急诊、发热门诊：24小时开放',
];

function hospitalDoc(nowIso: string): HospitalDoc {
  return {
    _id: HOSPITAL_DOC_ID,
    kind: 'hospital',
    name: HOSPITAL.name,
    level: HOSPITAL.level,
    intro: [
      `${HOSPITAL.name}（${HOSPITAL.shortName}）始建于1921年，是一所集医疗、教学、科研、预防保健和急救于一体的${HOSPITAL.level}综合医院，承担着越州市及周边地区的疑难危重病诊治任务。医院坐落于越城区示范路，院区由门诊楼、医技楼、住院楼组成。`,
      '医院现有临床、医技科室48个，其中省级重点学科3个、市级重点学科12个。心血管内科开展冠心病介入及心律失常射频消融，消化内科开展消化道早癌内镜诊治，骨科开展脊柱微创及人工关节置换，区域胸痛中心、卒中中心、创伤中心通过国家级认证。',
      '医院持续推进智慧医院建设：患者可通过本小程序管理本人及家人的就诊卡、预约挂号、使用医保电子凭证和微信支付缴费、查看检验检查报告、缴纳住院预交金并在线办理出院结算，让“信息多跑路，患者少跑腿”。',
    ],
    address: HOSPITAL.address,
    phone: HOSPITAL.phone,
    hours: [...HOSPITAL_HOURS],
    figures: [
      { label: '开放床位', value: '2200张' },
      { label: '年门诊量', value: '260万人次' },
      { label: '年出院人次', value: '9.6万' },
      { label: '年手术量', value: '5.2万台' },
      { label: '临床医技科室', value: '48个' },
      { label: '高级职称专家', value: '430名' },
    ],
    updatedAt: nowIso,
  };
}

// ---------------------------------------------------------------------------------------------
// Visitor guide

interface FloorPlace {
  area: string;
  place: string;
}

/** Places beside the HIS departments, by building and floor (`1楼`). Areas letter-sorted. */
const EXTRA_PLACES: Record<string, Record<string, FloorPlace[]>> = {
  门诊楼: {
    '1楼': [
      { area: 'A', place: '门诊大厅、挂号收费处、自助服务区、入口导诊台' },
      { area: 'B', place: '门诊西药房、中药房' },
      { area: 'D', place: '预防接种门诊' },
      { area: '东侧', place: '急诊科、发热门诊（独立出入口，24小时）' },
    ],
    '5楼': [{ area: 'B', place: '产前检查、孕妇学校' }],
    '7楼': [{ area: 'B', place: '针灸推拿治疗室' }],
  },
  医技楼: {
    '1楼': [
      { area: 'A', place: '检验科（抽血、标本采集）' },
      { area: 'B', place: '放射科（X线、CT）' },
    ],
    '2楼': [{ area: 'A', place: '超声科、心电图室' }],
    '3楼': [
      { area: 'A', place: '内镜中心（胃肠镜、支气管镜）' },
      { area: 'B', place: '磁共振（MRI）室' },
    ],
  },
  住院楼: {
    '1楼': [
      { area: 'A', place: '入院服务中心（住院登记、预交金缴纳）' },
      { area: 'B', place: '出院结算处、医保办' },
    ],
    '3-20楼': [{ area: '', place: '各科病区（详见各楼层指示牌）' }],
  },
};

const BUILDING_ORDER = ['门诊楼', '医技楼', '住院楼'] as const;
const LOCATION = /^(门诊楼|医技楼|住院楼)(\d+楼)([A-Z])区$/;

/** Guide floors built from the HIS department locations plus the other places of each building. */
export function guideFloors(): GuideDoc['floors'] {
  const byFloor = new Map<string, FloorPlace[]>();
  const key = (b: string, f: string): string => `${b}|${f}`;
  const push = (b: string, f: string, p: FloorPlace): void => {
    const list = byFloor.get(key(b, f)) ?? [];
    list.push(p);
    byFloor.set(key(b, f), list);
  };
  for (const d of DEPARTMENTS) {
    const m = LOCATION.exec(d.location);
    if (!m) throw new Error(`site seed: department location not understood: ${d.location}`);
    push(m[1]!, m[2]!, { area: m[3]!, place: d.name });
  }
  for (const [b, floors] of Object.entries(EXTRA_PLACES)) {
    for (const [f, places] of Object.entries(floors)) for (const p of places) push(b, f, p);
  }
  const floorNo = (f: string): number => Number.parseInt(f, 10);
  const isZone = (area: string): boolean => /^[A-Z]$/.test(area);
  const byArea = (x: FloorPlace, y: FloorPlace): number =>
    Number(!isZone(x.area)) - Number(!isZone(y.area)) || (x.area < y.area ? -1 : x.area > y.area ? 1 : 0);
  const buildingRank = (b: string): number => BUILDING_ORDER.indexOf(b as (typeof BUILDING_ORDER)[number]);
  return [...byFloor.entries()]
    .map(([k, places]) => {
      const [building, floor] = k.split('|') as [string, string];
      return { building, floor, places };
    })
    .sort((a, b) => buildingRank(a.building) - buildingRank(b.building) || floorNo(a.floor) - floorNo(b.floor))
    .map(({ building, floor, places }) => ({
      building,
      floor,
      // `A区 内科；B区 外科；C区 骨科`
      places: [...places]
        .sort(byArea)
        .map((p) => (isZone(p.area) ? `${p.area}区 ${p.place}` : p.area ? `${p.area} ${p.place}` : p.place))
        .join('；'),
    }));
}

function guideDoc(nowIso: string): GuideDoc {
  return {
    _id: GUIDE_DOC_ID,
    kind: 'guide',
    address: HOSPITAL.address,
    transport: [
      { mode: '公交', text: '乘1路、6路、12路、K3路至“市第一人民医院”站，下车即到门诊楼正门（示范路南门）' },
      { mode: '地铁', text: '地铁1号线至“示范路”站B出口，向北步行约300米' },
      { mode: '自驾', text: '导航至“越州市第一人民医院”，由示范路东门进入地下停车场；急诊车辆请走东侧急诊通道' },
      { mode: '出租车', text: '门诊楼正门设即停即走落客区，急诊患者可直接送至门诊楼东侧急诊入口' },
    ],
    parking:
      '门诊楼、医技楼地下停车场（B1-B2层，约800个车位），入口在示范路东门；首30分钟免费，之后每小时3元，支持微信无感支付。住院患者家属凭住院证可办理优惠。工作日上午车位紧张，建议乘坐公共交通。',
    floors: guideFloors(),
    updatedAt: nowIso,
  };
}

// ---------------------------------------------------------------------------------------------
// Announcements

interface Holiday {
  name: string;
  date: string;
}

/** Lunar-calendar holidays by year (Gregorian date of the festival day). */
const LUNAR_HOLIDAYS: Record<number, { spring: string; dragonBoat: string; midAutumn: string }> = {
  2024: { spring: '2024-02-10', dragonBoat: '2024-06-10', midAutumn: '2024-09-17' },
  2025: { spring: '2025-01-29', dragonBoat: '2025-05-31', midAutumn: '2025-10-06' },
  2026: { spring: '2026-02-17', dragonBoat: '2026-06-19', midAutumn: '2026-09-25' },
  2027: { spring: '2027-02-06', dragonBoat: '2027-06-09', midAutumn: '2027-09-15' },
  2028: { spring: '2028-01-26', dragonBoat: '2028-05-28', midAutumn: '2028-10-03' },
  2029: { spring: '2029-02-13', dragonBoat: '2029-06-16', midAutumn: '2029-09-22' },
  2030: { spring: '2030-02-03', dragonBoat: '2030-06-05', midAutumn: '2030-09-12' },
};

function holidaysAround(year: number): Holiday[] {
  const out: Holiday[] = [];
  for (const y of [year - 1, year, year + 1]) {
    out.push(
      { name: '元旦', date: `${y}-01-01` },
      { name: '清明节', date: `${y}-04-04` },
      { name: '劳动节', date: `${y}-05-01` },
      { name: '国庆节', date: `${y}-10-01` },
    );
    const lunar = LUNAR_HOLIDAYS[y];
    if (lunar) {
      out.push(
        { name: '春节', date: lunar.spring },
        { name: '端午节', date: lunar.dragonBoat },
        { name: '中秋节', date: lunar.midAutumn },
      );
    }
  }
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * The holiday notice that fits the seeding day: the coming holiday when it is at most 30 days away
 * (published yesterday at the latest), else the latest past one (published 14 days before it).
 * Either way the notice is at most ~80 days old.
 */
export function pickHoliday(today: Day): { holiday: Holiday; day: Day; publishDaysAgo: number } {
  const list = holidaysAround(today.year()).map((h) => ({
    holiday: h,
    day: inBusinessTz(`${h.date}T12:00:00+08:00`).startOf('day'),
  }));
  const start = today.startOf('day');
  const next = list.find((h) => h.day.isAfter(start));
  if (next && next.day.diff(start, 'day') <= 30) {
    const daysAgo = Math.max(1, -next.day.subtract(14, 'day').diff(start, 'day'));
    return { ...next, publishDaysAgo: daysAgo };
  }
  const prev = [...list].reverse().find((h) => !h.day.isAfter(start))!;
  return { ...prev, publishDaysAgo: start.diff(prev.day, 'day') + 14 };
}

type AnnouncementSeed = Omit<AnnouncementDoc, 'kind' | 'updatedAt'>;

function announcementSeeds(today: Day): AnnouncementSeed[] {
  const hol = pickHoliday(today);
  const holYear = hol.day.year();
  const stopFrom = today.add(4, 'day');
  const stopTo = today.add(6, 'day');
  const eveningFrom = today.subtract(42, 'day').add(7, 'day');
  const insuranceFrom = today.subtract(20, 'day').add(1, 'day');

  return [
    {
      _id: 'ann-booking-rules',
      published: true,
      pinned: true,
      publishedAt: at(today, 75, 9),
      title: '预约挂号须知',
      summary: '全面实行非急诊预约诊疗，每日07:00放出第7日号源，请提前绑定就诊人。',
      body: [
        `${HOSPITAL.name}全面实行非急诊预约诊疗。患者可通过本小程序、医院公众号、院内自助机及电话（${HOSPITAL.phone}）预约挂号。`,
        '号源规则：每日07:00放出第7日号源（例如周一07:00放出下周一的号源），可预约当日及未来7天内的号源；专家号源有限，请以页面显示为准。',
        '实名就诊：预约前请在“就诊人管理”中绑定本人或家人的身份证信息，每个微信用户最多绑定5位就诊人。就诊时请携带身份证、医保卡或电子健康卡。',
        '取消与爽约：如需取消，请在就诊前一日24:00前在“我的预约”中操作；90天内爽约累计3次的，将暂停预约资格30天。',
        '就诊当日请按预约时段提前15分钟到达对应诊区，在分诊台或自助机签到后候诊。',
      ],
    },
    {
      _id: 'ann-evening-clinic',
      published: true,
      pinned: true,
      publishedAt: at(today, 42, 16, 30),
      title: '关于开设工作日夜间门诊的通知',
      summary: `自${md(eveningFrom)}起，心血管内科、内分泌科、儿科开设工作日夜间门诊（17:30-20:30）。`,
      body: [
        `为方便上班族及学生就医，自${md(eveningFrom)}起，医院在工作日（周一至周五）开设夜间门诊，时间为17:30-20:30。`,
        '开诊科室：心血管内科（门诊楼3楼A区）、内分泌科（门诊楼4楼B区）、儿科（门诊楼1楼C区）。',
        '夜间门诊号源与日间门诊同步放出，可在小程序“预约挂号”中选择“夜间”时段预约；夜间检验、检查及药房正常开放。',
        '急诊、发热门诊仍为24小时开放，危急重症请直接前往门诊楼东侧急诊入口。',
      ],
    },
    {
      _id: 'ann-expert-stop',
      published: true,
      pinned: false,
      publishedAt: at(today, 3, 17),
      title: `心血管内科、神经内科部分专家${md(stopFrom)}至${md(stopTo)}停诊`,
      summary: '因参加省级学术会议，部分专家门诊临时停诊，已预约患者将收到通知。',
      body: [
        `因参加省级学术会议，心血管内科、神经内科部分专家门诊${mdw(stopFrom)}至${mdw(stopTo)}停诊，普通门诊及专科门诊不受影响。`,
        '已预约上述专家号源的患者，医院将通过订阅消息或短信通知，挂号费将按原支付渠道全额退回，可改约同科室其他医生。',
        '如有疑问，请致电医院咨询电话或到门诊楼1楼服务台咨询。给您带来不便，敬请谅解。',
      ],
    },
    {
      _id: 'ann-medical-insurance-online',
      published: true,
      pinned: false,
      publishedAt: at(today, 20, 10),
      title: '医保移动支付上线：门诊费用可在小程序直接结算',
      summary: `自${md(insuranceFrom)}起，本市职工医保、城乡居民医保参保人可使用医保电子凭证在线缴纳门诊费用。`,
      body: [
        `自${md(insuranceFrom)}起，越州市职工基本医疗保险、城乡居民基本医疗保险参保人员，可在本小程序使用医保电子凭证在线缴纳门诊诊间费用。`,
        '结算时医保统筹及个人账户支付部分自动结算，自付部分通过微信支付完成，无需再到收费窗口排队。',
        '首次使用请先在微信“医保电子凭证”中完成激活，并确保就诊人信息与参保信息一致。异地医保、工伤、生育保险及门诊特殊病种费用暂请到窗口办理。',
      ],
    },
    {
      _id: 'ann-holiday',
      published: true,
      pinned: false,
      publishedAt: at(today, hol.publishDaysAgo, 15),
      title: `${holYear}年${hol.holiday.name}期间门诊安排`,
      summary: `${hol.holiday.name}期间急诊24小时开放，${md(hol.day)}上午安排普通门诊及部分专科门诊。`,
      body: [
        `根据国家法定节假日安排，结合医院实际，现将${holYear}年${hol.holiday.name}期间门诊安排通知如下：`,
        `${mdw(hol.day)}上午开设普通门诊及内科、外科、儿科、妇产科专科门诊，下午停诊；其余假期按周末门诊安排，具体以小程序“预约挂号”页面的排班为准。`,
        '急诊科、发热门诊、儿科急诊24小时开放；检验科、放射科、药房急诊窗口正常服务。',
        '住院患者的出入院办理不受影响，假期间可在小程序缴纳住院预交金。',
      ],
    },
    {
      _id: 'ann-vaccination',
      published: true,
      pinned: false,
      publishedAt: at(today, 35, 9, 30),
      title: '成人疫苗接种门诊开放预约',
      summary: '预防接种门诊提供HPV疫苗、带状疱疹疫苗、流感疫苗等成人疫苗接种，需提前预约。',
      body: [
        '医院预防接种门诊（门诊楼1楼D区）面向成人开放疫苗接种，周一至周五 08:00-11:30，13:30-16:30。',
        '可接种疫苗：HPV疫苗（二价、四价、九价）、带状疱疹疫苗、流感疫苗、乙肝疫苗、肺炎球菌疫苗等，具体以现场库存为准。',
        '接种前请通过小程序预约，携带身份证到现场签署知情同意书；接种后需在留观区观察30分钟。发热、急性疾病期间请暂缓接种。',
      ],
    },
    {
      _id: 'ann-no-escort-ward',
      published: true,
      pinned: false,
      publishedAt: at(today, 28, 11),
      title: '“无陪护病房”试点扩大至6个病区',
      summary: '由医院统一培训、管理的护理员提供生活照护，家属不需陪护。',
      body: [
        '为减轻患者家庭负担，医院“无陪护病房”试点由2个病区扩大至6个病区，覆盖心血管内科、骨科、神经内科等科室。',
        '试点病区由医院统一培训、管理的医疗护理员提供24小时生活照护，护士负责专业护理，家属原则上不需陪护，可按规定时间探视。',
        '服务费用按规定收取，符合条件的可纳入医保结算。入院时可向病区护士站咨询。',
      ],
    },
    {
      _id: 'ann-reports-online',
      published: true,
      pinned: false,
      publishedAt: at(today, 50, 14),
      title: '检验检查报告可在小程序查看',
      summary: '检验报告、影像报告出具后将推送提醒，可在“报告查询”中查看，无需到院打印。',
      body: [
        '即日起，门诊及住院患者的检验报告、超声报告、放射影像报告出具后，可在本小程序“报告查询”中查看。',
        '订阅“报告出具提醒”后，报告出具时将收到微信消息提醒。影像胶片可在线查看，如需纸质胶片请到医技楼1楼放射科自助打印机打印。',
        '报告内容请以医生解读为准，如有异常请及时复诊。',
      ],
    },
    {
      _id: 'ann-inpatient-deposit',
      published: true,
      pinned: false,
      publishedAt: at(today, 60, 10, 30),
      title: '住院预交金在线缴纳及出院结算服务上线',
      summary: '住院患者及家属可在线缴纳预交金、查看每日费用清单，符合条件的可在线办理出院结算。',
      body: [
        '住院患者及家属可在本小程序“住院服务”中缴纳住院预交金、查看每日费用清单，余额不足时将收到提醒。',
        '出院当日，经护士站确认准许出院、住院收费处确认准许结算后，自费患者可在线完成出院结算，多余预交金按原支付渠道退回。',
        '医保患者暂请到住院楼1楼出院结算处办理。',
      ],
    },
    {
      _id: 'ann-parking-contactless',
      published: true,
      pinned: false,
      publishedAt: at(today, 85, 9),
      title: '院内停车场启用微信无感支付',
      summary: '门诊楼、医技楼地下停车场支持微信无感支付，出场自动扣费。',
      body: [
        '门诊楼、医技楼地下停车场（入口在示范路东门）已启用微信无感支付，开通后出场自动扣费，无需扫码排队。',
        '收费标准不变：首30分钟免费，之后每小时3元。住院患者家属凭住院证可到住院楼1楼入院服务中心办理停车优惠。',
        '就诊高峰时段车位紧张，建议乘坐公共交通或地铁1号线前来就医。',
      ],
    },
    {
      _id: 'ann-draft-free-clinic',
      published: false,
      pinned: false,
      publishedAt: at(today, 1, 9),
      title: '（草稿）社区大型义诊活动预告',
      summary: '心血管内科、内分泌科、眼科专家将走进社区开展义诊，时间地点待定。',
      body: ['本次义诊活动的时间、地点尚在确认中，确定后另行通知。'],
    },
  ];
}

// ---------------------------------------------------------------------------------------------

/** Every seeded document, with dates relative to `now`. */
export function buildSiteContent(now: Date): SiteContentDoc[] {
  const nowIso = now.toISOString();
  const today = inBusinessTz(now);
  return [
    hospitalDoc(nowIso),
    guideDoc(nowIso),
    ...announcementSeeds(today).map((a): AnnouncementDoc => ({ ...a, kind: 'announcement', updatedAt: a.publishedAt })),
  ];
}

/**
 * Fills `site_content` when it is empty (first start, after `--reset`); leaves existing content
 * alone. All documents land in one transaction, so an interrupted seed leaves nothing half-done.
 */
export async function seedSiteContent(
  db: Database,
  opts: { now?: Date } = {},
): Promise<{ seeded: boolean; count: number }> {
  const existing = await db.collection(SITE_CONTENT).count();
  if (existing.total > 0) return { seeded: false, count: existing.total };
  const docs = buildSiteContent(opts.now ?? new Date());
  await db.runTransaction(async (tx) => {
    for (const doc of docs) await tx.collection(SITE_CONTENT).add({ data: { ...doc } });
  });
  return { seeded: true, count: docs.length };
}
