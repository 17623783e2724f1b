/**
 * The cloud side's HIS client for the patient feature: implements HisPatientPort
 * (server/ports/his-patient.ts) over the HIS gateway protocol (docs/his-gateway.md), on the shared
 * transport (./transport: concurrency gate, signing, per-attempt timeout, bounded retries for
 * idempotent calls, zod validation, HisError mapping, one log line per call with method, outcome,
 * attempts and duration only — never a body, a name, an ID number or a phone).
 */
import { z } from 'zod';
import type { HisCreatePatientInput, HisPatient, HisPatientPort } from '../../ports/his-patient';
import { bodyOf, createHisTransport, orNullIfNotFound, type HisClientConfig, type HisClientDeps } from './transport';

const patientSchema = z.object({
  patientId: z.string().min(1),
  cardNo: z.string().min(1),
  name: z.string().min(1),
  idNumber: z.string().regex(/^\d{17}[\dX]$/),
  phone: z.string(),
  gender: z.enum(['M', 'F']),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  socialSecurityNo: z.string().nullable(),
  createdAt: z.string(),
}) satisfies z.ZodType<HisPatient>;

const maybePatientData = z.object({ patient: patientSchema.nullable() });
const patientData = z.object({ patient: patientSchema });

export function createHisPatientClient(config: HisClientConfig, deps: HisClientDeps = {}): HisPatientPort {
  const { call } = createHisTransport(config, deps);

  return {
    async findPatientByIdNumber(idNumber: string): Promise<HisPatient | null> {
      const data = await call('patient.findByIdNumber', { idNumber }, maybePatientData, { idempotent: true });
      return data.patient;
    },

    async getPatient(patientId: string): Promise<HisPatient | null> {
      const data = await orNullIfNotFound(call('patient.get', { patientId }, patientData, { idempotent: true }));
      return data?.patient ?? null;
    },

    async createPatient(input: HisCreatePatientInput): Promise<HisPatient> {
      const body = bodyOf(input, ['requestId', 'name', 'idNumber', 'phone', 'gender', 'birthDate', 'socialSecurityNo']);
      // Retrying a create is safe because it always carries a requestId: the HIS deduplicates by
      // requestId and answers a repeat with the original patient (never a second record). So a
      // timeout whose request did reach the HIS is resolved by the retry.
      const data = await call('patient.create', body, patientData, { idempotent: Boolean(input.requestId) });
      return data.patient;
    },
  };
}
