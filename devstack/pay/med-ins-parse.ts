/**
 * Reading a `POST /v3/med-ins/orders` body: malformed fields → PARAM_ERROR naming the field (as
 * the JSAPI checks in validate.ts); then the mix_pay_type rules and the amount identities →
 * RULE_LIMIT, as WeChat checks parameters before rules. Field lengths follow wechatpay-skills
 * (string(n), counted in UTF-8 bytes as elsewhere in the sandbox).
 *
 * mix_pay_type rules ("医保 fields" = pay_order_id, pay_auth_no, geo_location,
 * med_ins_order_create_time):
 * - CASH_ONLY: no 医保 fields; med_ins_gov_fee + med_ins_self_fee + med_ins_other_fee = 0 (they
 *   may be left out); wechat_pay_cash_fee > 0 and prepay_id required.
 * - INSURANCE_ONLY: wechat_pay_cash_fee absent or 0, no prepay_id; the 医保 fields, serial_no
 *   and the three 医保 amounts required.
 * - CASH_AND_INSURANCE: all of them required, wechat_pay_cash_fee > 0.
 * Identities, whatever the type: total_fee = gov + self + other + wechat_pay_cash_fee + Σreduce
 * = gov + self + other + med_ins_cash_fee + Σadd (med_ins_cash_fee is always required).
 */
import { PayError, paramError } from './errors';
import type { MixPayType } from './med-ins-store';
import { parseRfc3339 } from './time';
import { checkInt, checkNotifyUrl, checkObject, checkString, optionalString, type Json } from './validate';

export const MIX_PAY_TYPES: readonly MixPayType[] = ['CASH_ONLY', 'INSURANCE_ONLY', 'CASH_AND_INSURANCE'];
export const ORDER_TYPES = [
  'REG_PAY',
  'DIAG_PAY',
  'COVID_EXAM_PAY',
  'IN_HOSP_PAY',
  'PHARMACY_PAY',
  'INSURANCE_PAY',
  'INT_REG_PAY',
  'INT_RE_DIAG_PAY',
  'INT_RX_PAY',
  'COVID_ANTIGEN_PAY',
  'MED_PAY',
] as const;
export const CARD_TYPES = [
  'ID_CARD',
  'HOUSEHOLD_REGISTRATION',
  'FOREIGNER_PASSPORT',
  'MAINLAND_TRAVEL_PERMIT_FOR_TW',
  'MAINLAND_TRAVEL_PERMIT_FOR_MO',
  'MAINLAND_TRAVEL_PERMIT_FOR_HK',
  'FOREIGN_PERMANENT_RESIDENT',
] as const;
const CASH_ADD_TYPES = ['DEFAULT_ADD_TYPE', 'FREIGHT', 'OTHER_MEDICAL_EXPENSES'] as const;
const CASH_REDUCE_TYPES = [
  'DEFAULT_REDUCE_TYPE',
  'HOSPITAL_REDUCE',
  'PHARMACY_DISCOUNT',
  'DISCOUNT',
  'PRE_PAYMENT',
  'DEPOSIT_DEDUCTION',
] as const;

export const MED_INS_FIELDS = ['pay_order_id', 'pay_auth_no', 'geo_location', 'med_ins_order_create_time'] as const;
const OUT_TRADE_NO = { max: 64, pattern: /^[0-9A-Za-z_\-*]+$/, patternText: '数字、大小写字母或 _-*' };
/** `lng,lat` with up to 8 decimals: "102.682296,25.054260". */
const GEO = /^(-?\d{1,3}(?:\.\d{1,8})?),(-?\d{1,2}(?:\.\d{1,8})?)$/;

/** An encrypted identity as sent: name and id_digest are RSA-OAEP ciphertexts (base64). */
export interface EncryptedPerson {
  name: string;
  idDigest: string;
  cardType: string;
}

export interface Detail {
  fee: number;
  type: string;
}

