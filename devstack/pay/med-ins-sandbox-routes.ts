/**
 * Sandbox-only 医保 routes (no signature, JSON, CORS `*`, reachable through the devstack's
 * /paysandbox/ proxy): the 医保 mini program's 授权, the payer's side of
 * `wx.requestMedicalInsurancePay`, inspection and extra deliveries.
 *
 *   POST /sandbox/med-ins/auth-codes {openid, name, idNumber, cityId?}   → {authCode, …} (med-ins-auth.ts)
 *   GET  /sandbox/med-ins?limit=N                                        → recent mixed orders
 *   GET  /sandbox/med-ins/<mix_trade_no>                                 → order, cash part, 医保 refunds, notifications
 *   POST /sandbox/med-ins/<mix_trade_no>/pay {bank_type?}                → pays (cash now, 医保 a moment later)
 *   POST /sandbox/med-ins/<mix_trade_no>/pay-sheet {mixTradeNo, timeStamp, nonceStr, package, signType, paySign}
 *        — the parameters of wx.requestMedicalInsurancePay, checked as for wx.requestPayment when
 *          there is a cash part; an INSURANCE_ONLY order takes mixTradeNo alone (the others → PARAM_ERROR)
 *   POST /sandbox/med-ins/<mix_trade_no>/notify?times=N[&mode=sequential] → MEDICAL_INSURANCE.SUCCESS again
 */
import type { ServerResponse } from 'node:http';
import { paySignMessage, verifySha256Rsa } from '../../server/core/wechatpay/crypto';
import type { PayContext } from './context';
import { PayError } from './errors';
import { SANDBOX_CORS, sendSandboxJson, utf8Body } from './http';
import { issueAuthCode } from './med-ins-auth';
import { payMedInsOrder, requireMedInsOrder } from './med-ins-orders';
import type { MedInsOrderRow } from './med-ins-store';
import { mixedOrderView } from './med-ins-views';
import { currentOrder } from './orders';
import { deliveryView, notificationView } from './sandbox-routes';
import { parseJsonBody, type Json } from './validate';
import { refundView, transactionView } from './views';

function detail(ctx: PayContext, o: MedInsOrderRow): Json {
  const cash = o.prepay_id === null ? undefined : currentOrder(ctx, o.out_trade_no);
  return {
    order: mixedOrderView(ctx, o),
    settle_in_ms: o.settle_at === null ? null : Math.max(0, o.settle_at - Date.now()),
    cash: cash
      ? {
          transaction: transactionView(cash),
          refunds: ctx.store.refundsOf(cash.out_trade_no).map((r) => refundView(r, cash)),
        }
      : null,
    med_refunds: ctx.medIns.store.refundsOf(o.mix_trade_no),
    notifications: ctx.store.notificationsOf(o.mix_trade_no).map(notificationView),
    deliveries: ctx.store.deliveriesOf(o.mix_trade_no).map(deliveryView),
  };
}

function bankType(body: Json): string | undefined {
  if (body.bank_type === undefined) return undefined;
  if (typeof body.bank_type !== 'string') throw new PayError('PARAM_ERROR', 'bank_type 应为字符串');
  return body.bank_type;
}

const SHEET_FIELDS = ['timeStamp', 'nonceStr', 'package', 'signType', 'paySign'] as const;

/** `wx.requestMedicalInsurancePay`'s parameters, checked as WeChat's client does. */
function payThroughSheet(ctx: PayContext, mixTradeNo: string, body: Json): MedInsOrderRow {
  const o = requireMedInsOrder(ctx, 'mix', mixTradeNo);
  if (body.mixTradeNo !== mixTradeNo) throw new PayError('PARAM_ERROR', `mixTradeNo 应为 ${mixTradeNo}`);
  if (o.prepay_id === null) {
    if (SHEET_FIELDS.some((f) => body[f] !== undefined)) {
      throw new PayError(
        'PARAM_ERROR',
        '纯医保单（无自费部分）不要传 timeStamp / nonceStr / package / signType / paySign',
      );
    }
    return payMedInsOrder(ctx, mixTradeNo, { bankType: bankType(body) });
  }
  const { timeStamp, nonceStr, package: pkg, signType, paySign } = body;
  if (typeof timeStamp !== 'string' || !/^\d{1,12}$/.test(timeStamp)) {
    throw new PayError('PARAM_ERROR', 'timeStamp 应为秒级时间戳字符串');
  }
  if (typeof nonceStr !== 'string' || nonceStr.length === 0 || nonceStr.length > 32) {
    throw new PayError('PARAM_ERROR', 'nonceStr 应为 1～32 个字符');
  }
  if (pkg !== `prepay_id=${o.prepay_id}`) throw new PayError('PARAM_ERROR', `package 应为 prepay_id=${o.prepay_id}`);
  if (signType !== 'RSA') throw new PayError('PARAM_ERROR', 'signType 应为 RSA');
  const appid = (JSON.parse(o.order_json) as { appid: string }).appid;
  const message = paySignMessage(appid, timeStamp, nonceStr, pkg);
  if (typeof paySign !== 'string' || !verifySha256Rsa(ctx.credentials.merchantPublicKey, message, paySign)) {
    throw new PayError('SIGN_ERROR', '支付验证签名失败');
  }
  return payMedInsOrder(ctx, mixTradeNo, { bankType: bankType(body) });
}

