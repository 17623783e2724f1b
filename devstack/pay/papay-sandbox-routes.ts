/**
 * Sandbox-only withholding routes (no signature, JSON, CORS `*`, reachable through the devstack's
 * /paysandbox/ proxy): the signing mini program's side, the user's side in WeChat, inspection.
 *
 *   GET  /sandbox/papay                                  → the signing mini program, plan_id, limits
 *   POST /sandbox/papay/sign {extraData, openid, accept} → {return_code, return_msg[, contract_id]} (papay-signing.ts)
 *   GET  /sandbox/papay/contracts?openid=&limit=N        → {contracts} newest first
 *   GET  /sandbox/papay/contracts/<contract_id>          → contract, deductions, notifications, deliveries
 *   POST /sandbox/papay/contracts/<contract_id>/terminate {mode?, remark?}
 *        — the user ends it in WeChat: DELETE notification, contract_termination_mode 2 (or `mode`: 1–5)
 *   GET  /sandbox/papay/deductions/<out_trade_no>        → deduction (as queried), its v3 refunds, notifications, deliveries
 */
import type { ServerResponse } from 'node:http';
import type { PayContext } from './context';
import { PayError } from './errors';
import { SANDBOX_CORS, sendSandboxJson, utf8Body } from './http';
import { asStrings, contractView, requireContract, terminateByUser } from './papay-contracts';
import { deductionAsOrder } from './papay-refunds';
import {
  deductionFields,
  PAPAY_MAX_DAILY_DEDUCTIONS,
  PAPAY_MAX_DAILY_FEN,
  PAPAY_MAX_DEDUCTION_FEN,
} from './papay-deductions';
import { PAPAY_MINI_PROGRAM_APPID, PAPAY_MINI_PROGRAM_PATH, signThroughMiniProgram } from './papay-signing';
import type { ContractRow, DeductionRow, PapayDeliveryRow, PapayNoticeRow } from './papay-store';
import { rfc3339 } from './time';
import { refundView } from './views';
import { parseJsonBody, type Json } from './validate';

const iso = (ms: number | null): string | null => (ms === null ? null : rfc3339(ms));

function noticeView(n: PapayNoticeRow): Json {
  return {
    id: n.id,
    kind: n.kind,
    event: n.event,
    url: n.url,
    state: n.state,
    attempts: n.attempts,
    next_attempt_in_ms: n.next_at === null ? null : Math.max(0, n.next_at - Date.now()),
    body: n.body,
  };
}

const deliveryView = (d: PapayDeliveryRow): Json => ({ ...d, acknowledged: d.acknowledged === 1, at: rfc3339(d.at) });

function deductionView(d: DeductionRow): Json {
  return {
    ...asStrings(deductionFields(d)),
    body: d.body,
    notify_url: d.notify_url,
    err_code: d.err_code,
    err_code_des: d.err_code_des,
    created_at: rfc3339(d.created_at),
    success_time: iso(d.success_at),
    failed_at: iso(d.failed_at),
    settle_in_ms: d.settle_at === null ? null : Math.max(0, d.settle_at - Date.now()),
  };
}

function contractDetail(ctx: PayContext, c: ContractRow): Json {
  return {
    contract: contractView(c),
    deductions: ctx.papay.store.deductionsOf(c.contract_id).map(deductionView),
    notifications: ctx.papay.store.noticesOf(c.contract_id).map(noticeView),
    deliveries: ctx.papay.store.deliveriesOf(c.contract_id).map(deliveryView),
  };
}

function deductionDetail(ctx: PayContext, outTradeNo: string): Json {
  const d = ctx.papay.store.deduction(outTradeNo);
  if (!d) throw new PayError('NOT_FOUND', `out_trade_no ${outTradeNo} 不是代扣订单`);
  return {
    deduction: deductionView(d),
    refunds: ctx.store.refundsOf(outTradeNo).map((r) => refundView(r, deductionAsOrder(ctx, d))),
    notifications: ctx.papay.store.noticesOf(outTradeNo).map(noticeView),
    deliveries: ctx.papay.store.deliveriesOf(outTradeNo).map(deliveryView),
  };
}

function listContracts(ctx: PayContext, url: URL): Json {
  const openid = url.searchParams.get('openid') ?? undefined;
  const limitText = url.searchParams.get('limit');
  const limit = limitText === null || limitText === '' ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw new PayError('PARAM_ERROR', 'limit 应为 1～200 的整数');
  const rows = ctx.papay.store.recentContracts(openid, limit);
  return { contracts: ctx.store.tx(() => rows.map((c) => contractView(requireContract(ctx, c.contract_id)))) };
}

function info(ctx: PayContext): Json {
  const m = ctx.credentials.merchant;
  return {
    miniProgram: { appId: PAPAY_MINI_PROGRAM_APPID, path: PAPAY_MINI_PROGRAM_PATH },
    appid: m.appid,
    mch_id: m.mchid,
    plan_id: m.papayPlanId,
    limits: {
      perDeductionFen: PAPAY_MAX_DEDUCTION_FEN,
      perDayFen: PAPAY_MAX_DAILY_FEN,
      deductionsPerDay: PAPAY_MAX_DAILY_DEDUCTIONS,
    },
  };
}

type Handler = (ctx: PayContext, m: RegExpExecArray, url: URL, body: () => Json) => Json;

const idOf = (m: RegExpExecArray): string => decodeURIComponent(m[1]!);

const ROUTES: [method: string, pattern: RegExp, handler: Handler][] = [
  ['GET', /^\/sandbox\/papay$/, (ctx) => info(ctx)],
  ['POST', /^\/sandbox\/papay\/sign$/, (ctx, _m, _u, body) => signThroughMiniProgram(ctx, body())],
  ['GET', /^\/sandbox\/papay\/contracts$/, (ctx, _m, url) => listContracts(ctx, url)],
  [
    'GET',
    /^\/sandbox\/papay\/contracts\/([^/]+)$/,
    (ctx, m) =>
      contractDetail(
        ctx,
        ctx.store.tx(() => requireContract(ctx, idOf(m))),
      ),
  ],
  [
    'POST',
    /^\/sandbox\/papay\/contracts\/([^/]+)\/terminate$/,
    (ctx, m, _u, body) => contractDetail(ctx, terminateByUser(ctx, idOf(m), body())),
  ],
  ['GET', /^\/sandbox\/papay\/deductions\/([^/]+)$/, (ctx, m) => deductionDetail(ctx, idOf(m))],
];

const bodyOf = (raw: Buffer | null): Json => (raw === null || raw.length > 0 ? parseJsonBody(utf8Body(raw)) : {});

export function handlePapaySandbox(
  ctx: PayContext,
  method: string,
  url: URL,
  raw: Buffer | null,
  res: ServerResponse,
): void {
  if (method === 'OPTIONS') {
    res.writeHead(204, SANDBOX_CORS);
    res.end();
    return;
  }
  try {
    for (const [m, pattern, handler] of ROUTES) {
      const match = pattern.exec(url.pathname);
      if (match && m === method) {
        sendSandboxJson(
          res,
          200,
          handler(ctx, match, url, () => bodyOf(raw)),
        );
        return;
      }
    }
    throw new PayError('NOT_FOUND', `no sandbox route ${method} ${url.pathname}`);
  } catch (err) {
    if (err instanceof PayError) sendSandboxJson(res, err.status, err.body());
    else sendSandboxJson(res, 500, { code: 'SYSTEM_ERROR', message: err instanceof Error ? err.message : String(err) });
  }
}