export interface MedInsRequest {
  mixPayType: MixPayType;
  orderType: string;
  appid: string;
  openid: string;
  payer: EncryptedPerson;
  payForRelatives: boolean;
  relative: EncryptedPerson | undefined;
  outTradeNo: string;
  serialNo: string | undefined;
  payOrderId: string | undefined;
  payAuthNo: string | undefined;
  geoLocation: string | undefined;
  cityId: string;
  medInstName: string;
  medInstNo: string;
  medInsOrderCreateTime: string | undefined;
  totalFee: number;
  govFee: number | undefined;
  selfFee: number | undefined;
  otherFee: number | undefined;
  medInsCashFee: number;
  wechatPayCashFee: number | undefined;
  cashAdd: Detail[];
  cashReduce: Detail[];
  callbackUrl: string;
  prepayId: string | undefined;
  passthroughRequestContent: string | undefined;
  extends: string | undefined;
  attach: string | undefined;
  channelNo: string | undefined;
  medInsTestEnv: boolean | undefined;
}

/** The amounts once the rules hold (absent ones as 0). */
export interface Amounts {
  total: number;
  gov: number;
  self: number;
  other: number;
  medInsCash: number;
  wechatPayCash: number;
}

function checkEnum<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (value === undefined) throw paramError('body', path, '缺少必填字段');
  if (!allowed.includes(value as T)) throw paramError('body', path, `应为 ${allowed.join(' | ')} 之一`, value);
  return value as T;
}

const optInt = (value: unknown, path: string): number | undefined =>
  value === undefined ? undefined : checkInt(value, path, 0);

function optBool(value: unknown, path: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw paramError('body', path, '应为布尔值', value);
  return value;
}

function person(value: unknown, path: string): EncryptedPerson {
  const p = checkObject(value, path);
  return {
    name: checkString(p.name, `${path}.name`, { max: 1024 }),
    idDigest: checkString(p.id_digest, `${path}.id_digest`, { max: 1024 }),
    cardType: checkEnum(p.card_type, `${path}.card_type`, CARD_TYPES),
  };
}

function details(value: unknown, path: string, kind: 'add' | 'reduce'): Detail[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw paramError('body', path, '应为数组');
  if (value.length > 20) throw paramError('body', path, '最多 20 项');
  const types = kind === 'add' ? CASH_ADD_TYPES : CASH_REDUCE_TYPES;
  return value.map((item: unknown, i) => {
    const d = checkObject(item, `${path}.${i}`);
    return {
      fee: checkInt(d[`cash_${kind}_fee`], `${path}.${i}.cash_${kind}_fee`, 1),
      type: checkEnum(d[`cash_${kind}_type`], `${path}.${i}.cash_${kind}_type`, types),
    };
  });
}

function rfc3339Field(value: unknown, path: string): string | undefined {
  const text = optionalString(value, path, { max: 64 });
  if (text !== undefined && parseRfc3339(text) === null) {
    throw paramError('body', path, '应为 RFC 3339 格式，如 2026-01-02T10:34:56+08:00', text);
  }
  return text;
}

function geoLocation(value: unknown): string | undefined {
  const text = optionalString(value, 'geo_location', { max: 40 });
  if (text === undefined) return undefined;
  const m = GEO.exec(text);
  if (!m || Math.abs(Number(m[1])) > 180 || Math.abs(Number(m[2])) > 90) {
    throw paramError('body', 'geo_location', '应为“经度,纬度”，如 120.582112,30.051554', text);
  }
  return text;
}

function passthrough(value: unknown): string | undefined {
  const text = optionalString(value, 'passthrough_request_content', { max: 2048 });
  if (text === undefined) return undefined;
  try {
    JSON.parse(text);
  } catch {
    throw paramError('body', 'passthrough_request_content', '应为 JSON 字符串', text);
  }
  return text;
}

function relativeOf(body: Json, payForRelatives: boolean): EncryptedPerson | undefined {
  if (payForRelatives) {
    if (body.relative === undefined)
      throw paramError('body', 'relative', 'pay_for_relatives 为 true 时必须传 relative');
    return person(body.relative, 'relative');
  }
  if (body.relative !== undefined) throw paramError('body', 'relative', '仅在 pay_for_relatives 为 true 时传 relative');
  return undefined;
}

