/**
 * Helpers for the 医保 tests (insurance*.test.ts): one sandbox and fake clock per suite, the
 * insurance, fee and patient clients sharing that clock, fresh insured patients with a chosen
 * standing, charges with chosen 医保目录 classes, payAuthNos, and the upload → preSettle → settle flow.
 */
import { randomBytes } from 'node:crypto';
import type { HisSandbox } from '../../../devstack/his';
import { freshPerson } from '../../../devstack/seed/identities';
import { createHisFeeClient } from '../../../server/adapters/his/fee-client';
import { createHisInsuranceClient } from '../../../server/adapters/his/insurance-client';
import type { HisFetch } from '../../../server/adapters/his/node-http';
import type { HisClientConfig } from '../../../server/adapters/his/transport';
import { silentLogger } from '../../../server/core/log';
import type { HisFeeItem, HisSettleInput, HisSettlement } from '../../../server/ports/his-payment';
import type { HisFeeUpload, HisPreSettlement } from '../../../server/ports/his-insurance';
import { APP_ID, APP_SECRET, fakeClock, getJson, patientClientFor, postJson, startTestSandbox } from './helpers';

/** Friday 2026-11-27 10:00 Asia/Shanghai. */
export const START = '2026-11-27T02:00:00.000Z';

export type MedClass = 'A' | 'B' | 'self';
export type Scheme = 'employee' | 'retiree' | 'resident';

export interface Standing {
  scheme?: Scheme;
  balanceFen?: number;
  deductibleUsedFen?: number;
  fundPaidFen?: number;
  year?: number;
}

let seq = 0;
export const rid = (label: string): string => `${label}-${++seq}-${randomBytes(4).toString('hex')}`;
/** A fresh, well-formed payAuthNo (what the 医保 mini program's authorisation yields). */
export const payAuthNo = (): string => `pan_${randomBytes(24).toString('base64url')}`;

export function insuranceSuite() {
  const clock = fakeClock(START);
  const state: { his?: HisSandbox } = {};
  const his = (): HisSandbox => state.his!;
  const config = (over: Partial<HisClientConfig> = {}): HisClientConfig => ({
    baseUrl: his().url,
    appId: APP_ID,
    appSecret: APP_SECRET,
    timeoutMs: 2000,
    retries: 2,
    ...over,
  });
  const deps = { sleep: async () => {}, log: silentLogger, now: clock.ms };
  const insurance = (over: Partial<HisClientConfig> = {}, fetch?: HisFetch) =>
    createHisInsuranceClient(config(over), { ...deps, fetch });
  const fees = (over: Partial<HisClientConfig> = {}) => createHisFeeClient(config(over), deps);

  beforeAll(async () => {
    state.his = await startTestSandbox({ clock: clock.now });
  });
  afterAll(() => his().close());
  afterEach(() => {
    his().setFaults({});
    clock.set(START);
  });

  /** A new patient with a 社保卡号 (or without), and — when insured — this standing. */
  async function newPatient(standing: Standing = {}, insured = true): Promise<string> {
    const p = freshPerson();
    const created = await patientClientFor(his(), {}, { now: clock.ms }).createPatient({
      requestId: rid('bind'),
      ...p,
      socialSecurityNo: insured ? `A${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}` : null,
    });
    if (insured) await setStanding(created.patientId, standing);
    return created.patientId;
  }

  /** POST /sandbox/insurance/accounts: the data of the patient's standing view. */
  // Test-only: sandbox JSON is navigated freely in assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function setStanding(patientId: string, standing: Standing): Promise<any> {
    const { status, json } = await postJson(his(), '/sandbox/insurance/accounts', { patientId, ...standing });
    expect([status, json.code]).toEqual([200, 'OK']);
    return json.data;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const standingOf = async (patientId: string): Promise<any> =>
    (await getJson(his(), `/sandbox/insurance?patientId=${patientId}`)).json.data;

  /** One unpaid item per entry, each one line of `amountFen` in that class. */
  async function charges(patientId: string, lines: readonly [MedClass, number][]): Promise<HisFeeItem[]> {
    const items = lines.map(([medClass, fen], i) => ({
      kind: 'prescription',
      lines: [{ name: `测试药品${i + 1}`, spec: '盒', quantity: 1, unitPriceFen: fen, medClass }],
    }));
    const { status, json } = await postJson(his(), '/sandbox/fees', { patientId, items });
    expect(status).toBe(200);
    return json.data.items;
  }

  /** uploadFees + preSettle of these items. */
  async function quote(patientId: string, items: HisFeeItem[]): Promise<{ up: HisFeeUpload; split: HisPreSettlement }> {
    const c = insurance();
    const up = await c.uploadFees({
      requestId: rid('up'),
      patientId,
      itemIds: items.map((i) => i.itemId),
      payAuthNo: payAuthNo(),
    });
    const split = await c.preSettle({ requestId: rid('pre'), payOrdId: up.payOrdId });
    return { up, split };
  }

  function settleInput(patientId: string, items: HisFeeItem[], split: HisPreSettlement): HisSettleInput {
    return {
      requestId: rid('order'),
      patientId,
      itemIds: items.map((i) => i.itemId),
      totalFen: split.feeSumamt,
      transactionId: `4200${Date.now()}${++seq}`,
      paidAt: new Date(clock.ms() - 5000).toISOString(),
      payOrdId: split.payOrdId,
      fundFen: split.fundPay,
      accountFen: split.psnAcctPay,
    };
  }

  /** The whole flow for these items: quote, then settle with its split. */
  async function pay(
    patientId: string,
    items: HisFeeItem[],
  ): Promise<{ split: HisPreSettlement; settlement: HisSettlement }> {
    const { split } = await quote(patientId, items);
    return { split, settlement: await fees().settle(settleInput(patientId, items, split)) };
  }

  return { clock, his, insurance, fees, newPatient, setStanding, standingOf, charges, quote, settleInput, pay };
}
