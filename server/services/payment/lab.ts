/**
 * 自助检验申请: a patient orders common lab tests without a doctor, then pays them like any
 * outpatient charge. The HIS gives the tests and their prices (lab.catalog) and creates the charges
 * (lab.createOrder); the hospital's rules (server/config/lab-rules.ts) decide which are offered, to
 * whom, and how many orders a card may make per day (counted by compare-and-set in
 * `payment_lab_quota`). The charges then become one payment order (Orders.create).
 *
 * One tap, one order: the HIS requestId is a keyed hash of (openid, idempotencyKey), so a repeat
 * never creates charges twice, and it finds its quota entry, so it never counts twice.
 */
import type {
  LabTestView,
  PaymentCreateOrderResponse,
  PaymentLabCatalogResponse,
  PaymentOrderLabTestsRequest,
} from '../../../typings/payment';
import { AppError, aborted, invalid, unavailable } from '../../core/errors';
import type { Caller } from '../../core/handler';
import { businessDate } from '../../core/time';
import type { BookingCard } from '../../domain/booking/types';
import {
  decideLabReserve,
  labEligibility,
  recordLabOrder,
  releaseLabEntry,
  usedOn,
  type LabEligibility,
  type LabPatient,
  type LabQuota,
  type LabQuotaEntry,
  type LabTestRule,
} from '../../domain/payment/lab';
import { HisError } from '../../ports/his-error';
import type { HisFeeItem } from '../../ports/his-payment';
import type { HisLabPort, HisLabTest } from '../../ports/his-lab';
import { HIS_BUSY_MESSAGE, callHis, mapHisError } from '../his-errors';
import type { PaymentContext } from './context';
import type { Orders } from './orders';

type LabOrderInput = Omit<PaymentOrderLabTestsRequest, 'action'>;

const DAY_MS = 24 * 3_600_000;

/** The HIS requestId of one tap: the same caller and key always give the same id. */
export function labRequestId(ctx: Pick<PaymentContext, 'hash'>, openid: string, idempotencyKey: string): string {
  return `lab-${ctx.hash('lab-order', openid, idempotencyKey).slice(0, 40)}`;
}

const patientOf = (card: BookingCard): LabPatient => ({ gender: card.gender, birthDate: card.birthDate });

function toLabTestView(t: HisLabTest, rule: LabTestRule, e: LabEligibility): LabTestView {
  return {
    code: t.code,
    name: t.name,
    category: t.category,
    priceFen: t.priceFen,
    specimen: t.specimen,
    preparation: rule.preparation,
    turnaround: rule.turnaround,
    eligible: e.eligible,
    ineligibleReason: e.eligible ? null : e.reason,
  };
}

export class LabOrders {
  constructor(
    private readonly ctx: PaymentContext,
    private readonly orders: Orders,
  ) {}

  /** The HIS catalog × the rules, for the chosen card, and what remains of today's limit. */
  async catalog(caller: Caller, cardId: string): Promise<PaymentLabCatalogResponse> {
    const card = await this.orders.card(caller, cardId);
    const today = businessDate(new Date(this.ctx.nowMs(caller.now)));
    const [tests, quota] = await Promise.all([
      callHis('lab.catalog', () => this.port().catalog()),
      this.ctx.store.labQuota.read(this.ctx.patientKey(card.hisPatientId)),
    ]);
    const { tests: rules, site, perDayLimit } = this.ctx.labRules;
    const byCode = new Map(tests.map((t) => [t.code, t]));
    const views = Object.entries(rules).flatMap(([code, rule]) => {
      const t = byCode.get(code);
      return t ? [toLabTestView(t, rule, labEligibility(rule, patientOf(card), today))] : [];
    });
    return {
      cardId,
      tests: views,
      site: { ...site, notes: [...site.notes] },
      perDayLimit,
      remainingToday: Math.max(0, perDayLimit - usedOn(quota.state, today)),
    };
  }

  /** Creates the tests' charges at the HIS (once per tap) and one order of them, ready to pay. */
  async order(caller: Caller, input: LabOrderInput): Promise<PaymentCreateOrderResponse> {
    const rules = this.ctx.labRules.tests;
    if (input.codes.some((c) => !Object.prototype.hasOwnProperty.call(rules, c))) {
      throw invalid('codes', '所选项目不可自助申请，请刷新后重新选择');
    }
    const card = await this.orders.card(caller, input.cardId);
    const nowMs = this.ctx.nowMs(caller.now);
    const today = businessDate(new Date(nowMs));
    this.assertEligible(card, input.codes, today);
    const key = this.ctx.patientKey(card.hisPatientId);
    const requestId = labRequestId(this.ctx, caller.openid, input.idempotencyKey);
    const { entry, reserved } = await this.reserve(key, {
      requestId,
      cardId: card.cardId,
      codes: input.codes,
      today,
      keepFrom: businessDate(new Date(nowMs - DAY_MS)),
      nowMs,
    });
    const done = entry.orderId ? await this.ctx.store.orders.getOwned(caller.openid, entry.orderId) : null;
    if (done) return this.orders.prepare(caller, done);
    const items = await this.charges(key, card, entry, reserved);
    const res = await this.orders.create(
      caller,
      card.cardId,
      items.map((i) => i.itemId),
    );
    await this.record(key, requestId, res.order.orderId);
    return res;
  }

