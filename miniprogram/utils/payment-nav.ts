/**
 * Routes of the 门诊缴费 pages (the packagePayment subpackage), so pages never spell paths by hand.
 * This module stays in the main package: the home page (门诊缴费, 自助检验) and 我的 (缴费记录) reach it too.
 * app.json `preloadRule` downloads packagePayment from both before the tap that opens it.
 */
import { queryString } from './booking-nav';

export const PAYMENT_ROUTES = {
  index: '/packagePayment/pages/index/index',
  result: '/packagePayment/pages/result/index',
  records: '/packagePayment/pages/records/index',
  detail: '/packagePayment/pages/detail/index',
  lab: '/packagePayment/pages/lab/index',
  contract: '/packagePayment/pages/contract/index',
} as const;

/** 门诊缴费, with a card preselected when given. */
export function paymentIndexUrl(cardId?: string): string {
  return PAYMENT_ROUTES.index + queryString({ cardId });
}

/** 自助检验申请, with a card preselected when given. */
export function paymentLabUrl(cardId?: string): string {
  return PAYMENT_ROUTES.lab + queryString({ cardId });
}

export function paymentResultUrl(orderId: string): string {
  return PAYMENT_ROUTES.result + queryString({ orderId });
}

export function paymentDetailUrl(orderId: string): string {
  return PAYMENT_ROUTES.detail + queryString({ orderId });
}

/** 自动缴费 (withholding contract) of a card, or of the default card. */
export function paymentContractUrl(cardId?: string): string {
  return PAYMENT_ROUTES.contract + queryString({ cardId });
}
