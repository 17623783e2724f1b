/**
 * In-memory HisFeePort and WechatPayPort with switchable faults (HisLabPort: ./lab-fakes.ts), and a
 * harness running the payment function (actions + timers + the notify route) against the devstack
 * cloud emulator (in-memory SQLite). The fake WeChat Pay keeps WeChat's rules that the flows rely
 * on (prepay idempotent per out_trade_no, close of a paid order → ORDERPAID, one refund per
 * out_refund_no, never more than paid); its notifications are plain JSON (the signed wire format is
 * tested against the sandbox).
 */
import { createCloudEmulator, type CloudEmulator } from '../../../devstack/cloud';
import { DEVSTACK_PAYMENT_TEMPLATES, DEVSTACK_TEMPLATES } from '../../../devstack/seed/subscribe-templates';
import { paymentFunction } from '../../../server/actions/payment';
import { silentLogger } from '../../../server/core/log';
import { createTimerAwareMain } from '../../../server/core/timer-main';
import { NotificationRejected, WechatPayError } from '../../../server/core/wechatpay/errors';
import type { LabRules } from '../../../server/domain/payment/lab';
import type { PaymentRules } from '../../../server/domain/payment/types';
import { HisError } from '../../../server/ports/his-error';
import type { HisFeeItem, HisFeePort, HisSettleInput, HisSettlement } from '../../../server/ports/his-payment';
import type {
  JsapiOrderInput,
  RefundInput,
  WechatPayPort,
  WxNotification,
  WxRefund,
  WxTransaction,
} from '../../../server/ports/wechat-pay';
import type { PaymentService } from '../../../server/services/payment/payment-service';
import { cardIdFor, keyedHash } from '../../../server/services/keyed-ids';
import type { Envelope } from '../../../typings/envelope';
import { PAYMENT_REFUSAL_REASONS } from '../../../typings/payment';
import { FakeHisLab } from './lab-fakes';

export { FakeHisLab } from './lab-fakes';

export const HARNESS_PII_KEY = 'test-key-test-key-test-key-test-key';

export class FakeHisFee implements HisFeePort {
  items = new Map<string, HisFeeItem & { paid: boolean }>();
  settlements = new Map<string, HisSettlement>();
  settleCalls = 0;
  /** 'ok' | 'unavailable' (nothing done) | 'lost' (settled, answer lost) | rejection code */
  settleMode: 'ok' | 'unavailable' | 'lost' | { reject: string } = 'ok';
  listDown = false;
  receiptLater = false;
  private seq = 0;

  addItem(patientId: string, amountFen: number, title = '西药处方'): string {
    const itemId = `F${++this.seq}`;
    this.items.set(itemId, {
      itemId,
      patientId,
      kind: 'prescription',
      title,
      deptCode: 'NK',
      deptName: '心血管内科',
      doctorName: '张建国',
      orderedAt: '2026-12-04T01:00:00.000Z',
      amountFen,
      lines: [{ name: '阿莫西林胶囊', spec: '0.25g×24粒', quantity: 1, unitPriceFen: amountFen, amountFen }],
      guide: '门诊楼1楼西药房',
      paid: false,
    });
    return itemId;
  }

  async listUnpaid(patientId: string): Promise<HisFeeItem[]> {
    if (this.listDown) throw new HisError('unavailable', 'TIMEOUT', 'down');
    return [...this.items.values()].filter((i) => i.patientId === patientId && !i.paid).map(({ paid: _p, ...i }) => i);
  }

