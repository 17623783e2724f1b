/**
 * 就诊人管理: load → decide (pure, server/domain/patient) → persist (transaction) for each action.
 * Nothing here logs payloads or patient data.
 */
import type {
  PatientBindResponse,
  PatientCardView,
  PatientListResponse,
  PatientUnbindResponse,
  Relation,
} from '../../../typings/patient';
import { checkIdNumber, ID_NUMBER_MESSAGES } from '../../../common/idcard';
import { aborted, AppError, invalid, notFound, refusalError, unavailable } from '../../core/errors';
import type { Caller } from '../../core/handler';
import { businessDate, type Clock } from '../../core/time';
import type { Database } from '../../ports/cloud-sdk';
import { HisError } from '../../ports/his-error';
import type { HisPatient, HisPatientPort } from '../../ports/his-patient';
import { patientRules, type PatientRules } from '../../config/patient-rules';
import { piiHashKeyFromEnv } from '../../config/pii';
import { PatientCardStore } from '../../adapters/clouddb/patient-cards';
import { isTransactionConflict } from '../../adapters/clouddb/errors';
import {
  buildCardRecord,
  decideBind,
  decideLink,
  decideSetDefault,
  decideUnbind,
  EMPTY_USER_STATE,
  PATIENT_MESSAGES,
  toView,
  type BindCandidate,
  type PatientCardRecord,
  type PatientUserState,
} from '../../domain/patient';
import { callHis, HIS_BUSY_MESSAGE, mapHisError, type HisCallOptions } from '../his-errors';
import { patientKeys, type PatientKeys } from './keys';

export interface PatientServiceDeps {
  db: Database;
  his: HisPatientPort;
  /** Overrides the caller's clock (tests). */
  clock?: Clock;
  rules?: Partial<PatientRules>;
  /** Defaults to env PII_HASH_KEY (see server/config/pii.ts). */
  piiHashKey?: string;
}

export type { Caller };

export interface BindInput {
  name: string;
  idNumber: string;
  phone: string;
  relation: Relation;
  socialSecurityNo?: string | undefined;
}

type TxOutcome<T> = { ok: true; value: T } | { ok: false; error: AppError };

const cardNotFound = (): AppError => notFound(PATIENT_MESSAGES.notFound);
const duplicate = (): AppError => new AppError('ALREADY_EXISTS', PATIENT_MESSAGES.duplicate, { reason: 'duplicate' });
/** The HIS lookups and 建档 carry what the patient entered. */
const INPUT: HisCallOptions = { input: true };

/** Concurrent changes to the same user's cards that the DB could not serialize: ask to retry. */
function conflictOr(err: unknown): unknown {
  return isTransactionConflict(err)
    ? aborted('操作过于频繁，请稍后再试', { reason: 'contention', detail: 'patient tx conflict' })
    : err;
}

/** The ID-number check that needs the business date (so it cannot live in the static schema). */
export function parseIdNumber(raw: string, today: string): { idNumber: string; birthDate: string; gender: 'M' | 'F' } {
  const res = checkIdNumber(raw, today);
  if (!res.ok) throw invalid('idNumber', ID_NUMBER_MESSAGES[res.problem]);
  return res.info;
}

export class PatientService {
  private readonly store: PatientCardStore;
  private readonly rules: PatientRules;
  private readonly keys: PatientKeys;

  constructor(private readonly deps: PatientServiceDeps) {
    this.store = new PatientCardStore(deps.db);
    this.rules = patientRules(deps.rules);
    this.keys = patientKeys(deps.piiHashKey ?? piiHashKeyFromEnv());
  }

  private now(caller: Caller): Date {
    return (this.deps.clock ?? caller.now)();
  }

  async list(caller: Caller): Promise<PatientListResponse> {
    const today = businessDate(this.now(caller));
    const cards = await this.store.listByOwner(caller.openid);
    return { cards: cards.map((c) => toView(c, today)), limit: this.rules.maxCardsPerUser };
  }

  async get(caller: Caller, cardId: string): Promise<PatientCardView> {
    const today = businessDate(this.now(caller));
    const card = await this.store.findOwned(caller.openid, cardId);
    if (!card) throw cardNotFound();
    return toView(card, today);
  }