function intParam(v: string | null, def: number, min: number, max: number): number {
  if (v === null || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new PayError('PARAM_ERROR', `应为 ${min}～${max} 的整数：${v}`);
  return n;
}

type Handler = (ctx: PayContext, m: RegExpExecArray, url: URL, raw: Buffer | null) => Promise<Json> | Json;

const bodyOf = (raw: Buffer | null): Json => (raw === null || raw.length > 0 ? parseJsonBody(utf8Body(raw)) : {});
const mixOf = (m: RegExpExecArray): string => decodeURIComponent(m[1]!);

const ROUTES: [method: string, pattern: RegExp, handler: Handler][] = [
  ['POST', /^\/sandbox\/med-ins\/auth-codes$/, (ctx, _m, _u, raw) => issueAuthCode(ctx, raw)],
  [
    'GET',
    /^\/sandbox\/med-ins$/,
    (ctx, _m, url) => ({
      orders: ctx.medIns.store
        .recentOrders(intParam(url.searchParams.get('limit'), 20, 1, 200))
        .map((o) => mixedOrderView(ctx, o)),
    }),
  ],
  ['GET', /^\/sandbox\/med-ins\/([^/]+)$/, (ctx, m) => detail(ctx, requireMedInsOrder(ctx, 'mix', mixOf(m)))],
  [
    'POST',
    /^\/sandbox\/med-ins\/([^/]+)\/pay$/,
    (ctx, m, _u, raw) => detail(ctx, payMedInsOrder(ctx, mixOf(m), { bankType: bankType(bodyOf(raw)) })),
  ],
  [
    'POST',
    /^\/sandbox\/med-ins\/([^/]+)\/pay-sheet$/,
    (ctx, m, _u, raw) => detail(ctx, payThroughSheet(ctx, mixOf(m), bodyOf(raw))),
  ],
  [
    'POST',
    /^\/sandbox\/med-ins\/([^/]+)\/notify$/,
    async (ctx, m, url) => {
      const o = requireMedInsOrder(ctx, 'mix', mixOf(m));
      const n = ctx.store.latestNotification(o.mix_trade_no);
      if (!n) throw new PayError('NOT_FOUND', '该医保订单还没有通知（尚未 MIX_PAY_SUCCESS）');
      const times = intParam(url.searchParams.get('times'), 1, 1, 50);
      const answers = await ctx.notifier.redeliver(n, times, url.searchParams.get('mode') === 'sequential');
      return { notification: notificationView(n), answers };
    },
  ],
];

export async function handleMedInsSandbox(
  ctx: PayContext,
  method: string,
  url: URL,
  raw: Buffer | null,
  res: ServerResponse,
): Promise<void> {
  if (method === 'OPTIONS') {
    res.writeHead(204, SANDBOX_CORS);
    res.end();
    return;
  }
  try {
    for (const [m, pattern, handler] of ROUTES) {
      const match = pattern.exec(url.pathname);
      if (match && m === method) {
        sendSandboxJson(res, 200, await handler(ctx, match, url, raw));
        return;
      }
    }
    throw new PayError('NOT_FOUND', `no sandbox route ${method} ${url.pathname}`);
  } catch (err) {
    if (err instanceof PayError) sendSandboxJson(res, err.status, err.body());
    else sendSandboxJson(res, 500, { code: 'SYSTEM_ERROR', message: err instanceof Error ? err.message : String(err) });
  }
}