  async settle(input: HisSettleInput): Promise<HisSettlement> {
    this.settleCalls++;
    const mode = this.settleMode;
    if (mode === 'unavailable') throw new HisError('unavailable', 'TIMEOUT', 'down');
    const done = this.settlements.get(input.requestId);
    if (done) return done;
    if (typeof mode === 'object') throw new HisError('rejected', mode.reject, 'refused');
    const items = input.itemIds.map((id) => this.items.get(id));
    if (items.some((i) => !i || i.paid || i.patientId !== input.patientId)) {
      throw new HisError('rejected', 'ITEM_NOT_PAYABLE', 'not payable');
    }
    if (items.reduce((s, i) => s + i!.amountFen, 0) !== input.totalFen) {
      throw new HisError('rejected', 'AMOUNT_MISMATCH', 'mismatch');
    }
    for (const i of items) i!.paid = true;
    const s: HisSettlement = {
      settlementId: `S${this.settlements.size + 1}`,
      requestId: input.requestId,
      patientId: input.patientId,
      itemIds: input.itemIds,
      totalFen: input.totalFen,
      transactionId: input.transactionId,
      settledAt: new Date().toISOString(),
      receipt: this.receiptLater
        ? null
        : { billBatchCode: '33010126', billNo: '0000000001', random: 'a1b2c3', issuedAt: 'x', viewUrl: 'http://r/1' },
    };
    this.settlements.set(input.requestId, s);
    if (mode === 'lost') throw new HisError('unavailable', 'TIMEOUT', 'answer lost');
    return s;
  }

  async getSettlement(requestId: string): Promise<HisSettlement | null> {
    if (this.settleMode === 'unavailable') throw new HisError('unavailable', 'TIMEOUT', 'down');
    return this.settlements.get(requestId) ?? null;
  }

  /** All of `date`'s settlements (Asia/Shanghai date of settledAt, a fixed UTC+8) on one page. */
  async listSettlements(date: string): Promise<{ settlements: HisSettlement[]; nextCursor: string | null }> {
    const shanghaiDate = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
    const settlements = [...this.settlements.values()]
      .filter((s) => shanghaiDate(s.settledAt) === date)
      .sort((a, b) => a.settledAt.localeCompare(b.settledAt) || a.settlementId.localeCompare(b.settlementId));
    return { settlements, nextCursor: null };
  }
}

interface FakeOrder {
  input: JsapiOrderInput;
  prepayId: string;
  state: WxTransaction['trade_state'];
  transactionId?: string;
  refunds: WxRefund[];
}

export class FakeWechatPay implements WechatPayPort {
  readonly appid = 'wx-test-app';
  readonly mchid = '1900000109';
  orders = new Map<string, FakeOrder>();
  refundCalls = 0;
  down = false;
  /** The fake's clock (success_time); the harness shares its own. */
  now: () => Date = () => new Date();
  private seq = 0;

  private guard(): void {
    if (this.down) throw new WechatPayError('unavailable', 'TIMEOUT', 'down');
  }

  async jsapiPrepay(input: JsapiOrderInput): Promise<string> {
    this.guard();
    const o = this.orders.get(input.outTradeNo);
    if (o) {
      if (JSON.stringify(o.input) !== JSON.stringify(input))
        throw new WechatPayError('rejected', 'INVALID_REQUEST', 'dup');
      return o.prepayId;
    }
    const prepayId = `wx${++this.seq}`;
    this.orders.set(input.outTradeNo, { input, prepayId, state: 'NOTPAY', refunds: [] });
    return prepayId;
  }

  requestPaymentParams(prepayId: string) {
    return { timeStamp: '1', nonceStr: 'n', package: `prepay_id=${prepayId}`, signType: 'RSA' as const, paySign: 's' };
  }

  /** The user pays: the transaction a notification would carry. */
  pay(outTradeNo: string, amount?: number): WxTransaction {
    const o = this.orders.get(outTradeNo)!;
    if (o.state === 'NOTPAY') {
      o.state = 'SUCCESS';
      o.transactionId = `4200${++this.seq}`;
    }
    return this.tx(outTradeNo, amount);
  }

