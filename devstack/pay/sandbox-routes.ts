/**
 * Sandbox-only routes (no signature, JSON, CORS `*`): what the payer does (pay, cancel — directly
 * or through the payment sheet's `wx.requestPayment` parameters), extra deliveries of a
 * notification, order inspection for tests and the console, faults, the signing mode, and a day's
 * bill made available early (tools reconciling today).
 */
import type { ServerResponse } from 'node:http';
import { paySignMessage, verifySha256Rsa } from '../../server/core/wechatpay/crypto';
import type { PayContext } from './context';
import { PayError } from './errors';
import type { PayFaults } from './faults';
import { SANDBOX_CORS, sendSandboxJson, utf8Body } from './http';
import { payOrder, refuseOrder, requireOrder } from './orders';
import { SIGN_WITH_MODES, type SignWith } from './signer';
import type { DeliveryRow, NotificationRow, OrderRow, PrepayRow } from './store';
import { rfc3339 } from './time';
import { parseJsonBody, type Json } from './validate';
import { refundView, TRADE_STATE_DESC, transactionView } from './views';

export interface SandboxDeps {
  ctx: PayContext;
  setNotifyUrl(url: string | undefined): void;
}

const iso = (ms: number | null): string | null => (ms === null ? null : rfc3339(ms));

export function notificationView(n: NotificationRow): Json {
  return {
    id: n.id,
    event_type: n.event_type,
    url: n.url,
    state: n.state,
    attempts: n.attempts,
    next_attempt_in_ms: n.next_at === null ? null : Math.max(0, n.next_at - Date.now()),
  };
}

export const deliveryView = (d: DeliveryRow): Json => ({ ...d, at: rfc3339(d.at) });

/** One line of the console's list. */
export function orderSummary(ctx: PayContext, o: OrderRow): Json {
  const refunds = ctx.store.refundsOf(o.out_trade_no);
  const latest = ctx.store.latestNotification(o.out_trade_no);
  const deliveries = latest
    ? ctx.store.deliveriesOf(o.out_trade_no).filter((d) => d.notification_id === latest.id)
    : [];
  return {
    out_trade_no: o.out_trade_no,
    description: o.description,
    total: o.total,
    openid: o.openid,
    trade_state: o.trade_state,
    trade_state_desc: TRADE_STATE_DESC[o.trade_state],
    transaction_id: o.transaction_id,
    prepay_id: o.prepay_id,
    prepay_expires_at: rfc3339(o.prepay_expires_at),
    created_at: rfc3339(o.created_at),
    expires_at: rfc3339(o.expires_at),
    success_time: iso(o.success_at),
    closed_at: iso(o.closed_at),
    user_cancelled_at: iso(o.user_cancelled_at),
    refunds: refunds.length,
    refunded: refunds.filter((r) => r.status === 'SUCCESS').reduce((s, r) => s + r.refund, 0),
    notification: latest
      ? { ...notificationView(latest), last_status: deliveries[deliveries.length - 1]?.status ?? null }
      : null,
  };
}

function orderDetail(ctx: PayContext, outTradeNo: string): Json {
  const o = requireOrder(ctx, outTradeNo);
  return {
    order: { ...orderSummary(ctx, o), notify_url: o.notify_url, attach: o.attach, time_expire: o.time_expire },
    transaction: transactionView(o),
    refunds: ctx.store.refundsOf(outTradeNo).map((r) => refundView(r, o)),
    notifications: ctx.store.notificationsOf(outTradeNo).map(notificationView),
    deliveries: ctx.store.deliveriesOf(outTradeNo).map(deliveryView),
  };
}

function prepayOf(ctx: PayContext, prepayId: string): PrepayRow {
  const prepay = ctx.store.prepay(prepayId);
  if (!prepay) throw new PayError('NOT_FOUND', `prepay_id ${prepayId} 不存在`);
  return prepay;
}

