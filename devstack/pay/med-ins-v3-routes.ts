/**
 * The 医保 routes of /v3, signed both ways as the others (v3-routes.ts):
 *
 *   POST /v3/med-ins/orders                              header Wechatpay-Serial required → the order
 *   GET  /v3/med-ins/orders/mix-trade-no/{mix_trade_no}  → the order
 *   GET  /v3/med-ins/orders/out-trade-no/{out_trade_no}  → the order
 *   POST /v3/med-ins/refunds/notify?mix_trade_no=…       → 204
 *
 * Query parameters: the merchant-mode queries need none — the merchant is the one who signs, and
 * WeChat's merchant examples send none; `mchid`, or the partner mode's `sub_mchid` (not modelled),
 * is accepted when it names the signing merchant and refused (INVALID_REQUEST) otherwise. The
 * refund notify requires `mix_trade_no` (the same rule applies to a `sub_mchid` in its body).
 */
import { PayError } from './errors';
import { createMedInsOrder, requireMedInsOrder } from './med-ins-orders';
import { notifyMedInsRefund } from './med-ins-refunds';
import { mixedOrderView } from './med-ins-views';
import { checkMchid } from './orders';
import type { Call, Route, V3Deps } from './v3-routes';

/** `mchid` / `sub_mchid` are optional; given, they must be the signing merchant's. */
function optionalMchids(d: V3Deps, values: unknown[]): void {
  for (const v of values) {
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new PayError('INVALID_REQUEST', 'mchid / sub_mchid 应为字符串');
    checkMchid(d.ctx, v);
  }
}

const queryMchids = (d: V3Deps, c: Call): void => optionalMchids(d, [c.query.get('mchid'), c.query.get('sub_mchid')]);

const param = (c: Call): string => decodeURIComponent(c.match[1]!);

export const MED_INS_ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: /^\/v3\/med-ins\/orders$/,
    run: (d, c) => {
      const body = c.body();
      optionalMchids(d, [body.sub_mchid]);
      return { status: 200, json: createMedInsOrder(d.ctx, body, c.header('wechatpay-serial')) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/v3\/med-ins\/orders\/mix-trade-no\/([^/]+)$/,
    run: (d, c) => {
      queryMchids(d, c);
      return { status: 200, json: mixedOrderView(d.ctx, requireMedInsOrder(d.ctx, 'mix', param(c))) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/v3\/med-ins\/orders\/out-trade-no\/([^/]+)$/,
    run: (d, c) => {
      queryMchids(d, c);
      return { status: 200, json: mixedOrderView(d.ctx, requireMedInsOrder(d.ctx, 'out', param(c))) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/v3\/med-ins\/refunds\/notify$/,
    run: (d, c) => {
      const body = c.body();
      optionalMchids(d, [c.query.get('sub_mchid'), body.sub_mchid]);
      notifyMedInsRefund(d.ctx, c.query, body);
      return { status: 204 };
    },
  },
];
