/**
 * Sandbox-only outpatient-fee endpoints (not part of the HIS gateway protocol; unsigned, local
 * only): creating charges for tests and benchmarks, listing every charge and settlement to verify
 * invariants, and what happens at the hospital meanwhile — a doctor voids an order (作废), the
 * patient pays at the window, the pharmacy changes a prescription — plus the e-receipt delay.
 * See docs/his-gateway.md, "Sandbox-only endpoints".
 */
import { z } from 'zod';
import type { FeeItemKind } from '../../typings/payment';
import type { HisFeeItem, HisFeeLine } from '../../server/ports/his-payment';
import { PATIENT_ID_RE } from '../../server/adapters/his/protocol';
import { patientById } from './db';
import { SANDBOX_ERROR_STATUS, SandboxError } from './errors';
import {
  draftCharge,
  loadFeeDepts,
  loadFeeDoctors,
  pickDept,
  randomKind,
  type ChargeDraft,
  type FeeDept,
  type FeeDoctor,
} from './fee-gen';
import {
  feeCounts,
  feeItemRow,
  feeLines,
  insertFeeItem,
  insertLines,
  lineAmount,
  type NewFeeLine,
  toHisFeeItem,
  toHisSettlement,
  type FeeItemRow,
  type SettlementRow,
} from './fee-store';
import { MED_CLASSES } from './insurance-data';
import { preSettleWithCard } from './insurance-desk';
import { lineClasses } from './insurance-store';
import { checkInsured } from './methods/insurance-rules';
import { firstIssue } from './methods/parse';
import { fail, ok, parseJsonObject, type RouteAnswer } from './sandbox-http';
import type { SandboxRouteContext } from './sandbox-routes';

const MIN = 60_000;

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO instant');
const kind = z.enum(['registration', 'prescription', 'lab', 'exam']);
const patientId = z.string().regex(PATIENT_ID_RE, 'patientId must be P + 10 digits');
const lineInput = z.strictObject({
  name: z.string().min(1).max(64),
  spec: z.string().max(32).optional(),
  quantity: z.number().positive().max(9999),
  unitPriceFen: z.number().int().min(0).max(10_000_000),
  amountFen: z.number().int().min(0).optional(),
  // 医保目录 class; by default derived from the name (insurance-data.ts).
  medClass: z.enum(MED_CLASSES).optional(),
});
const lines = z.array(lineInput).min(1).max(50);
const itemInput = z.strictObject({
  kind: kind.optional(),
  title: z.string().min(1).max(64).optional(),
  deptCode: z.string().min(1).max(32).optional(),
  doctorName: z.string().min(1).max(20).optional(),
  guide: z.string().min(1).max(64).optional(),
  orderedAt: iso.optional(),
  lines: lines.optional(),
});
const createSchema = z
  .strictObject({
    patientId,
    kind: kind.optional(),
    deptCode: z.string().min(1).max(32).optional(),
    count: z.number().int().min(1).max(20).optional(),
    items: z.array(itemInput).min(1).max(50).optional(),
    // false: no charges.ready event for these charges (default: one event per call).
    notify: z.boolean().optional(),
    // The patient's physical 医保 card was read at the 医生站: the HIS pre-settles the charges' 医保 part.
    medInsCard: z.boolean().optional(),
  })
  .refine((b) => !(b.items && b.count), { message: 'count: not allowed together with items', path: ['count'] });
const itemIdsSchema = z.strictObject({ itemIds: z.array(z.string().min(1)).min(1).max(100) });
const repriceSchema = z.strictObject({ itemId: z.string().min(1), lines: lines.optional() });
const configSchema = z.strictObject({ receiptDelayMs: z.number().int().min(0).max(86_400_000).optional() });

function parseBody<S extends z.ZodType>(schema: S, body: Buffer | undefined): z.infer<S> {
  const json = parseJsonObject(body);
  if (!json.ok) throw new SandboxError('INVALID_REQUEST', 'body must be a JSON object');
  const r = schema.safeParse(json.value);
  if (!r.success) throw new SandboxError('INVALID_REQUEST', firstIssue(r.error));
  return r.data;
}

