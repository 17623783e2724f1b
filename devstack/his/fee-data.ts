/**
 * Static reference lists for the HIS sandbox's outpatient charges (门诊待缴费项目): drugs, lab panels
 * (检验) and exams (检查) with prices in integer fen, where the patient goes once they are paid, and
 * what each department typically orders. Prices are plausible for a public 三甲 hospital but
 * fictional, like everything in the sandbox.
 */

export interface DrugSeed {
  name: string;
  /** Package spec as printed on the box, e.g. `0.25g×24粒`. */
  spec: string;
  /** Price of one box / bottle / tube. */
  unitPriceFen: number;
  /** At most this many boxes per prescription. */
  maxQty: number;
}

/** One billed line of a lab or exam order: name, spec (unit), unit price. */
export type PanelLine = readonly [name: string, spec: string, unitPriceFen: number];

export interface PanelSeed {
  /** Title of the order (`血常规`, `胸部CT平扫`). */
  title: string;
  lines: readonly PanelLine[];
  guide: string;
  /** Needs a venous blood draw (采血费 is billed once per visit). */
  blood?: boolean;
}

export const PHARMACY_GUIDE = '门诊楼1楼西药房';
export const HERBAL_PHARMACY_GUIDE = '门诊楼1楼中药房';
export const LAB_GUIDE = '门诊楼3楼检验科';
export const BLOOD_DRAW_LINE: PanelLine = ['静脉采血', '次', 400];

const d = (name: string, spec: string, unitPriceFen: number, maxQty = 2): DrugSeed => ({
  name,
  spec,
  unitPriceFen,
  maxQty,
});

export const DRUGS = {
  amoxicillin: d('阿莫西林胶囊', '0.25g×24粒', 1250, 3),
  cefaclor: d('头孢克洛缓释片', '0.375g×6片', 2860),
  cefuroxime: d('头孢呋辛酯片', '0.25g×12片', 2640),
  ibuprofen: d('布洛芬缓释胶囊', '0.3g×20粒', 1580),
  paracetamol: d('对乙酰氨基酚片', '0.5g×12片', 600),
  ambroxol: d('盐酸氨溴索片', '30mg×20片', 1200, 3),
  montelukast: d('孟鲁司特钠片', '10mg×5片', 2950, 3),
  salbutamol: d('硫酸沙丁胺醇吸入气雾剂', '100μg×200揿', 2480, 1),
  omeprazole: d('奥美拉唑肠溶胶囊', '20mg×14粒', 1680),
  hydrotalcite: d('铝碳酸镁咀嚼片', '0.5g×20片', 1900),
  smectite: d('蒙脱石散', '3g×10袋', 1500),
  bifido: d('双歧杆菌三联活菌胶囊', '210mg×36粒', 3200),
  aspirin: d('阿司匹林肠溶片', '100mg×30片', 1580, 3),
  amlodipine: d('苯磺酸氨氯地平片', '5mg×28片', 980, 3),
  atorvastatin: d('阿托伐他汀钙片', '20mg×14片', 620, 3),
  metoprolol: d('琥珀酸美托洛尔缓释片', '47.5mg×7片', 2030, 4),
  metformin: d('盐酸二甲双胍缓释片', '0.5g×30片', 850, 4),
  acarbose: d('阿卡波糖片', '50mg×30片', 1690, 3),
  levothyroxine: d('左甲状腺素钠片', '50μg×100片', 2720, 1),
  calcium: d('碳酸钙D3片', '600mg×60片', 2950, 1),
  mecobalamin: d('甲钴胺片', '0.5mg×20片', 1800, 3),
  betahistine: d('盐酸倍他司汀片', '4mg×30片', 1300),
  flunarizine: d('盐酸氟桂利嗪胶囊', '5mg×20粒', 1100),
  celecoxib: d('塞来昔布胶囊', '0.2g×6粒', 2400, 3),
  loxoprofen: d('洛索洛芬钠片', '60mg×20片', 1850),
  diclofenacGel: d('双氯芬酸二乙胺乳胶剂', '20g:0.2g', 2500),
  glucosamine: d('硫酸氨基葡萄糖胶囊', '0.25g×24粒', 3600, 3),
  folicAcid: d('叶酸片', '0.4mg×31片', 1600, 3),
  metronidazoleSupp: d('甲硝唑栓', '0.5g×10粒', 1200, 1),
  ibuprofenSuspension: d('布洛芬混悬液', '100ml:2g', 1860, 1),
  kidsCold: d('小儿氨酚黄那敏颗粒', '10袋', 1500),
  levofloxacinEye: d('左氧氟沙星滴眼液', '5ml:24.4mg', 1900, 1),
  hyaluronateEye: d('玻璃酸钠滴眼液', '0.1%×5ml', 3200),
  mometasonNasal: d('糠酸莫米松鼻喷雾剂', '50μg×60揿', 6200, 1),
  loratadine: d('氯雷他定片', '10mg×6片', 1900),
  metronidazole: d('甲硝唑片', '0.2g×24片', 300),
  cetylpyridinium: d('西吡氯铵含漱液', '200ml', 2600, 1),
  hydrocortisoneCream: d('丁酸氢化可的松乳膏', '10g:10mg', 1650),
  ebastine: d('依巴斯汀片', '10mg×10片', 3450),
  adapalene: d('阿达帕林凝胶', '30g:30mg', 4800, 1),
  xiangsha: d('香砂养胃丸', '9g×10袋', 2200),
  xiaoyao: d('逍遥丸', '200丸', 1500),
  zaoren: d('枣仁安神胶囊', '0.45g×24粒', 3200),
  liuwei: d('六味地黄丸', '200丸', 2500),
} satisfies Record<string, DrugSeed>;

