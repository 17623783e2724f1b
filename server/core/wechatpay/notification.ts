/**
 * Parsing a WeChat Pay notification: verify the signature over the raw body with the key its
 * `Wechatpay-Serial` names (±5 min, SIGNTEST probes refused), then decrypt `resource`. Decryption
 * succeeding is no proof of origin: the signature is checked first, always.
 */
import { z } from 'zod';
import type { WxNotification } from '../../ports/wechat-pay';
import { decryptResource, signedHeadersOf, verifySigned, type WechatpayKeys } from './crypto';
import { NotificationRejected } from './errors';
import { medInsOrderSchema } from './med-ins';
import { refundNoticeSchema, transactionSchema } from './schemas';

const envelopeSchema = z.object({
  id: z.string().min(1),
  create_time: z.string().optional(),
  resource_type: z.literal('encrypt-resource'),
  event_type: z.string().min(1),
  summary: z.string().optional(),
  resource: z.object({
    original_type: z.string().optional(),
    algorithm: z.string(),
    ciphertext: z.string().min(1),
    associated_data: z.string().optional(),
    nonce: z.string().min(1),
  }),
});

const REFUND_EVENTS = new Set(['REFUND.SUCCESS', 'REFUND.ABNORMAL', 'REFUND.CLOSED']);

export function parseWechatPayNotification(
  headers: Readonly<Record<string, string>>,
  rawBody: string,
  keys: WechatpayKeys,
  apiV3Key: string,
  nowSec: number,
): WxNotification {
  const verdict = verifySigned(signedHeadersOf(headers), rawBody, keys, nowSec);
  if (!verdict.ok) throw new NotificationRejected(verdict.why);
  let envelope: z.infer<typeof envelopeSchema>;
  try {
    envelope = envelopeSchema.parse(JSON.parse(rawBody));
  } catch {
    throw new NotificationRejected('badEnvelope');
  }
  let plain: unknown;
  try {
    plain = JSON.parse(decryptResource(envelope.resource, apiV3Key));
  } catch {
    throw new NotificationRejected('undecryptable');
  }
  if (envelope.event_type === 'TRANSACTION.SUCCESS') {
    const tx = transactionSchema.safeParse(plain);
    if (!tx.success) throw new NotificationRejected('badResource');
    return { id: envelope.id, eventType: 'TRANSACTION.SUCCESS', transaction: tx.data };
  }
  if (REFUND_EVENTS.has(envelope.event_type)) {
    const refund = refundNoticeSchema.safeParse(plain);
    if (!refund.success) throw new NotificationRejected('badResource');
    return {
      id: envelope.id,
      eventType: envelope.event_type as 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED',
      refund: refund.data,
    };
  }
  if (envelope.event_type === 'MEDICAL_INSURANCE.SUCCESS') {
    const order = medInsOrderSchema.safeParse(plain);
    if (!order.success) throw new NotificationRejected('badResource');
    return { id: envelope.id, eventType: 'MEDICAL_INSURANCE.SUCCESS', medIns: order.data };
  }
  throw new NotificationRejected('unknownEvent');
}