/** The protocol's item plus what the sandbox knows about its payment. */
function itemView(ctx: SandboxRouteContext, r: FeeItemRow): HisFeeItem & Record<string, unknown> {
  return {
    ...toHisFeeItem(ctx.db, r),
    status: r.status,
    paidVia: r.paid_via,
    paidAt: r.paid_at,
    settlementId: r.settlement_id,
    cancelledAt: r.cancelled_at,
    origin: r.origin,
    // Each line's 医保目录 class, in line order: 'A' 甲类, 'B' 乙类, 'self' 自费.
    medClasses: lineClasses(ctx.db, r.item_id).map((l) => l.medClass),
  };
}

function toLines(input: z.infer<typeof lines>): NewFeeLine[] {
  return input.map((l, i) => {
    const amountFen = lineAmount(l.quantity, l.unitPriceFen);
    if (l.amountFen !== undefined && l.amountFen !== amountFen) {
      throw new SandboxError('INVALID_REQUEST', `lines.${i}.amountFen: must be quantity × unitPriceFen (${amountFen})`);
    }
    const line = { name: l.name, spec: l.spec ?? '', quantity: l.quantity, unitPriceFen: l.unitPriceFen, amountFen };
    return l.medClass === undefined ? line : { ...line, medClass: l.medClass };
  });
}

/** A draft's title when the caller gave its lines but no title. */
function titleFor(k: FeeItemKind, dept: FeeDept, given: HisFeeLine[], drafted: ChargeDraft): string {
  if (k === 'registration') return `挂号费·${dept.name}`;
  if (k === 'prescription') return drafted.title;
  return given[0]!.name;
}

function createCharges(ctx: SandboxRouteContext, body: Buffer | undefined): RouteAnswer {
  const input = parseBody(createSchema, body);
  const { db } = ctx;
  const rnd = ctx.fees.rnd;
  const now = ctx.now();
  const patient = patientById(db, input.patientId);
  if (!patient) throw new SandboxError('NOT_FOUND', 'patientId: no such patient');
  // Before anything is drafted: a card read of an uninsured patient is refused as uploadFees refuses it.
  if (input.medInsCard === true) checkInsured(patient);
  const depts = loadFeeDepts(db);
  const deptOf = (code: string | undefined): FeeDept => {
    if (code === undefined) return pickDept(rnd, depts, patient, now);
    const dept = depts.find((d) => d.code === code);
    if (!dept) throw new SandboxError('NOT_FOUND', 'deptCode: no such department');
    return dept;
  };
  const specs = input.items ?? Array.from({ length: input.count ?? 1 }, () => ({}) as z.infer<typeof itemInput>);
  const doctorOf = (dept: FeeDept): FeeDoctor => {
    const doctors = loadFeeDoctors(db, dept.code);
    return doctors.length > 0
      ? rnd.pick(doctors)
      : { name: '门诊医师', title: '主治医师', level: 'specialist', deptCode: dept.code };
  };
  // One visit unless told otherwise: the same department and doctor, orders a few minutes apart, oldest first.
  const visitDept = deptOf(input.deptCode);
  const visitDoctor = doctorOf(visitDept);
  let bloodDrawn = false;
  const created = db.transaction((): { ids: string[]; eventId: string | null; payOrdId: string | null } => {
    const ids = specs.map((spec, i) => {
      const dept = spec.deptCode === undefined ? visitDept : deptOf(spec.deptCode);
      const doctor = dept === visitDept ? visitDoctor : doctorOf(dept);
      const k = spec.kind ?? input.kind ?? randomKind(rnd);
      const orderedAt = spec.orderedAt
        ? new Date(spec.orderedAt)
        : new Date(now.getTime() - (specs.length - 1 - i) * 5 * MIN);
      const drafted = draftCharge(rnd, k, { seed: ctx.seed, dept, doctor, orderedAt, bloodDrawn });
      bloodDrawn = drafted.bloodDrawn;
      const given = spec.lines ? toLines(spec.lines) : undefined;
      const draft: ChargeDraft = {
        ...drafted.draft,
        title: spec.title ?? (given ? titleFor(k, dept, given, drafted.draft) : drafted.draft.title),
        doctorName: spec.doctorName ?? drafted.draft.doctorName,
        guide: spec.guide ?? drafted.draft.guide,
        lines: given ?? drafted.draft.lines,
      };
      return insertFeeItem(db, { ...draft, patientId: patient.patientId, origin: 'sandbox' });
    });
    // Card read: uploaded and pre-settled with the charges, so the event can name the order.
    const payOrdId =
      input.medInsCard === true
        ? preSettleWithCard(db, { appId: ctx.appId, patient, itemIds: ids, now }).payOrdId
        : null;
    // The doctor finished ordering: one charges.ready event covering the new items, stored with them.
    const rows = ids.map((id) => feeItemRow(db, id)!);
    const eventId =
      input.notify === false ? null : ctx.events.emitChargesReady(rows, payOrdId === null ? null : { payOrdId });
    return { ids, eventId, payOrdId };
  })();
  return ok({
    items: created.ids.map((id) => toHisFeeItem(db, feeItemRow(db, id)!)),
    eventId: created.eventId,
    payOrdId: created.payOrdId,
  });
}