const lab = (title: string, lines: readonly PanelLine[], blood = true, guide = LAB_GUIDE): PanelSeed => ({
  title,
  lines,
  guide,
  blood,
});

export const LABS = {
  cbc: lab('血常规', [['血细胞分析（五分类）', '项', 2500]]),
  crp: lab('C反应蛋白', [['超敏C反应蛋白测定', '项', 3000]]),
  liver: lab('肝功能', [
    ['丙氨酸氨基转移酶（ALT）', '项', 500],
    ['天门冬氨酸氨基转移酶（AST）', '项', 500],
    ['总胆红素', '项', 500],
    ['直接胆红素', '项', 500],
    ['白蛋白', '项', 500],
    ['γ-谷氨酰转移酶', '项', 500],
  ]),
  kidney: lab('肾功能', [
    ['尿素', '项', 500],
    ['肌酐', '项', 500],
    ['尿酸', '项', 500],
  ]),
  lipids: lab('血脂四项', [
    ['总胆固醇', '项', 500],
    ['甘油三酯', '项', 500],
    ['高密度脂蛋白胆固醇', '项', 800],
    ['低密度脂蛋白胆固醇', '项', 800],
  ]),
  glucose: lab('空腹血糖', [['葡萄糖测定（酶法）', '项', 600]]),
  hba1c: lab('糖化血红蛋白', [['糖化血红蛋白测定（HPLC）', '项', 6000]]),
  thyroid: lab('甲状腺功能三项', [
    ['游离三碘甲状腺原氨酸（FT3）', '项', 1800],
    ['游离甲状腺素（FT4）', '项', 1800],
    ['促甲状腺激素（TSH）', '项', 2200],
  ]),
  cardiac: lab('心肌损伤标志物', [
    ['高敏肌钙蛋白T', '项', 8000],
    ['肌酸激酶同工酶（CK-MB）', '项', 2500],
    ['N端脑钠肽前体（NT-proBNP）', '项', 9000],
  ]),
  coag: lab('凝血功能', [
    ['凝血酶原时间（PT）', '项', 1000],
    ['活化部分凝血活酶时间（APTT）', '项', 1000],
    ['凝血酶时间（TT）', '项', 1000],
    ['纤维蛋白原（FIB）', '项', 1500],
  ]),
  hbv: lab('乙肝五项定量', [['乙型肝炎病毒标志物定量（五项）', '项', 7500]]),
  esr: lab('红细胞沉降率', [['红细胞沉降率测定（仪器法）', '项', 600]]),
  hormones: lab('性激素六项', [['性激素六项测定', '项', 15000]]),
  allergy: lab('总IgE测定', [['血清总IgE测定', '项', 4500]]),
  urine: lab('尿常规', [['尿液分析（干化学+沉渣）', '项', 1500]], false, `${LAB_GUIDE}（留取尿样后送检）`),
  stool: lab(
    '粪便常规+隐血',
    [
      ['粪便常规', '项', 500],
      ['粪便隐血试验（免疫法）', '项', 800],
    ],
    false,
    `${LAB_GUIDE}（留取标本后送检）`,
  ),
  flu: lab(
    '甲乙型流感病毒抗原',
    [
      ['甲型流感病毒抗原检测', '项', 3500],
      ['乙型流感病毒抗原检测', '项', 3500],
    ],
    false,
    `${LAB_GUIDE}（咽拭子采样）`,
  ),
  leucorrhea: lab('白带常规', [['阴道分泌物检查', '项', 1000]], false, '门诊楼5楼A区妇科检查室'),
  hpv: lab('HPV分型检测', [['人乳头瘤病毒（HPV）核酸分型检测', '项', 22000]], false, '门诊楼5楼A区妇科检查室'),
} satisfies Record<string, PanelSeed>;

