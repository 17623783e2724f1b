/**
 * Outpatient fees domain (docs/his-gateway.md, "Outpatient fees"): `fee.listUnpaid`, `fee.settle`,
 * `fee.getSettlement`, `fee.listSettlements`. A settle runs its checks and writes in one SQLite
 * transaction, so two settles can never pay the same item (backed by the primary key of
 * fee_settlement_items), and a refused one changes nothing. `fee.settle` is idempotent by requestId like `booking.confirm`: a repeat answers
 * the same settlement in its current state (with its receipt once issued). `fee.listSettlements`
 * pages through the caller's settlements of one business day (Asia/Shanghai) with an opaque keyset
 * cursor, for the cloud's daily payment reconciliation. A settle naming a 医保 order (payOrdId,
 * fundFen, accountFen) also confirms its 医保 settlement in the same transaction (./insurance-rules.ts).
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { HisFeeItem, HisSettlement } from '../../../server/ports/his-payment';
import {
  DATE_RE,
  HIS_SETTLE_MAX_ITEMS,
  PATIENT_ID_RE,
  REQUEST_ID_RE,
  TRANSACTION_ID_RE,
} from '../../../server/adapters/his/protocol';
import { patientById } from '../db';
import { SandboxError } from '../errors';
import {
  insertSettlement,
  settlementById,
  settlementByRequest,
  settlementsSettledBetween,
  toHisSettlement,
  unpaidFeeItems,
  type FeeItemRow,
  type SettlementPosition,
} from '../fee-store';
import { addDays, isValidDate, shanghaiInstant } from '../schedule';
import { priorResult, recordResult, type OnceKey } from './idempotency';
import { checkInsuranceSettle, payableItems, settleInsurance } from './insurance-rules';
import { parse } from './parse';
import type { MethodHandler } from './types';

const ISO_INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

const requestId = z.string().regex(REQUEST_ID_RE, 'requestId must be 8-128 characters [A-Za-z0-9_.:-]');
const patientId = z.string().regex(PATIENT_ID_RE, 'patientId must be P + 10 digits');

const listSchema = z.strictObject({ patientId });
const fen = z.number().int().min(0).max(100_000_000);
const settleSchema = z
  .strictObject({
    requestId,
    patientId,
    itemIds: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(HIS_SETTLE_MAX_ITEMS)
      .refine((ids) => new Set(ids).size === ids.length, 'itemIds must be distinct'),
    totalFen: fen,
    transactionId: z.string().regex(TRANSACTION_ID_RE, 'transactionId must be 1-64 characters [A-Za-z0-9_-]'),
    paidAt: z
      .string()
      .regex(ISO_INSTANT_RE, 'paidAt must be an ISO 8601 instant')
      .refine((s) => !Number.isNaN(Date.parse(s)), 'paidAt must be an ISO 8601 instant'),
    // 医保: the order of insurance.uploadFees and the preSettle's fund and personal-account parts.
    payOrdId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'payOrdId must be 1-64 characters [A-Za-z0-9_-]')
      .optional(),
    fundFen: fen.optional(),
    accountFen: fen.optional(),
  })
  .refine((b) => [0, 3].includes([b.payOrdId, b.fundFen, b.accountFen].filter((v) => v !== undefined).length), {
    message: 'payOrdId, fundFen and accountFen: all three or none',
    path: ['payOrdId'],
  })
  .refine((b) => (b.fundFen ?? 0) + (b.accountFen ?? 0) <= b.totalFen, {
    message: 'fundFen + accountFen must not exceed totalFen',
    path: ['fundFen'],
  });

/** The 医保 part of a settle, when it names one. */
function insurancePart(b: { payOrdId?: string; fundFen?: number; accountFen?: number }) {
  if (b.payOrdId === undefined || b.fundFen === undefined || b.accountFen === undefined) return undefined;
  return { payOrdId: b.payOrdId, fundFen: b.fundFen, accountFen: b.accountFen };
}

const getSettlementSchema = z.strictObject({ requestId });

/** fee.listSettlements page size: default and most. */
const LIST_SETTLEMENTS_DEFAULT_LIMIT = 200;
const LIST_SETTLEMENTS_MAX_LIMIT = 500;
const NOT_A_CURSOR = 'not a cursor of fee.listSettlements for this date';
const listSettlementsSchema = z.strictObject({
  date: z.string().regex(DATE_RE, 'date must be YYYY-MM-DD').refine(isValidDate, 'date is not a calendar date'),
  cursor: z.string().min(1, NOT_A_CURSOR).max(256, NOT_A_CURSOR).optional(),
  limit: z.number().int().min(1).max(LIST_SETTLEMENTS_MAX_LIMIT).optional(),
});

