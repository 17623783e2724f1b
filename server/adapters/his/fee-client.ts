/**
 * The cloud side's HIS outpatient-fee client: implements HisFeePort (server/ports/his-payment.ts)
 * over the HIS gateway protocol (docs/his-gateway.md, "Outpatient fees"), on the shared transport
 * (./transport: signing, per-attempt timeout, bounded retries, zod validation, HisError mapping).
 *
 * Retries: every method here is idempotent — the reads fee.listUnpaid / fee.getSettlement /
 * fee.listSettlements, and fee.settle, which carries a requestId (the order id) the gateway
 * deduplicates — so all are retried on transient failures and never on business refusals. A settle that still fails with
 * kind 'unavailable' after its retries has an unknown outcome: settle again with the same input
 * until a definitive answer. `getSettlement(requestId)` shows a success, but its null only means
 * "not so far" — the protocol has no void, so a late-arriving original settle may still succeed.
 */
import { z } from 'zod';
import type {
  HisFeeItem,
  HisFeeLine,
  HisFeePort,
  HisReceipt,
  HisSettleInput,
  HisSettlement,
  HisSettlementPage,
} from '../../ports/his-payment';
import { businessDate } from '../../core/time';
import { bodyOf, createHisTransport, type HisClientConfig, type HisClientDeps } from './transport';

const fen = z.number().int().nonnegative();

const lineSchema = z.object({
  name: z.string().min(1),
  spec: z.string(),
  quantity: z.number().positive(),
  unitPriceFen: fen,
  amountFen: fen,
}) satisfies z.ZodType<HisFeeLine>;

/** A HisFeeItem as the protocol defines it (also lab.createOrder's charges: ./lab-client.ts). */
export const itemSchema = z
  .object({
    itemId: z.string().min(1),
    patientId: z.string().min(1),
    kind: z.enum(['registration', 'prescription', 'lab', 'exam']),
    title: z.string().min(1),
    deptCode: z.string(),
    deptName: z.string(),
    doctorName: z.string(),
    orderedAt: z.string().min(1),
    amountFen: fen,
    lines: z.array(lineSchema).min(1),
    guide: z.string(),
  })
  // The protocol promises it; an item whose total is not its lines' sum would mislead the patient.
  .refine(
    (i) => i.amountFen === i.lines.reduce((s, l) => s + l.amountFen, 0),
    'amountFen is not the lines’ sum',
  ) satisfies z.ZodType<HisFeeItem>;

const receiptSchema = z.object({
  billBatchCode: z.string().min(1),
  billNo: z.string().min(1),
  random: z.string().min(1),
  issuedAt: z.string().min(1),
  viewUrl: z.string().min(1),
}) satisfies z.ZodType<HisReceipt>;

const settlementSchema = z.object({
  settlementId: z.string().min(1),
  requestId: z.string().min(1),
  patientId: z.string().min(1),
  itemIds: z.array(z.string().min(1)).min(1),
  totalFen: fen,
  transactionId: z.string().min(1),
  settledAt: z.string().min(1),
  receipt: receiptSchema.nullable(),
}) satisfies z.ZodType<HisSettlement>;

const itemsData = z.object({ items: z.array(itemSchema) });
const settlementData = z.object({ settlement: settlementSchema });
const maybeSettlementData = z.object({ settlement: settlementSchema.nullable() });
const settlementPageData = z.object({
  settlements: z.array(settlementSchema),
  nextCursor: z.string().min(1).nullable(),
});

/**
 * A page of `date`'s settlements: every one settled on that business date (Asia/Shanghai) — a
 * settlement of another day would silently skew the reconciliation, so it is a BAD_RESPONSE.
 */
const settlementPageOf = (date: string) =>
  settlementPageData.refine(
    (p) =>
      p.settlements.every((s) => {
        const ms = Date.parse(s.settledAt);
        return Number.isFinite(ms) && businessDate(new Date(ms)) === date;
      }),
    'a settlement settled on another date',
  ) satisfies z.ZodType<HisSettlementPage>;

const IDEMPOTENT = { idempotent: true } as const;

export function createHisFeeClient(config: HisClientConfig, deps: HisClientDeps = {}): HisFeePort {
  const { call } = createHisTransport(config, deps);

  return {
    async listUnpaid(patientId: string): Promise<HisFeeItem[]> {
      return (await call('fee.listUnpaid', { patientId }, itemsData, IDEMPOTENT)).items;
    },

    async settle(input: HisSettleInput): Promise<HisSettlement> {
      const body = bodyOf(input, [
        'requestId',
        'patientId',
        'itemIds',
        'totalFen',
        'transactionId',
        'paidAt',
        // 医保 orders only: undefined fields are left out of the JSON body.
        'payOrdId',
        'fundFen',
        'accountFen',
      ]);
      // Safe to retry: the gateway answers a repeated requestId with the same settlement.
      return (await call('fee.settle', body, settlementData, IDEMPOTENT)).settlement;
    },

    async getSettlement(requestId: string): Promise<HisSettlement | null> {
      return (await call('fee.getSettlement', { requestId }, maybeSettlementData, IDEMPOTENT)).settlement;
    },

    async listSettlements(date: string, cursor?: string): Promise<HisSettlementPage> {
      // The gateway's default page size (200); the cursor is passed back as received.
      const body = cursor === undefined ? { date } : { date, cursor };
      return await call('fee.listSettlements', body, settlementPageOf(date), IDEMPOTENT);
    },
  };
}
