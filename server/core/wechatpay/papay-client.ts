/**
 * WeChat Pay v2 withholding (委托代扣, papay) client on node:crypto: every call a flat XML body
 * signed with MD5 and the APIv2 key (./v2.ts), every answer's sign, mch_id and appid checked
 * before anything is read from it. All calls are idempotent (contract_code, contract_id or
 * out_trade_no name them), so a transient failure is tried again. Notifications: ./papay-notification.ts.
 */
import { logger as defaultLogger, type Logger } from '../log';
import type {
  PapayContract,
  PapayDeduction,
  PapayDeductionInput,
  PapaySigningRequest,
  WechatPapayPort,
} from '../../ports/wechat-papay';
import { newNonce } from './crypto';
import { WechatPayError } from './errors';
import { nodePayFetch, type PayFetch } from './http';
import type { PapayConfig } from './papay-config';
import { contractOf, deductionOf } from './papay-fields';
import { parsePapayNotification } from './papay-notification';
import { parseV2Xml, toV2Xml, verifyV2Sign, withV2Sign, XmlError, type V2Fields, type V2Input } from './v2';

/** The machine's IP WeChat asks for (`spbill_create_ip`); a cloud function has no fixed one. */
const SPBILL_CREATE_IP = '127.0.0.1';

export interface PapayClientDeps {
  fetch?: PayFetch;
  sleep?: (ms: number) => Promise<void>;
  log?: Logger;
}

export function createPapayClient(config: PapayConfig, deps: PapayClientDeps = {}): WechatPapayPort {
  const doFetch = deps.fetch ?? nodePayFetch;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = deps.log ?? defaultLogger;
  const base = config.baseUrl.replace(/\/+$/, '');
  const unavailable = (code: string, why: string) => new WechatPayError('unavailable', code, why);

  /** One attempt: the answer's fields once authenticated; result_code FAIL is thrown. */
  async function attempt(path: string, body: string): Promise<V2Fields> {
    let text: string;
    try {
      const headers = { 'Content-Type': 'text/xml; charset=utf-8', 'User-Agent': 'smart-hospital-papay/1.0' };
      const res = await doFetch({ method: 'POST', url: base + path, headers, body, timeoutMs: config.timeoutMs });
      if (res.status < 200 || res.status > 299) throw unavailable(`HTTP_${res.status}`, 'WeChat Pay answered an error');
      text = res.body;
    } catch (err) {
      if (err instanceof WechatPayError) throw err;
      throw unavailable('NETWORK', 'WeChat Pay did not answer');
    }
    let f: V2Fields;
    try {
      f = parseV2Xml(text);
    } catch (err) {
      if (err instanceof XmlError) throw unavailable('BAD_ANSWER', 'answer is not v2 XML');
      throw err;
    }
    // return_code FAIL is unsigned and says the call itself was unusable (sign, format): a config
    // or transient fault, never a decision about the contract or the money.
    if (f.return_code !== 'SUCCESS') throw unavailable('RETURN_FAIL', `return_code ${f.return_code ?? '?'}`);
    if (!verifyV2Sign(f, config.apiV2Key)) throw unavailable('BAD_SIGNATURE', 'answer sign does not verify');
    if (f.mch_id !== config.mchid || (f.appid !== undefined && f.appid !== config.appid)) {
      throw unavailable('BAD_SIGNATURE', 'answer is for another merchant');
    }
    if (f.result_code !== 'SUCCESS') {
      const code = f.err_code || 'FAIL';
      if (code === 'SYSTEMERROR') throw unavailable(code, 'WeChat Pay system error');
      throw new WechatPayError('rejected', code, `papay ${path} refused: ${code}`);
    }
    return f;
  }

  async function call(path: string, fields: V2Input): Promise<V2Fields> {
    const body = toV2Xml(withV2Sign({ appid: config.appid, mch_id: config.mchid, ...fields }, config.apiV2Key));
    const started = Date.now();
    for (let tries = 0; ; tries++) {
      try {
        const f = await attempt(path, body);
        log.info('wechatpay papay', { path, tries, ms: Date.now() - started });
        return f;
      } catch (err) {
        const retry = err instanceof WechatPayError && err.kind === 'unavailable' && tries < config.retries;
        if (!retry) {
          const code = err instanceof WechatPayError ? err.code : 'INTERNAL';
          log.warn('wechatpay papay', { path, code, tries, ms: Date.now() - started });
          throw err;
        }
        await sleep(200 * 2 ** tries);
      }
    }
  }

  /** A rejection with one of `codes` → null; anything else goes on. */
  async function orNull<T>(run: () => Promise<T>, codes: string[]): Promise<T | null> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof WechatPayError && err.kind === 'rejected' && codes.includes(err.code)) return null;
      throw err;
    }
  }

  return {
    appid: config.appid,
    mchid: config.mchid,
    planId: config.planId,

    signingExtraData(req: PapaySigningRequest, nowMs: number): Record<string, string> {
      return withV2Sign(
        {
          appid: config.appid,
          mch_id: config.mchid,
          plan_id: config.planId,
          contract_code: req.contractCode,
          request_serial: req.requestSerial,
          contract_display_account: req.displayAccount,
          notify_url: config.notifyUrl,
          timestamp: String(Math.floor(nowMs / 1000)),
        },
        config.apiV2Key,
      );
    },

    async queryContract(contractCode: string): Promise<PapayContract | null> {
      const fields = { plan_id: config.planId, contract_code: contractCode, version: '1.0' };
      const f = await orNull(() => call('/papay/querycontract', fields), ['CONTRACT_NOT_EXIST']);
      return f ? contractOf(f, f.contract_state === '0') : null;
    },

    async deleteContract(contractId: string, remark: string): Promise<boolean> {
      const fields = { contract_id: contractId, contract_termination_remark: remark, version: '1.0' };
      return (await orNull(() => call('/papay/deletecontract', fields), ['CONTRACT_NOT_EXIST'])) !== null;
    },

    async applyDeduction(input: PapayDeductionInput): Promise<void> {
      await call('/pay/pappayapply', {
        body: input.body,
        attach: input.attach,
        out_trade_no: input.outTradeNo,
        total_fee: input.totalFen,
        fee_type: 'CNY',
        spbill_create_ip: SPBILL_CREATE_IP,
        notify_url: config.notifyUrl,
        trade_type: 'PAP',
        contract_id: input.contractId,
        nonce_str: newNonce(),
      });
    },

    async queryDeduction(outTradeNo: string): Promise<PapayDeduction | null> {
      const fields = { out_trade_no: outTradeNo, nonce_str: newNonce() };
      const f = await orNull(() => call('/pay/paporderquery', fields), ['ORDERNOTEXIST']);
      return f ? deductionOf(f) : null;
    },

    parseNotification: (rawBody: string) => parsePapayNotification(config, rawBody),
  };
}
