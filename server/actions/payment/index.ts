/**
 * The `payment` function's actions (门诊缴费) and timers; routing, identity, validation and the
 * envelope are createMain's (timers: createTimerAwareMain). Checked against typings/payment.ts at
 * compile time (defineActions).
 */
import type { PaymentActions } from '../../../typings/payment';
import { defineActions } from '../../core/contract';
import { AppError } from '../../core/errors';
import { action, userAction, type ActionMap } from '../../core/handler';
import type { TimerMap } from '../../core/timer-main';
import { WechatPayError } from '../../core/wechatpay/errors';
import { MessageOutbox } from '../../services/messages/outbox';
import { PaymentService, type PaymentDeps } from '../../services/payment/payment-service';
import { Reconciliation } from '../../services/payment/reconcile';
import { PAYMENT_MESSAGE_OPTIONS } from '../../config/payment-rules';
import { contractActions } from './contract-actions';
import {
  createOrderSchema,
  labCatalogSchema,
  listOrdersSchema,
  listUnpaidSchema,
  orderIdPayloadSchema,
  orderLabTestsSchema,
  templatesSchema,
} from './schemas';

/** WeChat Pay not answering → UNAVAILABLE `payUnavailable` (nothing was charged by this call). */
async function payCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WechatPayError && err.kind === 'unavailable') {
      throw new AppError('UNAVAILABLE', '微信支付暂时无法确认，请稍后在缴费记录中查看，请勿重复支付', {
        reason: 'payUnavailable',
        detail: `wechatpay ${err.code}`,
      });
    }
    throw err;
  }
}

export function paymentActions(service: PaymentService): ActionMap {
  return defineActions<PaymentActions>()({
    listUnpaid: userAction(listUnpaidSchema, (i, c) => service.orders.listUnpaid(c, i.cardId)),
    createOrder: userAction(createOrderSchema, (i, c) =>
      payCall(() => service.orders.create(c, i.cardId, i.itemIds, i.insuranceAuthCode)),
    ),
    pay: userAction(orderIdPayloadSchema, (i, c) =>
      payCall(async () => service.orders.prepare(c, await service.orders.owned(c, i.orderId))),
    ),
    confirm: userAction(orderIdPayloadSchema, (i, c) => payCall(() => service.confirm(c, i.orderId))),
    cancel: userAction(orderIdPayloadSchema, (i, c) => payCall(() => service.cancel(c, i.orderId))),
    get: userAction(orderIdPayloadSchema, (i, c) => service.get(c, i.orderId)),
    listOrders: userAction(listOrdersSchema, (i, c) => service.list(c, i.cardId)),
    templates: action({ schema: templatesSchema, run: async () => service.templates() }),
    labCatalog: userAction(labCatalogSchema, (i, c) => service.lab.catalog(c, i.cardId)),
    orderLabTests: userAction(orderLabTestsSchema, (i, c) => payCall(() => service.lab.order(c, i))),
    ...contractActions(service),
  });
}

/** A re-run of one day: the trigger's message `{"date":"YYYY-MM-DD"}` (else: yesterday). */
function reconcileDate(message: string | undefined): string | null {
  if (!message) return null;
  try {
    const date = (JSON.parse(message) as { date?: unknown }).date;
    return typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null;
  } catch {
    return null;
  }
}

/** Timer trigger name → job (as in cloudfunctions/payment/config.json). */
export function paymentTimers(service: PaymentService, deps: PaymentDeps): TimerMap {
  const outbox = new MessageOutbox(deps.db, deps.openapi, PAYMENT_MESSAGE_OPTIONS, service.ctx.log);
  return {
    paymentDue: (now) => service.timers.runDue(service.ctx.nowMs(now)),
    sendMessages: (now) => outbox.sendDue(service.ctx.nowMs(now)),
    // Yesterday's bill is ready after 10:00 the next day (WeChat Pay); the trigger fires at 10:30.
    reconcileDaily: (now, event) => {
      const nowMs = service.ctx.nowMs(now);
      return service.reconciliation.run(reconcileDate(event.Message) ?? Reconciliation.yesterday(nowMs), nowMs);
    },
  };
}

export function paymentFunction(deps: PaymentDeps): {
  service: PaymentService;
  actions: ActionMap;
  timers: TimerMap;
} {
  const service = new PaymentService(deps);
  return { service, actions: paymentActions(service), timers: paymentTimers(service, deps) };
}
