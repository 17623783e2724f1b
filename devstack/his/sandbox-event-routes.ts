/**
 * Sandbox-only endpoints of the HIS's outgoing events (not part of the HIS gateway protocol;
 * unsigned, local only): the events with their delivery state and log, redelivering one N times
 * at once (for tests of the cloud's idempotency), and emitting `charges.ready` for existing unpaid
 * items. See docs/his-gateway.md, "Events (sandbox-only)".
 */
import { z } from 'zod';
import { PATIENT_ID_RE } from '../../server/adapters/his/protocol';
import { patientById } from './db';
import { SANDBOX_ERROR_STATUS, SandboxError } from './errors';
import { eventCounts, eventRow, eventView, listEvents } from './event-store';
import { feeItemRow, type FeeItemRow } from './fee-store';
import { firstIssue } from './methods/parse';
import { fail, ok, parseJsonObject, type RouteAnswer } from './sandbox-http';
import type { SandboxRouteContext } from './sandbox-routes';

/** Most deliveries one redeliver call makes. */
const MAX_REDELIVER_TIMES = 50;

const emitSchema = z.strictObject({
  type: z.literal('charges.ready'),
  patientId: z.string().regex(PATIENT_ID_RE, 'patientId must be P + 10 digits'),
  itemIds: z
    .array(z.string().min(1).max(64))
    .min(1)
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'itemIds must be distinct'),
});

function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new SandboxError('INVALID_REQUEST', `${name}: must be an integer ${min}-${max}`);
  }
  return n;
}

function list(ctx: SandboxRouteContext, url: URL): RouteAnswer {
  const limit = intParam(url, 'limit', 50, 1, 1000);
  return ok({
    eventsUrl: ctx.events.eventsUrl,
    timeScale: ctx.events.timeScale,
    counts: eventCounts(ctx.db),
    limit,
    items: listEvents(ctx.db, limit).map((r) => eventView(ctx.db, r)),
  });
}

function emit(ctx: SandboxRouteContext, body: Buffer | undefined): RouteAnswer {
  const json = parseJsonObject(body);
  if (!json.ok) return json.answer;
  const r = emitSchema.safeParse(json.value);
  if (!r.success) throw new SandboxError('INVALID_REQUEST', firstIssue(r.error));
  const { patientId, itemIds } = r.data;
  const { db } = ctx;
  if (!patientById(db, patientId)) throw new SandboxError('NOT_FOUND', 'patientId: no such patient');
  const rows: FeeItemRow[] = itemIds.map((id, i) => {
    const row = feeItemRow(db, id);
    if (!row) throw new SandboxError('NOT_FOUND', `itemIds.${i}: no such item`);
    if (row.patient_id !== patientId) throw new SandboxError('INVALID_REQUEST', `itemIds.${i}: another patient's item`);
    if (row.status !== 'unpaid') throw new SandboxError('INVALID_STATE', `itemIds.${i}: item is ${row.status}`);
    return row;
  });
  const eventId = ctx.events.emitChargesReady(rows);
  return ok({ eventId, event: eventView(db, eventRow(db, eventId)!) });
}

async function redeliver(ctx: SandboxRouteContext, eventId: string, url: URL): Promise<RouteAnswer> {
  const times = intParam(url, 'times', 1, 1, MAX_REDELIVER_TIMES);
  const row = eventRow(ctx.db, eventId);
  if (!row) throw new SandboxError('NOT_FOUND', 'no such event');
  if (ctx.events.eventsUrl === null) throw new SandboxError('INVALID_STATE', 'no events URL set');
  const results = await ctx.events.redeliver(row, times);
  return ok({
    eventId,
    statuses: results.map((d) => d.status),
    deliveries: results.map((d) => ({ status: d.status, ms: d.ms, error: d.error ?? null })),
  });
}

const answerError = (err: unknown): RouteAnswer => {
  if (err instanceof SandboxError) return fail(SANDBOX_ERROR_STATUS[err.code], err.code, err.message);
  throw err;
};

/** Answers the event sandbox routes; undefined for any other path. */
export function handleEventSandboxRoute(
  ctx: SandboxRouteContext,
  method: string,
  path: string,
  url: URL,
  body: Buffer | undefined,
): RouteAnswer | Promise<RouteAnswer> | undefined {
  if (path !== '/sandbox/events' && !path.startsWith('/sandbox/events/')) return undefined;
  try {
    if (method === 'GET' && path === '/sandbox/events') return list(ctx, url);
    if (method === 'POST' && path === '/sandbox/events/emit') return emit(ctx, body);
    const m = /^\/sandbox\/events\/([A-Za-z0-9_-]{1,64})\/redeliver$/.exec(path);
    if (method === 'POST' && m) return redeliver(ctx, m[1]!, url).catch(answerError);
  } catch (err) {
    return answerError(err);
  }
  return fail(404, 'NOT_FOUND', 'no such sandbox endpoint');
}
