/** zod schemas of WeChat Pay's answers and decrypted resources (only the fields we read are checked). */
import { z } from 'zod';
import type { WxRefund, WxRefundNotice, WxTransaction } from '../../ports/wechat-pay';

const tradeState = z.enum(['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR']);
const refundStatus = z.enum(['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL']);

export const transactionSchema: z.ZodType<WxTransaction> = z.object({
  appid: z.string(),
  mchid: z.string(),
  out_trade_no: z.string(),
  transaction_id: z.string().optional(),
  trade_type: z.string().optional(),
  trade_state: tradeState,
  trade_state_desc: z.string().optional(),
  bank_type: z.string().optional(),
  attach: z.string().optional(),
  success_time: z.string().optional(),
  payer: z.object({ openid: z.string().optional() }).optional(),
  amount: z
    .object({
      total: z.number().int().optional(),
      payer_total: z.number().int().optional(),
      currency: z.string().optional(),
      payer_currency: z.string().optional(),
    })
    .optional(),
});

export const refundSchema: z.ZodType<WxRefund> = z.object({
  refund_id: z.string(),
  out_refund_no: z.string(),
  transaction_id: z.string(),
  out_trade_no: z.string(),
  status: refundStatus,
  success_time: z.string().optional(),
  create_time: z.string(),
  amount: z.object({ total: z.number().int(), refund: z.number().int(), currency: z.string().optional() }),
});

export const refundNoticeSchema: z.ZodType<WxRefundNotice> = z.object({
  mchid: z.string(),
  out_trade_no: z.string(),
  transaction_id: z.string(),
  out_refund_no: z.string(),
  refund_id: z.string(),
  refund_status: refundStatus,
  success_time: z.string().optional(),
  amount: z.object({
    total: z.number().int(),
    refund: z.number().int(),
    payer_total: z.number().int().optional(),
    payer_refund: z.number().int().optional(),
  }),
});

export const prepaySchema = z.object({ prepay_id: z.string().min(1) });
export const billSchema = z.object({ hash_type: z.string(), hash_value: z.string(), download_url: z.string().url() });
export const errorBodySchema = z.object({ code: z.string(), message: z.string().optional() });
