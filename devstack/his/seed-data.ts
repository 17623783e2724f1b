/**
 * Static reference lists for the HIS sandbox's seed. Everything is fictional: the hospital does not
 * exist and the people generated from these lists are fake (real region-code prefixes only).
 */

export const HOSPITAL = {
  code: 'H330602001',
  name: '越州市第一人民医院',
  shortName: '越州一院',
  level: '三级甲等',
  address: '浙江省越州市越城区示范路1号（虚构地址）',
  phone: '0575-80000000',
  /** Marks every sandbox answer's origin for people reading the console. */
  notice: 'HIS 沙箱：医院、医生、患者均为虚构测试数据',
} as const;

export interface DepartmentSeed {
  code: string;
  name: string;
  location: string;
  intro: string;
  specialties: readonly string[];
}

export const DEPARTMENTS: readonly DepartmentSeed[] = [
  {
    code: '1001',
    name: '内科',
    location: '门诊楼2楼A区',
    intro: '承担常见内科疾病的诊治，擅长发热、慢性病随访及多系统疾病的综合评估。',
    specialties: ['发热待查及常见内科疾病', '高血压、糖尿病等慢性病管理', '老年多病共存综合评估'],
  },
  {
    code: '1002',
    name: '心血管内科',
    location: '门诊楼3楼A区',
    intro: '开展冠心病、心律失常、心力衰竭的规范诊治及介入治疗。',
    specialties: ['冠心病介入治疗', '心律失常射频消融', '高血压及心力衰竭', '心脏起搏器植入与随访'],
  },
  {
    code: '1003',
    name: '呼吸内科',
    location: '门诊楼3楼B区',
    intro: '诊治慢阻肺、哮喘、肺部感染及肺结节，开展支气管镜检查。',
    specialties: ['慢性阻塞性肺疾病', '支气管哮喘', '肺结节诊治与随访', '睡眠呼吸暂停'],
  },
  {
    code: '1004',
    name: '消化内科',
    location: '门诊楼3楼C区',
    intro: '擅长胃肠、肝胆胰疾病诊治，开展无痛胃肠镜及内镜下治疗。',
    specialties: ['胃食管反流病', '消化道早癌内镜诊治', '炎症性肠病', '脂肪肝与慢性肝病'],
  },
  {
    code: '1005',
    name: '神经内科',
    location: '门诊楼4楼A区',
    intro: '诊治脑血管病、头痛、癫痫、帕金森病及认知障碍。',
    specialties: ['脑卒中防治', '头痛与眩晕', '帕金森病及运动障碍', '癫痫', '认知障碍'],
  },
  {
    code: '1006',
    name: '内分泌科',
    location: '门诊楼4楼B区',
    intro: '诊治糖尿病、甲状腺疾病、骨质疏松及肥胖等代谢性疾病。',
    specialties: ['糖尿病及并发症', '甲状腺疾病', '骨质疏松', '肥胖与代谢综合征'],
  },
  {
    code: '2001',
    name: '外科',
    location: '门诊楼2楼B区',
    intro: '开展普通外科常见病手术，擅长腹腔镜微创手术及甲状腺、乳腺外科。',
    specialties: ['胆囊结石微创手术', '疝气修补', '甲状腺结节', '乳腺疾病', '胃肠肿瘤'],
  },
  {
    code: '2002',
    name: '骨科',
    location: '门诊楼2楼C区',
    intro: '诊治创伤骨折、脊柱退变、关节疾病及运动损伤。',
    specialties: ['脊柱微创', '人工关节置换', '运动损伤与关节镜', '创伤骨折'],
  },
  {
    code: '3001',
    name: '妇产科',
    location: '门诊楼5楼A区',
    intro: '提供孕产期保健、高危妊娠管理及妇科常见病、肿瘤诊治。',
    specialties: ['高危妊娠', '产前检查与孕期保健', '妇科肿瘤', '宫颈疾病'],
  },
  {
    code: '4001',
    name: '儿科',
    location: '门诊楼1楼C区',
    intro: '诊治儿童常见病、呼吸道感染、生长发育问题，开设儿童保健门诊。',
    specialties: ['儿童呼吸道感染', '儿童哮喘', '生长发育评估', '新生儿疾病'],
  },
  {
    code: '5001',
    name: '眼科',
    location: '门诊楼6楼A区',
    intro: '开展白内障、青光眼、眼底病诊治及儿童近视防控。',
    specialties: ['白内障手术', '青光眼', '眼底病', '儿童近视防控'],
  },
  {
    code: '5002',
    name: '耳鼻喉科',
    location: '门诊楼6楼B区',
    intro: '诊治鼻炎鼻窦炎、中耳炎、咽喉疾病及听力障碍。',
    specialties: ['鼻炎与鼻窦炎', '中耳炎与听力下降', '咽喉疾病', '睡眠打鼾'],
  },
  {
    code: '5003',
    name: '口腔科',
    location: '门诊楼6楼C区',
    intro: '提供牙体牙髓、牙周、修复、正畸及口腔颌面外科诊疗。',
    specialties: ['牙体牙髓治疗', '牙周病', '口腔修复与种植', '儿童及成人正畸'],
  },
  {
    code: '5004',
    name: '皮肤科',
    location: '门诊楼5楼C区',
    intro: '诊治湿疹、荨麻疹、痤疮、银屑病等常见皮肤病及性病。',
    specialties: ['湿疹与皮炎', '痤疮', '银屑病', '荨麻疹'],
  },
  {
    code: '6001',
    name: '中医科',
    location: '门诊楼7楼A区',
    intro: '运用中医辨证论治调理慢性病、亚健康，开展针灸推拿。',
    specialties: ['脾胃病中医调理', '针灸推拿', '失眠中医调理', '妇科中医调理'],
  },
  {
    code: '7001',
    name: '康复医学科',
    location: '医技楼2楼B区',
    intro: '提供脑卒中、骨关节术后及慢性疼痛的康复评估与训练。',
    specialties: ['脑卒中康复', '骨关节术后康复', '颈肩腰腿痛'],
  },
];

