/**
 * Outpatient fees domain (docs/his-gateway.md, "Outpatient fees"): `fee.listUnpaid`, `fee.settle`,
 * `fee.getSettlement`. A settle runs its checks and writes in one SQLite transaction, so two settles
 * can never pay the same item (backed by the primary key of fee_settlement_items), and a refused one
 * changes nothing. `fee.settle` is idempotent by requestId like `booking.confirm`: a repeat answers
 * the same settlement in its current state (with its receipt once issued).
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { HisFeeItem, HisSettlement } from '../../../server/ports/his-payment';
import {
  HIS_SETTLE_MAX_ITEMS,
  PATIENT_ID_RE,
  REQUEST_ID_RE,
  TRANSACTION_ID_RE,
} from '../../../server/adapters/his/protocol';
import { patientById } from '../db';
import { SandboxError } from '../errors';
import {
  feeItemRow,
  insertSettlement,
  settlementById,
  settlementByRequest,
  toHisSettlement,
  unpaidFeeItems,
  type FeeItemRow,
} from '../fee-store';
import { priorResult, recordResult, type OnceKey } from './idempotency';
import { parse } from './parse';
import type { MethodHandler } from './types';

const ISO_INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

const requestId = z.string().regex(REQUEST_ID_RE, 'requestId must be 8-128 characters [A-Za-z0-9_.:-]');
const patientId = z.string().regex(PATIENT_ID_RE, 'patientId must be P + 10 digits');

const listSchema = z.strictObject({ patientId });
const settleSchema = z.strictObject({
  requestId,
  patientId,
  itemIds: z
    .array(z.string().min(1).max(64))
    .min(1)
    .max(HIS_SETTLE_MAX_ITEMS)
    .refine((ids) => new Set(ids).size === ids.length, 'itemIds must be distinct'),
  totalFen: z.number().int().min(0).max(100_000_000),
  transactionId: z.string().regex(TRANSACTION_ID_RE, 'transactionId must be 1-64 characters [A-Za-z0-9_-]'),
  paidAt: z
    .string()
    .regex(ISO_INSTANT_RE, 'paidAt must be an ISO 8601 instant')
    .refine((s) => !Number.isNaN(Date.parse(s)), 'paidAt must be an ISO 8601 instant'),
});
const getSettlementSchema = z.strictObject({ requestId });

const RANDOM_CHARS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** The e-receipt's 校验码: 6 random characters. */
function receiptRandom(): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += RANDOM_CHARS[randomInt(0, RANDOM_CHARS.length)];
  return s;
}

const listUnpaid: MethodHandler = (body, ctx) => {
  const input = parse(listSchema, body);
  if (!patientById(ctx.db, input.patientId)) throw new SandboxError('NOT_FOUND', 'no patient with this patientId');
  return { items: unpaidFeeItems(ctx.db, input.patientId) } satisfies { items: HisFeeItem[] };
};

const settle: MethodHandler = (body, ctx) => {
  const input = parse(settleSchema, body);
  const now = ctx.now();
  const { db } = ctx;
  const key: OnceKey = { appId: ctx.appId, requestId: input.requestId, method: 'fee.settle', body: input, now };
  return db.transaction((): { settlement: HisSettlement } => {
    // Same requestId and body: the same settlement, as it is now (its receipt may have been issued since).
    const prior = priorResult<{ settlementId: string }>(db, key);
    if (prior) {
      const row = settlementById(db, prior.settlementId);
      if (!row) throw new SandboxError('INTERNAL', 'recorded settlement is missing');
      return { settlement: toHisSettlement(db, row, now, ctx.fees.baseUrl) };
    }
    if (!patientById(db, input.patientId)) throw new SandboxError('NOT_FOUND', 'no patient with this patientId');
    const items: FeeItemRow[] = input.itemIds.map((itemId, i) => {
      const row = feeItemRow(db, itemId);
      // Unknown and other patients' items read alike: the caller learns nothing about other patients.
      if (!row || row.patient_id !== input.patientId) {
        throw new SandboxError('ITEM_NOT_PAYABLE', `itemIds.${i}: no such item for this patient`);
      }
      if (row.status !== 'unpaid') throw new SandboxError('ITEM_NOT_PAYABLE', `itemIds.${i}: item is ${row.status}`);
      return row;
    });
    const sum = items.reduce((s, r) => s + r.amount_fen, 0);
    if (sum !== input.totalFen) {
      throw new SandboxError('AMOUNT_MISMATCH', `totalFen: the items' current amounts sum to ${sum}`);
    }
    const reused = db
      .prepare('SELECT 1 FROM fee_settlements WHERE app_id = ? AND transaction_id = ?')
      .get(ctx.appId, input.transactionId);
    if (reused) throw new SandboxError('INVALID_REQUEST', 'transactionId: already settled under another requestId');

    const row = insertSettlement(db, {
      appId: ctx.appId,
      requestId: input.requestId,
      patientId: input.patientId,
      items: items.map((r) => ({ itemId: r.item_id, amountFen: r.amount_fen })),
      totalFen: input.totalFen,
      transactionId: input.transactionId,
      paidAt: new Date(input.paidAt).toISOString(),
      settledAt: now,
      receiptIssuedAt: new Date(now.getTime() + ctx.fees.receiptDelayMs),
      seed: ctx.schedule.seed,
      random: receiptRandom(),
    });
    recordResult(db, key, { settlementId: row.settlement_id });
    return { settlement: toHisSettlement(db, row, now, ctx.fees.baseUrl) };
  })();
};

const getSettlement: MethodHandler = (body, ctx) => {
  const input = parse(getSettlementSchema, body);
  const row = settlementByRequest(ctx.db, ctx.appId, input.requestId);
  return { settlement: row ? toHisSettlement(ctx.db, row, ctx.now(), ctx.fees.baseUrl) : null };
};

export const feeMethods: Record<string, MethodHandler> = {
  'fee.listUnpaid': listUnpaid,
  'fee.settle': settle,
  'fee.getSettlement': getSettlement,
};
