/**
 * `payment_lab_quota/{patientKey}`: one document per card (HIS patient) holding its recent
 * self-ordered lab requests (LabQuota, server/domain/payment/lab.ts), changed only by
 * compare-and-set on `version`, so two taps at once can never both pass the daily limit.
 */
import type { LabQuota } from '../../domain/payment/lab';
import type { Database } from '../../ports/cloud-sdk';
import { DocOps } from './doc-ops';

const LAB_QUOTA = 'payment_lab_quota';
const ABSENT_VERSION = -1;

export class LabQuotaStore {
  private readonly ops: DocOps;

  constructor(db: Database) {
    this.ops = new DocOps(db);
  }

  async read(patientKey: string): Promise<{ state: LabQuota; version: number }> {
    const doc = await this.ops.get<LabQuota & { version: number }>(LAB_QUOTA, patientKey);
    if (!doc) return { state: { entries: [] }, version: ABSENT_VERSION };
    return { state: { entries: Array.isArray(doc.entries) ? doc.entries : [] }, version: doc.version ?? 0 };
  }

  /** Writes `next` if nothing changed the document since it was read at `version`. */
  cas(patientKey: string, version: number, next: LabQuota, nowMs: number): Promise<boolean> {
    if (version === ABSENT_VERSION) {
      return this.ops.addIfAbsent(LAB_QUOTA, patientKey, { entries: next.entries, version: 0, updatedAtMs: nowMs });
    }
    return this.ops.updateWhere(
      LAB_QUOTA,
      { _id: patientKey, version },
      { entries: this.ops._.set(next.entries), version: version + 1, updatedAtMs: nowMs },
    );
  }
}
