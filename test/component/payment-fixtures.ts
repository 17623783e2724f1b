/**
 * Fixtures of the payment page tests (payment-*.test.ts): the `payment` function's answers shaped
 * as typings/payment.ts says, and a fake `wx.requestPayment` / `wx.requestSubscribeMessage` that
 * record the order of what the pages do.
 */
import type {
  FeeItemView,
  LabTestView,
  MedInsPayParamsView,
  PaymentLabCatalogResponse,
  PaymentOrderView,
  PaymentTemplatesResponse,
  RequestPaymentParams,
} from '../../typings/payment';
import { card } from './helpers';
import { ok, routes } from './wx-mock';
import type { Backend, BackendCall, BackendReply } from './wx-mock';

export function feeItem(overrides: Partial<FeeItemView> = {}): FeeItemView {
  return {
    itemId: 'i-lab',
    kind: 'lab',
    title: '血常规',
    deptName: '检验科',
    doctorName: '李*华',
    orderedAt: '2024-05-06T01:12:00.000Z',
    amountFen: 2500,
    lines: [{ name: '血细胞分析', spec: '次', quantity: 1, unitPriceFen: 2500, amountFen: 2500 }],
    guide: '门诊楼2楼检验科',
    ...overrides,
  };
}

/** Four items of the four kinds, listed by the HIS out of kind order. */
export function fourItems(): FeeItemView[] {
  return [
    feeItem(),
    feeItem({
      itemId: 'i-rx',
      kind: 'prescription',
      title: '西药处方',
      deptName: '心血管内科',
      amountFen: 4250,
      lines: [
        { name: '阿莫西林胶囊', spec: '0.25g×24粒', quantity: 2, unitPriceFen: 1250, amountFen: 2500 },
        { name: '布洛芬缓释胶囊', spec: '0.3g×20粒', quantity: 1, unitPriceFen: 1750, amountFen: 1750 },
      ],
      guide: '门诊楼1楼西药房',
    }),
    feeItem({
      itemId: 'i-reg',
      kind: 'registration',
      title: '挂号费·心血管内科',
      deptName: '心血管内科',
      amountFen: 1500,
      lines: [{ name: '专科门诊诊查费', spec: '', quantity: 1, unitPriceFen: 1500, amountFen: 1500 }],
      guide: '',
    }),
    feeItem({
      itemId: 'i-exam',
      kind: 'exam',
      title: '心脏彩超',
      deptName: '超声科',
      amountFen: 18000,
      lines: [{ name: '心脏彩色多普勒超声', spec: '次', quantity: 1, unitPriceFen: 18000, amountFen: 18000 }],
      guide: '医技楼3楼超声科',
    }),
  ];
}

export function order(overrides: Partial<PaymentOrderView> = {}): PaymentOrderView {
  const items = overrides.items ?? [feeItem()];
  const totalFen = items.reduce((n, i) => n + i.amountFen, 0);
  return {
    orderId: 'po-1',
    cardId: 'c1',
    patientName: '王小明',
    cardNo: 'HZ00012345',
    status: 'created',
    mode: 'selfPay',
    split: { totalFen, fundFen: 0, accountFen: 0, cashFen: totalFen },
    insurance: null,
    items,
    createdAt: '2024-05-06T02:00:00.000Z',
    expiresAt: '2024-05-06T02:30:00.000Z',
    paidAt: null,
    settledAt: null,
    failure: null,
    refunds: [],
    receipt: null,
    pickup: null,
    ...overrides,
  };
}

/** The order once the HIS settled it: pickup code and receipt. */
export function settledOrder(overrides: Partial<PaymentOrderView> = {}): PaymentOrderView {
  return order({
    status: 'settled',
    paidAt: '2024-05-06T02:05:00.000Z',
    settledAt: '2024-05-06T02:05:30.000Z',
    pickup: { code: '12345678', expiresAt: '2024-05-07T15:59:00.000Z' },
    receipt: {
      code: '33010124',
      number: '0001234567',
      checkCode: 'a1b2c3',
      issuedAt: '2024-05-06T02:06:00.000Z',
      viewUrl: 'https://einvoice.example.com/r/0001234567?c=a1b2c3',
    },
    ...overrides,
  });
}