/** The body's fields, each well-formed (PARAM_ERROR otherwise); the rules come after. */
export function parseMedInsOrder(body: Json): MedInsRequest {
  const payForRelatives = optBool(body.pay_for_relatives, 'pay_for_relatives') ?? false;
  return {
    mixPayType: checkEnum(body.mix_pay_type, 'mix_pay_type', MIX_PAY_TYPES),
    orderType: checkEnum(body.order_type, 'order_type', ORDER_TYPES),
    appid: checkString(body.appid, 'appid', { max: 32 }),
    openid: checkString(body.openid, 'openid', { max: 128 }),
    payer: person(body.payer, 'payer'),
    payForRelatives,
    relative: relativeOf(body, payForRelatives),
    outTradeNo: checkString(body.out_trade_no, 'out_trade_no', OUT_TRADE_NO),
    serialNo: optionalString(body.serial_no, 'serial_no', { max: 20 }),
    payOrderId: optionalString(body.pay_order_id, 'pay_order_id', { max: 64 }),
    payAuthNo: optionalString(body.pay_auth_no, 'pay_auth_no', { max: 40 }),
    geoLocation: geoLocation(body.geo_location),
    cityId: checkString(body.city_id, 'city_id', { max: 8, pattern: /^\d+$/, patternText: '数字' }),
    medInstName: checkString(body.med_inst_name, 'med_inst_name', { max: 128 }),
    medInstNo: checkString(body.med_inst_no, 'med_inst_no', { max: 32 }),
    medInsOrderCreateTime: rfc3339Field(body.med_ins_order_create_time, 'med_ins_order_create_time'),
    totalFee: checkInt(body.total_fee, 'total_fee', 1),
    govFee: optInt(body.med_ins_gov_fee, 'med_ins_gov_fee'),
    selfFee: optInt(body.med_ins_self_fee, 'med_ins_self_fee'),
    otherFee: optInt(body.med_ins_other_fee, 'med_ins_other_fee'),
    medInsCashFee: checkInt(body.med_ins_cash_fee, 'med_ins_cash_fee', 0),
    wechatPayCashFee: optInt(body.wechat_pay_cash_fee, 'wechat_pay_cash_fee'),
    cashAdd: details(body.cash_add_detail, 'cash_add_detail', 'add'),
    cashReduce: details(body.cash_reduce_detail, 'cash_reduce_detail', 'reduce'),
    callbackUrl: checkNotifyUrl(body.callback_url, 'callback_url'),
    prepayId: optionalString(body.prepay_id, 'prepay_id', { max: 64 }),
    passthroughRequestContent: passthrough(body.passthrough_request_content),
    extends: optionalString(body.extends, 'extends', { max: 2048 }),
    attach: optionalString(body.attach, 'attach', { max: 128 }),
    channelNo: optionalString(body.channel_no, 'channel_no', { max: 32 }),
    medInsTestEnv: optBool(body.med_ins_test_env, 'med_ins_test_env'),
  };
}

const LABEL: Record<MixPayType, string> = {
  CASH_ONLY: '纯自费单（CASH_ONLY）',
  INSURANCE_ONLY: '纯医保单（INSURANCE_ONLY）',
  CASH_AND_INSURANCE: '医保自费混合单（CASH_AND_INSURANCE）',
};

const ruleLimit = (message: string): PayError => new PayError('RULE_LIMIT', message);
const sum = (ds: Detail[]): number => ds.reduce((s, d) => s + d.fee, 0);

