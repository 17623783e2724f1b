/**
 * WeChat Pay API v3 client (JSAPI orders, refunds, trade bill, notifications) on node:crypto: every
 * request signed with the merchant key, every answer verified over its raw body with the key its
 * `Wechatpay-Serial` names before anything is read from it. All the calls it makes are idempotent
 * (an out_trade_no / out_refund_no identifies them), so a transient failure is tried again.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { logger as defaultLogger, type Logger } from '../log';
import type { RequestPaymentParams } from '../../../typings/payment';
import type { JsapiOrderInput, RefundInput, WechatPayPort, WxRefund, WxTransaction } from '../../ports/wechat-pay';
import type { WechatPayConfig } from './config';
import { authorizationHeader, newNonce, paySign, signedHeadersOf, verifySigned } from './crypto';
import { WechatPayError } from './errors';
import { nodePayFetch, type PayFetch, type PayHttpResponse } from './http';
import { encryptionKey, medInsOrderBody, medInsOrderSchema, medInsRefundBody } from './med-ins';
import { parseWechatPayNotification } from './notification';
import { billSchema, errorBodySchema, prepaySchema, refundSchema, transactionSchema } from './schemas';

export interface WechatPayDeps {
  fetch?: PayFetch;
  sleep?: (ms: number) => Promise<void>;
  /** Unix seconds; request timestamps and the ±5 min answer window. */
  nowSec?: () => number;
  log?: Logger;
}

type Answer<T> = { status: number; data: T | null };

export function createWechatPayClient(config: WechatPayConfig, deps: WechatPayDeps = {}): WechatPayPort {
  const doFetch = deps.fetch ?? nodePayFetch;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const nowSec = deps.nowSec ?? (() => Math.floor(Date.now() / 1000));
  const log = deps.log ?? defaultLogger;
  const base = config.baseUrl.replace(/\/+$/, '');

  function signedHeaders(
    method: 'GET' | 'POST',
    pathWithQuery: string,
    body: string,
    serial = config.wechatpayPublicKeyId,
  ): Record<string, string> {
    const headers: Record<string, string> = {
      Authorization: authorizationHeader({
        mchid: config.mchid,
        serialNo: config.merchantSerialNo,
        privateKey: config.merchantPrivateKey,
        method,
        pathWithQuery,
        body,
        timestamp: String(nowSec()),
      }),
      Accept: 'application/json',
      'User-Agent': 'smart-hospital-wechatpay/1.0',
    };
    if (method === 'POST') headers['Content-Type'] = 'application/json';
    if (serial) headers['Wechatpay-Serial'] = serial;
    return headers;
  }

  /** One attempt: sends, verifies the answer's signature, maps the status. */
  async function attempt(
    method: 'GET' | 'POST',
    pathWithQuery: string,
    body: string,
    serial?: string,
  ): Promise<PayHttpResponse> {
    let res: PayHttpResponse;
    try {
      res = await doFetch({
        method,
        url: base + pathWithQuery,
        headers: signedHeaders(method, pathWithQuery, body, serial ?? config.wechatpayPublicKeyId),
        body,
        timeoutMs: config.timeoutMs,
      });
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new WechatPayError('unavailable', timeout ? 'TIMEOUT' : 'NETWORK', 'WeChat Pay did not answer');
    }
    const verdict = verifySigned(signedHeadersOf(res.headers), res.body, config.wechatpayKeys, nowSec());
    if (!verdict.ok) throw new WechatPayError('unavailable', 'BAD_SIGNATURE', `answer not verified: ${verdict.why}`);
    return res;
  }

  async function call<T>(
    method: 'GET' | 'POST',
    pathWithQuery: string,
    payload: unknown,
    schema: z.ZodType<T> | null,
    notFoundIsNull = false,
    /** `Wechatpay-Serial` of a request with encrypted fields (the key that encrypted them). */
    serial?: string,
  ): Promise<Answer<T>> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const started = Date.now();
    for (let tries = 0; ; tries++) {
      try {
        const res = await attempt(method, pathWithQuery, body, serial);
        const answer = interpret(res, schema, notFoundIsNull);
        log.info('wechatpay', {
          path: pathWithQuery.split('?')[0],
          status: res.status,
          tries,
          ms: Date.now() - started,
        });
        return answer;
      } catch (err) {
        const retry = err instanceof WechatPayError && err.kind === 'unavailable' && tries < config.retries;
        if (!retry) {
          const code = err instanceof WechatPayError ? err.code : 'INTERNAL';
          log.warn('wechatpay', { path: pathWithQuery.split('?')[0], code, tries, ms: Date.now() - started });
          throw err;
        }
        await sleep(200 * 2 ** tries);
      }
    }
  }

  const mchidQuery = `mchid=${encodeURIComponent(config.mchid)}`;
  return {
    appid: config.appid,
    mchid: config.mchid,

    async jsapiPrepay(input: JsapiOrderInput): Promise<string> {
      const { data } = await call('POST', '/v3/pay/transactions/jsapi', jsapiBody(config, input), prepaySchema);
      return data!.prepay_id;
    },

    requestPaymentParams(prepayId: string): RequestPaymentParams {
      const timeStamp = String(nowSec());
      const nonceStr = newNonce();
      const pkg = `prepay_id=${prepayId}`;
      const sign = paySign(config.merchantPrivateKey, config.appid, timeStamp, nonceStr, pkg);
      return { timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign: sign };
    },

    async queryOrder(outTradeNo: string): Promise<WxTransaction | null> {
      const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?${mchidQuery}`;
      return (await call('GET', path, undefined, transactionSchema, true)).data;
    },

    async closeOrder(outTradeNo: string): Promise<void> {
      const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`;
      await call('POST', path, { mchid: config.mchid }, null);
    },

    async refund(input: RefundInput): Promise<WxRefund> {
      const body = {
        out_trade_no: input.outTradeNo,
        out_refund_no: input.outRefundNo,
        reason: input.reason.slice(0, 80),
        notify_url: config.notifyUrl,
        amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
      };
      return (await call('POST', '/v3/refund/domestic/refunds', body, refundSchema)).data!;
    },

    async queryRefund(outRefundNo: string): Promise<WxRefund | null> {
      const path = `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`;
      return (await call('GET', path, undefined, refundSchema, true)).data;
    },

    async tradeBill(billDate: string) {
      const path = `/v3/bill/tradebill?bill_date=${billDate}&bill_type=ALL`;
      let bill: z.infer<typeof billSchema>;
      try {
        bill = (await call('GET', path, undefined, billSchema)).data!;
      } catch (err) {
        if (err instanceof WechatPayError && err.code === 'NO_STATEMENT_EXIST') return null;
        throw err;
      }
      return { csv: await downloadBill(bill) };
    },

    async medInsOrder(input) {
      const { serial, key } = encryptionKey(config);
      const body = medInsOrderBody(config, input, key);
      return (await call('POST', '/v3/med-ins/orders', body, medInsOrderSchema, false, serial)).data!;
    },

    async queryMedInsOrder(outTradeNo) {
      const path = `/v3/med-ins/orders/out-trade-no/${encodeURIComponent(outTradeNo)}`;
      return (await call('GET', path, undefined, medInsOrderSchema, true)).data;
    },

    async medInsRefundNotify(mixTradeNo, notice) {
      const path = `/v3/med-ins/refunds/notify?mix_trade_no=${encodeURIComponent(mixTradeNo)}`;
      await call('POST', path, medInsRefundBody(notice), null);
    },

    medInsPayParams(mixTradeNo, prepayId) {
      // INSURANCE_ONLY: WeChat takes mixTradeNo alone (the five payment fields are refused).
      if (!prepayId) return { mixTradeNo };
      const timeStamp = String(nowSec());
      const nonceStr = newNonce();
      const pkg = `prepay_id=${prepayId}`;
      const sign = paySign(config.merchantPrivateKey, config.appid, timeStamp, nonceStr, pkg);
      return { mixTradeNo, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign: sign };
    },

    parseNotification(headers, rawBody) {
      return parseWechatPayNotification(headers, rawBody, config.wechatpayKeys, config.apiV3Key, nowSec());
    },
  };

  /** The download answer is not signed: its SHA1 from the signed bill answer vouches for it. */
  async function downloadBill(bill: z.infer<typeof billSchema>): Promise<string> {
    const url = new URL(bill.download_url);
    const pathWithQuery = url.pathname + url.search;
    let res: PayHttpResponse;
    try {
      res = await doFetch({
        method: 'GET',
        url: bill.download_url,
        headers: signedHeaders('GET', pathWithQuery, ''),
        body: '',
        timeoutMs: config.timeoutMs * 4,
      });
    } catch {
      throw new WechatPayError('unavailable', 'NETWORK', 'trade bill download failed');
    }
    if (res.status !== 200)
      throw new WechatPayError('unavailable', 'DOWNLOAD_FAILED', `HTTP ${res.status}`, res.status);
    const sha1 = createHash('sha1').update(res.body, 'utf8').digest('hex');
    if (bill.hash_type.toUpperCase() !== 'SHA1' || sha1 !== bill.hash_value.toLowerCase()) {
      throw new WechatPayError('unavailable', 'BAD_HASH', 'trade bill does not match its hash');
    }
    return res.body.replace(/^\uFEFF/, '');
  }
}

