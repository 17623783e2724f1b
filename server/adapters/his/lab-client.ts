/**
 * The cloud side's HIS client for 自助检验申请: implements HisLabPort (server/ports/his-lab.ts) over
 * the HIS gateway protocol (docs/his-gateway.md, "Self-ordered lab tests"), on the shared transport
 * (./transport: signing, per-attempt timeout, bounded retries, zod validation, HisError mapping).
 *
 * Retries: both methods are idempotent — lab.catalog is a read, lab.createOrder carries a requestId
 * the gateway deduplicates — so both are retried on transient failures and never on business
 * refusals. A createOrder that still fails with kind 'unavailable' has an unknown outcome (the
 * charges may exist): calling it again with the same input answers the same charges.
 */
import { z } from 'zod';
import type { HisFeeItem } from '../../ports/his-payment';
import type { HisLabOrderInput, HisLabPort, HisLabTest } from '../../ports/his-lab';
import { itemSchema } from './fee-client';
import { bodyOf, createHisTransport, type HisClientConfig, type HisClientDeps } from './transport';

const testSchema = z.object({
  code: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  name: z.string().min(1),
  category: z.string(),
  priceFen: z.number().int().nonnegative(),
  specimen: z.string(),
}) satisfies z.ZodType<HisLabTest>;

const catalogData = z.object({ tests: z.array(testSchema) });

/** The charges of `input`: one lab charge per code, of this patient (anything else is a BAD_RESPONSE). */
const itemsOf = (input: HisLabOrderInput) =>
  z
    .object({ items: z.array(itemSchema) })
    .refine(
      (d) => d.items.length === input.codes.length && d.items.every((i) => i.patientId === input.patientId),
      'not one charge of this patient per code',
    ) satisfies z.ZodType<{ items: HisFeeItem[] }>;

const IDEMPOTENT = { idempotent: true } as const;

export function createHisLabClient(config: HisClientConfig, deps: HisClientDeps = {}): HisLabPort {
  const { call } = createHisTransport(config, deps);

  return {
    async catalog(): Promise<HisLabTest[]> {
      return (await call('lab.catalog', {}, catalogData, IDEMPOTENT)).tests;
    },

    async createOrder(input: HisLabOrderInput): Promise<HisFeeItem[]> {
      const body = bodyOf(input, ['requestId', 'patientId', 'codes']);
      // Safe to retry: the gateway answers a repeated requestId with the same charges.
      return (await call('lab.createOrder', body, itemsOf(input), IDEMPOTENT)).items;
    },
  };
}