  tx(outTradeNo: string, amount?: number): WxTransaction {
    const o = this.orders.get(outTradeNo)!;
    return {
      appid: this.appid,
      mchid: this.mchid,
      out_trade_no: outTradeNo,
      trade_state: o.state,
      ...(o.transactionId ? { transaction_id: o.transactionId } : {}),
      success_time: this.now().toISOString(),
      amount: { total: amount ?? o.input.totalFen, payer_total: amount ?? o.input.totalFen },
    };
  }

  async queryOrder(outTradeNo: string): Promise<WxTransaction | null> {
    this.guard();
    return this.orders.has(outTradeNo) ? this.tx(outTradeNo) : null;
  }

  async closeOrder(outTradeNo: string): Promise<void> {
    this.guard();
    const o = this.orders.get(outTradeNo);
    if (!o) throw new WechatPayError('rejected', 'ORDER_NOT_EXIST', 'none');
    if (o.state === 'SUCCESS' || o.state === 'REFUND') throw new WechatPayError('rejected', 'ORDERPAID', 'paid');
    o.state = 'CLOSED';
  }

  async refund(input: RefundInput): Promise<WxRefund> {
    this.guard();
    this.refundCalls++;
    const o = this.orders.get(input.outTradeNo)!;
    const same = o.refunds.find((r) => r.out_refund_no === input.outRefundNo);
    if (same) return same;
    const refunded = o.refunds.filter((r) => r.status !== 'CLOSED').reduce((s, r) => s + r.amount.refund, 0);
    if (refunded + input.refundFen > o.input.totalFen) throw new WechatPayError('rejected', 'INVALID_REQUEST', 'over');
    const r: WxRefund = {
      refund_id: `5030${++this.seq}`,
      out_refund_no: input.outRefundNo,
      transaction_id: o.transactionId!,
      out_trade_no: input.outTradeNo,
      status: 'PROCESSING',
      create_time: new Date().toISOString(),
      amount: { total: input.totalFen, refund: input.refundFen },
    };
    o.refunds.push(r);
    o.state = 'REFUND';
    return r;
  }

  async queryRefund(outRefundNo: string): Promise<WxRefund | null> {
    this.guard();
    for (const o of this.orders.values()) {
      const r = o.refunds.find((x) => x.out_refund_no === outRefundNo);
      if (r) return r;
    }
    return null;
  }

  /** WeChat finishes a refund (SUCCESS or CLOSED); the notification it would send. */
  finishRefund(outRefundNo: string, status: 'SUCCESS' | 'CLOSED' = 'SUCCESS'): WxNotification {
    for (const o of this.orders.values()) {
      const r = o.refunds.find((x) => x.out_refund_no === outRefundNo);
      if (!r) continue;
      r.status = status;
      return {
        id: `n-${outRefundNo}-${status}`,
        eventType: status === 'SUCCESS' ? 'REFUND.SUCCESS' : 'REFUND.CLOSED',
        refund: {
          mchid: this.mchid,
          out_trade_no: r.out_trade_no,
          transaction_id: r.transaction_id,
          out_refund_no: r.out_refund_no,
          refund_id: r.refund_id,
          refund_status: status,
          success_time: '2026-12-04T10:00:00+08:00',
          amount: { total: r.amount.total, refund: r.amount.refund },
        },
      };
    }
    throw new Error(`no refund ${outRefundNo}`);
  }

  async tradeBill() {
    return null;
  }

  // 医保 mixed orders are exercised against the pay sandbox (test/unit/core/wechatpay-med-ins.test.ts).
  async medInsOrder(): Promise<never> {
    throw new Error('FakeWechatPay: 医保 orders are not faked');
  }

  async queryMedInsOrder(): Promise<null> {
    return null;
  }

  async medInsRefundNotify(): Promise<void> {}

  medInsPayParams(mixTradeNo: string) {
    return { mixTradeNo };
  }

