/**
 * The sandbox's 医保 split of one outpatient order (6202 支付下单), pure integer arithmetic in fen:
 *
 *   fulamtOwnpayAmt = Σ 自费 lines                        (never covered)
 *   preselfpayAmt   = round(Σ 乙类 lines × 乙类 self-pay ratio)
 *   inscpScpAmt     = feeSumamt − fulamtOwnpayAmt − preselfpayAmt      (符合政策范围)
 *   actPayDedc      = min(inscpScpAmt, deductible − deductible used this year)
 *   fundPay         = min(round((inscpScpAmt − actPayDedc) × ratio), cap − fund paid this year)
 *   psnAcctPay      = min(feeSumamt − fundPay, account balance)   (0 without an account)
 *   ownPayAmt       = feeSumamt − fundPay − psnAcctPay            (cash: what WeChat Pay collects)
 *
 * so feeSumamt = fundPay + psnAcctPay + ownPayAmt always. Rounding is half up, once per order.
 */
import type { HisInsuranceSplit } from '../../server/ports/his-insurance';
import type { OutpatientPolicy } from './insurance-data';

/** An order's amounts by 医保目录 class (甲类 is the rest). */
export interface OrderClassTotals {
  feeSumamt: number;
  classBFen: number;
  selfFen: number;
}

/** The patient's standing in the order's year, before this order. */
export interface PatientStanding {
  deductibleUsedFen: number;
  fundPaidFen: number;
  balanceFen: number;
}

/** x × bp / 10 000, rounded half up (exact for the sandbox's amounts: well below 2^53). */
export function applyRatio(x: number, bp: number): number {
  return Math.floor((x * bp + 5_000) / 10_000);
}

export function computeSplit(
  order: OrderClassTotals,
  policy: OutpatientPolicy,
  standing: PatientStanding,
): HisInsuranceSplit {
  const { feeSumamt } = order;
  const fulamtOwnpayAmt = order.selfFen;
  const preselfpayAmt = applyRatio(order.classBFen, policy.classBSelfPayBp);
  const inscpScpAmt = feeSumamt - fulamtOwnpayAmt - preselfpayAmt;
  const deductibleLeft = Math.max(0, policy.deductibleFen - standing.deductibleUsedFen);
  const actPayDedc = Math.min(inscpScpAmt, deductibleLeft);
  const capLeft = Math.max(0, policy.annualCapFen - standing.fundPaidFen);
  const fundPay = Math.min(applyRatio(inscpScpAmt - actPayDedc, policy.fundRatioBp), capLeft);
  const balance = policy.hasAccount ? Math.max(0, standing.balanceFen) : 0;
  const psnAcctPay = Math.min(feeSumamt - fundPay, balance);
  const ownPayAmt = feeSumamt - fundPay - psnAcctPay;
  return { feeSumamt, fulamtOwnpayAmt, preselfpayAmt, inscpScpAmt, actPayDedc, fundPay, psnAcctPay, ownPayAmt };
}

/** Whether two splits are the same amounts. */
export function sameSplit(a: HisInsuranceSplit, b: HisInsuranceSplit): boolean {
  return (Object.keys(a) as (keyof HisInsuranceSplit)[]).every((k) => a[k] === b[k]);
}
