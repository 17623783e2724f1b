/** 门诊缴费: typed calls to the `payment` cloud function (typings/payment.ts). */
import type {
  PaymentCreateOrderResponse,
  PaymentListOrdersResponse,
  PaymentListUnpaidResponse,
  PaymentOrderView,
  PaymentTemplatesResponse,
} from '../../../typings/payment';
import { callCloud } from '../../services/cloud';

export function listUnpaid(cardId: string): Promise<PaymentListUnpaidResponse> {
  return callCloud('payment', 'listUnpaid', { cardId });
}

export function createOrder(cardId: string, itemIds: readonly string[]): Promise<PaymentCreateOrderResponse> {
  return callCloud('payment', 'createOrder', { cardId, itemIds: itemIds.slice() });
}

/** The pay parameters of an open order again (去支付 on a 待支付订单). */
export function payOrder(orderId: string): Promise<PaymentCreateOrderResponse> {
  return callCloud('payment', 'pay', { orderId });
}

/** After `wx.requestPayment` returned: the order as the server knows it now. */
export function confirmOrder(orderId: string): Promise<PaymentOrderView> {
  return callCloud('payment', 'confirm', { orderId });
}

export function cancelOrder(orderId: string): Promise<PaymentOrderView> {
  return callCloud('payment', 'cancel', { orderId });
}

export function getOrder(orderId: string): Promise<PaymentOrderView> {
  return callCloud('payment', 'get', { orderId });
}

export function listOrders(cardId?: string): Promise<PaymentListOrdersResponse> {
  return callCloud('payment', 'listOrders', cardId ? { cardId } : {});
}

/**
 * The subscription templates to ask consent for on the 去支付 tap, asked once per app session (they
 * change only with a deploy). A failed load is not kept, so the next page asks again.
 */
let templates: Promise<PaymentTemplatesResponse> | null = null;

export function getTemplates(): Promise<PaymentTemplatesResponse> {
  if (!templates) {
    const loading = callCloud('payment', 'templates', {});
    templates = loading;
    loading.catch(() => {
      if (templates === loading) templates = null;
    });
  }
  return templates;
}
