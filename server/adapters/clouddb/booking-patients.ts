/**
 * The per-HIS-patient rule state (`booking_patients/bp_<hmac>`: active bookings, no-shows), changed
 * only by compare-and-set on `version`.
 */
import type { PatientRuleState } from '../../domain/booking/types';
import { BOOKING_COLLECTIONS as C } from './booking-ids';
import type { DocOps } from './doc-ops';

/** read()'s version of a patient without a `booking_patients` document yet. */
const ABSENT_VERSION = -1;

interface PatientDoc extends PatientRuleState {
  _id: string;
  version: number;
  updatedAtMs: number;
}

export type PatientRead = { state: PatientRuleState; version: number };

export class PatientStore {
  constructor(private readonly ops: DocOps) {}

  /** The rule state and its version; an absent document is the empty state at version −1 (see cas). */
  async read(patientKey: string): Promise<PatientRead> {
    const doc = await this.ops.get<PatientDoc>(C.patients, patientKey);
    if (!doc) return { state: { active: [], noShows: [] }, version: ABSENT_VERSION };
    return {
      state: {
        active: Array.isArray(doc.active) ? doc.active : [],
        noShows: Array.isArray(doc.noShows) ? doc.noShows : [],
      },
      version: typeof doc.version === 'number' ? doc.version : 0,
    };
  }

  /** Compare-and-set on `version`; at version −1 (absent) it creates the document (one creator wins). */
  cas(patientKey: string, version: number, next: PatientRuleState, nowMs: number): Promise<boolean> {
    if (version === ABSENT_VERSION) {
      return this.ops.addIfAbsent(C.patients, patientKey, {
        active: next.active,
        noShows: next.noShows,
        activeCount: next.active.length,
        version: 1,
        updatedAtMs: nowMs,
      });
    }
    const _ = this.ops._;
    return this.ops.updateWhere(
      C.patients,
      { _id: patientKey, version },
      {
        active: _.set(next.active),
        noShows: _.set(next.noShows),
        activeCount: next.active.length,
        version: _.inc(1),
        updatedAtMs: nowMs,
      },
    );
  }
}