export const payParams: RequestPaymentParams = {
  timeStamp: '1714960800',
  nonceStr: 'N0NCE5TR1NG0000000000000000000AB',
  package: 'prepay_id=wx06100000000000000000000000000001',
  signType: 'RSA',
  paySign: 'c2lnbmF0dXJl',
};

export const templates: PaymentTemplatesResponse = {
  paymentSuccess: 'tmpl-pay-ok-test',
  refund: 'tmpl-refund-test',
  consent: ['tmpl-pay-ok-test', 'tmpl-refund-test'],
};

export function twoCards() {
  return [
    card({ id: 'c2', name: '王*华', relation: '父母', isDefault: false, cardNo: 'HZ2' }),
    card({ id: 'c1', name: '王小明', relation: '本人', isDefault: true, cardNo: 'HZ1' }),
  ];
}

export function labTest(overrides: Partial<LabTestView> = {}): LabTestView {
  return {
    code: 'CBC',
    name: '血常规',
    category: '血液检查',
    priceFen: 2500,
    specimen: '静脉血',
    preparation: '',
    turnaround: '采血后2小时',
    eligible: true,
    ineligibleReason: null,
    ...overrides,
  };
}

/** A catalog as `labCatalog` answers it: blood tests (one fasting, one not for this card) and a urine test. */
export function labCatalog(overrides: Partial<PaymentLabCatalogResponse> = {}): PaymentLabCatalogResponse {
  return {
    cardId: 'c1',
    tests: [
      labTest({
        code: 'GLU',
        name: '血糖（空腹）',
        priceFen: 600,
        preparation: '需空腹8小时（可少量饮水），采血前暂停降糖药',
        turnaround: '当天16:00后',
      }),
      labTest(),
      labTest({
        code: 'URT',
        name: '尿常规',
        category: '尿液检查',
        priceFen: 1500,
        specimen: '晨尿',
        preparation: '留取晨起中段尿（约10ml），1小时内送检；女性避开月经期',
        turnaround: '采样后2小时',
      }),
      labTest({
        code: 'LIP4',
        name: '血脂四项',
        priceFen: 2600,
        preparation: '需空腹12小时、前一天清淡饮食，避免饮酒',
        turnaround: '当天16:00后',
        eligible: false,
        ineligibleReason: '75周岁以上请到门诊就诊后开单',
      }),
    ],
    site: {
      location: '门诊楼3楼检验科采血处',
      hours: '周一至周日 07:30-11:30、13:30-16:30',
      notes: ['缴费后凭就诊卡或电子健康卡到采血处取号，按叫号采血', '空腹项目请于上午11:30前采血'],
    },
    perDayLimit: 3,
    remainingToday: 2,
    ...overrides,
  };
}

type Route = BackendReply | ((call: BackendCall) => BackendReply | Promise<BackendReply>);

/**
 * The card list, templates and lab catalog (缴费结果 asks it for the sampling site of lab items)
 * every payment page may ask for, plus the test's own routes.
 */
export function paymentBackend(table: Record<string, Route>): Backend {
  return routes({
    'patient.list': ok({ cards: twoCards(), limit: 5 }),
    'payment.templates': ok(templates),
    'payment.labCatalog': ok(labCatalog()),
    ...table,
  });
}

export type PayAnswer = 'ok' | 'cancel' | 'fail';

export interface PayApis {
  /** For installWx({ apis }). */
  apis: Record<string, unknown>;
  /** The steps in the order they happened: 'consent', 'requestPayment' (the backend adds its own). */
  steps: string[];
  /** The template ids of each consent request. */
  consents: string[][];
  /** The options of each wx.requestPayment call (callbacks left out). */
  payments: Record<string, unknown>[];
}

