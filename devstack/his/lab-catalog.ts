/**
 * The HIS sandbox's 自助检验 catalog: tests a patient may order without a doctor (lab.catalog), each
 * billed as one line of the charge lab.createOrder creates. Prices in integer fen, plausible for a
 * public 三甲 hospital (the sandbox's other lab panels, ./fee-data.ts, bill alike) but fictional.
 */
import type { HisLabTest } from '../../server/ports/his-lab';

export interface LabCatalogEntry extends HisLabTest {
  /** The billed line: what the receipt prints. */
  lineName: string;
}

/** Where the patient goes once a self-ordered test is paid. */
export const LAB_ORDER_GUIDE = '门诊楼3楼检验科采血处';
/** The department self-ordered charges belong to (检验科; not a clinic with a schedule). */
export const LAB_DEPT = { code: '9001', name: '检验科' } as const;

const BLOOD = '血液检查';
const URINE = '尿液检查';
const VENOUS = '静脉血';

const t = (code: string, name: string, lineName: string, priceFen: number, category = BLOOD, specimen = VENOUS) => ({
  code,
  name,
  category,
  priceFen,
  specimen,
  lineName,
});

export const LAB_CATALOG: readonly LabCatalogEntry[] = Object.freeze([
  t('GLU', '血糖（空腹）', '葡萄糖测定（酶法）', 600),
  t('HBA1C', '糖化血红蛋白', '糖化血红蛋白测定（HPLC）', 6000),
  t('LFT', '肝功能', '肝功能常规（ALT、AST、胆红素、白蛋白、GGT）', 3000),
  t('RFT', '肾功能', '肾功能（尿素、肌酐、尿酸）', 1500),
  t('CBC', '血常规', '血细胞分析（五分类）', 2500),
  t('LIP4', '血脂四项', '血脂四项（TC、TG、HDL-C、LDL-C）', 2600),
  t('THY3', '甲状腺功能三项', '甲状腺功能三项（FT3、FT4、TSH）', 5800),
  t('URT', '尿常规', '尿液分析（干化学+沉渣）', 1500, URINE, '晨尿'),
  t('HCY', '同型半胱氨酸', '同型半胱氨酸测定（酶循环法）', 3000),
  t('UA', '尿酸', '尿酸测定（酶法）', 500),
]);

export function labTestByCode(code: string): LabCatalogEntry | undefined {
  return LAB_CATALOG.find((e) => e.code === code);
}
