/**
 * The page cases of fidelity.test.ts: a page of app.json opened in the preview and the text it
 * shows once its data arrived; and the cases of 门诊缴费 (packagePayment) with the data they need,
 * staged over HTTP (./payment-data.ts): an order paid and settled, an unpaid charge, the 自助检验
 * catalog of an adult card and of a child's card.
 */
import type { PatientCardView } from '../../typings/patient';
import type { PaymentOrderView } from '../../typings/payment';
import type { E2E } from './harness';
import { charge, hisPatientId, payThroughSandbox } from './payment-data';

/** A page of app.json opened in the preview, and the text it shows once its data arrived ("settled"). */
export interface PageCase {
  /** The route and which query (`?id=<bound card>`, ` (no id)`): the test's name and its screenshot's. */
  name: string;
  path: () => string;
  route: string;
  shows: () => string[];
  /** The navigation bar title when the page sets its own (default: its page json's). */
  title?: () => string;
}

/**
 * The case of `route` opened with `query` (a function where it needs what beforeAll made), named
 * after the route and `label`: the query as the report names it, by default a fixed query itself.
 */
export function opens(
  route: string,
  shows: () => string[],
  opts: { query?: string | (() => string); label?: string; title?: () => string } = {},
): PageCase {
  const query = opts.query ?? '';
  return {
    name: route + (opts.label ?? (typeof query === 'string' ? query : '')),
    path: () => route + (typeof query === 'string' ? query : query()),
    route,
    shows,
    title: opts.title,
  };
}

export interface PaymentPagesData {
  /** The adult (本人) card and a child's card of the same user. */
  adult: PatientCardView;
  child: PatientCardView;
  /** Paid through the pay sandbox and settled by the HIS: pickup code and e-receipt. */
  settled: PaymentOrderView;
  /** The title of a charge left unpaid. */
  unpaidTitle: string;
}

/** Stages what the 门诊缴费 pages show for `openid`: a settled order and an unpaid charge of the adult card. */
export async function stagePaymentPages(
  e2e: E2E,
  openid: string,
  adult: PatientCardView,
  child: PatientCardView,
): Promise<PaymentPagesData> {
  const patientId = await hisPatientId(e2e, adult.cardNo);
  const paid = await charge(e2e, patientId, 'prescription');
  const settled = await payThroughSandbox(
    e2e,
    openid,
    adult.id,
    paid.map((i) => i.itemId),
  );
  if (settled.status !== 'settled' || !settled.pickup || !settled.receipt) {
    throw new Error(`order ${settled.orderId} is ${settled.status} (pickup ${String(!!settled.pickup)})`);
  }
  const [unpaid] = await charge(e2e, patientId, 'exam');
  return { adult, child, settled, unpaidTitle: unpaid!.title };
}

const UNKNOWN_ORDER = 'P20000101NOPE000000000000';

/** `1234 5678`, as the pickup code shows. */
const spaced = (code: string) => `${code.slice(0, 4)} ${code.slice(4)}`;

/** Every page of packagePayment, with a real order where it takes one and without / with an unknown one. */
export function paymentPageCases(data: () => PaymentPagesData): PageCase[] {
  const orderQuery = () => `?orderId=${data().settled.orderId}`;
  return [
    opens('packagePayment/pages/index/index', () => [
      '就诊人',
      data().adult.name,
      '自助检验',
      data().unpaidTitle,
      '去支付',
    ]),
    opens('packagePayment/pages/lab/index', () => [
      '血液检查',
      '血常规',
      '空腹项目',
      '今日还可申请3次（每位就诊人每天最多3次）',
      '门诊楼3楼检验科采血处',
      '提交并支付',
    ]),
    opens('packagePayment/pages/lab/index', () => ['该项目仅限18周岁及以上自助申请，请到门诊就诊开单', '不可申请'], {
      label: '?cardId=<child>',
      query: () => `?cardId=${encodeURIComponent(data().child.id)}`,
    }),
    opens(
      'packagePayment/pages/result/index',
      () => ['缴费成功', spaced(data().settled.pickup!.code), '就诊指引', data().settled.orderId, '查看缴费记录'],
      { label: '?orderId=<settled>', query: orderQuery },
    ),
    opens('packagePayment/pages/result/index', () => ['缴费订单不存在', '查看缴费记录'], { label: ' (no orderId)' }),
    opens('packagePayment/pages/result/index', () => ['缴费订单不存在'], {
      label: '?orderId=<unknown>',
      query: `?orderId=${UNKNOWN_ORDER}`,
    }),
    opens('packagePayment/pages/records/index', () => ['全部就诊人', data().settled.items[0]!.title, '已缴费']),
    opens(
      'packagePayment/pages/detail/index',
      () => ['已缴费', '取单码', '电子票据', '票据号码', data().settled.receipt!.number, data().settled.orderId],
      { label: '?orderId=<settled>', query: orderQuery },
    ),
    opens('packagePayment/pages/detail/index', () => ['缴费记录不存在', '查看缴费记录'], { label: ' (no orderId)' }),
    opens('packagePayment/pages/contract/index', () => [
      data().adult.name,
      '自动缴费（微信支付代扣）',
      '未开通',
      '扣费限额',
      '医保患者请在医生站就诊时刷医保卡',
      '开通自动缴费',
    ]),
    opens('packagePayment/pages/detail/index', () => ['缴费记录不存在'], {
      label: '?orderId=<unknown>',
      query: `?orderId=${UNKNOWN_ORDER}`,
    }),
  ];
}
