/**
 * The cloud side's HIS client: implements HisPort over the HIS gateway protocol
 * (docs/his-gateway.md) — JSON over HTTPS, HMAC-signed, per-call timeout, bounded retries for
 * idempotent calls, failures mapped to HisError. Logs one line per call with method, outcome,
 * attempts and duration only — never a body, a name, an ID number or a phone.
 * The transport (signing, retries, validation) lives in ./transport and is shared with
 * ./booking-client.
 */
import { z } from 'zod';
import type { EnvVarName, FunctionEnv } from '../../config/env-vars';
import { HisError, type HisCreatePatientInput, type HisPatient, type HisPort } from '../../ports/his';
import {
  createHisTransport,
  DEFAULT_HIS_RETRIES,
  DEFAULT_HIS_TIMEOUT_MS,
  type HisClientConfig,
  type HisClientDeps,
} from './transport';

export {
  DEFAULT_HIS_RETRIES,
  DEFAULT_HIS_TIMEOUT_MS,
  type HisClientConfig,
  type HisClientDeps,
  type HisTransportCode,
} from './transport';

/** Reads HIS_BASE_URL, HIS_APP_ID, HIS_APP_SECRET, HIS_TIMEOUT_MS, HIS_RETRIES. */
export function hisConfigFromEnv(env: FunctionEnv = process.env): HisClientConfig {
  const required = (name: EnvVarName): string => {
    const v = env[name]?.trim();
    if (!v) throw new Error(`HIS client: environment variable ${name} is not set`);
    return v;
  };
  const int = (name: EnvVarName, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`HIS client: environment variable ${name} must be an integer in [${min}, ${max}]`);
    }
    return n;
  };
  const baseUrl = required('HIS_BASE_URL');
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) {
    throw new Error('HIS client: environment variable HIS_BASE_URL must be an http(s) URL');
  }
  return {
    baseUrl,
    appId: required('HIS_APP_ID'),
    appSecret: required('HIS_APP_SECRET'),
    timeoutMs: int('HIS_TIMEOUT_MS', DEFAULT_HIS_TIMEOUT_MS, 1, 120_000),
    retries: int('HIS_RETRIES', DEFAULT_HIS_RETRIES, 0, 10),
  };
}

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

export function createHisClient(config: HisClientConfig, deps: HisClientDeps = {}): HisPort {
  const { call } = createHisTransport(config, deps);

  return {
    async findPatientByIdNumber(idNumber: string): Promise<HisPatient | null> {
      const data = await call('patient.findByIdNumber', { idNumber }, maybePatientData, { idempotent: true });
      return data.patient;
    },

    async getPatient(patientId: string): Promise<HisPatient | null> {
      try {
        const data = await call('patient.get', { patientId }, patientData, { idempotent: true });
        return data.patient;
      } catch (err) {
        if (err instanceof HisError && err.kind === 'rejected' && err.code === 'NOT_FOUND') return null;
        throw err;
      }
    },

    async createPatient(input: HisCreatePatientInput): Promise<HisPatient> {
      const body = {
        requestId: input.requestId,
        name: input.name,
        idNumber: input.idNumber,
        phone: input.phone,
        gender: input.gender,
        birthDate: input.birthDate,
        socialSecurityNo: input.socialSecurityNo,
      };
      // Retrying a create is safe because it always carries a requestId: the HIS deduplicates by
      // requestId and answers a repeat with the original patient (never a second record). So a
      // timeout whose request did reach the HIS is resolved by the retry.
      const data = await call('patient.create', body, patientData, { idempotent: Boolean(input.requestId) });
      return data.patient;
    },
  };
}