const exam = (title: string, lines: readonly PanelLine[], guide: string): PanelSeed => ({ title, lines, guide });

export const EXAMS = {
  chestCt: exam(
    '胸部CT平扫',
    [
      ['X线计算机体层（CT）平扫（胸部）', '部位', 24000],
      ['数字化影像处理', '次', 1500],
    ],
    '医技楼2楼CT室',
  ),
  headCt: exam(
    '头颅CT平扫',
    [
      ['X线计算机体层（CT）平扫（头颅）', '部位', 22000],
      ['数字化影像处理', '次', 1500],
    ],
    '医技楼2楼CT室',
  ),
  chestDr: exam('胸部正位片（DR）', [['数字化摄影（DR）胸部正位', '次', 8000]], '医技楼1楼放射科'),
  kneeDr: exam('膝关节正侧位片（DR）', [['数字化摄影（DR）膝关节正侧位', '次', 12000]], '医技楼1楼放射科'),
  lumbarMri: exam(
    '腰椎MRI平扫',
    [
      ['磁共振平扫（腰椎）', '部位', 48000],
      ['数字化影像处理', '次', 1500],
    ],
    '医技楼3楼磁共振室',
  ),
  headMri: exam(
    '头颅MRI平扫',
    [
      ['磁共振平扫（头颅）', '部位', 48000],
      ['数字化影像处理', '次', 1500],
    ],
    '医技楼3楼磁共振室',
  ),
  abdomenUs: exam('腹部彩超', [['彩色多普勒超声（肝胆胰脾）', '次', 12000]], '医技楼1楼超声科'),
  thyroidUs: exam('甲状腺彩超', [['彩色多普勒超声（甲状腺及颈部淋巴结）', '次', 10000]], '医技楼1楼超声科'),
  heartUs: exam('心脏彩超', [['超声心动图（彩色多普勒）', '次', 22000]], '医技楼1楼超声科'),
  carotidUs: exam('颈动脉彩超', [['彩色多普勒超声（双侧颈动脉）', '次', 12000]], '医技楼1楼超声科'),
  gynUs: exam('妇科彩超', [['经阴道彩色多普勒超声（子宫附件）', '次', 13000]], '医技楼1楼超声科'),
  ecg: exam('心电图', [['常规心电图检查（十二导联）', '次', 2500]], '门诊楼2楼心电图室'),
  holter: exam('动态心电图', [['动态心电图（24小时）', '次', 18000]], '门诊楼2楼心电图室'),
  lungFunction: exam('肺功能检查', [['肺通气功能检查', '次', 16000]], '门诊楼3楼B区肺功能室'),
  gastroscopy: exam(
    '电子胃镜检查',
    [
      ['电子胃镜检查', '次', 26000],
      ['咽部表面麻醉', '次', 1000],
    ],
    '门诊楼3楼C区内镜中心',
  ),
  eeg: exam('常规脑电图', [['常规脑电图检查', '次', 9000]], '门诊楼4楼A区脑电图室'),
  boneDensity: exam('骨密度测定', [['双能X线骨密度测定', '次', 15000]], '医技楼1楼放射科'),
  oct: exam('眼底OCT检查', [['光学相干断层扫描（OCT）', '单眼', 15000]], '门诊楼6楼A区眼科检查室'),
  visualField: exam('视野检查', [['计算机视野检查', '单眼', 4000]], '门诊楼6楼A区眼科检查室'),
  laryngoscopy: exam('电子鼻咽喉镜检查', [['电子鼻咽喉镜检查', '次', 18000]], '门诊楼6楼B区耳鼻喉检查室'),
  audiometry: exam('纯音测听', [['纯音听阈测定', '次', 4000]], '门诊楼6楼B区听力室'),
  panoramic: exam('口腔全景片', [['曲面体层摄影（口腔全景片）', '次', 8000]], '门诊楼6楼C区口腔影像室'),
  dermoscopy: exam('皮肤镜检查', [['皮肤镜图像分析', '次', 6000]], '门诊楼5楼C区皮肤科治疗室'),
  emg: exam('肌电图', [['神经传导速度测定', '次', 18000]], '医技楼2楼B区肌电图室'),
} satisfies Record<string, PanelSeed>;