function jsapiBody(config: WechatPayConfig, input: JsapiOrderInput): Record<string, unknown> {
  return {
    appid: config.appid,
    mchid: config.mchid,
    description: input.description.slice(0, 127),
    out_trade_no: input.outTradeNo,
    time_expire: input.timeExpire,
    ...(input.attach ? { attach: input.attach.slice(0, 128) } : {}),
    notify_url: config.notifyUrl,
    amount: { total: input.totalFen, currency: 'CNY' },
    payer: { openid: input.openid },
  };
}

/** Maps a verified answer: 2xx → data, 404 → null when asked, 429/5xx → unavailable, 4xx → rejected. */
function interpret<T>(res: PayHttpResponse, schema: z.ZodType<T> | null, notFoundIsNull: boolean): Answer<T> {
  if (res.status >= 200 && res.status < 300) {
    if (!schema) return { status: res.status, data: null };
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      throw new WechatPayError('unavailable', 'BAD_RESPONSE', 'answer is not JSON', res.status);
    }
    const out = schema.safeParse(parsed);
    if (!out.success) throw new WechatPayError('unavailable', 'BAD_RESPONSE', 'unexpected answer', res.status);
    return { status: res.status, data: out.data };
  }
  let code = `HTTP_${res.status}`;
  let message = '';
  try {
    const e = errorBodySchema.parse(JSON.parse(res.body));
    code = e.code;
    message = e.message ?? '';
  } catch {
    /* an error without WeChat's body: keep the status code */
  }
  if (res.status === 404 && notFoundIsNull && (code === 'ORDER_NOT_EXIST' || code === 'RESOURCE_NOT_EXISTS')) {
    return { status: 404, data: null };
  }
  const kind = res.status >= 500 || res.status === 429 || code === 'SYSTEM_ERROR' ? 'unavailable' : 'rejected';
  throw new WechatPayError(kind, code, message || code, res.status);
}