/** Doctor titles: 主任医师/副主任医师 see patients as 专家 (expert), 主治医师 as 专科 (specialist). */
export const DOCTOR_TITLES = [
  { title: '主任医师', level: 'expert', weight: 1 },
  { title: '副主任医师', level: 'expert', weight: 1.4 },
  { title: '主治医师', level: 'specialist', weight: 1.8 },
] as const;

/** Common surnames, weighted roughly by frequency. */
export const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 72],
  ['李', 70],
  ['张', 66],
  ['刘', 54],
  ['陈', 46],
  ['杨', 33],
  ['黄', 25],
  ['赵', 22],
  ['吴', 21],
  ['周', 20],
  ['徐', 18],
  ['孙', 16],
  ['马', 15],
  ['朱', 14],
  ['胡', 13],
  ['郭', 12],
  ['何', 12],
  ['高', 11],
  ['林', 11],
  ['罗', 10],
  ['郑', 10],
  ['梁', 9],
  ['谢', 8],
  ['宋', 7],
  ['唐', 7],
  ['许', 7],
  ['韩', 6],
  ['冯', 6],
  ['邓', 6],
  ['曹', 6],
  ['彭', 5],
  ['曾', 5],
  ['肖', 5],
  ['田', 5],
  ['董', 5],
  ['袁', 5],
  ['潘', 4],
  ['于', 4],
  ['蒋', 4],
  ['蔡', 4],
  ['余', 4],
  ['杜', 4],
  ['叶', 4],
  ['程', 4],
  ['苏', 4],
  ['魏', 4],
  ['吕', 4],
  ['丁', 4],
  ['任', 4],
  ['沈', 4],
  ['姚', 3],
  ['卢', 3],
  ['姜', 3],
  ['崔', 3],
  ['钟', 3],
  ['谭', 3],
  ['陆', 3],
  ['汪', 3],
  ['范', 3],
  ['金', 3],
  ['石', 3],
  ['廖', 3],
  ['贾', 3],
  ['夏', 3],
  ['韦', 3],
  ['方', 3],
  ['邵', 2],
  ['孟', 2],
  ['钱', 2],
  ['严', 2],
  ['俞', 2],
  ['楼', 1],
  ['章', 2],
  ['裘', 1],
  ['欧阳', 0.6],
  ['诸葛', 0.2],
  ['司马', 0.2],
];

