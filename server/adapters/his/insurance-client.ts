/**
 * The cloud side's HIS 医保 client: implements HisInsurancePort (server/ports/his-insurance.ts) over
 * the HIS gateway protocol (docs/his-gateway.md, "医保 (medical insurance)"), on the shared transport
 * (./transport: signing, per-attempt timeout, bounded retries, zod validation, HisError mapping).
 *
 * Retries: every method is idempotent — insurance.query is a read; uploadFees, preSettle, refund and
 * revokeUpload carry a requestId the gateway deduplicates — so all are retried on transient
 * failures and never on business refusals. A mutation that still fails with kind 'unavailable' has
 * an unknown outcome: call it again with the same input (the payAuthNo of a repeated upload is not
 * "reused": the gateway answers the recorded upload), or read the order with query.
 *
 * Every split is checked: feeSumamt = fundPay + psnAcctPay + ownPayAmt, inscpScpAmt = feeSumamt
 * − fulamtOwnpayAmt − preselfpayAmt and actPayDedc ≤ inscpScpAmt, all non-negative integer fen. An
 * answer breaking that would charge the patient a wrong amount, so it is a BAD_RESPONSE.
 */
import { z } from 'zod';
import type {
  HisFeeUpload,
  HisInsuranceOrder,
  HisInsurancePort,
  HisInsuranceRefundInput,
  HisInsuranceSplit,
  HisPreSettleInput,
  HisPreSettlement,
  HisRevokeUploadInput,
  HisUploadFeesInput,
} from '../../ports/his-insurance';
import { bodyOf, createHisTransport, orNullIfNotFound, type HisClientConfig, type HisClientDeps } from './transport';

const fen = z.number().int().nonnegative();
const instant = z.string().min(1);

const splitFields = {
  feeSumamt: fen,
  fulamtOwnpayAmt: fen,
  preselfpayAmt: fen,
  inscpScpAmt: fen,
  actPayDedc: fen,
  fundPay: fen,
  psnAcctPay: fen,
  ownPayAmt: fen,
};

/** The split's identities (see the header). */
const splitHolds = (s: HisInsuranceSplit): boolean =>
  s.fundPay + s.psnAcctPay + s.ownPayAmt === s.feeSumamt &&
  s.inscpScpAmt === s.feeSumamt - s.fulamtOwnpayAmt - s.preselfpayAmt &&
  s.actPayDedc <= s.inscpScpAmt;

const splitSchema = z
  .object(splitFields)
  .refine(splitHolds, 'the split does not add up') satisfies z.ZodType<HisInsuranceSplit>;

const uploadData = z.object({
  payOrdId: z.string().min(1),
  payToken: z.string().min(1),
  medOrgOrd: z.string().min(1),
  feeSumamt: fen,
}) satisfies z.ZodType<HisFeeUpload>;

const preSettleData = (payOrdId: string) =>
  z
    .object({ payOrdId: z.literal(payOrdId), ...splitFields })
    .refine(splitHolds, 'the split does not add up') satisfies z.ZodType<HisPreSettlement>;

const orderSchema = z
  .object({
    payOrdId: z.string().min(1),
    medOrgOrd: z.string().min(1),
    patientId: z.string().min(1),
    itemIds: z.array(z.string().min(1)).min(1),
    medType: z.literal('11'),
    insuType: z.enum(['310', '390']),
    status: z.enum(['uploaded', 'preSettled', 'settled', 'refunded', 'revoked']),
    feeSumamt: fen,
    split: splitSchema.nullable(),
    uploadedAt: instant,
    preSettledAt: instant.nullable(),
    setlId: z.string().min(1).nullable(),
    settlementId: z.string().min(1).nullable(),
    settledAt: instant.nullable(),
    refundedAt: instant.nullable(),
    revokedAt: instant.nullable(),
  })
  .refine(
    (o) =>
      (o.split === null || o.split.feeSumamt === o.feeSumamt) &&
      // Settled (and later refunded) orders carry their split and settlement.
      (!['settled', 'refunded'].includes(o.status) || (o.split !== null && o.setlId !== null && o.settledAt !== null)),
    'the order is not consistent',
  ) satisfies z.ZodType<HisInsuranceOrder>;

/** `{ order }` for this payOrdId (another order would be a mix-up: BAD_RESPONSE). */
const orderData = (payOrdId: string) =>
  z.object({ order: orderSchema.refine((o) => o.payOrdId === payOrdId, 'another order') });

const IDEMPOTENT = { idempotent: true } as const;

export function createHisInsuranceClient(config: HisClientConfig, deps: HisClientDeps = {}): HisInsurancePort {
  const { call } = createHisTransport(config, deps);

  return {
    async uploadFees(input: HisUploadFeesInput): Promise<HisFeeUpload> {
      const body = bodyOf(input, ['requestId', 'patientId', 'itemIds', 'payAuthNo', 'medType']);
      return await call('insurance.uploadFees', body, uploadData, IDEMPOTENT);
    },

    async preSettle(input: HisPreSettleInput): Promise<HisPreSettlement> {
      const body = bodyOf(input, ['requestId', 'payOrdId']);
      return await call('insurance.preSettle', body, preSettleData(input.payOrdId), IDEMPOTENT);
    },

    async query(payOrdId: string): Promise<HisInsuranceOrder | null> {
      const read = call('insurance.query', { payOrdId }, orderData(payOrdId), IDEMPOTENT);
      return (await orNullIfNotFound(read))?.order ?? null;
    },

    async refund(input: HisInsuranceRefundInput): Promise<HisInsuranceOrder> {
      const body = bodyOf(input, ['requestId', 'payOrdId', 'reason']);
      return (await call('insurance.refund', body, orderData(input.payOrdId), IDEMPOTENT)).order;
    },

    async revokeUpload(input: HisRevokeUploadInput): Promise<HisInsuranceOrder> {
      const body = bodyOf(input, ['requestId', 'payOrdId']);
      return (await call('insurance.revokeUpload', body, orderData(input.payOrdId), IDEMPOTENT)).order;
    },
  };
}
