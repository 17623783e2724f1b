/**
 * The hospital's 自助检验申请 rules (configuration, not code): which HIS tests patients may order
 * themselves, how to prepare, when results are ready, who may order them, the daily limit and the
 * sampling site. A test the HIS offers without a rule here is not offered; a rule without an HIS
 * test neither (it has no price). A deployment may override any of it through the function's deps.
 *
 * The daily limit counts orders — orderLabTests calls that created charges (1–10 tests each) — per
 * card (就诊卡, i.e. per HIS patient: two WeChat users who bound the same patient share it) per
 * Asia/Shanghai business day. A repeat of the same call (same idempotency key) counts once; a call
 * the HIS did not answer (or refused) counts nothing; once the HIS created the charges the call
 * counts, even when the order could not be made then (the same key makes it later) or is cancelled
 * later (its charges exist, payable from the unpaid list).
 */
import type { LabRules, LabTestRule } from '../domain/payment/lab';

const ADULT = { minAge: 18 } as const;
const SAME_DAY = '当天16:00后';

const rule = (preparation: string, turnaround: string, extra: Partial<LabTestRule> = {}): LabTestRule =>
  Object.freeze({ preparation, turnaround, ...ADULT, ...extra });

export const DEFAULT_LAB_RULES: Readonly<LabRules> = Object.freeze({
  tests: Object.freeze({
    // A long fast is risky for the very old: they see a doctor first.
    GLU: rule('需空腹8小时（可少量饮水），采血前暂停降糖药', SAME_DAY, { maxAge: 75 }),
    HBA1C: rule('', SAME_DAY),
    LFT: rule('需空腹8小时，前一天避免饮酒和高脂饮食', SAME_DAY),
    RFT: rule('需空腹8小时，前一天避免剧烈运动和大量进食肉类', SAME_DAY),
    CBC: rule('', '采血后2小时'),
    LIP4: rule('需空腹12小时、前一天清淡饮食，避免饮酒', SAME_DAY, { maxAge: 75 }),
    THY3: rule('', '次日16:00后'),
    URT: rule('留取晨起中段尿（约10ml），1小时内送检；女性避开月经期', '采样后2小时'),
    HCY: rule('需空腹8小时', '次日16:00后'),
    UA: rule('需空腹8小时，前一天避免高嘌呤饮食和饮酒', SAME_DAY),
  }),
  perDayLimit: 3,
  site: Object.freeze({
    location: '门诊楼3楼检验科采血处',
    hours: '周一至周日 07:30-11:30、13:30-16:30',
    notes: [
      '缴费后凭就诊卡或电子健康卡到采血处取号，按叫号采血',
      '空腹项目请于上午11:30前采血',
      '尿液标本请用采血处发放的标本杯留取',
      '检验报告可凭就诊卡到门诊自助机查询打印',
    ],
  }),
});

export function labRules(overrides: Partial<LabRules> = {}): LabRules {
  return { ...DEFAULT_LAB_RULES, ...overrides };
}
