/**
 * The 医保 authorisation sandbox: a stand-in for Tencent's 医保 gateway. The mini program jumps to
 * the 医保 mini program (`wxe183cd55df4b4369`), the user 授权, and it comes back with a one-time
 * `authCode`; the hospital server exchanges it for a `pay_auth_no` and the insured person.
 *
 *   POST /sandbox/med-ins/auth-codes {openid, name, idNumber, cityId?}
 *     — what the preview's fake 医保 mini program does on 授权 (unsigned, CORS `*`)
 *     → {authCode, expires_in: 300, expires_at}; one use, 5 minutes.
 *   POST /med-ins-auth/v1/pay-auth {authCode, openid}   (signed: med-ins-auth-scheme.ts)
 *     → {payAuthNo, userName, idNumberMasked, idDigest, cityId}; `pan_` + 32 base64url characters,
 *       one order, 10 minutes. An authCode exchanges once; unknown, used, expired or another
 *       openid's → 400 AUTH_CODE_INVALID. Malformed body → 400 INVALID_REQUEST.
 *
 * The ID number is checked (GB 11643), digested and masked at once; it is neither kept nor logged.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkIdNumber, ID_NUMBER_MESSAGES } from '../../common/idcard';
import { maskIdNumber } from '../../common/mask';
import { now, type PayContext } from './context';
import { PayError } from './errors';
import { sendSandboxJson, utf8Body } from './http';
import { MED_INS_PAY_AUTH_PATH, verifyMedInsRequest } from './med-ins-auth-scheme';
import { idDigestOf } from './med-ins-identity';
import { rfc3339, shanghaiDate } from './time';
import { isObject, type Json } from './validate';

export const AUTH_CODE_TTL_MS = 5 * 60_000;
export const PAY_AUTH_TTL_MS = 10 * 60_000;
/** 绍兴市 (the devstack's hospital); `cityId` in the auth-code request overrides it. */
export const DEFAULT_MED_INS_CITY_ID = '330600';

function text(body: Json, field: string, max: number, code: 'PARAM_ERROR' | 'INVALID_REQUEST'): string {
  const v = body[field];
  if (typeof v !== 'string' || v.trim() === '') throw new PayError(code, `${field} 为必填字符串`);
  if (v.length > max) throw new PayError(code, `${field} 不能超过 ${max} 个字符`);
  return v.trim();
}

function parse(raw: Buffer | null, code: 'PARAM_ERROR' | 'INVALID_REQUEST'): Json {
  let v: unknown;
  try {
    v = JSON.parse(utf8Body(raw));
  } catch {
    throw new PayError(code, '请求体应为 JSON 对象');
  }
  if (!isObject(v)) throw new PayError(code, '请求体应为 JSON 对象');
  return v;
}

/** POST /sandbox/med-ins/auth-codes: the user authorised in the 医保 mini program. */
export function issueAuthCode(ctx: PayContext, raw: Buffer | null): Json {
  const body = parse(raw, 'PARAM_ERROR');
  const openid = text(body, 'openid', 128, 'PARAM_ERROR');
  const name = text(body, 'name', 64, 'PARAM_ERROR');
  if (typeof body.idNumber !== 'string') throw new PayError('PARAM_ERROR', 'idNumber 为必填字符串');
  const at = now(ctx);
  const id = checkIdNumber(body.idNumber, shanghaiDate(at));
  if (!id.ok) throw new PayError('PARAM_ERROR', `idNumber：${ID_NUMBER_MESSAGES[id.problem]}`);
  const cityId = body.cityId === undefined ? DEFAULT_MED_INS_CITY_ID : body.cityId;
  if (typeof cityId !== 'string' || !/^\d{6}$/.test(cityId)) throw new PayError('PARAM_ERROR', 'cityId 应为 6 位数字');
  const authCode = `ac_${randomBytes(16).toString('base64url')}`;
  ctx.medIns.store.insertAuthCode({
    auth_code: authCode,
    openid,
    user_name: name,
    id_number_masked: maskIdNumber(id.info.idNumber),
    id_digest: idDigestOf(id.info.idNumber),
    city_id: cityId,
    expires_at: at + AUTH_CODE_TTL_MS,
    used_at: null,
  });
  return { authCode, expires_in: AUTH_CODE_TTL_MS / 1000, expires_at: rfc3339(at + AUTH_CODE_TTL_MS) };
}

const invalidCode = (why: string): PayError => new PayError('AUTH_CODE_INVALID', `authCode 无效：${why}`);

/** The exchange, once the signature is good: authCode → pay_auth_no (both single use). */
function exchange(ctx: PayContext, body: Json): Json {
  const authCode = text(body, 'authCode', 128, 'INVALID_REQUEST');
  const openid = text(body, 'openid', 128, 'INVALID_REQUEST');
  const store = ctx.medIns.store;
  return ctx.store.tx(() => {
    const at = now(ctx);
    const code = store.authCode(authCode);
    if (!code) throw invalidCode('不存在');
    if (code.used_at !== null) throw invalidCode('已使用（一个 authCode 只能换取一次）');
    if (at >= code.expires_at) throw invalidCode('已过期（有效期 5 分钟）');
    if (code.openid !== openid) throw invalidCode('与 openid 不匹配');
    store.useAuthCode(authCode, at);
    const payAuthNo = `pan_${randomBytes(24).toString('base64url')}`;
    store.insertPayAuth({
      pay_auth_no: payAuthNo,
      openid,
      user_name: code.user_name,
      id_number_masked: code.id_number_masked,
      id_digest: code.id_digest,
      city_id: code.city_id,
      expires_at: at + PAY_AUTH_TTL_MS,
      used_by: null,
    });
    return {
      payAuthNo,
      userName: code.user_name,
      idNumberMasked: code.id_number_masked,
      idDigest: code.id_digest,
      cityId: code.city_id,
    };
  });
}

const FAILURE_MESSAGE = {
  SIGNATURE_INVALID: 'unknown app id, missing headers or bad signature',
  TIMESTAMP_EXPIRED: 'timestamp outside the accepted window (±300 s)',
  REPLAYED: 'nonce already used',
} as const;

/** `/med-ins-auth/*`: the gateway's server-to-server API. */
export function handleMedInsAuth(
  ctx: PayContext,
  req: IncomingMessage,
  url: URL,
  raw: Buffer | null,
  res: ServerResponse,
): void {
  try {
    if (url.pathname !== MED_INS_PAY_AUTH_PATH || req.method !== 'POST') {
      throw new PayError('NOT_FOUND', `${req.method ?? 'GET'} ${url.pathname}：无此接口`);
    }
    const rawBody = utf8Body(raw);
    const failure = verifyMedInsRequest(req.headers, rawBody, ctx.medIns.auth, now(ctx), ctx.medIns.nonces);
    if (failure) throw new PayError(failure, FAILURE_MESSAGE[failure]);
    sendSandboxJson(res, 200, exchange(ctx, parse(raw, 'INVALID_REQUEST')));
  } catch (err) {
    const e = err instanceof PayError ? err : new PayError('SYSTEM_ERROR', String(err));
    // A malformed body is INVALID_REQUEST here, as at the HIS gateway.
    const body = e.code === 'PARAM_ERROR' ? { code: 'INVALID_REQUEST', message: e.message } : e.body();
    sendSandboxJson(res, e.status, body);
  }
}
