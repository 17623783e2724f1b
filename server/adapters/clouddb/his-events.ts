/**
 * `his_events/{eventId}`: the HIS events received (type, times, how often delivered) — never their
 * patient data; and the cards of an HIS patient (`patient_cards` by `hisPatientId`, read only).
 */
import { maskName } from '../../../common/mask';
import type { Database } from '../../ports/cloud-sdk';
import type { HisEvent } from '../../ports/his-events';
import { DocOps } from './doc-ops';

const HIS_EVENTS = 'his_events';
const PATIENT_CARDS = 'patient_cards';

export interface CardOwner {
  cardId: string;
  openid: string;
  displayName: string;
}

export class HisEventStore {
  private readonly ops: DocOps;

  constructor(db: Database) {
    this.ops = new DocOps(db);
  }

  /** true the first time this event id is seen; a repeat counts its delivery. */
  async record(e: HisEvent, nowMs: number): Promise<boolean> {
    const data = { type: e.type, occurredAt: e.occurredAt, receivedAtMs: nowMs, deliveries: 1 };
    if (await this.ops.addIfAbsent(HIS_EVENTS, e.eventId, data)) return true;
    await this.ops.updateWhere(HIS_EVENTS, { _id: e.eventId }, { deliveries: this.ops._.inc(1), lastAtMs: nowMs });
    return false;
  }

  async cardsOf(hisPatientId: string): Promise<CardOwner[]> {
    const docs = await this.ops.find<{ _openid: string; name: string; relation: string }>(
      PATIENT_CARDS,
      { hisPatientId },
      { limit: 100 },
    );
    return docs.map((d) => ({
      cardId: d._id,
      openid: d._openid,
      displayName: d.relation === '本人' ? d.name : maskName(d.name ?? ''),
    }));
  }
}