type Era = 'old' | 'mid' | 'young';

/** Given-name characters by gender and birth era (names follow fashion). */
export const GIVEN_CHARS: Record<'M' | 'F', Record<Era, readonly string[]>> = {
  M: {
    old: [
      '建',
      '国',
      '华',
      '明',
      '德',
      '福',
      '忠',
      '根',
      '荣',
      '生',
      '祥',
      '林',
      '海',
      '文',
      '志',
      '兴',
      '庆',
      '富',
      '宝',
      '金',
    ],
    mid: [
      '伟',
      '强',
      '磊',
      '军',
      '勇',
      '杰',
      '涛',
      '斌',
      '超',
      '刚',
      '平',
      '辉',
      '鹏',
      '波',
      '峰',
      '东',
      '健',
      '亮',
      '俊',
      '飞',
    ],
    young: [
      '浩',
      '宇',
      '轩',
      '睿',
      '子',
      '博',
      '辰',
      '泽',
      '皓',
      '一',
      '铭',
      '烨',
      '晨',
      '恒',
      '逸',
      '航',
      '梓',
      '然',
      '煜',
      '哲',
    ],
  },
  F: {
    old: [
      '秀',
      '英',
      '兰',
      '珍',
      '凤',
      '芳',
      '玉',
      '桂',
      '淑',
      '梅',
      '琴',
      '菊',
      '华',
      '云',
      '素',
      '彩',
      '月',
      '仙',
      '娥',
      '萍',
    ],
    mid: [
      '丽',
      '娟',
      '敏',
      '静',
      '艳',
      '燕',
      '红',
      '霞',
      '玲',
      '婷',
      '雪',
      '琳',
      '慧',
      '倩',
      '颖',
      '洁',
      '晶',
      '莉',
      '丹',
      '佳',
    ],
    young: [
      '涵',
      '萱',
      '欣',
      '怡',
      '梓',
      '诗',
      '雨',
      '可',
      '悦',
      '妍',
      '思',
      '琪',
      '语',
      '若',
      '彤',
      '一',
      '佳',
      '晨',
      '依',
      '瑶',
    ],
  },
};

export function eraOf(birthYear: number): Era {
  if (birthYear < 1960) return 'old';
  if (birthYear < 1995) return 'mid';
  return 'young';
}

/**
 * Region codes (行政区划代码, real prefixes) for generated ID numbers, weighted towards the
 * hospital's own catchment (越城, 柯桥, 上虞, the former 绍兴县 330621 ...).
 */
export const REGIONS: readonly (readonly [string, number])[] = [
  ['330602', 30], // 绍兴市越城区
  ['330603', 12], // 绍兴市柯桥区
  ['330604', 8], // 绍兴市上虞区
  ['330621', 10], // 原绍兴县（旧证）
  ['330624', 4], // 新昌县
  ['330681', 6], // 诸暨市
  ['330683', 4], // 嵊州市
  ['330102', 3], // 杭州市上城区
  ['330106', 3], // 杭州市西湖区
  ['330203', 2], // 宁波市海曙区
  ['110105', 2], // 北京市朝阳区
  ['110108', 1], // 北京市海淀区
  ['310115', 2], // 上海市浦东新区
  ['310104', 1], // 上海市徐汇区
  ['440305', 1], // 深圳市南山区
  ['440106', 1], // 广州市天河区
  ['320106', 1], // 南京市鼓楼区
  ['320508', 1], // 苏州市姑苏区
  ['340104', 1], // 合肥市蜀山区
  ['360102', 1], // 南昌市东湖区
  ['410105', 1], // 郑州市金水区
  ['420106', 1], // 武汉市武昌区
  ['510107', 1], // 成都市武侯区
];

/** Mainland mobile prefixes (China Mobile / Unicom / Telecom). */
export const MOBILE_PREFIXES: readonly string[] = [
  '130',
  '131',
  '132',
  '133',
  '134',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '153',
  '155',
  '156',
  '157',
  '158',
  '159',
  '166',
  '173',
  '175',
  '176',
  '177',
  '178',
  '180',
  '181',
  '182',
  '183',
  '185',
  '186',
  '187',
  '188',
  '189',
  '191',
  '198',
  '199',
];
