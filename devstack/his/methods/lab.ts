/**
 * Self-ordered lab tests (docs/his-gateway.md, "Self-ordered lab tests"): `lab.catalog` and
 * `lab.createOrder`. A createOrder makes one unpaid `lab` charge per code in the fee tables, so the
 * charges are listed by fee.listUnpaid and paid by fee.settle like any other. Idempotent by requestId
 * like fee.settle (./idempotency.ts): a repeat answers the same charges, another body is refused;
 * its checks and writes run in one transaction, so a refused call creates nothing.
 */
import { z } from 'zod';
import type { HisFeeItem } from '../../../server/ports/his-payment';
import type { HisLabTest } from '../../../server/ports/his-lab';
import { PATIENT_ID_RE, REQUEST_ID_RE } from '../../../server/adapters/his/protocol';
import { patientById } from '../db';
import { SandboxError } from '../errors';
import { feeItemRow, feeLine, insertFeeItem, toHisFeeItem } from '../fee-store';
import { LAB_CATALOG, LAB_DEPT, LAB_ORDER_GUIDE, labTestByCode, type LabCatalogEntry } from '../lab-catalog';
import { onceAtomically } from './idempotency';
import { parse } from './parse';
import type { MethodContext, MethodHandler } from './types';

/** Most tests one lab.createOrder may name. */
export const HIS_LAB_ORDER_MAX_CODES = 10;

const catalogSchema = z.strictObject({});
const createOrderSchema = z.strictObject({
  requestId: z.string().regex(REQUEST_ID_RE, 'requestId must be 8-128 characters [A-Za-z0-9_.:-]'),
  patientId: z.string().regex(PATIENT_ID_RE, 'patientId must be P + 10 digits'),
  codes: z
    .array(z.string().min(1).max(32))
    .min(1)
    .max(HIS_LAB_ORDER_MAX_CODES)
    .refine((codes) => new Set(codes).size === codes.length, 'codes must be distinct'),
});

const catalog: MethodHandler = (body) => {
  parse(catalogSchema, body);
  const tests = LAB_CATALOG.map(({ code, name, category, priceFen, specimen }) => ({
    code,
    name,
    category,
    priceFen,
    specimen,
  }));
  return { tests } satisfies { tests: HisLabTest[] };
};

/** The unpaid charge of one self-ordered test: no doctor, one line, the 检验科's guide. */
function insertLabCharge(ctx: MethodContext, patientId: string, test: LabCatalogEntry, at: Date): HisFeeItem {
  const itemId = insertFeeItem(ctx.db, {
    patientId,
    kind: 'lab',
    title: test.name,
    deptCode: LAB_DEPT.code,
    deptName: LAB_DEPT.name,
    doctorName: '',
    orderedAt: at.toISOString(),
    lines: [feeLine(test.lineName, '项', 1, test.priceFen)],
    guide: LAB_ORDER_GUIDE,
    origin: 'sandbox',
  });
  return toHisFeeItem(ctx.db, feeItemRow(ctx.db, itemId)!);
}

const createOrder: MethodHandler = (body, ctx) => {
  const input = parse(createOrderSchema, body);
  const now = ctx.now();
  return onceAtomically(ctx, 'lab.createOrder', input, now, (): { items: HisFeeItem[] } => {
    if (!patientById(ctx.db, input.patientId)) throw new SandboxError('NOT_FOUND', 'no patient with this patientId');
    const tests = input.codes.map((code, i) => {
      const test = labTestByCode(code);
      if (!test) throw new SandboxError('INVALID_REQUEST', `codes.${i}: not a code of lab.catalog`);
      return test;
    });
    return { items: tests.map((test) => insertLabCharge(ctx, input.patientId, test, now)) };
  });
};

export const labMethods: Record<string, MethodHandler> = {
  'lab.catalog': catalog,
  'lab.createOrder': createOrder,
};
