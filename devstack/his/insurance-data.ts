/**
 * The HIS sandbox's 医保 (basic medical insurance) rules for 普通门诊 (outpatient, medType 11):
 * per-scheme policy (起付线 deductible, 统筹 ratio, annual cap, 乙类 self-pay ratio, whether there is a
 * 个人账户) and the 医保目录 class of the sandbox's drugs and services (甲类 / 乙类 / 自费). Values are
 * plausible for a Zhejiang city's 2026 outpatient policy but fictional, like everything in the sandbox.
 * All amounts integer fen, ratios in basis points (6000 = 60 %).
 */

/** 医保目录 class of a fee line: 甲类 (fully eligible), 乙类 (eligible after a self-paid share), 自费 (never covered). */
export type MedClass = 'A' | 'B' | 'self';
export const MED_CLASSES: readonly MedClass[] = ['A', 'B', 'self'];

/** 参保类型: 职工医保 in service, 职工医保 retired, 城乡居民医保. */
export type InsuranceScheme = 'employee' | 'retiree' | 'resident';
export const INSURANCE_SCHEMES: readonly InsuranceScheme[] = ['employee', 'retiree', 'resident'];

export interface OutpatientPolicy {
  /** 险种 (national insutype): 310 职工基本医疗保险, 390 城乡居民基本医疗保险. */
  insuType: '310' | '390';
  /** 门诊起付线 per calendar year (Asia/Shanghai). */
  deductibleFen: number;
  /** 统筹 pays this share of the eligible amount above the deductible. */
  fundRatioBp: number;
  /** 年度最高支付限额: the fund pays at most this much per calendar year. */
  annualCapFen: number;
  /** 乙类先行自付比例: the part of 乙类 lines the patient pays before the rules above. */
  classBSelfPayBp: number;
  /** 城乡居民 have no 个人账户. */
  hasAccount: boolean;
}

export const OUTPATIENT_POLICY: Readonly<Record<InsuranceScheme, OutpatientPolicy>> = {
  employee: {
    insuType: '310',
    deductibleFen: 50_000,
    fundRatioBp: 6_000,
    annualCapFen: 500_000,
    classBSelfPayBp: 1_000,
    hasAccount: true,
  },
  retiree: {
    insuType: '310',
    deductibleFen: 30_000,
    fundRatioBp: 7_000,
    annualCapFen: 600_000,
    classBSelfPayBp: 1_000,
    hasAccount: true,
  },
  resident: {
    insuType: '390',
    deductibleFen: 20_000,
    fundRatioBp: 5_000,
    annualCapFen: 200_000,
    classBSelfPayBp: 1_000,
    hasAccount: false,
  },
};

/**
 * The account a patient gets when the sandbox first needs it and none was seeded (a patient
 * registered later with a 社保卡号): this personal-account balance and nothing used this year.
 */
export const DEFAULT_BALANCE_FEN: Readonly<Record<InsuranceScheme, number>> = {
  employee: 100_000,
  retiree: 200_000,
  resident: 0,
};

/** 职工医保 members of these ages and over are retired (退休): men 60, women 55. */
export const RETIREMENT_AGE = { M: 60, F: 55 } as const;

/**
 * Lines that are not 甲类, by billed name (./fee-data.ts, ./lab-catalog.ts); every other line —
 * 诊查费, most drugs, labs and exams — is 甲类. A sandbox line may also carry its class explicitly.
 */
const NOT_CLASS_A: Readonly<Record<string, Exclude<MedClass, 'A'>>> = {
  // Drugs, 乙类.
  头孢克洛缓释片: 'B',
  孟鲁司特钠片: 'B',
  铝碳酸镁咀嚼片: 'B',
  双歧杆菌三联活菌胶囊: 'B',
  阿托伐他汀钙片: 'B',
  琥珀酸美托洛尔缓释片: 'B',
  盐酸二甲双胍缓释片: 'B',
  阿卡波糖片: 'B',
  甲钴胺片: 'B',
  盐酸倍他司汀片: 'B',
  塞来昔布胶囊: 'B',
  洛索洛芬钠片: 'B',
  双氯芬酸二乙胺乳胶剂: 'B',
  小儿氨酚黄那敏颗粒: 'B',
  玻璃酸钠滴眼液: 'B',
  糠酸莫米松鼻喷雾剂: 'B',
  西吡氯铵含漱液: 'B',
  丁酸氢化可的松乳膏: 'B',
  依巴斯汀片: 'B',
  阿达帕林凝胶: 'B',
  枣仁安神胶囊: 'B',
  // Drugs, 自费 (supplements and products outside the 医保目录).
  碳酸钙D3片: 'self',
  硫酸氨基葡萄糖胶囊: 'self',
  叶酸片: 'self',
  // Services, 乙类 (large equipment exams).
  'X线计算机体层（CT）平扫（胸部）': 'B',
  'X线计算机体层（CT）平扫（头颅）': 'B',
  '磁共振平扫（腰椎）': 'B',
  '磁共振平扫（头颅）': 'B',
  双能X线骨密度测定: 'B',
  '光学相干断层扫描（OCT）': 'B',
  // Services, 自费.
  '人乳头瘤病毒（HPV）核酸分型检测': 'self',
  '同型半胱氨酸测定（酶循环法）': 'self',
};

/** The 医保目录 class of a line: its explicit class, else by its name, else 甲类. */
export function medClassOf(name: string, explicit: MedClass | null | undefined): MedClass {
  return explicit ?? NOT_CLASS_A[name] ?? 'A';
}

/** Which scheme an insured patient of this age and sex is in when nothing else says so. */
export function defaultScheme(age: number, gender: 'M' | 'F'): InsuranceScheme {
  if (age < 18) return 'resident';
  return age >= RETIREMENT_AGE[gender] ? 'retiree' : 'employee';
}
