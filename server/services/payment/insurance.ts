/**
 * 医保 mobile payment (移动医保支付) of an order: the patient's 医保 authorisation checked against
 * the card, the fees uploaded to 医保 through the HIS (6201) and pre-settled (6202: the split the
 * patient sees), then the cash part's JSAPI prepay and WeChat's mixed order from that split. What
 * WeChat then reports is applied by confirm.ts; the 医保 part of a refund by refunds.ts.
 */
import type { PaymentCreateOrderResponse } from '../../../typings/payment';
import { AppError, notFound } from '../../core/errors';
import type { Caller } from '../../core/handler';
import { WechatPayError } from '../../core/wechatpay/errors';
import type { StoredOrder } from '../../adapters/clouddb/payment-store';
import {
  authorisedFor,
  isOpen,
  mixPayTypeOf,
  quoteView,
  splitProblem,
  toOrderView,
  type InsuranceRecord,
} from '../../domain/payment';
import { HisError } from '../../ports/his-error';
import type { HisFeeUpload, HisInsurancePort, HisPreSettlement } from '../../ports/his-insurance';
import { MedInsAuthError, type PayAuth } from '../../ports/medins-auth';
import type { Confirmation } from './confirm';
import type { MedInsDeps, PaymentContext } from './context';
import { itemsChanged, placePrepay } from './prepay';

const refusal = (code: 'FAILED_PRECONDITION' | 'UNAVAILABLE', reason: string, message: string) =>
  new AppError(code, message, { reason });
const notInsured = (message: string) => refusal('FAILED_PRECONDITION', 'notInsured', message);
const authInvalid = (message: string) => refusal('FAILED_PRECONDITION', 'insuranceAuthInvalid', message);
const unavailable = () =>
  refusal('UNAVAILABLE', 'insuranceUnavailable', '医保暂时无法结算，未产生扣款，请稍后重试或选择自费支付');

/** 诊间支付: the mixed order's order_type for outpatient fees after a visit. */
const ORDER_TYPE = 'DIAG_PAY';

export class InsurancePayments {
  constructor(
    private readonly ctx: PaymentContext,
    private readonly confirmation: Confirmation,
  ) {}

  private channel(): MedInsDeps & { his: HisInsurancePort } {
    const { medIns, hisInsurance } = this.ctx;
    if (!medIns || !hisInsurance) throw notInsured('本院暂未开通医保移动支付，请选择自费支付');
    return { ...medIns, his: hisInsurance };
  }

  /** Before anything is written: the authorisation exchanged, and it must be the card's patient's. */
  async authorise(caller: Caller, cardId: string, authCode: string): Promise<PayAuth> {
    const m = this.channel();
    const who = await this.ctx.store.cards.insuranceIdentity(caller.openid, cardId);
    if (!who) throw notFound('就诊人不存在');
    if (!who.insured) throw notInsured('该就诊人未登记医保（社保卡），请选择自费支付');
    let auth: PayAuth;
    try {
      auth = await m.auth.exchange(authCode, caller.openid);
    } catch (err) {
      if (!(err instanceof MedInsAuthError)) throw err;
      this.ctx.log.warn('medins auth refused', { kind: err.kind, code: err.code });
      if (err.kind === 'unavailable') throw unavailable();
      throw authInvalid('医保授权已失效，请重新授权');
    }
    if (!authorisedFor(auth, who)) throw authInvalid('医保授权人与就诊人不一致，请由就诊人本人授权');
    return auth;
  }

