/** 门诊缴费: typed calls to the `payment` cloud function (typings/payment.ts). */
import type {
  LabSiteView,
  PaymentCreateOrderResponse,
  PaymentLabCatalogResponse,
  PaymentListOrdersResponse,
  PaymentListUnpaidResponse,
  PaymentOrderView,
  PaymentSignContractResponse,
  PaymentTemplatesResponse,
  WithholdingContractView,
} from '../../../typings/payment';
import { callCloud } from '../../services/cloud';

export function listUnpaid(cardId: string): Promise<PaymentListUnpaidResponse> {
  return callCloud('payment', 'listUnpaid', { cardId });
}

/** With `insuranceAuthCode` (the 医保 mini program's authCode) a 医保 order; without, 自费. */
export function createOrder(
  cardId: string,
  itemIds: readonly string[],
  insuranceAuthCode?: string,
): Promise<PaymentCreateOrderResponse> {
  return callCloud('payment', 'createOrder', {
    cardId,
    itemIds: itemIds.slice(),
    ...(insuranceAuthCode ? { insuranceAuthCode } : {}),
  });
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

/**
 * The sampling site of 自助检验 as the last `labCatalog` answered it (the hospital's configuration,
 * the same for every card): 缴费结果 shows its hours for lab items without asking again.
 */
let labSite: LabSiteView | null = null;

/** 自助检验: the catalog for the card (eligibility, today's remaining orders, the sampling site). */
export async function labCatalog(cardId: string): Promise<PaymentLabCatalogResponse> {
  const answer = await callCloud('payment', 'labCatalog', { cardId });
  labSite = answer.site;
  return answer;
}

/** The sampling site: the one last loaded, else from the card's catalog. */
export async function getLabSite(cardId: string): Promise<LabSiteView> {
  return labSite ?? (await labCatalog(cardId)).site;
}

/** The tests become HIS charges and one order of them, ready to pay; one `idempotencyKey` never orders twice. */
export function orderLabTests(
  cardId: string,
  codes: readonly string[],
  idempotencyKey: string,
): Promise<PaymentCreateOrderResponse> {
  return callCloud('payment', 'orderLabTests', { cardId, codes: codes.slice(), idempotencyKey });
}

/** 自动缴费: the card's withholding contract (status `none` when never signed). */
export function getContract(cardId: string): Promise<WithholdingContractView> {
  return callCloud('payment', 'contract', { cardId });
}

/** Where to jump to sign (WeChat's contract mini program, with the server's signed extraData). */
export function signContract(cardId: string): Promise<PaymentSignContractResponse> {
  return callCloud('payment', 'signContract', { cardId });
}

export function cancelContract(cardId: string): Promise<WithholdingContractView> {
  return callCloud('payment', 'cancelContract', { cardId });
}
