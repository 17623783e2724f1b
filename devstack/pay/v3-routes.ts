/**
 * The API v3 surface: every request's signature is checked against the merchant public key over
 * the raw body and the path as sent; every answer — errors and 204s included — is signed, so a
 * client that verifies answers (as it must) works against the sandbox as against WeChat. The 医保
 * routes (/v3/med-ins/…) are in med-ins-v3-routes.ts.
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encryptResource } from '../../server/core/wechatpay/crypto';
import { tradeBill, type BillTokens } from './bill';
import { now, type PayContext } from './context';
import { PayError, paramError } from './errors';
import { header, sendSigned, utf8Body } from './http';
import { newRequestId } from './ids';
import { MED_INS_ROUTES } from './med-ins-v3-routes';
import { checkMchid, closeOrder, placeJsapi, requireOrder } from './orders';
import { createRefund, queryRefund } from './refunds';
import { verifyRequest } from './signer';
import { rfc3339 } from './time';
import { transactionView } from './views';
import { parseJsonBody, type Json } from './validate';

export interface V3Deps {
  ctx: PayContext;
  tokens: BillTokens;
  baseUrl(): string;
}

/** What a route answers: JSON (signed), nothing (204, signed) or a bill file (unsigned). */
export type Answer = { status: number; json?: unknown } | { file: Buffer };

export interface Call {
  match: RegExpExecArray;
  query: URLSearchParams;
  body(): Json;
  /** A request header (lower-case name). */
  header(name: string): string | undefined;
}

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  run(deps: V3Deps, call: Call): Answer;
}

function queryMchid(deps: V3Deps, query: URLSearchParams): void {
  const mchid = query.get('mchid');
  if (!mchid) throw paramError('query', 'mchid', '缺少必填参数 mchid');
  checkMchid(deps.ctx, mchid);
}

const param = (call: Call): string => decodeURIComponent(call.match[1]!);

function certificates(deps: V3Deps): Answer {
  const { ctx } = deps;
  // Merchants on the WeChat Pay public key have no platform certificate at all.
  if (!ctx.signer.hasPlatformCertificate())
    throw new PayError('RESOURCE_NOT_EXISTS', '无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥');
  const m = ctx.credentials.merchant;
  const cert = new X509Certificate(m.platformCertificate);
  const { algorithm, nonce, associated_data, ciphertext } = encryptResource(
    m.platformCertificate,
    m.apiV3Key,
    'certificate',
    'certificate',
  );
  const entry = {
    serial_no: m.platformCertificateSerial,
    effective_time: rfc3339(Date.parse(cert.validFrom)),
    expire_time: rfc3339(Date.parse(cert.validTo)),
    encrypt_certificate: { algorithm, nonce, associated_data, ciphertext },
  };
  return { status: 200, json: { data: [entry] } };
}

const ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: /^\/v3\/pay\/transactions\/jsapi$/,
    run: (d, c) => ({ status: 200, json: placeJsapi(d.ctx, c.body()) }),
  },
  {
    method: 'GET',
    pattern: /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/,
    run: (d, c) => {
      queryMchid(d, c.query);
      return { status: 200, json: transactionView(requireOrder(d.ctx, param(c))) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/v3\/pay\/transactions\/id\/([^/]+)$/,
    run: (d, c) => {
      queryMchid(d, c.query);
      const o = d.ctx.store.orderByTransaction(param(c));
      if (!o) throw new PayError('ORDER_NOT_EXIST', '订单不存在');
      return { status: 200, json: transactionView(o) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/,
    run: (d, c) => {
      closeOrder(d.ctx, param(c), c.body());
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    pattern: /^\/v3\/refund\/domestic\/refunds$/,
    run: (d, c) => ({ status: 200, json: createRefund(d.ctx, c.body()) }),
  },
  {
    method: 'GET',
    pattern: /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/,
    run: (d, c) => ({ status: 200, json: queryRefund(d.ctx, param(c)) }),
  },
  {
    method: 'GET',
    pattern: /^\/v3\/bill\/tradebill$/,
    run: (d, c) => ({ status: 200, json: tradeBill(d.ctx, c.query, d.tokens, d.baseUrl()) }),
  },
  {
    method: 'GET',
    pattern: /^\/v3\/billdownload\/file$/,
    run: (d, c) => ({ file: d.tokens.take(c.query.get('token') ?? '', now(d.ctx)) }),
  },
  { method: 'GET', pattern: /^\/v3\/certificates$/, run: (d) => certificates(d) },
  ...MED_INS_ROUTES,
];

function findRoute(method: string, pathname: string): { route: Route; match: RegExpExecArray } {
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname);
    if (match && route.method === method) return { route, match };
  }
  throw new PayError('RESOURCE_NOT_EXISTS', `${method} ${pathname}：无此接口`);
}

/**
 * The injected failure of this call, after the injected delay: thrown before the call is applied,
 * or after it when `applyThenFail` (the answer is lost, the effect is not).
 */
async function faultFor(ctx: PayContext, pathname: string): Promise<{ error: PayError; before: boolean } | null> {
  if (!ctx.faults.matches(pathname)) return null;
  const f = ctx.faults.current();
  if (f.delayMs > 0) await ctx.sleep(f.delayMs);
  if (!ctx.faults.decideFailure()) return null;
  const error = new PayError(f.failWith, f.failWith === 'SYSTEM_ERROR' ? '系统错误' : '频率超限');
  return { error, before: !f.applyThenFail };
}

/** The bill download is the one unsigned answer: the client checks it against hash_value. */
function sendBillFile(res: ServerResponse, file: Buffer, requestId: string): void {
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(file.length),
    'Request-ID': requestId,
  });
  res.end(file);
}

/** Routes, checks the signature, applies the faults and answers one /v3 request. */
export async function handleV3(
  deps: V3Deps,
  req: IncomingMessage,
  res: ServerResponse,
  raw: Buffer | null,
): Promise<void> {
  const { ctx } = deps;
  const method = req.method ?? 'GET';
  const rawUrl = req.url ?? '/';
  const url = new URL(rawUrl, 'http://sandbox.local');
  const requestId = newRequestId();
  const reply = (status: number, json?: unknown): void => {
    const text = json === undefined ? '' : JSON.stringify(json);
    const signed = ctx.signer.sign(text, header(req, 'wechatpay-serial'));
    sendSigned(res, status, text, { ...signed, 'Request-ID': requestId });
  };
  try {
    const { route, match } = findRoute(method, url.pathname);
    const body = utf8Body(raw);
    verifyRequest(
      { method, rawUrl, authorization: header(req, 'authorization'), body },
      ctx.credentials,
      Math.floor(now(ctx) / 1000),
    );
    const failure = await faultFor(ctx, url.pathname);
    if (failure?.before) throw failure.error;
    const answer = route.run(deps, {
      match,
      query: url.searchParams,
      body: () => parseJsonBody(body),
      header: (name) => header(req, name),
    });
    if (failure) throw failure.error;
    if ('file' in answer) return sendBillFile(res, answer.file, requestId);
    reply(answer.status, answer.json);
  } catch (err) {
    if (res.headersSent || res.destroyed) return;
    if (err instanceof PayError) reply(err.status, err.body());
    else
      reply(500, {
        code: 'SYSTEM_ERROR',
        message: `系统错误（sandbox: ${err instanceof Error ? err.message : String(err)}）`,
      });
  }
}
