/**
 * How the v2 withholding APIs fail, in WeChat's two layers:
 *
 * - `return_code=FAIL` + `return_msg` (unsigned): the call itself is unusable — not POST, not the
 *   flat XML, too large, unknown mch_id, sign missing or wrong (`签名错误`), sign_type not MD5.
 * - `return_code=SUCCESS, result_code=FAIL` + `err_code`, `err_code_des` (signed like any answer):
 *   the call was understood and refused. The codes are WeChat's v2 codes:
 *
 *   LACK_PARAMS           a required field is missing
 *   PARAM_ERROR           a field is malformed (length, pattern, trade_type not PAP, version not 1.0, plan_id not the merchant's)
 *   APPID_MCHID_NOT_MATCH appid is not the merchant's
 *   CONTRACT_NOT_EXIST    no such contract, or it has been terminated (or expired) — no deduction on it
 *   RULELIMIT             a withholding limit: > 50 000 fen in one deduction, > 250 000 fen a day on one
 *                         contract, or a 6th deduction on one contract the same day (Asia/Shanghai)
 *   OUT_TRADE_NO_USED     out_trade_no already used with other parameters (or by a JSAPI order)
 *   ORDERPAID             out_trade_no already deducted successfully (the same out_trade_no deducts once)
 *   ORDERCLOSED           out_trade_no's deduction failed: a new attempt needs a new out_trade_no
 *   ORDERNOTEXIST         paporderquery of an unknown order
 *   NOTENOUGH             (notifications and queries only) the deduction failed: balance too low
 */

export type PapayErrCode =
  | 'LACK_PARAMS'
  | 'PARAM_ERROR'
  | 'APPID_MCHID_NOT_MATCH'
  | 'CONTRACT_NOT_EXIST'
  | 'RULELIMIT'
  | 'OUT_TRADE_NO_USED'
  | 'ORDERPAID'
  | 'ORDERCLOSED'
  | 'ORDERNOTEXIST'
  | 'NOTENOUGH'
  | 'SYSTEMERROR';

/** result_code=FAIL: a refusal of a well-formed, correctly signed call. */
export class PapayError extends Error {
  constructor(
    readonly errCode: PapayErrCode,
    readonly errCodeDes: string,
  ) {
    super(`${errCode}: ${errCodeDes}`);
  }
}

/** return_code=FAIL: the call could not be read or authenticated. */
export class PapayReturnFail extends Error {}

/** A required field of `f`, or LACK_PARAMS. */
export function requiredField(f: Record<string, string>, name: string): string {
  const v = f[name];
  if (v === undefined || v === '') throw new PapayError('LACK_PARAMS', `缺少参数 ${name}`);
  return v;
}

/** A field of at most `max` UTF-8 bytes matching `pattern`, or PARAM_ERROR. */
export function checkField(name: string, v: string, max: number, pattern?: RegExp): string {
  if (Buffer.byteLength(v, 'utf8') > max) throw new PapayError('PARAM_ERROR', `${name} 长度超过 ${max} 字节`);
  if (pattern && !pattern.test(v)) throw new PapayError('PARAM_ERROR', `${name} 格式错误`);
  return v;
}
