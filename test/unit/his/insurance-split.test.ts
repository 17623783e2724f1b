/**
 * The HIS sandbox's 医保 split rules (insurance.preSettle, 6202) through the cloud-side clients over
 * real HTTP with real signatures: the deductible crossed within one order, the 乙类 self-paid share,
 * 自费 lines, the personal account running out, the annual cap, schemes without an account, and a
 * property-style loop over random orders checked against an independent reference and the
 * identity feeSumamt = fundPay + psnAcctPay + ownPayAmt. Settling moves the standing by the split.
 */
import type { HisInsuranceSplit, HisPreSettlement } from '../../../server/ports/his-insurance';
import { getJson } from './helpers';
import { insuranceSuite, type MedClass, type Scheme, type Standing } from './insurance-helpers';

/** The documented outpatient policies (docs/his-gateway.md, "医保 data (sandbox-only)"). */
const POLICY: Record<Scheme, { deductible: number; ratioBp: number; cap: number; bBp: number; account: boolean }> = {
  employee: { deductible: 50_000, ratioBp: 6_000, cap: 500_000, bBp: 1_000, account: true },
  retiree: { deductible: 30_000, ratioBp: 7_000, cap: 600_000, bBp: 1_000, account: true },
  resident: { deductible: 20_000, ratioBp: 5_000, cap: 200_000, bBp: 1_000, account: false },
};

/** An independent reference of the documented rules (half-up rounding once per order). */
function reference(
  lines: readonly [MedClass, number][],
  scheme: Scheme,
  st: Required<Omit<Standing, 'year' | 'scheme'>>,
) {
  const p = POLICY[scheme];
  const total = (c?: MedClass) => lines.filter(([k]) => c === undefined || k === c).reduce((s, [, f]) => s + f, 0);
  const feeSumamt = total();
  const fulamtOwnpayAmt = total('self');
  const preselfpayAmt = Math.round((total('B') * p.bBp) / 10_000);
  const inscpScpAmt = feeSumamt - fulamtOwnpayAmt - preselfpayAmt;
  const actPayDedc = Math.min(inscpScpAmt, Math.max(0, p.deductible - st.deductibleUsedFen));
  const fundPay = Math.min(Math.round(((inscpScpAmt - actPayDedc) * p.ratioBp) / 10_000), p.cap - st.fundPaidFen);
  const psnAcctPay = p.account ? Math.min(feeSumamt - fundPay, st.balanceFen) : 0;
  const ownPayAmt = feeSumamt - fundPay - psnAcctPay;
  return { feeSumamt, fulamtOwnpayAmt, preselfpayAmt, inscpScpAmt, actPayDedc, fundPay, psnAcctPay, ownPayAmt };
}

const SPLIT_KEYS = [
  'feeSumamt',
  'fulamtOwnpayAmt',
  'preselfpayAmt',
  'inscpScpAmt',
  'actPayDedc',
  'fundPay',
  'psnAcctPay',
  'ownPayAmt',
] as const;
const splitOnly = (s: HisPreSettlement): HisInsuranceSplit =>
  Object.fromEntries(SPLIT_KEYS.map((k) => [k, s[k]])) as unknown as HisInsuranceSplit;

