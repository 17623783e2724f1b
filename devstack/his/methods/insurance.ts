/**
 * 医保 (docs/his-gateway.md, "医保 (medical insurance)"): the HIS's side of 移动医保支付, as the
 * national platform's codes name it — insurance.uploadFees (6201 费用明细上传), insurance.preSettle
 * (6202 支付下单), insurance.query (6301 结算结果查询), insurance.refund (6203 医保退费) and
 * insurance.revokeUpload (6401 费用明细上传撤销); the settlement itself is fee.settle's (./fees.ts).
 * Mutations are idempotent by requestId like fee.settle (./idempotency.ts): checks and writes in one
 * transaction, a repeat answers the recorded result, a refusal changes nothing and is not recorded.
 */
import { z } from 'zod';
import type { HisFeeUpload, HisInsuranceOrder, HisPreSettlement } from '../../../server/ports/his-insurance';
import { HIS_SETTLE_MAX_ITEMS, PATIENT_ID_RE, REQUEST_ID_RE } from '../../../server/adapters/his/protocol';
import { patientById } from '../db';
import { SandboxError } from '../errors';
import { applySplit, payAuthHash, toHisInsuranceOrder } from '../insurance-store';
import { onceAtomically } from './idempotency';
import { checkInsured, ownOrder, payableItems, quoteOrder, uploadOrder } from './insurance-rules';
import { parse } from './parse';
import type { MethodContext, MethodHandler } from './types';

/** A payAuthNo as the sandbox accepts it: `pan_` + 24–124 base64url characters. */
export const PAY_AUTH_NO_RE = /^pan_[A-Za-z0-9_-]{24,124}$/;
/** A payAuthNo is good for this long after its first use (the upload that consumed it). */
export const PAY_AUTH_TTL_MS = 10 * 60_000;

const requestId = z.string().regex(REQUEST_ID_RE, 'requestId must be 8-128 characters [A-Za-z0-9_.:-]');
const payOrdId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'payOrdId must be 1-64 characters [A-Za-z0-9_-]');

const uploadSchema = z.strictObject({
  requestId,
  patientId: z.string().regex(PATIENT_ID_RE, 'patientId must be P + 10 digits'),
  itemIds: z
    .array(z.string().min(1).max(64))
    .min(1)
    .max(HIS_SETTLE_MAX_ITEMS)
    .refine((ids) => new Set(ids).size === ids.length, 'itemIds must be distinct'),
  payAuthNo: z.string().min(1).max(256),
  medType: z.literal('11', 'medType must be 11 (普通门诊)').optional(),
});
const preSettleSchema = z.strictObject({ requestId, payOrdId });
const querySchema = z.strictObject({ payOrdId });
const refundSchema = z.strictObject({ requestId, payOrdId, reason: z.string().trim().min(1).max(128) });
const revokeSchema = z.strictObject({ requestId, payOrdId });

/** AUTH_INVALID unless the payAuthNo is well-formed and was never used. */
function checkPayAuthNo(ctx: MethodContext, payAuthNo: string): void {
  if (!PAY_AUTH_NO_RE.test(payAuthNo)) throw new SandboxError('AUTH_INVALID', 'payAuthNo: malformed');
  const used = ctx.db.prepare('SELECT 1 FROM insurance_orders WHERE pay_auth_hash = ?').get(payAuthHash(payAuthNo));
  if (used) throw new SandboxError('AUTH_INVALID', 'payAuthNo: already used (single use: authorise again)');
}

const uploadFees: MethodHandler = (body, ctx) => {
  const input = parse(uploadSchema, body);
  const now = ctx.now();
  return onceAtomically(ctx, 'insurance.uploadFees', input, now, (): HisFeeUpload => {
    const patient = patientById(ctx.db, input.patientId);
    if (!patient) throw new SandboxError('NOT_FOUND', 'no patient with this patientId');
    checkInsured(patient);
    const items = payableItems(ctx.db, input.patientId, input.itemIds);
    checkPayAuthNo(ctx, input.payAuthNo);
    const auth = { payAuthNo: input.payAuthNo, expiresAt: new Date(now.getTime() + PAY_AUTH_TTL_MS) };
    const row = uploadOrder(ctx.db, { appId: ctx.appId, patient, items, auth, now });
    return { payOrdId: row.pay_ord_id, payToken: row.pay_token, medOrgOrd: row.med_org_ord, feeSumamt: row.fee_sumamt };
  });
};

const preSettle: MethodHandler = (body, ctx) => {
  const input = parse(preSettleSchema, body);
  const now = ctx.now();
  return onceAtomically(ctx, 'insurance.preSettle', input, now, (): HisPreSettlement => {
    const order = ownOrder(ctx.db, ctx.appId, input.payOrdId);
    return { payOrdId: order.pay_ord_id, ...quoteOrder(ctx.db, order, now) };
  });
};

const query: MethodHandler = (body, ctx) => {
  const input = parse(querySchema, body);
  return { order: toHisInsuranceOrder(ctx.db, ownOrder(ctx.db, ctx.appId, input.payOrdId)) } satisfies {
    order: HisInsuranceOrder;
  };
};

const refund: MethodHandler = (body, ctx) => {
  const input = parse(refundSchema, body);
  const now = ctx.now();
  return onceAtomically(ctx, 'insurance.refund', input, now, (): { order: HisInsuranceOrder } => {
    const order = ownOrder(ctx.db, ctx.appId, input.payOrdId);
    if (order.status === 'settled') {
      applySplit(ctx.db, order, -1);
      ctx.db
        .prepare(
          "UPDATE insurance_orders SET status = 'refunded', refunded_at = ?, refund_reason = ? WHERE pay_ord_id = ?",
        )
        .run(now.toISOString(), input.reason, order.pay_ord_id);
    } else if (order.status !== 'refunded') {
      throw new SandboxError('INVALID_STATE', `payOrdId: the order is ${order.status}, not settled`);
    }
    return { order: toHisInsuranceOrder(ctx.db, ownOrder(ctx.db, ctx.appId, input.payOrdId)) };
  });
};

const revokeUpload: MethodHandler = (body, ctx) => {
  const input = parse(revokeSchema, body);
  const now = ctx.now();
  return onceAtomically(ctx, 'insurance.revokeUpload', input, now, (): { order: HisInsuranceOrder } => {
    const order = ownOrder(ctx.db, ctx.appId, input.payOrdId);
    if (order.status === 'uploaded' || order.status === 'preSettled') {
      ctx.db
        .prepare("UPDATE insurance_orders SET status = 'revoked', revoked_at = ? WHERE pay_ord_id = ?")
        .run(now.toISOString(), order.pay_ord_id);
    } else if (order.status !== 'revoked') {
      throw new SandboxError('INVALID_STATE', `payOrdId: the order is ${order.status}; refund it instead`);
    }
    return { order: toHisInsuranceOrder(ctx.db, ownOrder(ctx.db, ctx.appId, input.payOrdId)) };
  });
};

export const insuranceMethods: Record<string, MethodHandler> = {
  'insurance.uploadFees': uploadFees,
  'insurance.preSettle': preSettle,
  'insurance.query': query,
  'insurance.refund': refund,
  'insurance.revokeUpload': revokeUpload,
};
