/**
 * WeChat Pay's error answers: HTTP status + `{code, message}` (+ `detail` for PARAM_ERROR, as
 * WeChat gives the field). The codes are WeChat's; the sandbox-only routes add a few of their own
 * (PREPAY_EXPIRED, NOT_FOUND) that never appear on /v3, and the 医保 authorisation gateway its own
 * (AUTH_CODE_INVALID, SIGNATURE_INVALID, TIMESTAMP_EXPIRED, REPLAYED).
 */

export const PAY_ERROR_STATUS = {
  PARAM_ERROR: 400,
  INVALID_REQUEST: 400,
  APPID_MCHID_NOT_MATCH: 400,
  ORDERPAID: 400,
  ORDER_CLOSED: 400,
  NO_STATEMENT_EXIST: 400,
  STATEMENT_CREATING: 400,
  SIGN_ERROR: 401,
  NOT_ENOUGH: 403,
  ORDER_NOT_EXIST: 404,
  RESOURCE_NOT_EXISTS: 404,
  FREQUENCY_LIMITED: 429,
  SYSTEM_ERROR: 500,
  // 医保 mixed orders (med-ins-*.ts)
  RULE_LIMIT: 400,
  ALREADY_EXISTS: 400,
  // sandbox-only routes
  PREPAY_EXPIRED: 400,
  NOT_FOUND: 404,
  // the 医保 authorisation gateway (med-ins-auth.ts): codes in the HIS gateway's style
  AUTH_CODE_INVALID: 400,
  SIGNATURE_INVALID: 401,
  TIMESTAMP_EXPIRED: 401,
  REPLAYED: 401,
} as const;

export type PayErrorCode = keyof typeof PAY_ERROR_STATUS;

export interface ParamDetail {
  field: string;
  value?: unknown;
  issue: string;
  location: 'body' | 'query' | 'path' | 'header';
}

export class PayError extends Error {
  readonly status: number;
  constructor(
    readonly code: PayErrorCode,
    message: string,
    readonly detail?: ParamDetail,
  ) {
    super(message);
    this.status = PAY_ERROR_STATUS[code];
  }

  body(): { code: string; message: string; detail?: ParamDetail } {
    return { code: this.code, message: this.message, ...(this.detail ? { detail: this.detail } : {}) };
  }
}

/** A PARAM_ERROR naming the field the way WeChat does (`/amount/total`). */
export function paramError(location: ParamDetail['location'], path: string, issue: string, value?: unknown): PayError {
  const field = `/${path.replace(/\./g, '/')}`;
  return new PayError('PARAM_ERROR', `输入源“/${location}${field}”映射到字段“${path}”校验失败：${issue}`, {
    field,
    ...(value === undefined ? {} : { value }),
    issue,
    location,
  });
}
