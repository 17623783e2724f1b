/**
 * What the 自费 and the 医保 orders share: the cash part's JSAPI prepay, and the refusal of items
 * that changed in the HIS.
 */
import { AppError } from '../../core/errors';
import { WechatPayError } from '../../core/wechatpay/errors';
import type { StoredOrder } from '../../adapters/clouddb/payment-store';
import type { PaymentContext } from './context';

/** The JSAPI prepay of an order's cash part (the same fields → the same prepay_id at WeChat Pay). */
export async function placePrepay(ctx: PaymentContext, order: StoredOrder): Promise<string> {
  try {
    return await ctx.pay.jsapiPrepay({
      description: `门诊缴费-${order.items[0]?.title ?? '门诊费用'}`.slice(0, 60),
      outTradeNo: order._id,
      timeExpire: new Date(order.expiresAtMs).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
      attach: order.cardNo,
      totalFen: order.cashFen,
      openid: order._openid,
    });
  } catch (err) {
    if (err instanceof WechatPayError && err.kind === 'unavailable') {
      throw new AppError('UNAVAILABLE', '微信支付暂时无法下单，请稍后重试，未产生扣款', {
        reason: 'payUnavailable',
        detail: `wechatpay jsapi ${err.code}`,
      });
    }
    throw new AppError('INTERNAL', '系统繁忙，请稍后再试', {
      detail: `wechatpay jsapi ${String(err)}`.slice(0, 200),
    });
  }
}

export const itemsChanged = (): AppError =>
  new AppError('FAILED_PRECONDITION', '缴费项目已变化，请刷新后重新选择', { reason: 'itemsChanged' });
