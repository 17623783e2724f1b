/**
 * The cloud side's HIS booking client: implements HisBookingPort (server/ports/his-booking.ts) over
 * the HIS gateway protocol (docs/his-gateway.md, "Schedules and bookings"), on the shared transport
 * (./transport: signing, per-attempt timeout, bounded retries, zod validation, HisError mapping).
 *
 * Retries: every method here is idempotent — reads, and mutations that carry a requestId
 * (booking.confirm / booking.cancel / booking.checkIn, deduplicated by the gateway) — so all are
 * retried on transient failures (timeouts, network errors, 5xx, UNAVAILABLE/INTERNAL) and never on
 * business refusals. A confirm that still fails with kind 'unavailable' after its retries has an
 * unknown outcome: void it with `cancelBooking({ confirmRequestId })`.
 */
import { z } from 'zod';
import type {
  HisBooking,
  HisBookingPort,
  HisConfirmBookingInput,
  HisDepartment,
  HisDoctor,
  HisSession,
  HisTimePoint,
} from '../../ports/his-booking';
import { bodyOf, createHisTransport, orNullIfNotFound, type HisClientConfig, type HisClientDeps } from './transport';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const time = z.string().regex(/^\d{2}:\d{2}$/);

const departmentSchema = z.object({
  code: z.string().min(1),
  name: z.string().min(1),
  location: z.string(),
  intro: z.string(),
  sort: z.number().int(),
}) satisfies z.ZodType<HisDepartment>;

const doctorSchema = z.object({
  doctorId: z.string().min(1),
  name: z.string().min(1),
  gender: z.enum(['M', 'F']),
  title: z.string().min(1),
  level: z.enum(['expert', 'specialist']),
  deptCode: z.string().min(1),
  specialty: z.string(),
  intro: z.string(),
}) satisfies z.ZodType<HisDoctor>;

const timePointSchema = z.object({
  time,
  endTime: time,
  seatNos: z.array(z.number().int().positive()),
  takenSeatNos: z.array(z.number().int().positive()),
}) satisfies z.ZodType<HisTimePoint>;

const sessionSchema = z.object({
  sessionId: z.string().min(1),
  date,
  period: z.enum(['AM', 'PM']),
  kind: z.enum(['expert', 'specialist']),
  deptCode: z.string().min(1),
  doctorId: z.string().min(1).nullable(),
  feeFen: z.number().int().nonnegative(),
  location: z.string(),
  releaseAt: z.string().min(1),
  status: z.enum(['open', 'stopped']),
  timePoints: z.array(timePointSchema),
}) satisfies z.ZodType<HisSession>;

const bookingSchema = z.object({
  hisBookingId: z.string().min(1),
  confirmRequestId: z.string().min(1),
  sessionId: z.string().min(1),
  time,
  seatNo: z.number().int().positive(),
  patientId: z.string().min(1),
  status: z.enum(['booked', 'cancelled', 'checkedIn', 'completed', 'missed']),
  queueNo: z.number().int().positive().nullable(),
  createdAt: z.string().min(1),
}) satisfies z.ZodType<HisBooking>;

const departmentsData = z.object({ departments: z.array(departmentSchema) });
const doctorsData = z.object({ doctors: z.array(doctorSchema) });
const sessionsData = z.object({ sessions: z.array(sessionSchema) });
const bookingData = z.object({ booking: bookingSchema });
const maybeBookingData = z.object({ booking: bookingSchema.nullable() });
const queueData = z.object({
  nowServing: z.number().int().nonnegative().nullable(),
  checkedIn: z.number().int().nonnegative(),
});

const IDEMPOTENT = { idempotent: true } as const;

export function createHisBookingClient(config: HisClientConfig, deps: HisClientDeps = {}): HisBookingPort {
  const { call } = createHisTransport(config, deps);

  return {
    async listDepartments(): Promise<HisDepartment[]> {
      return (await call('dept.list', {}, departmentsData, IDEMPOTENT)).departments;
    },

    async listDoctors(deptCode?: string): Promise<HisDoctor[]> {
      const body = deptCode === undefined ? {} : { deptCode };
      return (await call('doctor.list', body, doctorsData, IDEMPOTENT)).doctors;
    },

    async querySchedule(q): Promise<HisSession[]> {
      const body: Record<string, string> = { fromDate: q.fromDate, toDate: q.toDate };
      if (q.deptCode !== undefined) body.deptCode = q.deptCode;
      if (q.doctorId !== undefined) body.doctorId = q.doctorId;
      return (await call('schedule.query', body, sessionsData, IDEMPOTENT)).sessions;
    },

    async confirmBooking(input: HisConfirmBookingInput): Promise<HisBooking> {
      const body = bodyOf(input, ['requestId', 'sessionId', 'time', 'seatNo', 'patientId']);
      // Safe to retry: the gateway answers a repeated requestId with the same booking.
      return (await call('booking.confirm', body, bookingData, IDEMPOTENT)).booking;
    },

    async cancelBooking(input: { requestId: string; confirmRequestId: string }): Promise<HisBooking | null> {
      const body = bodyOf(input, ['requestId', 'confirmRequestId']);
      return (await call('booking.cancel', body, maybeBookingData, IDEMPOTENT)).booking;
    },

    async checkIn(input: { requestId: string; hisBookingId: string }): Promise<HisBooking> {
      const body = bodyOf(input, ['requestId', 'hisBookingId']);
      return (await call('booking.checkIn', body, bookingData, IDEMPOTENT)).booking;
    },

    async getBooking(hisBookingId: string): Promise<HisBooking | null> {
      const data = await orNullIfNotFound(call('booking.get', { hisBookingId }, bookingData, IDEMPOTENT));
      return data?.booking ?? null;
    },

    async queueStatus(sessionId: string): Promise<{ nowServing: number | null; checkedIn: number }> {
      return call('queue.status', { sessionId }, queueData, IDEMPOTENT);
    },
  };
}
