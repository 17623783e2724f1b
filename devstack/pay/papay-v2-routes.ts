/**
 * The v2 withholding API over HTTP, as api.mch.weixin.qq.com serves it: POST, a flat XML body
 * (papay-xml.ts) signed with MD5 and the APIv2 key (papay-sign.ts), HTTP 200 always, the answer
 * XML signed the same way (except a `return_code` FAIL, which WeChat leaves unsigned):
 *
 *   POST /papay/querycontract  {appid, mch_id, contract_id | plan_id+contract_code, version=1.0, sign}
 *        → contract_id, plan_id, request_serial, contract_code, contract_display_account,
 *          contract_state (0 in force, 1 terminated), contract_signed_time, contract_expired_time,
 *          [contract_terminated_time, contract_termination_mode, contract_termination_remark], openid
 *   POST /papay/deletecontract {appid, mch_id, contract_id | plan_id+contract_code,
 *          contract_termination_remark, version=1.0, sign} → contract_id, plan_id, contract_code;
 *          then the DELETE notification (contract_termination_mode 3)
 *   POST /pay/pappayapply      {appid, mch_id, nonce_str, body, [attach], out_trade_no, total_fee,
 *          [fee_type=CNY], spbill_create_ip, notify_url, trade_type=PAP, contract_id, sign}
 *        → result_code SUCCESS = accepted; the result by notification (papay-deductions.ts)
 *   POST /pay/paporderquery    {appid, mch_id, out_trade_no | transaction_id, nonce_str, sign}
 *        → openid, trade_type PAP, trade_state (ACCEPT, SUCCESS, PAY_FAIL), trade_state_desc,
 *          total_fee, fee_type, transaction_id, out_trade_no, contract_id, [bank_type, cash_fee, time_end]
 *
 * Every success answer carries return_code SUCCESS, return_msg OK, appid, mch_id, nonce_str,
 * result_code and sign; refusals are result_code FAIL with err_code / err_code_des (papay-errors.ts).
 * The v3 faults (failRate, delayMs …) do not apply here; `papayDeductFail` does (faults.ts).
 */
import type { ServerResponse } from 'node:http';
import { newNonce } from '../../server/core/wechatpay/crypto';
import type { PayContext } from './context';
import { deleteContract, contractFields, findContract } from './papay-contracts';
import { applyDeduction, queryDeduction } from './papay-deductions';
import { PapayError, PapayReturnFail, requiredField } from './papay-errors';
import { verifyV2Sign, withV2Sign, type V2Fields, type V2Input } from './papay-sign';
import { MAX_XML_BYTES, parseV2Xml, toV2Xml, XmlError } from './papay-xml';

type V2Route = (ctx: PayContext, f: V2Fields) => V2Input;

function version10(f: V2Fields): void {
  if (requiredField(f, 'version') !== '1.0') throw new PapayError('PARAM_ERROR', 'version 应为 1.0');
}

const ROUTES: Record<string, V2Route> = {
  '/papay/querycontract': (ctx, f) => {
    version10(f);
    // In one transaction: an expired contract is terminated (and notified) on the way.
    return ctx.store.tx(() => contractFields(findContract(ctx, f)));
  },
  '/papay/deletecontract': (ctx, f) => {
    version10(f);
    return deleteContract(ctx, f);
  },
  '/pay/pappayapply': applyDeduction,
  '/pay/paporderquery': queryDeduction,
};

export function isPapayV2Path(pathname: string): boolean {
  return Object.prototype.hasOwnProperty.call(ROUTES, pathname);
}

function bodyText(raw: Buffer | null): string {
  if (raw === null || raw.length > MAX_XML_BYTES) throw new PapayReturnFail(`请求体超过 ${MAX_XML_BYTES} 字节`);
  if (raw.length === 0) throw new PapayReturnFail('请求体为空，应为 XML');
  const text = raw.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(raw)) throw new PapayReturnFail('请求体不是合法的 UTF-8');
  return text;
}

/** The request's fields, read and authenticated (return_code FAIL otherwise). */
function readRequest(ctx: PayContext, method: string, raw: Buffer | null): V2Fields {
  if (method !== 'POST') throw new PapayReturnFail('请使用 POST 方法');
  let f: V2Fields;
  try {
    f = parseV2Xml(bodyText(raw));
  } catch (err) {
    if (err instanceof XmlError) throw new PapayReturnFail(`XML 格式错误：${err.message}`);
    throw err;
  }
  const m = ctx.credentials.merchant;
  if (!f.mch_id) throw new PapayReturnFail('缺少参数 mch_id');
  if (f.mch_id !== m.mchid) throw new PapayReturnFail('商户号 mch_id 不存在');
  if (f.sign_type !== undefined && f.sign_type !== 'MD5') throw new PapayReturnFail('sign_type 只支持 MD5');
  if (!verifyV2Sign(f, m.apiV2Key)) throw new PapayReturnFail('签名错误');
  if (requiredField(f, 'appid') !== m.appid) throw new PapayError('APPID_MCHID_NOT_MATCH', 'appid 与 mch_id 不匹配');
  return f;
}

function signedAnswer(ctx: PayContext, fields: V2Input): string {
  const m = ctx.credentials.merchant;
  const base = { return_code: 'SUCCESS', return_msg: 'OK', appid: m.appid, mch_id: m.mchid, nonce_str: newNonce() };
  return toV2Xml(withV2Sign({ ...base, ...fields }, m.apiV2Key));
}

function answerOf(ctx: PayContext, err: unknown): string {
  if (err instanceof PapayReturnFail) return toV2Xml({ return_code: 'FAIL', return_msg: err.message });
  if (err instanceof PapayError) {
    return signedAnswer(ctx, { result_code: 'FAIL', err_code: err.errCode, err_code_des: err.errCodeDes });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return signedAnswer(ctx, {
    result_code: 'FAIL',
    err_code: 'SYSTEMERROR',
    err_code_des: `系统错误（sandbox: ${detail}）`,
  });
}

/** One v2 call: read, authenticate, run, answer (always HTTP 200, as WeChat's v2 does). */
export function handlePapayV2(
  ctx: PayContext,
  method: string,
  pathname: string,
  raw: Buffer | null,
  res: ServerResponse,
): void {
  let text: string;
  try {
    const f = readRequest(ctx, method, raw);
    text = signedAnswer(ctx, { result_code: 'SUCCESS', ...ROUTES[pathname]!(ctx, f) });
  } catch (err) {
    text = answerOf(ctx, err);
  }
  res.writeHead(200, {
    'Content-Type': 'text/xml; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}