function listFees(ctx: SandboxRouteContext, url: URL): RouteAnswer {
  const { db } = ctx;
  const pid = url.searchParams.get('patientId') || undefined;
  if (pid !== undefined && !patientById(db, pid)) throw new SandboxError('NOT_FOUND', 'patientId: no such patient');
  const status = url.searchParams.get('status') || undefined;
  if (status !== undefined && !['unpaid', 'paid', 'cancelled'].includes(status)) {
    throw new SandboxError('INVALID_REQUEST', 'status: must be unpaid, paid or cancelled');
  }
  const limitRaw = Number(url.searchParams.get('limit') ?? 200);
  const limit = Number.isFinite(limitRaw) ? Math.min(10_000, Math.max(1, Math.floor(limitRaw))) : 200;
  const conds = [pid ? 'patient_id = ?' : '', status ? 'status = ?' : ''].filter(Boolean);
  const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
  const args = [pid, status].filter((a): a is string => a !== undefined);
  const items = db
    .prepare(`SELECT * FROM fee_items ${where} ORDER BY seq DESC LIMIT ?`)
    .all(...args, limit) as FeeItemRow[];
  const settlements = db
    .prepare(`SELECT * FROM fee_settlements ${pid ? 'WHERE patient_id = ?' : ''} ORDER BY seq DESC LIMIT ?`)
    .all(...(pid ? [pid] : []), limit) as SettlementRow[];
  const n = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  const now = ctx.now();
  return ok({
    counts: feeCounts(db, pid),
    // Invariant probes for benchmarks (whole sandbox): both must always be 0.
    invariants: {
      settlementTotalMismatches: n(
        `SELECT COUNT(*) AS n FROM fee_settlements s WHERE s.total_fen <>
           (SELECT COALESCE(SUM(amount_fen), 0) FROM fee_settlement_items i WHERE i.settlement_id = s.settlement_id)`,
      ),
      settledItemsNotPaid: n(
        `SELECT COUNT(*) AS n FROM fee_settlement_items si JOIN fee_items f ON f.item_id = si.item_id
         WHERE f.status <> 'paid' OR f.settlement_id IS NOT si.settlement_id`,
      ),
    },
    limit,
    items: items.map((r) => itemView(ctx, r)),
    settlements: settlements.map((s) => ({
      ...toHisSettlement(db, s, now, ctx.fees.baseUrl),
      paidAt: s.paid_at,
    })),
  });
}

/** Applies `change` to unpaid items only, atomically (NOT_FOUND / INVALID_STATE otherwise); their views after it. */
function changeUnpaid(
  ctx: SandboxRouteContext,
  itemIds: string[],
  change: (r: FeeItemRow) => void,
): ReturnType<typeof itemView>[] {
  const { db } = ctx;
  const rows = db.transaction(() =>
    itemIds.map((id, i) => {
      const r = feeItemRow(db, id);
      if (!r) throw new SandboxError('NOT_FOUND', `itemIds.${i}: no such item`);
      if (r.status !== 'unpaid') throw new SandboxError('INVALID_STATE', `itemIds.${i}: item is ${r.status}`);
      change(r);
      return feeItemRow(db, id)!;
    }),
  )();
  return rows.map((r) => itemView(ctx, r));
}