function bodyOf(raw: Buffer | null): Json {
  return raw === null || raw.length > 0 ? parseJsonBody(utf8Body(raw)) : {};
}

function bankType(body: Json): string | undefined {
  if (body.bank_type === undefined) return undefined;
  if (typeof body.bank_type !== 'string') throw new PayError('PARAM_ERROR', 'bank_type 应为字符串');
  return body.bank_type;
}

/**
 * The payment sheet: `wx.requestPayment`'s parameters, checked as WeChat's client does — the
 * package names this prepay_id, signType is RSA, and paySign verifies with the merchant key over
 * appId, timeStamp, nonceStr and package (appId is line 1 although the call is not given it).
 */
function payThroughSheet(ctx: PayContext, prepayId: string, body: Json): OrderRow {
  const prepay = prepayOf(ctx, prepayId);
  const { timeStamp, nonceStr, package: pkg, signType, paySign } = body;
  if (typeof timeStamp !== 'string' || !/^\d{1,12}$/.test(timeStamp)) {
    throw new PayError('PARAM_ERROR', 'timeStamp 应为秒级时间戳字符串');
  }
  if (typeof nonceStr !== 'string' || nonceStr.length === 0 || nonceStr.length > 32) {
    throw new PayError('PARAM_ERROR', 'nonceStr 应为 1～32 个字符');
  }
  if (pkg !== `prepay_id=${prepayId}`) throw new PayError('PARAM_ERROR', `package 应为 prepay_id=${prepayId}`);
  if (signType !== 'RSA') throw new PayError('PARAM_ERROR', 'signType 应为 RSA');
  const o = requireOrder(ctx, prepay.out_trade_no);
  const message = paySignMessage(o.appid, timeStamp, nonceStr, pkg);
  if (typeof paySign !== 'string' || !verifySha256Rsa(ctx.credentials.merchantPublicKey, message, paySign)) {
    throw new PayError('SIGN_ERROR', '支付验证签名失败');
  }
  return payOrder(ctx, o.out_trade_no, { prepayId, bankType: bankType(body) });
}

function setFaultsFrom(ctx: PayContext, body: Json): Json {
  ctx.faults.set(body as PayFaults);
  return { faults: ctx.faults.current() };
}

function setSigning(ctx: PayContext, body: Json): Json {
  const mode = body.signWith as SignWith;
  if (!SIGN_WITH_MODES.includes(mode))
    throw new PayError('PARAM_ERROR', `signWith 应为 ${SIGN_WITH_MODES.join(' | ')}`);
  ctx.signer.setMode(mode);
  return { signWith: mode };
}

