/**
 * Sandbox-only 医保 endpoints (not part of the HIS gateway protocol; unsigned, local only): a
 * patient's 医保 standing (scheme, 个人账户 balance, this year's deductible used and fund paid, their
 * orders), setting it for tests and benchmarks, and whole-sandbox counts with invariant probes.
 * See docs/his-gateway.md, "医保 data (sandbox-only)".
 */
import { z } from 'zod';
import { PATIENT_ID_RE } from '../../server/adapters/his/protocol';
import { patientById, type SandboxDb } from './db';
import { SANDBOX_ERROR_STATUS, SandboxError } from './errors';
import { INSURANCE_SCHEMES, OUTPATIENT_POLICY } from './insurance-data';
import {
  accountRow,
  businessYear,
  defaultAccount,
  ordersOfPatient,
  setYearUsage,
  toHisInsuranceOrder,
  upsertAccount,
  yearUsage,
} from './insurance-store';
import { firstIssue } from './methods/parse';
import { fail, ok, parseJsonObject, type RouteAnswer } from './sandbox-http';
import type { SandboxRouteContext } from './sandbox-routes';

const fen = z.number().int().min(0).max(100_000_000);
const year = z.number().int().min(2000).max(2100);
const accountSchema = z.strictObject({
  patientId: z.string().regex(PATIENT_ID_RE, 'patientId must be P + 10 digits'),
  scheme: z.enum(INSURANCE_SCHEMES).optional(),
  balanceFen: fen.optional(),
  year: year.optional(),
  deductibleUsedFen: fen.optional(),
  fundPaidFen: fen.optional(),
});

function parseBody<S extends z.ZodType>(schema: S, body: Buffer | undefined): z.infer<S> {
  const json = parseJsonObject(body);
  if (!json.ok) throw new SandboxError('INVALID_REQUEST', 'body must be a JSON object');
  const r = schema.safeParse(json.value);
  if (!r.success) throw new SandboxError('INVALID_REQUEST', firstIssue(r.error));
  return r.data;
}

/** The patient (NOT_FOUND otherwise). */
function patientOf(db: SandboxDb, patientId: string) {
  const patient = patientById(db, patientId);
  if (!patient) throw new SandboxError('NOT_FOUND', 'patientId: no such patient');
  return patient;
}

/** A patient's 医保 standing in `yr` and their latest orders (an account not stored yet shows its default). */
function standingView(ctx: SandboxRouteContext, patientId: string, yr: number) {
  const { db } = ctx;
  const patient = patientOf(db, patientId);
  const insured = patient.socialSecurityNo !== null;
  const stored = accountRow(db, patientId);
  const account = stored ?? (insured ? defaultAccount(patient, ctx.now()) : undefined);
  return {
    patientId,
    insured,
    year: yr,
    account: account
      ? {
          scheme: account.scheme,
          insuType: OUTPATIENT_POLICY[account.scheme].insuType,
          balanceFen: account.balance_fen,
          origin: account.origin,
          stored: stored !== undefined,
        }
      : null,
    policy: account ? OUTPATIENT_POLICY[account.scheme] : null,
    usage: yearUsage(db, patientId, yr),
    orders: ordersOfPatient(db, patientId, 50).map((r) => toHisInsuranceOrder(db, r)),
  };
}

function setAccount(ctx: SandboxRouteContext, body: Buffer | undefined): RouteAnswer {
  const input = parseBody(accountSchema, body);
  const { db } = ctx;
  const patient = patientOf(db, input.patientId);
  if (patient.socialSecurityNo === null) throw new SandboxError('NOT_INSURED', 'patientId: no 医保 on the HIS record');
  const yr = input.year ?? businessYear(ctx.now());
  const current = accountRow(db, patient.patientId) ?? defaultAccount(patient, ctx.now());
  const scheme = input.scheme ?? current.scheme;
  const policy = OUTPATIENT_POLICY[scheme];
  const usage = yearUsage(db, patient.patientId, yr);
  const next = {
    deductibleUsedFen: input.deductibleUsedFen ?? usage.deductibleUsedFen,
    fundPaidFen: input.fundPaidFen ?? usage.fundPaidFen,
  };
  if (next.deductibleUsedFen > policy.deductibleFen) {
    throw new SandboxError('INVALID_REQUEST', `deductibleUsedFen: at most the deductible (${policy.deductibleFen})`);
  }
  if (next.fundPaidFen > policy.annualCapFen) {
    throw new SandboxError('INVALID_REQUEST', `fundPaidFen: at most the annual cap (${policy.annualCapFen})`);
  }
  db.transaction(() => {
    const balance = input.balanceFen ?? current.balance_fen;
    upsertAccount(db, { patient_id: patient.patientId, scheme, balance_fen: balance, origin: 'sandbox' });
    setYearUsage(db, patient.patientId, yr, next);
  })();
  return ok(standingView(ctx, patient.patientId, yr));
}