const SETTLEMENT_ID_RE = /^JS\d{12}$/;
const STORED_INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The opaque cursor after `pos`, bound to the listed date: base64url of `[date, settledAt, settlementId]`. */
function encodeCursor(date: string, pos: SettlementPosition): string {
  return Buffer.from(JSON.stringify([date, pos.settledAt, pos.settlementId]), 'utf8').toString('base64url');
}

/** The position a cursor of this date's listing names; INVALID_REQUEST for anything else. */
function decodeCursor(cursor: string, date: string, fromIso: string, toIso: string): SettlementPosition {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  if (
    Array.isArray(parts) &&
    parts.length === 3 &&
    parts[0] === date &&
    typeof parts[1] === 'string' &&
    STORED_INSTANT_RE.test(parts[1]) &&
    parts[1] >= fromIso &&
    parts[1] < toIso &&
    typeof parts[2] === 'string' &&
    SETTLEMENT_ID_RE.test(parts[2]) &&
    // base64url has one spelling per byte string: reject variants (padding, stray characters).
    encodeCursor(date, { settledAt: parts[1], settlementId: parts[2] }) === cursor
  ) {
    return { settledAt: parts[1], settlementId: parts[2] };
  }
  throw new SandboxError('INVALID_REQUEST', `cursor: ${NOT_A_CURSOR}`);
}

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
    const items: FeeItemRow[] = payableItems(db, input.patientId, input.itemIds);
    const sum = items.reduce((s, r) => s + r.amount_fen, 0);
    if (sum !== input.totalFen) {
      throw new SandboxError('AMOUNT_MISMATCH', `totalFen: the items' current amounts sum to ${sum}`);
    }
    const reused = db
      .prepare('SELECT 1 FROM fee_settlements WHERE app_id = ? AND transaction_id = ?')
      .get(ctx.appId, input.transactionId);
    if (reused) throw new SandboxError('INVALID_REQUEST', 'transactionId: already settled under another requestId');
    const part = insurancePart(input);
    const order = part && checkInsuranceSettle(db, ctx.appId, { ...input, ...part });

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
    if (order) settleInsurance(db, order, row.settlement_id, now);
    recordResult(db, key, { settlementId: row.settlement_id });
    return { settlement: toHisSettlement(db, row, now, ctx.fees.baseUrl) };
  })();
};

const getSettlement: MethodHandler = (body, ctx) => {
  const input = parse(getSettlementSchema, body);
  const row = settlementByRequest(ctx.db, ctx.appId, input.requestId);
  return { settlement: row ? toHisSettlement(ctx.db, row, ctx.now(), ctx.fees.baseUrl) : null };
};

const listSettlements: MethodHandler = (body, ctx) => {
  const input = parse(listSettlementsSchema, body);
  // The business day in Asia/Shanghai, whatever the process TZ: [00:00, next day 00:00).
  const from = shanghaiInstant(input.date, '00:00');
  const to = shanghaiInstant(addDays(input.date, 1), '00:00');
  if (!Number.isFinite(from.getTime()) || !Number.isFinite(to.getTime()) || to.getUTCFullYear() > 9999) {
    throw new SandboxError('INVALID_REQUEST', 'date: out of range');
  }
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  const after = input.cursor === undefined ? null : decodeCursor(input.cursor, input.date, fromIso, toIso);
  const limit = input.limit ?? LIST_SETTLEMENTS_DEFAULT_LIMIT;
  // One more than the page: whether another page follows, so the last page answers nextCursor null.
  const rows = settlementsSettledBetween(ctx.db, ctx.appId, fromIso, toIso, after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const now = ctx.now();
  return {
    settlements: page.map((r) => toHisSettlement(ctx.db, r, now, ctx.fees.baseUrl)),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor(input.date, { settledAt: last.settled_at, settlementId: last.settlement_id })
        : null,
  } satisfies { settlements: HisSettlement[]; nextCursor: string | null };
};

export const feeMethods: Record<string, MethodHandler> = {
  'fee.listUnpaid': listUnpaid,
  'fee.settle': settle,
  'fee.getSettlement': getSettlement,
  'fee.listSettlements': listSettlements,
};
