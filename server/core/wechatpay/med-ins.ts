/**
 * WeChat Pay 医保 mobile payment (移动医保支付 2.0) calls: the mixed order, its query and the
 * 医保 refund notify (../shared/reference/wechat-pay.md). `payer.name` and `payer.id_digest` are
 * RSA-OAEP encrypted with the key the request's `Wechatpay-Serial` names; `id_digest` is the lower
 * case MD5 of the ID number with its letters upper-cased. Amount identities are checked here before
 * sending, so a wrong split is a bug in our code and never reaches WeChat as RULE_LIMIT.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { MedInsOrderInput, MedInsPerson, MedInsRefundNotice, WxMedInsOrder } from '../../ports/wechat-pay';
import type { WechatPayConfig } from './config';
import { encryptSensitive } from './crypto';

export const medInsOrderSchema: z.ZodType<WxMedInsOrder> = z.object({
  mix_trade_no: z.string().min(1),
  mix_pay_status: z.enum(['MIX_PAY_CREATED', 'MIX_PAY_SUCCESS', 'MIX_PAY_REFUND', 'MIX_PAY_FAIL']),
  self_pay_status: z.string().optional(),
  med_ins_pay_status: z.string().optional(),
  paid_time: z.string().optional(),
  out_trade_no: z.string(),
  total_fee: z.number().int(),
  med_ins_gov_fee: z.number().int().optional(),
  med_ins_self_fee: z.number().int().optional(),
  med_ins_other_fee: z.number().int().optional(),
  med_ins_cash_fee: z.number().int().optional(),
  wechat_pay_cash_fee: z.number().int().optional(),
});

/** The lower-case MD5 of the ID number with letters upper-cased (WeChat's `id_digest`). */
export function idDigest(idNumber: string): string {
  return createHash('md5').update(idNumber.toUpperCase(), 'utf8').digest('hex');
}

/** The key and serial that encrypt the payer: the WeChat Pay public key, else a platform certificate. */
export function encryptionKey(config: WechatPayConfig): { serial: string; key: KeyObject } {
  const serial = config.wechatpayPublicKeyId ?? [...config.wechatpayKeys.keys()][0];
  const key = serial ? config.wechatpayKeys.get(serial) : undefined;
  if (!serial || !key) throw new Error('WeChat Pay: no key to encrypt sensitive fields with');
  return { serial, key };
}

/** Why the split breaks WeChat's identities (null: it holds). */
export function splitProblem(i: MedInsOrderInput): string | null {
  const medIns = i.govFen + i.selfFen + i.otherFen;
  if (
    [i.totalFen, i.govFen, i.selfFen, i.otherFen, i.medInsCashFen, i.wechatPayCashFen].some(
      (n) => !Number.isInteger(n) || n < 0,
    )
  )
    return 'amounts must be non-negative integers';
  if (i.totalFen !== medIns + i.wechatPayCashFen) return 'total ≠ 医保 + wechat_pay_cash_fee';
  if (i.totalFen !== medIns + i.medInsCashFen) return 'total ≠ 医保 + med_ins_cash_fee';
  if (i.mixPayType === 'INSURANCE_ONLY' && (i.wechatPayCashFen !== 0 || i.prepayId)) return 'INSURANCE_ONLY has cash';
  if (i.mixPayType === 'CASH_AND_INSURANCE' && (i.wechatPayCashFen === 0 || !i.prepayId)) return 'no cash part';
  if (i.mixPayType !== 'CASH_ONLY' && medIns === 0) return 'no 医保 part';
  return null;
}

export function medInsOrderBody(config: WechatPayConfig, i: MedInsOrderInput, key: KeyObject): Record<string, unknown> {
  const problem = splitProblem(i);
  if (problem) throw new Error(`med-ins order ${i.outTradeNo}: ${problem}`);
  const person = (p: MedInsPerson) => ({
    name: encryptSensitive(key, p.name),
    id_digest: encryptSensitive(key, p.idDigest),
    card_type: 'ID_CARD',
  });
  const insurance =
    i.mixPayType === 'CASH_ONLY'
      ? {}
      : {
          serial_no: i.serialNo,
          pay_order_id: i.payOrderId,
          pay_auth_no: i.payAuthNo,
          geo_location: i.geoLocation,
          med_ins_order_create_time: i.medInsOrderCreateTime,
        };
  return {
    mix_pay_type: i.mixPayType,
    order_type: i.orderType,
    appid: config.appid,
    openid: i.openid,
    payer: person(i.payer),
    pay_for_relatives: i.relative !== undefined,
    ...(i.relative ? { relative: person(i.relative) } : {}),
    out_trade_no: i.outTradeNo,
    ...insurance,
    city_id: i.cityId,
    med_inst_name: i.medInstName,
    med_inst_no: i.medInstNo,
    total_fee: i.totalFen,
    med_ins_gov_fee: i.govFen,
    med_ins_self_fee: i.selfFen,
    med_ins_other_fee: i.otherFen,
    med_ins_cash_fee: i.medInsCashFen,
    ...(i.wechatPayCashFen > 0 ? { wechat_pay_cash_fee: i.wechatPayCashFen, prepay_id: i.prepayId } : {}),
    callback_url: i.callbackUrl,
    ...(i.passthrough ? { passthrough_request_content: JSON.stringify(i.passthrough).slice(0, 2048) } : {}),
  };
}

export function medInsRefundBody(n: MedInsRefundNotice): Record<string, unknown> {
  return {
    med_refund_total_fee: n.govFen + n.selfFen + n.otherFen,
    med_refund_gov_fee: n.govFen,
    med_refund_self_fee: n.selfFen,
    med_refund_other_fee: n.otherFen,
    refund_time: n.refundTime,
    out_refund_no: n.outRefundNo,
  };
}