  private port(): HisLabPort {
    if (!this.ctx.lab) {
      throw unavailable(HIS_BUSY_MESSAGE, { reason: 'hisUnavailable', detail: 'his lab not configured' });
    }
    return this.ctx.lab;
  }

  /** FAILED_PRECONDITION `labNotEligible` with the first chosen test's reason the patient may not. */
  private assertEligible(card: BookingCard, codes: readonly string[], today: string): void {
    for (const code of codes) {
      const e = labEligibility(this.ctx.labRules.tests[code]!, patientOf(card), today);
      if (!e.eligible) {
        throw new AppError('FAILED_PRECONDITION', e.reason, { reason: 'labNotEligible', detail: `lab ${code}` });
      }
    }
  }

  /** The request's quota entry: counted now (`reserved`), or the one an earlier try of it counted. */
  private async reserve(
    key: string,
    r: Parameters<typeof decideLabReserve>[1],
  ): Promise<{ entry: LabQuotaEntry; reserved: boolean }> {
    const limit = this.ctx.labRules.perDayLimit;
    const d = await this.changeQuota(key, (s) => {
      const decision = decideLabReserve(s, r, limit);
      return { next: decision.kind === 'new' ? decision.next : null, value: decision };
    });
    if (d.kind === 'new') return { entry: d.entry, reserved: true };
    if (d.kind === 'repeat') return { entry: d.entry, reserved: false };
    if (d.kind === 'mismatch') throw invalid('idempotencyKey', '申请内容已变化，请重新提交');
    throw new AppError('RESOURCE_EXHAUSTED', `每位就诊人每天最多自助申请${limit}次检验，请明天再来或到门诊就诊`, {
      reason: 'labDailyLimit',
      detail: `lab used ${d.used}/${limit}`,
    });
  }

  /** The HIS charges of the entry; a failure gives back what this call counted (nothing was made). */
  private async charges(
    key: string,
    card: BookingCard,
    entry: LabQuotaEntry,
    reserved: boolean,
  ): Promise<HisFeeItem[]> {
    const input = { requestId: entry.requestId, patientId: card.hisPatientId, codes: entry.codes };
    try {
      return await this.port().createOrder(input);
    } catch (err) {
      if (reserved) await this.release(key, entry.requestId);
      if (err instanceof HisError && err.kind === 'rejected' && err.code === 'INVALID_REQUEST') {
        throw new AppError('INVALID_ARGUMENT', '所选检验项目暂不可申请，请刷新后重新选择', {
          field: 'codes',
          detail: 'his lab.createOrder rejected INVALID_REQUEST',
        });
      }
      throw mapHisError('lab.createOrder', err);
    }
  }

  /** Never throws: a count left behind only errs on the strict side. */
  private async release(key: string, requestId: string): Promise<void> {
    try {
      await this.changeQuota(key, (s) => ({ next: releaseLabEntry(s, requestId), value: undefined }));
    } catch (err) {
      this.ctx.log.warn('lab quota release failed', { err: err instanceof Error ? err.name : 'unknown' });
    }
  }

  /** Remembers the order, so a repeat answers it even once its items are paid. Never throws. */
  private async record(key: string, requestId: string, orderId: string): Promise<void> {
    try {
      await this.changeQuota(key, (s) => ({ next: recordLabOrder(s, requestId, orderId), value: undefined }));
    } catch (err) {
      this.ctx.log.warn('lab quota record failed', { orderId, err: err instanceof Error ? err.name : 'unknown' });
    }
  }

  private async changeQuota<T>(key: string, change: (s: LabQuota) => { next: LabQuota | null; value: T }): Promise<T> {
    const store = this.ctx.store.labQuota;
    for (let attempt = 0; attempt < 10; attempt++) {
      const { state, version } = await store.read(key);
      const { next, value } = change(state);
      if (next === null) return value;
      if (await store.cas(key, version, next, this.ctx.nowMs())) return value;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10 * (attempt + 1))));
    }
    throw aborted('操作过于频繁，请稍后再试', { reason: 'processing', detail: 'payment_lab_quota cas contention' });
  }
}