  /** The fake's wire format: the notification as JSON; header `x-fake-bad: 1` fails verification. */
  parseNotification(headers: Readonly<Record<string, string>>, rawBody: string): WxNotification {
    if (headers['x-fake-bad']) throw new NotificationRejected('badSignature');
    return JSON.parse(rawBody) as WxNotification;
  }
}

type Call = (openid: string, event: Record<string, unknown>) => Promise<Envelope<never>>;

export interface PaymentHarness {
  emulator: CloudEmulator;
  his: FakeHisFee;
  lab: FakeHisLab;
  pay: FakeWechatPay;
  clock: { now: Date };
  service: PaymentService;
  call: Call;
  timer(name: string): Promise<Envelope<never>>;
  /** Delivers a notification to the `/payNotify` handler; answers its HTTP status. */
  notify(n: WxNotification, headers?: Record<string, string>): Promise<number>;
  /** `extra`: more card fields (`gender`, `birthDate`). */
  addCard(openid: string, hisPatientId: string, name?: string, extra?: Record<string, unknown>): Promise<string>;
  docs(collection: string): Record<string, unknown>[];
}

export function transactionNotice(tx: WxTransaction, id = `n-${tx.out_trade_no}`): WxNotification {
  return { id, eventType: 'TRANSACTION.SUCCESS', transaction: tx };
}

export function makePaymentHarness(
  now: Date,
  rules?: Partial<PaymentRules>,
  opts: { labRules?: Partial<LabRules> } = {},
): PaymentHarness {
  const clock = { now };
  const emulator = createCloudEmulator({ dbFile: ':memory:', templates: DEVSTACK_TEMPLATES, clock: () => clock.now });
  const his = new FakeHisFee();
  const lab = new FakeHisLab(his);
  const pay = new FakeWechatPay();
  pay.now = () => clock.now;
  const fn = paymentFunction({
    db: emulator.db,
    his,
    lab,
    pay,
    openapi: emulator.sdk.openapi,
    clock: () => clock.now,
    piiHashKey: HARNESS_PII_KEY,
    templates: DEVSTACK_PAYMENT_TEMPLATES,
    log: silentLogger,
    ...(rules ? { rules } : {}),
    ...(opts.labRules ? { labRules: opts.labRules } : {}),
  });
  const main = createTimerAwareMain(emulator.sdk, fn.actions, fn.timers, { fn: 'payment', log: silentLogger });
  const call: Call = async (openid, event) => {
    const env = await emulator.runWithContext({ OPENID: openid, SOURCE: 'wx_client' }, () => main(event));
    if (!env.ok && env.error.reason !== undefined) expect(PAYMENT_REFUSAL_REASONS).toContain(env.error.reason);
    return env as Envelope<never>;
  };
  let cardSeq = 0;
  return {
    emulator,
    his,
    lab,
    pay,
    clock,
    service: fn.service,
    call,
    timer: (name) =>
      main({ Type: 'Timer', TriggerName: name, Time: clock.now.toISOString() }) as Promise<Envelope<never>>,
    async notify(n, headers = {}) {
      const res = await fn.service.notifications.handle({
        httpMethod: 'POST',
        headers,
        body: JSON.stringify(n),
        isBase64Encoded: false,
      });
      return res.statusCode;
    },
    async addCard(openid, hisPatientId, name = '王小明', extra = {}) {
      const id = cardIdFor(keyedHash(HARNESS_PII_KEY), openid, hisPatientId);
      ++cardSeq;
      await emulator.db.collection('patient_cards').add({
        data: {
          _id: id,
          _openid: openid,
          hisPatientId,
          name,
          relation: '本人',
          cardNo: `C${cardSeq}`,
          boundAtMs: cardSeq,
          ...extra,
        },
      });
      return id;
    },
    docs: (c) => emulator.admin.listDocuments(c, { limit: 1000 }),
  };
}

export const ok = <T>(env: Envelope<T>): T => {
  if (!env.ok) throw new Error(`expected ok, got ${JSON.stringify(env.error)}`);
  return env.data;
};