  async bind(caller: Caller, input: BindInput): Promise<PatientBindResponse> {
    const now = this.now(caller);
    const today = businessDate(now);
    // validate (the part that needs the clock)
    const id = parseIdNumber(input.idNumber, today);

    // load + pre-decide: refusals that need no HIS never reach it
    const existing = await this.store.listByOwner(caller.openid);
    const base: BindCandidate = {
      name: input.name,
      idNumberHash: this.keys.idNumberHash(id.idNumber),
      birthDate: id.birthDate,
      relation: input.relation,
    };
    const pre = decideBind(existing, base, this.rules, today);
    if (!pre.ok) throw refusalError(pre.refusal);

    // the HIS: find, or create (建档) idempotently
    const { patient, created } = await this.findOrCreate(input, id);

    // decide with the HIS facts
    const decision = decideBind(
      existing,
      {
        ...base,
        birthDate: patient.birthDate,
        his: { patientId: patient.patientId, name: patient.name, existed: !created },
      },
      this.rules,
      today,
    );
    if (!decision.ok) throw refusalError(decision.refusal);

    // persist: the link and the per-user summary in one transaction
    const cardId = this.keys.cardId(caller.openid, patient.patientId);
    const userId = this.keys.userId(caller.openid);
    const draft = buildCardRecord({
      cardId,
      openid: caller.openid,
      hisPatientId: patient.patientId,
      cardNo: patient.cardNo,
      name: patient.name,
      idNumber: patient.idNumber || id.idNumber,
      idNumberHash: base.idNumberHash,
      phone: patient.phone || input.phone,
      gender: patient.gender,
      birthDate: patient.birthDate,
      relation: input.relation,
      socialSecurityNo: patient.socialSecurityNo ?? input.socialSecurityNo ?? null,
      isDefault: false,
      boundAt: now,
    });

    await this.store.ensureUser(userId, caller.openid, now);
    let outcome: TxOutcome<PatientCardRecord>;
    try {
      outcome = await this.store.transact(async (tx) => {
        if (await tx.getOwnedCard(caller.openid, cardId)) {
          return { ok: false, error: duplicate() };
        }
        const state = (await tx.getUser(userId)) ?? EMPTY_USER_STATE;
        const link = decideLink(state, { cardId, relation: input.relation }, this.rules);
        if (!link.ok) return { ok: false, error: refusalError(link.refusal) };
        const card: PatientCardRecord = { ...draft, isDefault: link.isDefault };
        await tx.addCard(card);
        await tx.putUser(userId, caller.openid, link.next, now);
        return { ok: true, value: card };
      });
    } catch (err) {
      // A concurrent bind of the same patient won the race (the deterministic _id collided).
      if (await this.store.findOwned(caller.openid, cardId)) throw duplicate();
      throw conflictOr(err);
    }
    if (!outcome.ok) throw outcome.error;
    return { ...toView(outcome.value, today), createdInHis: created };
  }

  async unbind(caller: Caller, cardId: string): Promise<PatientUnbindResponse> {
    const now = this.now(caller);
    if (!(await this.store.findOwned(caller.openid, cardId))) throw cardNotFound();
    const userId = this.keys.userId(caller.openid);
    await this.store.ensureUser(userId, caller.openid, now);
    const outcome = await this.store
      .transact<TxOutcome<string | null>>(async (tx) => {
        if (!(await tx.getOwnedCard(caller.openid, cardId))) return { ok: false, error: cardNotFound() };
        let state = (await tx.getUser(userId)) ?? EMPTY_USER_STATE;
        let decision = decideUnbind(state, cardId);
        // Skip promotion candidates whose card document is gone (a summary out of step heals here).
        while (decision.newDefaultCardId && !(await tx.getOwnedCard(caller.openid, decision.newDefaultCardId))) {
          const gone = decision.newDefaultCardId;
          state = { ...state, cardIds: state.cardIds.filter((id) => id !== gone) };
          decision = decideUnbind(state, cardId);
        }
        await tx.removeCard(cardId);
        if (decision.newDefaultCardId) await tx.setCardDefault(decision.newDefaultCardId, true);
        await tx.putUser(userId, caller.openid, decision.next, now);
        return { ok: true, value: decision.newDefaultCardId };
      })
      .catch((err: unknown) => Promise.reject(conflictOr(err)));
    if (!outcome.ok) throw outcome.error;
    return { cardId, newDefaultCardId: outcome.value };
  }

  async setDefault(caller: Caller, cardId: string): Promise<PatientCardView> {
    const now = this.now(caller);
    const today = businessDate(now);
    if (!(await this.store.findOwned(caller.openid, cardId))) throw cardNotFound();
    const userId = this.keys.userId(caller.openid);
    await this.store.ensureUser(userId, caller.openid, now);
    const outcome = await this.store
      .transact<TxOutcome<PatientCardRecord>>(async (tx) => {
        const card = await tx.getOwnedCard(caller.openid, cardId);
        if (!card) return { ok: false, error: cardNotFound() };
        const state: PatientUserState = (await tx.getUser(userId)) ?? EMPTY_USER_STATE;
        const decision = decideSetDefault(state, cardId);
        const prev = decision.previousDefaultCardId;
        if (prev && (await tx.getOwnedCard(caller.openid, prev))) await tx.setCardDefault(prev, false);
        if (!card.isDefault) await tx.setCardDefault(cardId, true);
        if (decision.changed) await tx.putUser(userId, caller.openid, decision.next, now);
        return { ok: true, value: { ...card, isDefault: true } };
      })
      .catch((err: unknown) => Promise.reject(conflictOr(err)));
    if (!outcome.ok) throw outcome.error;
    return toView(outcome.value, today);
  }

  private async findOrCreate(
    input: BindInput,
    id: { idNumber: string; birthDate: string; gender: 'M' | 'F' },
  ): Promise<{ patient: HisPatient; created: boolean }> {
    const { his } = this.deps;
    const found = await callHis('findPatientByIdNumber', () => his.findPatientByIdNumber(id.idNumber), INPUT);
    if (found) return { patient: found, created: false };
    try {
      const patient = await his.createPatient({
        name: input.name,
        idNumber: id.idNumber,
        phone: input.phone,
        gender: id.gender,
        birthDate: id.birthDate,
        socialSecurityNo: input.socialSecurityNo ?? null,
        requestId: this.keys.hisCreateRequestId(id.idNumber),
      });
      return { patient, created: true };
    } catch (err) {
      if (!(err instanceof HisError && err.kind === 'rejected' && err.code === 'PATIENT_EXISTS')) {
        throw mapHisError('createPatient', err, INPUT);
      }
      // Someone registered this ID number in between (another user, a kiosk): link to that record.
      const again = await callHis('findPatientByIdNumber', () => his.findPatientByIdNumber(id.idNumber), INPUT);
      if (!again) {
        throw unavailable(HIS_BUSY_MESSAGE, {
          reason: 'hisUnavailable',
          detail: 'his createPatient PATIENT_EXISTS but not found',
        });
      }
      return { patient: again, created: false };
    }
  }
}
