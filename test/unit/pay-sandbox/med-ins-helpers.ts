/**
 * 医保 test scaffolding on top of helpers.ts: the 医保 authorisation (an auth code from the fake
 * 医保 mini program, exchanged over the HMAC-signed gateway), valid mixed-order bodies of each
 * mix_pay_type with the payer encrypted as a merchant does (crypto.ts encryptSensitive with the
 * WeChat Pay public key), and placing them (the JSAPI cash part first, same out_trade_no).
 */
import type { PaySandbox } from '../../../devstack/pay';
import { signMedInsRequest } from '../../../devstack/pay/med-ins-auth-scheme';
import { idDigestOf } from '../../../devstack/pay/med-ins-identity';
import { encryptSensitive, newNonce, paySign } from '../../../server/core/wechatpay/crypto';
import { placeOrder, sandbox, v3, type Answer, type CallOptions } from './helpers';

export const OPENID = 'o-medins-openid-0001';
export const PATIENT = { name: '张三', idNumber: '330602199003070016' };
/** Ends in X: its digest is over the upper-case X. */
export const RELATIVE = { name: '李小红', idNumber: '33060219850612005X' };
export const ORDERS = '/v3/med-ins/orders';
export const PAY_AUTH = '/med-ins-auth/v1/pay-auth';

export type MixPayType = 'CASH_ONLY' | 'INSURANCE_ONLY' | 'CASH_AND_INSURANCE';

export interface PayAuth {
  payAuthNo: string;
  userName: string;
  idNumberMasked: string;
  idDigest: string;
  cityId: string;
}

