/**
 * Storage of patient-card links, against the `Database` port only.
 *
 * Collections
 * - `patient_cards`: one document per link WeChat user ↔ HIS patient (see PatientCardRecord). `_id`
 *   is deterministic (keyed hash of openid + HIS patient id), so two concurrent binds of the same
 *   patient by the same user cannot both land: the second `add` of the same `_id` is rejected.
 * - `patient_users`: one document per WeChat user (`_id` = keyed hash of the openid) holding
 *   `cardIds`, `cardCount`, `selfCardId`, `defaultCardId`. Every bind/unbind/setDefault writes it in
 *   the same transaction as the card documents, so concurrent calls conflict on it and the card
 *   limit, the single 本人 and the single default hold.
 *
 * Every read by card id also filters by `_openid`: another user's card looks exactly like a
 * missing one.
 */
import type { Database, Transaction } from '../../ports/cloud-sdk';
import type { PatientCardRecord, PatientUserState } from '../../domain/patient/types';
import { isDocNotFound } from './errors';

export const PATIENT_CARDS = 'patient_cards';
export const PATIENT_USERS = 'patient_users';

/** More than any configured card limit; a user never has this many links. */
const LIST_LIMIT = 100;

export interface PatientUserDoc extends PatientUserState {
  _openid: string;
  cardCount: number;
  updatedAt: string;
}

type WithoutId<T> = Omit<T, '_id'>;

function stripId<T extends { _id?: unknown }>(doc: T): WithoutId<T> {
  const { _id: _ignored, ...rest } = doc;
  return rest;
}

function toUserDoc(openid: string, state: PatientUserState, now: Date): PatientUserDoc {
  return {
    _openid: openid,
    cardIds: [...state.cardIds],
    cardCount: state.cardIds.length,
    selfCardId: state.selfCardId,
    defaultCardId: state.defaultCardId,
    updatedAt: now.toISOString(),
  };
}

function toUserState(doc: Partial<PatientUserDoc>): PatientUserState {
  return {
    cardIds: Array.isArray(doc.cardIds) ? doc.cardIds.filter((x): x is string => typeof x === 'string') : [],
    selfCardId: typeof doc.selfCardId === 'string' ? doc.selfCardId : null,
    defaultCardId: typeof doc.defaultCardId === 'string' ? doc.defaultCardId : null,
  };
}

/** Reconstructs the per-user summary from the card documents (first use, or a lost summary). */
export function userStateFromCards(cards: readonly PatientCardRecord[]): PatientUserState {
  const sorted = [...cards].sort((a, b) => a.boundAtMs - b.boundAtMs);
  const dflt = sorted.find((c) => c.isDefault) ?? sorted[sorted.length - 1];
  return {
    cardIds: sorted.map((c) => c._id),
    selfCardId: sorted.find((c) => c.relation === '本人')?._id ?? null,
    defaultCardId: dflt?._id ?? null,
  };
}

/** Operations available inside one transaction. */
export interface PatientTx {
  getUser(userId: string): Promise<PatientUserState | null>;
  putUser(userId: string, openid: string, state: PatientUserState, now: Date): Promise<void>;
  /** The card when it exists and belongs to `openid`, else null. */
  getOwnedCard(openid: string, cardId: string): Promise<PatientCardRecord | null>;
  addCard(card: PatientCardRecord): Promise<void>;
  removeCard(cardId: string): Promise<void>;
  setCardDefault(cardId: string, isDefault: boolean): Promise<void>;
}

export class PatientCardStore {
  constructor(private readonly db: Database) {}

  /** The caller's cards, oldest first. */
  async listByOwner(openid: string): Promise<PatientCardRecord[]> {
    const res = await this.db
      .collection<PatientCardRecord>(PATIENT_CARDS)
      .where({ _openid: openid })
      .orderBy('boundAtMs', 'asc')
      .limit(LIST_LIMIT)
      .get();
    return res.data;
  }

  async findOwned(openid: string, cardId: string): Promise<PatientCardRecord | null> {
    const res = await this.db
      .collection<PatientCardRecord>(PATIENT_CARDS)
      .where({ _id: cardId, _openid: openid })
      .limit(1)
      .get();
    return res.data[0] ?? null;
  }

  /**
   * Makes sure the per-user document exists before a transaction updates it, so concurrent
   * transactions always conflict on an existing document. Creates it from the card documents.
   */
  async ensureUser(userId: string, openid: string, now: Date): Promise<void> {
    const ref = this.db.collection<PatientUserDoc>(PATIENT_USERS).doc(userId);
    if (await getOrNull(() => ref.get())) return;
    const state = userStateFromCards(await this.listByOwner(openid));
    try {
      await this.db.collection(PATIENT_USERS).add({ data: { _id: userId, ...toUserDoc(openid, state, now) } });
    } catch (err) {
      // A concurrent call created it first: fine. Anything else is a real failure.
      if (!(await getOrNull(() => ref.get()))) throw err;
    }
  }

  /** Runs `fn` in one transaction; `fn` must not write after deciding to refuse (return instead). */
  transact<R>(fn: (tx: PatientTx) => Promise<R>): Promise<R> {
    return this.db.runTransaction((t) => fn(txOps(t)));
  }
}

async function getOrNull<T>(read: () => Promise<{ data: T }>): Promise<T | null> {
  try {
    const res = await read();
    return res.data ?? null;
  } catch (err) {
    if (isDocNotFound(err)) return null;
    throw err;
  }
}

function txOps(t: Transaction): PatientTx {
  const cards = () => t.collection<PatientCardRecord>(PATIENT_CARDS);
  const users = () => t.collection<PatientUserDoc>(PATIENT_USERS);
  return {
    async getUser(userId) {
      const doc = await getOrNull(() => users().doc(userId).get());
      return doc ? toUserState(doc) : null;
    },
    async putUser(userId, openid, state, now) {
      await users()
        .doc(userId)
        .set({ data: toUserDoc(openid, state, now) });
    },
    async getOwnedCard(openid, cardId) {
      const doc = await getOrNull(() => cards().doc(cardId).get());
      return doc && doc._openid === openid ? doc : null;
    },
    async addCard(card) {
      await cards().add({ data: { _id: card._id, ...stripId(card) } });
    },
    async removeCard(cardId) {
      await cards().doc(cardId).remove();
    },
    async setCardDefault(cardId, isDefault) {
      await cards().doc(cardId).update({ data: { isDefault } });
    },
  };
}