const count = (db: SandboxDb, sql: string): number => (db.prepare(sql).get() as { n: number }).n;

/** Whole-sandbox 医保 counts (also in GET /sandbox/summary). */
export function insuranceCounts(db: SandboxDb) {
  const byStatus = db.prepare('SELECT status, COUNT(*) AS n FROM insurance_orders GROUP BY status').all() as {
    status: string;
    n: number;
  }[];
  return {
    insuredPatients: count(db, 'SELECT COUNT(*) AS n FROM patients WHERE social_security_no IS NOT NULL'),
    accounts: count(db, 'SELECT COUNT(*) AS n FROM insurance_accounts'),
    orders: Object.fromEntries(
      ['uploaded', 'preSettled', 'settled', 'refunded', 'revoked'].map((s) => [
        s,
        byStatus.find((r) => r.status === s)?.n ?? 0,
      ]),
    ),
  };
}

/** Whole-sandbox counts and invariant probes (every probe must always be 0). */
function summary(db: SandboxDb) {
  return {
    counts: insuranceCounts(db),
    invariants: {
      splitIdentityViolations: count(
        db,
        `SELECT COUNT(*) AS n FROM insurance_orders WHERE fund_pay IS NOT NULL AND (
           fund_pay + psn_acct_pay + own_pay_amt <> fee_sumamt OR inscp_scp_amt <> fee_sumamt - fulamt_ownpay_amt - preselfpay_amt
           OR fund_pay < 0 OR psn_acct_pay < 0 OR own_pay_amt < 0 OR act_pay_dedc < 0)`,
      ),
      settledOrdersNotPaid: count(
        db,
        `SELECT COUNT(*) AS n FROM insurance_orders o JOIN insurance_order_items i ON i.pay_ord_id = o.pay_ord_id
         JOIN fee_items f ON f.item_id = i.item_id
         WHERE o.status IN ('settled','refunded') AND (f.status <> 'paid' OR f.settlement_id IS NOT o.settlement_id)`,
      ),
      settlementTotalMismatches: count(
        db,
        `SELECT COUNT(*) AS n FROM insurance_orders o JOIN fee_settlements s ON s.settlement_id = o.settlement_id
         WHERE s.total_fen <> o.fee_sumamt`,
      ),
    },
  };
}

/** Answers the 医保 sandbox routes; undefined for any other path. */
export function handleInsuranceSandboxRoute(
  ctx: SandboxRouteContext,
  method: string,
  path: string,
  url: URL,
  body: Buffer | undefined,
): RouteAnswer | undefined {
  const route = `${method} ${path}`;
  if (route !== 'GET /sandbox/insurance' && route !== 'POST /sandbox/insurance/accounts') return undefined;
  try {
    if (method === 'POST') return setAccount(ctx, body);
    const pid = url.searchParams.get('patientId');
    if (!pid) return ok(summary(ctx.db));
    const yr = year.safeParse(Number(url.searchParams.get('year') ?? businessYear(ctx.now())));
    if (!yr.success) throw new SandboxError('INVALID_REQUEST', 'year: must be 2000-2100');
    return ok(standingView(ctx, pid, yr.data));
  } catch (err) {
    if (err instanceof SandboxError) return fail(SANDBOX_ERROR_STATUS[err.code], err.code, err.message);
    throw err;
  }
}