export async function issueAuthCode(
  pay: PaySandbox,
  who: { openid?: string; name?: string; idNumber?: string; cityId?: string } = {},
): Promise<string> {
  const r = await sandbox<{ authCode: string }>(pay, 'POST', 'med-ins/auth-codes', {
    openid: OPENID,
    ...PATIENT,
    ...who,
  });
  if (r.status !== 200) throw new Error(`auth-codes answered ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.authCode;
}

/** POST /med-ins-auth/v1/pay-auth, signed with medins.json unless told otherwise. */
export async function exchange(
  pay: PaySandbox,
  body: unknown,
  o: { appId?: string; appSecret?: string; timestampMs?: number; nonce?: string; sendBody?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = signMedInsRequest({
    appId: o.appId ?? pay.medIns.appId,
    appSecret: o.appSecret ?? pay.medIns.appSecret,
    rawBody,
    timestampMs: o.timestampMs,
    nonce: o.nonce,
  });
  const res = await fetch(`${pay.url}${PAY_AUTH}`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: o.sendBody ?? rawBody,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** The whole 授权: auth code, then the exchange → a fresh pay_auth_no for `who`. */
export async function authorise(
  pay: PaySandbox,
  who: { openid?: string; name?: string; idNumber?: string; cityId?: string } = {},
  timestampMs?: number,
): Promise<PayAuth> {
  const authCode = await issueAuthCode(pay, who);
  const r = await exchange(pay, { authCode, openid: who.openid ?? OPENID }, { timestampMs });
  if (r.status !== 200) throw new Error(`pay-auth answered ${r.status} ${JSON.stringify(r.json)}`);
  return r.json as unknown as PayAuth;
}

/** An identity as a merchant sends it: name and id digest RSA-OAEP encrypted. */
export function encryptedPerson(
  pay: PaySandbox,
  name: string,
  idDigest: string,
  key: string = pay.merchant.wechatpayPublicKey,
): Record<string, string> {
  return { name: encryptSensitive(key, name), id_digest: encryptSensitive(key, idDigest), card_type: 'ID_CARD' };
}

/** The amounts of a valid order of each type (the CASH_AND_INSURANCE one is WeChat's own example). */
export const AMOUNTS: Record<MixPayType, Record<string, unknown>> = {
  CASH_AND_INSURANCE: {
    total_fee: 202000,
    med_ins_gov_fee: 100000,
    med_ins_self_fee: 45000,
    med_ins_other_fee: 5000,
    med_ins_cash_fee: 50000,
    wechat_pay_cash_fee: 42000,
    cash_add_detail: [{ cash_add_fee: 2000, cash_add_type: 'FREIGHT' }],
    cash_reduce_detail: [{ cash_reduce_fee: 10000, cash_reduce_type: 'DEFAULT_REDUCE_TYPE' }],
  },
  INSURANCE_ONLY: {
    total_fee: 30000,
    med_ins_gov_fee: 21000,
    med_ins_self_fee: 9000,
    med_ins_other_fee: 0,
    med_ins_cash_fee: 0,
  },
  CASH_ONLY: { total_fee: 2580, med_ins_cash_fee: 2580, wechat_pay_cash_fee: 2580 },
};

let seq = 0;
export const newOutTradeNo = (): string => `M${Date.now()}${(seq += 1)}`;

export interface MixedInput {
  outTradeNo: string;
  callbackUrl: string;
  prepayId?: string;
  payAuthNo?: string;
  extra?: Record<string, unknown>;
}

/** A valid body of `type` (医保 fields only where the type allows them). */
export function medInsBody(pay: PaySandbox, type: MixPayType, i: MixedInput): Record<string, unknown> {
  const medIns =
    type === 'CASH_ONLY'
      ? {}
      : {
          serial_no: `S${i.outTradeNo.slice(-12)}`,
          pay_order_id: 'ORD330600202601020000000001',
          pay_auth_no: i.payAuthNo,
          geo_location: '120.582112,30.051554',
          med_ins_order_create_time: '2026-01-02T09:30:00+08:00',
        };
  return {
    mix_pay_type: type,
    order_type: 'DIAG_PAY',
    appid: pay.merchant.appid,
    openid: OPENID,
    payer: encryptedPerson(pay, PATIENT.name, idDigestOf(PATIENT.idNumber)),
    pay_for_relatives: false,
    out_trade_no: i.outTradeNo,
    ...medIns,
    city_id: '330600',
    med_inst_name: '绍兴市人民医院（沙箱）',
    med_inst_no: 'H33060200001',
    ...AMOUNTS[type],
    callback_url: i.callbackUrl,
    ...(i.prepayId === undefined ? {} : { prepay_id: i.prepayId }),
    passthrough_request_content: JSON.stringify({ payAuthNo: i.payAuthNo ?? null }),
    ...i.extra,
  };
}

/** The signed create call, with the Wechatpay-Serial of the WeChat Pay public key unless told. */
export function createMixed(pay: PaySandbox, body: unknown, o: CallOptions & { serial?: string | null } = {}) {
  const serial = o.serial === undefined ? pay.merchant.wechatpayPublicKeyId : o.serial;
  return v3(pay, 'POST', ORDERS, body, {
    ...o,
    headers: { ...(serial === null ? {} : { 'Wechatpay-Serial': serial }), ...o.headers },
  });
}

export interface Placed {
  outTradeNo: string;
  prepayId: string | undefined;
  payAuthNo: string | undefined;
  body: Record<string, unknown>;
  answer: Answer;
  mixTradeNo: string;
}

/** The cash JSAPI order (same out_trade_no, amount = wechat_pay_cash_fee), the 授权, then the order. */
export async function placeMixed(
  pay: PaySandbox,
  type: MixPayType,
  urls: { notify: string; callback: string },
  extra: Record<string, unknown> = {},
): Promise<Placed> {
  const outTradeNo = newOutTradeNo();
  const cash = AMOUNTS[type].wechat_pay_cash_fee as number | undefined;
  const prepayId =
    type === 'INSURANCE_ONLY'
      ? undefined
      : (
          await placeOrder(pay, urls.notify, {
            out_trade_no: outTradeNo,
            amount: { total: cash },
            payer: { openid: OPENID },
          })
        ).prepayId;
  const payAuthNo = type === 'CASH_ONLY' ? undefined : (await authorise(pay)).payAuthNo;
  const body = medInsBody(pay, type, { outTradeNo, callbackUrl: urls.callback, prepayId, payAuthNo, extra });
  const answer = await createMixed(pay, body);
  if (answer.status !== 200) throw new Error(`med-ins order answered ${answer.status} ${answer.text}`);
  return { outTradeNo, prepayId, payAuthNo, body, answer, mixTradeNo: answer.json.mix_trade_no as string };
}

/** wx.requestMedicalInsurancePay's parameters for an order with a cash part. */
export function sheetParams(pay: PaySandbox, mixTradeNo: string, prepayId: string) {
  const timeStamp = String(Math.floor(Date.now() / 1000));
  const nonceStr = newNonce();
  const pkg = `prepay_id=${prepayId}`;
  return {
    mixTradeNo,
    timeStamp,
    nonceStr,
    package: pkg,
    signType: 'RSA',
    paySign: paySign(pay.merchant.merchantPrivateKey, pay.merchant.appid, timeStamp, nonceStr, pkg),
  };
}

export const queryMix = (pay: PaySandbox, mixTradeNo: string, o: CallOptions = {}) =>
  v3(pay, 'GET', `${ORDERS}/mix-trade-no/${mixTradeNo}`, undefined, o);