export interface DeptFeeMenu {
  drugs: readonly (keyof typeof DRUGS)[];
  labs: readonly (keyof typeof LABS)[];
  exams: readonly (keyof typeof EXAMS)[];
  /** 中成药处方 from the herbal pharmacy instead of 西药处方. */
  herbal?: boolean;
}

/** What each seeded department (seed-data.ts DEPARTMENTS) orders; unknown codes use 内科's menu. */
export const DEPT_FEE_MENUS: Readonly<Record<string, DeptFeeMenu>> = {
  '1001': {
    drugs: ['amoxicillin', 'paracetamol', 'ibuprofen', 'omeprazole', 'ambroxol'],
    labs: ['cbc', 'crp', 'liver', 'kidney', 'urine', 'glucose'],
    exams: ['chestDr', 'abdomenUs', 'ecg', 'chestCt'],
  },
  '1002': {
    drugs: ['aspirin', 'amlodipine', 'atorvastatin', 'metoprolol'],
    labs: ['lipids', 'cardiac', 'coag', 'kidney'],
    exams: ['ecg', 'heartUs', 'holter', 'carotidUs'],
  },
  '1003': {
    drugs: ['ambroxol', 'montelukast', 'salbutamol', 'cefaclor', 'amoxicillin'],
    labs: ['cbc', 'crp', 'flu'],
    exams: ['chestCt', 'chestDr', 'lungFunction'],
  },
  '1004': {
    drugs: ['omeprazole', 'hydrotalcite', 'smectite', 'bifido'],
    labs: ['liver', 'hbv', 'stool', 'cbc'],
    exams: ['abdomenUs', 'gastroscopy'],
  },
  '1005': {
    drugs: ['mecobalamin', 'betahistine', 'flunarizine', 'aspirin'],
    labs: ['cbc', 'lipids', 'coag'],
    exams: ['headCt', 'headMri', 'eeg', 'carotidUs'],
  },
  '1006': {
    drugs: ['metformin', 'acarbose', 'levothyroxine', 'calcium'],
    labs: ['glucose', 'hba1c', 'thyroid', 'lipids'],
    exams: ['thyroidUs', 'boneDensity'],
  },
  '2001': {
    drugs: ['cefuroxime', 'ibuprofen', 'loxoprofen'],
    labs: ['cbc', 'coag', 'liver'],
    exams: ['abdomenUs', 'thyroidUs', 'chestCt'],
  },
  '2002': {
    drugs: ['celecoxib', 'loxoprofen', 'diclofenacGel', 'glucosamine', 'calcium'],
    labs: ['cbc', 'esr'],
    exams: ['kneeDr', 'lumbarMri', 'boneDensity'],
  },
  '3001': {
    drugs: ['folicAcid', 'metronidazoleSupp', 'cefuroxime'],
    labs: ['leucorrhea', 'hpv', 'hormones', 'cbc'],
    exams: ['gynUs'],
  },
  '4001': {
    drugs: ['ibuprofenSuspension', 'kidsCold', 'smectite', 'montelukast'],
    labs: ['cbc', 'crp', 'flu'],
    exams: ['chestDr'],
  },
  '5001': { drugs: ['levofloxacinEye', 'hyaluronateEye'], labs: ['glucose'], exams: ['oct', 'visualField'] },
  '5002': {
    drugs: ['mometasonNasal', 'loratadine', 'amoxicillin'],
    labs: ['cbc', 'allergy'],
    exams: ['laryngoscopy', 'audiometry'],
  },
  '5003': { drugs: ['metronidazole', 'cetylpyridinium', 'ibuprofen'], labs: ['cbc'], exams: ['panoramic'] },
  '5004': {
    drugs: ['hydrocortisoneCream', 'ebastine', 'adapalene', 'loratadine'],
    labs: ['allergy', 'cbc'],
    exams: ['dermoscopy'],
  },
  '6001': { drugs: ['xiangsha', 'xiaoyao', 'zaoren', 'liuwei'], labs: ['cbc'], exams: ['ecg'], herbal: true },
  '7001': {
    drugs: ['loxoprofen', 'diclofenacGel', 'mecobalamin'],
    labs: ['esr'],
    exams: ['emg', 'kneeDr', 'lumbarMri'],
  },
};
