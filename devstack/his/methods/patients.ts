/** Patients domain: `patient.findByIdNumber`, `patient.get`, `patient.create`. */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { checkIdNumber } from '../../../common/idcard';
import type { HisPatient } from '../../../server/ports/his-patient';
import { businessDate } from '../../../server/core/time';
import {
  MOBILE_RE,
  PATIENT_NAME_RE,
  REQUEST_ID_RE,
  SOCIAL_SECURITY_NO_RE,
} from '../../../server/adapters/his/protocol';
import { insertPatient, patientById, patientByIdNumber } from '../db';
import { SandboxError } from '../errors';
import { patientIdFor } from '../seed';
import { onceAtomically } from './idempotency';
import { parse } from './parse';
import type { MethodContext, MethodHandler } from './types';

const idNumberField = z
  .string()
  .regex(/^\d{17}[\dXx]$/, 'idNumber must be 18 characters: 17 digits and a digit or X')
  .transform((s) => s.toUpperCase());

const findSchema = z.strictObject({ idNumber: idNumberField });
const getSchema = z.strictObject({ patientId: z.string().regex(/^P\d{10}$/, 'patientId must be P + 10 digits') });

const createSchema = z.strictObject({
  requestId: z.string().regex(REQUEST_ID_RE, 'requestId must be 8-128 characters [A-Za-z0-9_.:-]'),
  name: z.string().refine((s) => {
    const n = Array.from(s).length;
    return n >= 2 && n <= 20 && PATIENT_NAME_RE.test(s);
  }, 'name must be 2-20 Chinese or Latin letters, parts joined by ·'),
  idNumber: idNumberField,
  phone: z.string().regex(MOBILE_RE, 'phone must be a mainland mobile number'),
  gender: z.enum(['M', 'F']),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'birthDate must be YYYY-MM-DD'),
  socialSecurityNo: z
    .string()
    .regex(SOCIAL_SECURITY_NO_RE, 'socialSecurityNo must be 6-32 letters or digits')
    .nullable(),
});

function newCardNo(ctx: MethodContext): string {
  const taken = ctx.db.prepare('SELECT 1 FROM patients WHERE card_no = ?');
  for (;;) {
    const cardNo = `3${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
    if (!taken.get(cardNo)) return cardNo;
  }
}

const findByIdNumber: MethodHandler = (body, ctx) => {
  const { idNumber } = parse(findSchema, body);
  return { patient: patientByIdNumber(ctx.db, idNumber) };
};

const get: MethodHandler = (body, ctx) => {
  const { patientId } = parse(getSchema, body);
  const patient = patientById(ctx.db, patientId);
  if (!patient) throw new SandboxError('NOT_FOUND', 'no patient with this patientId');
  return { patient };
};

const create: MethodHandler = (body, ctx) => {
  const input = parse(createSchema, body);
  const now = ctx.now();
  const check = checkIdNumber(input.idNumber, businessDate(now));
  if (!check.ok) throw new SandboxError('INVALID_REQUEST', `idNumber: ${check.problem}`);
  if (check.info.gender !== input.gender) throw new SandboxError('INVALID_REQUEST', 'gender: does not match idNumber');
  if (check.info.birthDate !== input.birthDate) {
    throw new SandboxError('INVALID_REQUEST', 'birthDate: does not match idNumber');
  }
  return onceAtomically(ctx, 'patient.create', input, now, (): { patient: HisPatient } => {
    if (patientByIdNumber(ctx.db, input.idNumber)) {
      throw new SandboxError('PATIENT_EXISTS', 'a patient with this idNumber is already registered');
    }
    const { n } = ctx.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM patients').get() as { n: number };
    const row = {
      seq: n,
      patientId: patientIdFor(n),
      cardNo: newCardNo(ctx),
      name: input.name,
      idNumber: input.idNumber,
      phone: input.phone,
      gender: input.gender,
      birthDate: input.birthDate,
      socialSecurityNo: input.socialSecurityNo,
      createdAt: now.toISOString(),
    };
    insertPatient(ctx.db, row);
    const { seq: _seq, ...patient } = row;
    return { patient };
  });
};

export const patientMethods: Record<string, MethodHandler> = {
  'patient.findByIdNumber': findByIdNumber,
  'patient.get': get,
  'patient.create': create,
};