function checkTypeFields(r: MedInsRequest, body: Json): void {
  const label = LABEL[r.mixPayType];
  if (r.mixPayType === 'CASH_ONLY') {
    for (const f of MED_INS_FIELDS) if (body[f] !== undefined) throw ruleLimit(`${label}不能传 ${f}`);
    if ((r.govFee ?? 0) + (r.selfFee ?? 0) + (r.otherFee ?? 0) !== 0) {
      throw ruleLimit(`${label}的医保金额 med_ins_gov_fee + med_ins_self_fee + med_ins_other_fee 之和必须为 0`);
    }
  } else {
    const required = [...MED_INS_FIELDS, 'serial_no', 'med_ins_gov_fee', 'med_ins_self_fee', 'med_ins_other_fee'];
    for (const f of required) if (body[f] === undefined) throw ruleLimit(`${label}必须传 ${f}`);
  }
  if (r.mixPayType === 'INSURANCE_ONLY') {
    if ((r.wechatPayCashFee ?? 0) !== 0) throw ruleLimit(`${label}的 wechat_pay_cash_fee 必须为 0`);
    if (r.prepayId !== undefined) throw ruleLimit(`${label}不能传 prepay_id`);
  } else {
    if (!r.wechatPayCashFee) throw ruleLimit(`${label}的 wechat_pay_cash_fee 必须大于 0`);
    if (r.prepayId === undefined) throw ruleLimit(`${label}必须传 prepay_id（自费部分的 JSAPI 预下单）`);
  }
}

/** The mix_pay_type rules and the two identities (RULE_LIMIT); the amounts with absent ones as 0. */
export function applyMixPayRules(r: MedInsRequest, body: Json): Amounts {
  checkTypeFields(r, body);
  const a: Amounts = {
    total: r.totalFee,
    gov: r.govFee ?? 0,
    self: r.selfFee ?? 0,
    other: r.otherFee ?? 0,
    medInsCash: r.medInsCashFee,
    wechatPayCash: r.wechatPayCashFee ?? 0,
  };
  const medIns = a.gov + a.self + a.other;
  const reduce = sum(r.cashReduce);
  const add = sum(r.cashAdd);
  if (a.total !== medIns + a.wechatPayCash + reduce) {
    throw ruleLimit(
      `订单总金额校验不通过：total_fee ${a.total} ≠ med_ins_gov_fee + med_ins_self_fee + med_ins_other_fee + ` +
        `wechat_pay_cash_fee + Σcash_reduce_detail = ${medIns + a.wechatPayCash + reduce}`,
    );
  }
  if (a.total !== medIns + a.medInsCash + add) {
    throw ruleLimit(
      `自费金额校验不通过：total_fee ${a.total} ≠ med_ins_gov_fee + med_ins_self_fee + med_ins_other_fee + ` +
        `med_ins_cash_fee + Σcash_add_detail = ${medIns + a.medInsCash + add}` +
        '（wechat_pay_cash_fee 应等于 med_ins_cash_fee + Σcash_add_detail − Σcash_reduce_detail）',
    );
  }
  return a;
}

const defined = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The order as WeChat answers it: the request's fields normalised, never the payer or relative. */
export function orderEcho(r: MedInsRequest, a: Amounts): Json {
  return defined({
    mix_pay_type: r.mixPayType,
    order_type: r.orderType,
    appid: r.appid,
    openid: r.openid,
    pay_for_relatives: r.payForRelatives,
    out_trade_no: r.outTradeNo,
    serial_no: r.serialNo,
    pay_order_id: r.payOrderId,
    pay_auth_no: r.payAuthNo,
    geo_location: r.geoLocation,
    city_id: r.cityId,
    med_inst_name: r.medInstName,
    med_inst_no: r.medInstNo,
    med_ins_order_create_time: r.medInsOrderCreateTime,
    total_fee: a.total,
    med_ins_gov_fee: a.gov,
    med_ins_self_fee: a.self,
    med_ins_other_fee: a.other,
    med_ins_cash_fee: a.medInsCash,
    wechat_pay_cash_fee: a.wechatPayCash,
    cash_add_detail: r.cashAdd.map((d) => ({ cash_add_fee: d.fee, cash_add_type: d.type })),
    cash_reduce_detail: r.cashReduce.map((d) => ({ cash_reduce_fee: d.fee, cash_reduce_type: d.type })),
    callback_url: r.callbackUrl,
    prepay_id: r.prepayId,
    passthrough_request_content: r.passthroughRequestContent,
    extends: r.extends,
    attach: r.attach,
    channel_no: r.channelNo,
    med_ins_test_env: r.medInsTestEnv,
  });
}