function cancelItems(ctx: SandboxRouteContext, body: Buffer | undefined): RouteAnswer {
  const { itemIds } = parseBody(itemIdsSchema, body);
  const at = ctx.now().toISOString();
  const st = ctx.db.prepare("UPDATE fee_items SET status = 'cancelled', cancelled_at = ? WHERE item_id = ?");
  return ok({ items: changeUnpaid(ctx, itemIds, (r) => st.run(at, r.item_id)) });
}

function payAtWindow(ctx: SandboxRouteContext, body: Buffer | undefined): RouteAnswer {
  const { itemIds } = parseBody(itemIdsSchema, body);
  const at = ctx.now().toISOString();
  const st = ctx.db.prepare("UPDATE fee_items SET status = 'paid', paid_via = 'window', paid_at = ? WHERE item_id = ?");
  return ok({ items: changeUnpaid(ctx, itemIds, (r) => st.run(at, r.item_id)) });
}

function reprice(ctx: SandboxRouteContext, body: Buffer | undefined): RouteAnswer {
  const input = parseBody(repriceSchema, body);
  const { db } = ctx;
  const [item] = changeUnpaid(ctx, [input.itemId], (r) => {
    if (input.lines) {
      db.prepare('DELETE FROM fee_lines WHERE item_id = ?').run(r.item_id);
      insertLines(db, r.item_id, toLines(input.lines));
    } else {
      // One more of the first line (e.g. the pharmacy dispensed another box); its class stays.
      const first = toHisFeeItem(db, r).lines[0]!;
      const quantity = first.quantity + 1;
      db.prepare('UPDATE fee_lines SET quantity = ?, amount_fen = ? WHERE item_id = ? AND idx = 0').run(
        quantity,
        lineAmount(quantity, first.unitPriceFen),
        r.item_id,
      );
    }
    const amount = feeLines(db, r.item_id).reduce((s, l) => s + l.amountFen, 0);
    db.prepare('UPDATE fee_items SET amount_fen = ? WHERE item_id = ?').run(amount, r.item_id);
  });
  return ok({ item });
}

function config(ctx: SandboxRouteContext, body: Buffer | undefined): RouteAnswer {
  if (body !== undefined) {
    const input = parseBody(configSchema, body);
    if (input.receiptDelayMs !== undefined) ctx.fees.receiptDelayMs = input.receiptDelayMs;
  }
  return ok({ config: { receiptDelayMs: ctx.fees.receiptDelayMs, receiptBaseUrl: ctx.fees.baseUrl } });
}

/** Answers the outpatient-fee sandbox routes; undefined for any other path. */
export function handleFeeSandboxRoute(
  ctx: SandboxRouteContext,
  method: string,
  path: string,
  url: URL,
  body: Buffer | undefined,
): RouteAnswer | undefined {
  const routes: Record<string, () => RouteAnswer> = {
    'POST /sandbox/fees': () => createCharges(ctx, body),
    'GET /sandbox/fees': () => listFees(ctx, url),
    'POST /sandbox/fees/cancel': () => cancelItems(ctx, body),
    'POST /sandbox/fees/pay-at-window': () => payAtWindow(ctx, body),
    'POST /sandbox/fees/reprice': () => reprice(ctx, body),
    'GET /sandbox/fees/config': () => config(ctx, undefined),
    'POST /sandbox/fees/config': () => config(ctx, body ?? Buffer.alloc(0)),
  };
  const route = routes[`${method} ${path}`];
  if (!route) return undefined;
  try {
    return route();
  } catch (err) {
    if (err instanceof SandboxError) return fail(SANDBOX_ERROR_STATUS[err.code], err.code, err.message);
    throw err;
  }
}