function intParam(v: string | null, def: number, min: number, max: number): number {
  if (v === null || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new PayError('PARAM_ERROR', `应为 ${min}～${max} 的整数：${v}`);
  return n;
}

type Handler = (deps: SandboxDeps, m: RegExpExecArray, url: URL, body: () => Json) => Promise<Json> | Json;

const ROUTES: [method: string, pattern: RegExp, handler: Handler][] = [
  [
    'GET',
    /^\/sandbox\/merchant$/,
    ({ ctx }) => ({
      ...ctx.credentials.merchant,
      signWith: ctx.signer.mode,
      notifyUrl: ctx.defaultNotifyUrl() ?? null,
    }),
  ],
  [
    'GET',
    /^\/sandbox\/orders$/,
    ({ ctx }, _m, url) => ({
      orders: ctx.store
        .recentOrders(intParam(url.searchParams.get('limit'), 20, 1, 200))
        .map((o) => orderSummary(ctx, o)),
    }),
  ],
  ['GET', /^\/sandbox\/orders\/([^/]+)$/, ({ ctx }, m) => orderDetail(ctx, decodeURIComponent(m[1]!))],
  [
    'POST',
    /^\/sandbox\/orders\/([^/]+)\/pay$/,
    ({ ctx }, m, _u, body) => {
      const o = payOrder(ctx, decodeURIComponent(m[1]!), { bankType: bankType(body()) });
      return orderDetail(ctx, o.out_trade_no);
    },
  ],
  [
    'POST',
    /^\/sandbox\/orders\/([^/]+)\/refuse$/,
    ({ ctx }, m) => orderDetail(ctx, refuseOrder(ctx, decodeURIComponent(m[1]!)).out_trade_no),
  ],
  [
    'POST',
    /^\/sandbox\/orders\/([^/]+)\/notify$/,
    async ({ ctx }, m, url) => {
      const o = requireOrder(ctx, decodeURIComponent(m[1]!));
      const n = ctx.store.latestNotification(o.out_trade_no);
      if (!n) throw new PayError('NOT_FOUND', '该订单还没有通知（未支付也未退款）');
      const times = intParam(url.searchParams.get('times'), 1, 1, 50);
      const answers = await ctx.notifier.redeliver(n, times, url.searchParams.get('mode') === 'sequential');
      return { notification: notificationView(n), answers };
    },
  ],
  [
    'GET',
    /^\/sandbox\/prepay\/([^/]+)$/,
    ({ ctx }, m) => {
      const prepay = prepayOf(ctx, decodeURIComponent(m[1]!));
      const o = requireOrder(ctx, prepay.out_trade_no);
      return {
        prepay_id: prepay.prepay_id,
        expires_at: rfc3339(prepay.expires_at),
        order: orderSummary(ctx, o),
        appid: o.appid,
      };
    },
  ],
  [
    'POST',
    /^\/sandbox\/prepay\/([^/]+)\/pay$/,
    ({ ctx }, m, _u, body) => orderDetail(ctx, payThroughSheet(ctx, decodeURIComponent(m[1]!), body()).out_trade_no),
  ],
  [
    'POST',
    /^\/sandbox\/prepay\/([^/]+)\/refuse$/,
    ({ ctx }, m) => {
      const prepay = prepayOf(ctx, decodeURIComponent(m[1]!));
      return orderDetail(ctx, refuseOrder(ctx, prepay.out_trade_no).out_trade_no);
    },
  ],
  ['GET', /^\/sandbox\/faults$/, ({ ctx }) => ({ faults: ctx.faults.current() })],
  ['POST', /^\/sandbox\/faults$/, ({ ctx }, _m, _u, body) => setFaultsFrom(ctx, body())],
  [
    'DELETE',
    /^\/sandbox\/faults$/,
    ({ ctx }) => {
      ctx.faults.clear();
      return { faults: ctx.faults.current() };
    },
  ],
  ['POST', /^\/sandbox\/signing$/, ({ ctx }, _m, _u, body) => setSigning(ctx, body())],
  [
    'POST',
    /^\/sandbox\/bills\/(\d{4}-\d{2}-\d{2})\/ready$/,
    ({ ctx }, m) => {
      ctx.billsReadyNow.add(m[1]!);
      return { billDate: m[1]!, ready: true };
    },
  ],
  [
    'POST',
    /^\/sandbox\/notify-url$/,
    (deps, _m, _u, body) => {
      const url = body().url;
      if (url !== null && typeof url !== 'string') throw new PayError('PARAM_ERROR', 'url 应为字符串或 null');
      deps.setNotifyUrl(url ?? undefined);
      return { notifyUrl: deps.ctx.defaultNotifyUrl() ?? null };
    },
  ],
];

export async function handleSandbox(
  deps: SandboxDeps,
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
        sendSandboxJson(res, 200, await handler(deps, match, url, () => bodyOf(raw)));
        return;
      }
    }
    throw new PayError('NOT_FOUND', `no sandbox route ${method} ${url.pathname}`);
  } catch (err) {
    if (err instanceof PayError) sendSandboxJson(res, err.status, err.body());
    else sendSandboxJson(res, 500, { code: 'SYSTEM_ERROR', message: err instanceof Error ? err.message : String(err) });
  }
}