describe('HIS sandbox 医保 split rules', () => {
  const t = insuranceSuite();

  it('crosses the deductible within one order, then the next order is all above it', async () => {
    const pid = await t.newPatient({ scheme: 'employee', balanceFen: 0, deductibleUsedFen: 40_000, fundPaidFen: 0 });
    const items = await t.charges(pid, [['A', 30_000]]);
    const { split } = await t.pay(pid, items);
    expect(splitOnly(split)).toEqual({
      feeSumamt: 30_000,
      fulamtOwnpayAmt: 0,
      preselfpayAmt: 0,
      inscpScpAmt: 30_000,
      actPayDedc: 10_000,
      fundPay: 12_000,
      psnAcctPay: 0,
      ownPayAmt: 18_000,
    });
    expect((await t.standingOf(pid)).usage).toEqual({ deductibleUsedFen: 50_000, fundPaidFen: 12_000 });
    const { split: next } = await t.quote(pid, await t.charges(pid, [['A', 10_000]]));
    expect(next).toMatchObject({ actPayDedc: 0, fundPay: 6_000, ownPayAmt: 4_000 });
  });

  it('乙类: the self-paid share first (rounded half up), the fund on the rest', async () => {
    const pid = await t.newPatient({ scheme: 'employee', balanceFen: 0, deductibleUsedFen: 50_000 });
    const { split } = await t.quote(
      pid,
      await t.charges(pid, [
        ['B', 10_005],
        ['A', 1_000],
      ]),
    );
    // 10 005 × 10 % = 1 000.5 → 1 001; (11 005 − 1 001) × 60 % = 6 002.4 → 6 002.
    expect(splitOnly(split)).toEqual({
      feeSumamt: 11_005,
      fulamtOwnpayAmt: 0,
      preselfpayAmt: 1_001,
      inscpScpAmt: 10_004,
      actPayDedc: 0,
      fundPay: 6_002,
      psnAcctPay: 0,
      ownPayAmt: 5_003,
    });
  });

  it('自费 lines are never covered, but the personal account may pay them', async () => {
    const pid = await t.newPatient({ scheme: 'employee', balanceFen: 3_000, deductibleUsedFen: 50_000 });
    const { split } = await t.quote(
      pid,
      await t.charges(pid, [
        ['self', 8_000],
        ['A', 10_000],
      ]),
    );
    expect(split).toMatchObject({ fulamtOwnpayAmt: 8_000, inscpScpAmt: 10_000, fundPay: 6_000, psnAcctPay: 3_000 });
    expect(split.ownPayAmt).toBe(9_000);
    const { split: all } = await t.quote(pid, await t.charges(pid, [['self', 5_000]]));
    expect(all).toMatchObject({ fundPay: 0, psnAcctPay: 3_000, ownPayAmt: 2_000 });
  });

  it('the personal account pays what the fund does not until its balance runs out', async () => {
    const pid = await t.newPatient({ scheme: 'employee', balanceFen: 5_000, deductibleUsedFen: 50_000 });
    const first = await t.pay(pid, await t.charges(pid, [['A', 10_000]]));
    expect(first.split).toMatchObject({ fundPay: 6_000, psnAcctPay: 4_000, ownPayAmt: 0 });
    expect((await t.standingOf(pid)).account.balanceFen).toBe(1_000);
    const second = await t.pay(pid, await t.charges(pid, [['A', 10_000]]));
    expect(second.split).toMatchObject({ fundPay: 6_000, psnAcctPay: 1_000, ownPayAmt: 3_000 });
    expect((await t.standingOf(pid)).account.balanceFen).toBe(0);
    const { split: third } = await t.quote(pid, await t.charges(pid, [['A', 10_000]]));
    expect(third).toMatchObject({ psnAcctPay: 0, ownPayAmt: 4_000 });
  });

  it('the fund pays at most the annual cap', async () => {
    const pid = await t.newPatient({
      scheme: 'employee',
      balanceFen: 0,
      deductibleUsedFen: 50_000,
      fundPaidFen: 499_000,
    });
    const first = await t.pay(pid, await t.charges(pid, [['A', 10_000]]));
    expect(first.split).toMatchObject({ fundPay: 1_000, ownPayAmt: 9_000 });
    expect((await t.standingOf(pid)).usage.fundPaidFen).toBe(500_000);
    const { split } = await t.quote(pid, await t.charges(pid, [['A', 10_000]]));
    expect(split).toMatchObject({ fundPay: 0, ownPayAmt: 10_000 });
  });

  it('城乡居民 have no personal account; retirees get a lower deductible and a higher ratio', async () => {
    const resident = await t.newPatient({ scheme: 'resident', balanceFen: 9_999, deductibleUsedFen: 0 });
    const { split: r } = await t.quote(resident, await t.charges(resident, [['A', 30_000]]));
    expect(r).toMatchObject({ actPayDedc: 20_000, fundPay: 5_000, psnAcctPay: 0, ownPayAmt: 25_000 });
    expect((await t.standingOf(resident)).account.insuType).toBe('390');
    const retiree = await t.newPatient({ scheme: 'retiree', balanceFen: 100_000, deductibleUsedFen: 0 });
    const { split: o } = await t.quote(retiree, await t.charges(retiree, [['A', 40_000]]));
    expect(o).toMatchObject({ actPayDedc: 30_000, fundPay: 7_000, psnAcctPay: 33_000, ownPayAmt: 0 });
  });

  it('property: random orders always split as the reference and add up; settling moves the standing by it', async () => {
    let s = 20261127;
    const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    const schemes: Scheme[] = ['employee', 'retiree', 'resident'];
    const patients = await Promise.all(
      schemes.map(async (scheme) => ({
        scheme,
        id: await t.newPatient({ scheme, balanceFen: int(0, 60_000), deductibleUsedFen: 0, fundPaidFen: 0 }),
      })),
    );
    for (let n = 0; n < 36; n++) {
      const p = patients[n % patients.length]!;
      if (n % 12 === 0) {
        const cap = POLICY[p.scheme].cap;
        await t.setStanding(p.id, { fundPaidFen: int(cap - 20_000, cap), balanceFen: int(0, 20_000) });
      }
      const classes: MedClass[] = ['A', 'B', 'self'];
      const lines = Array.from(
        { length: int(1, 4) },
        () => [classes[int(0, 2)]!, int(1, 60_000)] as [MedClass, number],
      );
      const before = await t.standingOf(p.id);
      const st = { ...before.usage, balanceFen: before.account.balanceFen };
      const items = await t.charges(p.id, lines);
      const { split } = await t.quote(p.id, items);
      expect(splitOnly(split)).toEqual(reference(lines, p.scheme, st));
      expect(split.fundPay + split.psnAcctPay + split.ownPayAmt).toBe(split.feeSumamt);
      for (const v of Object.values(splitOnly(split))) expect(Number.isInteger(v) && v >= 0).toBe(true);
      if (rnd() < 0.6) {
        await t.fees().settle(t.settleInput(p.id, items, split));
        const after = await t.standingOf(p.id);
        expect(after.usage).toEqual({
          deductibleUsedFen: st.deductibleUsedFen + split.actPayDedc,
          fundPaidFen: st.fundPaidFen + split.fundPay,
        });
        expect(after.account.balanceFen).toBe(st.balanceFen - split.psnAcctPay);
      }
    }
    const { json } = await getJson(t.his(), '/sandbox/insurance');
    expect(json.data.invariants).toEqual({
      splitIdentityViolations: 0,
      settledOrdersNotPaid: 0,
      settlementTotalMismatches: 0,
    });
  });
});