/** Fake `wx.requestPayment` (answers in turn, then 'ok') and `wx.requestSubscribeMessage` (accepts). */
export function payApis(answers: PayAnswer[] = ['ok'], steps: string[] = []): PayApis {
  const queue = answers.slice();
  const consents: string[][] = [];
  const payments: Record<string, unknown>[] = [];
  const apis = {
    requestSubscribeMessage: (o: { tmplIds: string[]; success?: (r: unknown) => void }) => {
      steps.push('consent');
      consents.push(o.tmplIds.slice());
      const res: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
      for (const id of o.tmplIds) res[id] = 'accept';
      o.success?.(res);
    },
    requestPayment: (o: Record<string, unknown> & { success?: (r: unknown) => void; fail?: (e: unknown) => void }) => {
      steps.push('requestPayment');
      const { success, fail, ...params } = o;
      payments.push(params);
      const answer = queue.shift() ?? 'ok';
      if (answer === 'ok') success?.({ errMsg: 'requestPayment:ok' });
      else if (answer === 'cancel') fail?.({ errMsg: 'requestPayment:fail cancel' });
      else fail?.({ errMsg: 'requestPayment:fail 支付失败' });
    },
  };
  return { apis, steps, consents, payments };
}

/** A 医保 order as createOrder answers it with an authCode: split and the HIS's quote. */
export function insuranceOrder(overrides: Partial<PaymentOrderView> = {}): PaymentOrderView {
  return order({
    mode: 'insurance',
    split: { totalFen: 2500, fundFen: 1200, accountFen: 800, cashFen: 500 },
    insurance: { ownExpenseFen: 200, preSelfPayFen: 100, deductibleFen: 200, policyScopeFen: 2300 },
    ...overrides,
  });
}

export const medInsPayParams: MedInsPayParamsView = {
  mixTradeNo: 'mix-0001',
  timeStamp: '1714960800',
  nonceStr: 'N0NCE5TR1NG0000000000000000000CD',
  package: 'prepay_id=wx06100000000000000000000000000002',
  signType: 'RSA',
  paySign: 'bWVkaW5z',
};

export const MED_INS_APP_ID = 'wxe183cd55df4b4369';
export const PAPAY_APP_ID = 'wxbd687630cd02ce1d';

export interface JumpApis {
  apis: Record<string, unknown>;
  /** The options of each wx.navigateToMiniProgram call (callbacks left out). */
  jumps: Record<string, unknown>[];
  /** The options of each wx.requestMedicalInsurancePay call (callbacks left out). */
  medInsPays: Record<string, unknown>[];
}

/**
 * Fake `wx.navigateToMiniProgram` (the jump succeeds unless `jump` says 'cancel') and
 * `wx.requestMedicalInsurancePay` (answers in turn, then 'ok'), recording into `steps`.
 */
export function jumpApis(steps: string[], jump: 'ok' | 'cancel' = 'ok', pays: PayAnswer[] = ['ok']): JumpApis {
  const jumps: Record<string, unknown>[] = [];
  const medInsPays: Record<string, unknown>[] = [];
  const queue = pays.slice();
  type Cb = { success?: (r: unknown) => void; fail?: (e: unknown) => void };
  const apis = {
    navigateToMiniProgram: (o: Record<string, unknown> & Cb) => {
      steps.push('navigateToMiniProgram');
      const { success, fail, ...options } = o;
      jumps.push(options);
      if (jump === 'ok') success?.({ errMsg: 'navigateToMiniProgram:ok' });
      else fail?.({ errMsg: 'navigateToMiniProgram:fail cancel' });
    },
    requestMedicalInsurancePay: (o: Record<string, unknown> & Cb) => {
      steps.push('requestMedicalInsurancePay');
      const { success, fail, ...params } = o;
      medInsPays.push(params);
      const answer = queue.shift() ?? 'ok';
      if (answer === 'ok') success?.({ errMsg: 'requestMedicalInsurancePay:ok' });
      else if (answer === 'cancel') fail?.({ errMsg: 'requestMedicalInsurancePay:fail cancel' });
      else fail?.({ errMsg: 'requestMedicalInsurancePay:fail 医保支付失败' });
    },
  };
  return { apis, jumps, medInsPays };
}

/** What app.ts does in App.onShow when the user comes back from `appId` (mpRequire is the test's). */
export function comeBackFrom(mpRequire: <T>(p: string) => T, appId: string, extraData?: Record<string, unknown>): void {
  const mod = mpRequire<{ noteAppShow(o: unknown): void }>('utils/mini-program-return');
  mod.noteAppShow({ scene: 1038, referrerInfo: extraData ? { appId, extraData } : { appId } });
}
