/**
 * `payment_contracts/wc_<hash>`: withholding (代扣) contracts, one per (WeChat user, card). Every
 * change is a compare-and-set on `rev`, so notifications, queries, the patient's taps and the
 * deductions' ledger apply once whatever their order. Also reads, of `patient_cards` (the patient
 * function's), whether a patient's cards say it is insured.
 */
import type { ContractRecord } from '../../domain/withholding/contract';
import type { Database, DocData } from '../../ports/cloud-sdk';
import { DocOps, stripId } from './doc-ops';
import { HisEventStore, type CardOwner } from './his-events';

const CONTRACTS = 'payment_contracts';
const PATIENT_CARDS = 'patient_cards';

export type StoredContract = ContractRecord & { rev: number };

export class ContractStore {
  private readonly ops: DocOps;
  private readonly cards: HisEventStore;

  constructor(db: Database) {
    this.ops = new DocOps(db);
    this.cards = new HisEventStore(db);
  }

  /** The cards of an HIS patient with their holders (who is told when a deduction did not succeed). */
  cardsOf(hisPatientId: string): Promise<CardOwner[]> {
    return this.cards.cardsOf(hisPatientId);
  }

  get(id: string): Promise<StoredContract | null> {
    return this.ops.get<StoredContract>(CONTRACTS, id);
  }

  add(c: ContractRecord): Promise<boolean> {
    return this.ops.addIfAbsent(CONTRACTS, c._id, { ...stripId(c), rev: 0 });
  }

  /** Updates the contract if nothing changed it since it was read at `rev`. */
  cas(id: string, rev: number, data: DocData, nowMs: number): Promise<boolean> {
    const set = 'ledger' in data ? { ...data, ledger: this.ops._.set(data.ledger) } : data;
    return this.ops.updateWhere(CONTRACTS, { _id: id, rev }, { ...set, rev: rev + 1, updatedAtMs: nowMs });
  }

  /** The active contracts of an HIS patient's cards (any WeChat user), earliest signed first. */
  async activeOf(hisPatientId: string): Promise<StoredContract[]> {
    const docs = await this.ops.find<StoredContract>(CONTRACTS, { hisPatientId, status: 'active' }, { limit: 20 });
    return docs.sort((a, b) => (a.signedAtMs ?? Infinity) - (b.signedAtMs ?? Infinity));
  }

  /** Whether any card of the patient has a social-security card bound (医保). */
  async patientInsured(hisPatientId: string): Promise<boolean> {
    const docs = await this.ops.find<{ socialSecurityMasked?: string | null }>(
      PATIENT_CARDS,
      { hisPatientId },
      { limit: 100 },
    );
    return docs.some((d) => typeof d.socialSecurityMasked === 'string' && d.socialSecurityMasked !== '');
  }
}