  /** Upload → pre-settle → cash prepay → mixed order; the order is then `paying` with its split. */
  async place(caller: Caller, order: StoredOrder, auth: PayAuth): Promise<PaymentCreateOrderResponse> {
    const nowMs = this.ctx.nowMs(caller.now);
    const m = this.channel();
    let upload: HisFeeUpload | null = null;
    let split: HisPreSettlement;
    try {
      // requestIds are per HIS call (the gateway keys its idempotency by requestId alone); the order
      // id itself is the fee.settle's.
      upload = await m.his.uploadFees({
        requestId: `${order._id}U`,
        patientId: order.hisPatientId,
        itemIds: order.itemIds,
        payAuthNo: auth.payAuthNo,
      });
      split = await m.his.preSettle({ requestId: `${order._id}Q`, payOrdId: upload.payOrdId });
    } catch (err) {
      await this.abandon(order, upload?.payOrdId ?? null, nowMs);
      throw hisRefusal(err);
    }
    const problem = splitProblem(split, order.totalFen);
    if (problem) {
      await this.abandon(order, upload.payOrdId, nowMs);
      if (problem === 'noInsurance') throw notInsured('本次费用医保支付为0元（如未达起付线），请选择自费支付');
      throw itemsChanged();
    }
    const insurance: InsuranceRecord = {
      payOrdId: upload.payOrdId,
      medOrgOrd: upload.medOrgOrd,
      mixPayType: mixPayTypeOf(split),
      quote: quoteView(split),
      mixTradeNo: null,
      medRefundedAtMs: null,
    };
    const priced = { fundFen: split.fundPay, accountFen: split.psnAcctPay, cashFen: split.ownPayAmt, insurance };
    // Stored before WeChat hears of it: an order left here is closed (and its upload revoked) by the timer.
    if (!(await this.ctx.store.orders.cas(order._id, order.rev, priced, nowMs))) {
      await this.abandon(order, upload.payOrdId, nowMs);
      throw new AppError('ABORTED', '正在处理，请稍后再试', { reason: 'processing' });
    }
    const stored = { ...order, ...priced };
    try {
      const prepayId = stored.cashFen > 0 ? await placePrepay(this.ctx, stored) : null;
      const mixed = await this.ctx.pay.medInsOrder(this.mixedOrder(stored, insurance, auth, prepayId, nowMs));
      const placed = { ...insurance, mixTradeNo: mixed.mix_trade_no };
      await this.ctx.store.orders.transition(order._id, ['created'], 'paying', { prepayId, insurance: placed }, nowMs);
      this.ctx.log.info('payment medins placed', { orderId: order._id, mixPayType: insurance.mixPayType });
      const fresh = (await this.ctx.store.orders.get(order._id)) ?? { ...stored, insurance: placed };
      return { order: toOrderView(fresh, nowMs), payParams: null, medInsPayParams: this.payParams(fresh, nowMs) };
    } catch (err) {
      // Never half-placed: without the parameters nobody can pay it; the HIS upload is revoked.
      const current = await this.ctx.store.orders.get(order._id);
      if (current) await this.confirmation.close(current, true, nowMs).catch(() => undefined);
      if (err instanceof WechatPayError && err.kind === 'unavailable') throw err;
      if (err instanceof AppError) throw err;
      throw new AppError('INTERNAL', '医保支付下单失败，请稍后重试或选择自费支付', {
        detail: `wechatpay med-ins ${String(err)}`.slice(0, 200),
      });
    }
  }

  /** `wx.requestMedicalInsurancePay`'s parameters of an open, placed order (else null). */
  payParams(order: StoredOrder, nowMs: number) {
    const mix = order.insurance?.mixTradeNo;
    if (!mix || !isOpen(order.status) || order.expiresAtMs <= nowMs + 60_000) return null;
    return this.ctx.pay.medInsPayParams(mix, order.cashFen > 0 ? order.prepayId : null);
  }

  private mixedOrder(order: StoredOrder, ins: InsuranceRecord, auth: PayAuth, prepayId: string | null, nowMs: number) {
    const m = this.channel();
    const medIns = order.fundFen + order.accountFen;
    return {
      outTradeNo: order._id,
      mixPayType: ins.mixPayType,
      orderType: ORDER_TYPE,
      openid: order._openid,
      payer: { name: auth.userName, idDigest: auth.idDigest },
      serialNo: ins.medOrgOrd,
      payOrderId: ins.payOrdId,
      payAuthNo: auth.payAuthNo,
      geoLocation: m.org.geoLocation,
      cityId: auth.cityId,
      medInstName: m.org.orgName,
      medInstNo: m.org.orgCode,
      medInsOrderCreateTime: rfc3339(nowMs),
      totalFen: order.totalFen,
      govFen: order.fundFen,
      selfFen: order.accountFen,
      otherFen: 0,
      medInsCashFen: order.totalFen - medIns,
      wechatPayCashFen: order.cashFen,
      ...(prepayId ? { prepayId } : {}),
      callbackUrl: m.callbackUrl,
    };
  }

  /** A quote that cannot go on: the order closes (never sent to WeChat) and the upload is voided. */
  private async abandon(order: StoredOrder, payOrdId: string | null, nowMs: number): Promise<void> {
    if (payOrdId) await revokeUpload(this.ctx, order._id, payOrdId);
    await this.confirmation.close(order, false, nowMs);
  }
}

/** 6401, best effort: an upload never paid only blocks nothing, the HIS voids it with its authorisation. */
export async function revokeUpload(ctx: PaymentContext, orderId: string, payOrdId: string): Promise<boolean> {
  try {
    await ctx.hisInsurance?.revokeUpload({ requestId: `${orderId}V`, payOrdId });
    return true;
  } catch (err) {
    ctx.log.warn('payment medins revoke failed', { orderId, code: err instanceof HisError ? err.code : 'error' });
    return false;
  }
}

function hisRefusal(err: unknown): AppError {
  if (!(err instanceof HisError))
    return err instanceof AppError ? err : new AppError('INTERNAL', '系统繁忙，请稍后再试');
  if (err.kind === 'unavailable') return unavailable();
  switch (err.code) {
    case 'NOT_INSURED':
      return notInsured('医院系统中该就诊人未登记医保，请选择自费支付或到窗口登记');
    case 'AUTH_INVALID':
      return authInvalid('医保授权已失效，请重新授权');
    case 'ITEM_NOT_PAYABLE':
    case 'AMOUNT_MISMATCH':
      return itemsChanged();
    default:
      return new AppError('FAILED_PRECONDITION', '医院系统暂不能医保结算这些项目，请选择自费支付或到窗口办理', {
        reason: 'hisRefused',
        detail: `his insurance ${err.code}`,
      });
  }
}

const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
