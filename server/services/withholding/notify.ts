/**
 * Withholding's v2 XML notifications at the `/payNotify` route (the same notify_url as v3; the
 * route hands XML bodies here): contract ADD/DELETE and deduction results. Verified (sign, mch_id,
 * appid, plan_id) before anything is read, applied idempotently, and answered with the v2 success
 * XML and 200 only once applied; a rejected notification gets 401 and a failure to apply 500, both
 * with the v2 FAIL XML, so WeChat retries on its schedule.
 */
import type { StoredOrder } from '../../adapters/clouddb/payment-store';
import { NotificationRejected } from '../../core/wechatpay/errors';
import { toV2Xml } from '../../core/wechatpay/v2';
import { isWithholding } from '../../domain/withholding/order';
import type { PapayDeduction, PapayNotification } from '../../ports/wechat-papay';
import type { Confirmation } from '../payment/confirm';
import type { PaymentContext } from '../payment/context';
import type { Settlement } from '../payment/settle';
import { WithholdingContracts } from './contracts';
import { DeductionResults } from './results';

export interface XmlReply {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** How long the answer waits for the HIS settlement (the timer finishes what is left). */
const SETTLE_BUDGET_MS = 2500;

export const V2_SUCCESS_XML = toV2Xml({ return_code: 'SUCCESS', return_msg: 'OK' });

const xml = (statusCode: number, body: string): XmlReply => ({
  statusCode,
  headers: { 'content-type': 'text/xml; charset=utf-8' },
  body,
});
const failXml = (statusCode: number, msg: string) => xml(statusCode, toV2Xml({ return_code: 'FAIL', return_msg: msg }));

export class PapayNotifications {
  private readonly results: DeductionResults;
  private readonly contracts: WithholdingContracts;

  constructor(
    private readonly ctx: PaymentContext,
    confirmation: Confirmation,
    private readonly settlement: Settlement,
  ) {
    this.results = new DeductionResults(ctx, confirmation, settlement);
    this.contracts = new WithholdingContracts(ctx);
  }

  async handle(raw: string): Promise<XmlReply> {
    if (!this.ctx.withholding) {
      this.ctx.log.error('papay notify without withholding configured');
      return failXml(500, '未配置代扣');
    }
    let n: PapayNotification;
    try {
      n = this.ctx.withholding.papay.parseNotification(raw);
    } catch (err) {
      const why = err instanceof NotificationRejected ? err.why : 'error';
      this.ctx.log.warn('papay notify rejected', { why });
      return failXml(401, '验签失败');
    }
    try {
      const nowMs = this.ctx.nowMs();
      if (n.kind === 'contract') await this.contracts.applyWechat(n.contract, nowMs);
      else await this.deduction(n.deduction, nowMs);
      return xml(200, V2_SUCCESS_XML);
    } catch (err) {
      this.ctx.log.error('papay notify not applied', {
        kind: n.kind,
        err: err instanceof Error ? err.name : 'unknown',
      });
      return failXml(500, '处理失败，请重试');
    }
  }

  private async deduction(d: PapayDeduction, nowMs: number): Promise<void> {
    const order = await this.ctx.store.orders.get(d.outTradeNo);
    if (!order || !isWithholding(order)) {
      // Not a deduction of this deployment: retrying cannot help.
      this.ctx.log.error('papay notify for unknown order', { known: order !== null });
      return;
    }
    const { order: after, paid } = await this.results.apply(order, d, nowMs, false);
    if (paid) await this.settleWithin(after, nowMs);
  }

  private async settleWithin(order: StoredOrder, nowMs: number): Promise<void> {
    const settling = this.settlement.settle(order, nowMs).catch((err: unknown) => {
      this.ctx.log.warn('papay notify settle failed', {
        orderId: order._id,
        err: err instanceof Error ? err.name : 'x',
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((r) => {
      timer = setTimeout(r, SETTLE_BUDGET_MS);
    });
    await Promise.race([settling, budget]);
    clearTimeout(timer);
  }
}
