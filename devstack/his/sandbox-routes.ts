/**
 * Sandbox-only endpoints (not part of the HIS gateway protocol): unsigned reads for the devstack
 * console and fault injection for tests and benchmarks. Local only — the sandbox binds 127.0.0.1.
 * Answers use the gateway's envelope: `{ code: 'OK', data }` or `{ code, message }`.
 */
import { maskIdNumber, maskName, maskPhone } from '../../common/mask';
import type { HisEventDelivery } from './event-delivery';
import { eventCounts } from './event-store';
import { handleBookingSandboxRoute } from './sandbox-booking-routes';
import { handleEventSandboxRoute } from './sandbox-event-routes';
import { handleFeeSandboxRoute } from './sandbox-fee-routes';
import { handleInsuranceSandboxRoute, insuranceCounts } from './sandbox-insurance-routes';
import { scheduleCounts, type ScheduleConfig } from './booking-store';
import { listPatients, tableCounts, type SandboxDb } from './db';
import { feeCounts, type FeeRuntime } from './fee-store';
import type { HisFaults } from './index';
import { CORS, fail, ok, parseJsonObject, type RouteAnswer } from './sandbox-http';

export type { RouteAnswer } from './sandbox-http';

export interface FaultState {
  failRate: number;
  delayMs: number;
  methods: string[];
  failNext: number;
  applyThenFail: boolean;
  responseDelayMs: number;
}

export interface SandboxRouteContext {
  db: SandboxDb;
  /**
   * The gateway's app id of the cloud client (the one events are signed for): 医保 orders the
   * 医生站 pre-settles belong to it, since that cloud settles them.
   */
  appId: string;
  faults: FaultState;
  setFaults(f: HisFaults): void;
  seed: number;
  now(): Date;
  schedule: ScheduleConfig;
  fees: FeeRuntime;
  /** Outgoing events (charges.ready on POST /sandbox/fees) and their delivery. */
  events: HisEventDelivery;
}

const SAMPLE_NOTICE = '沙箱虚构数据：以下身份仅存在于本地 HIS 沙箱，可用于开发测试时绑定就诊卡，并非真实人员。';

function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  const n = raw === null || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(n)));
}

/** Synchronous except for the event routes that deliver (their answer waits for the deliveries). */
export function handleSandboxRoute(
  ctx: SandboxRouteContext,
  method: string,
  url: URL,
  body?: Buffer,
): RouteAnswer | Promise<RouteAnswer> {
  if (method === 'OPTIONS') return { status: 204, body: '', headers: CORS };
  const path = url.pathname.replace(/\/+$/, '');
  const { db } = ctx;

  const booking = handleBookingSandboxRoute(ctx, method, path, url, body);
  if (booking) return booking;
  const fee = handleFeeSandboxRoute(ctx, method, path, url, body);
  if (fee) return fee;
  const insurance = handleInsuranceSandboxRoute(ctx, method, path, url, body);
  if (insurance) return insurance;
  const events = handleEventSandboxRoute(ctx, method, path, url, body);
  if (events) return events;

  if (method === 'POST' && path === '/sandbox/faults') {
    const parsed = parseJsonObject(body);
    if (!parsed.ok) return parsed.answer;
    ctx.setFaults(parsed.value as HisFaults);
    return ok({ faults: { ...ctx.faults } });
  }
  if (method !== 'GET') return fail(405, 'INVALID_REQUEST', 'method not allowed');

  switch (path) {
    case '/sandbox/health':
      return ok({ status: 'ok', now: ctx.now().toISOString() });
    case '/sandbox/faults':
      return ok({ faults: { ...ctx.faults } });
    case '/sandbox/summary': {
      const hospital = db
        .prepare('SELECT code, name, short_name AS shortName, level, address, phone, notice FROM hospital')
        .get();
      return ok({
        hospital,
        seed: ctx.seed,
        counts: tableCounts(db),
        schedule: { releaseTime: ctx.schedule.releaseTime, ...scheduleCounts(db) },
        fees: { receiptDelayMs: ctx.fees.receiptDelayMs, ...feeCounts(db) },
        insurance: insuranceCounts(db),
        events: eventCounts(db),
        faults: { ...ctx.faults },
      });
    }
    case '/sandbox/departments': {
      const items = db
        .prepare(
          `SELECT d.code, d.name, d.location, d.intro, COUNT(doc.doctor_id) AS doctorCount
           FROM departments d LEFT JOIN doctors doc ON doc.dept_code = d.code GROUP BY d.code ORDER BY d.sort`,
        )
        .all();
      return ok({ items });
    }
    case '/sandbox/doctors': {
      const dept = url.searchParams.get('deptCode');
      const items = db
        .prepare(
          `SELECT doc.doctor_id AS doctorId, doc.name, doc.gender, doc.title, doc.level, doc.dept_code AS deptCode,
                  d.name AS deptName, doc.specialty, doc.intro
           FROM doctors doc JOIN departments d ON d.code = doc.dept_code
           WHERE (? IS NULL OR doc.dept_code = ?) ORDER BY d.sort, doc.doctor_id`,
        )
        .all(dept, dept);
      return ok({ items });
    }
    case '/sandbox/patients': {
      const limit = intParam(url, 'limit', 20, 1, 200);
      const offset = intParam(url, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
      const q = url.searchParams.get('q') ?? undefined;
      const { total, items } = listPatients(db, { limit, offset, q });
      return ok({
        total,
        limit,
        offset,
        items: items.map((p) => ({
          patientId: p.patientId,
          cardNo: p.cardNo,
          name: maskName(p.name),
          idNumber: maskIdNumber(p.idNumber),
          phone: maskPhone(p.phone),
          gender: p.gender,
          birthDate: p.birthDate,
          hasSocialSecurityNo: p.socialSecurityNo !== null,
          createdAt: p.createdAt,
        })),
      });
    }
    case '/sandbox/patients/sample': {
      const count = intParam(url, 'count', 5, 1, 50);
      // Adults from the seed, spread over the table, so the same seed always offers the same identities.
      const adults = db
        .prepare(
          `SELECT patient_id AS patientId, card_no AS cardNo, name, id_number AS idNumber, phone, gender,
                  birth_date AS birthDate
           FROM patients WHERE birth_date <= '2000-12-31' AND seq <= 500 ORDER BY seq`,
        )
        .all() as unknown[];
      const step = Math.max(1, Math.floor(adults.length / count));
      const items = [];
      for (let i = 0; i < count && i * step < adults.length; i++) items.push(adults[i * step]);
      return ok({ notice: SAMPLE_NOTICE, fake: true, items });
    }
    default:
      return fail(404, 'NOT_FOUND', 'no such sandbox endpoint');
  }
}
