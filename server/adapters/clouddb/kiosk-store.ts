/**
 * The kiosk API's failure counters (`kiosk_limits/{k_<kioskId> | c_<hmac of code>}`), changed by
 * compare-and-set on `version`. A code value is stored only as a keyed hash.
 */
import type { LimitState } from '../../domain/kiosk/limits';
import { EMPTY_LIMIT } from '../../domain/kiosk/limits';
import type { Database } from '../../ports/cloud-sdk';
import { DocOps } from './doc-ops';

const KIOSK_LIMITS = 'kiosk_limits';

export class KioskLimitStore {
  private readonly ops: DocOps;

  constructor(db: Database) {
    this.ops = new DocOps(db);
  }

  async read(key: string): Promise<{ state: LimitState; version: number }> {
    const doc = await this.ops.get<LimitState & { version: number }>(KIOSK_LIMITS, key);
    if (!doc) return { state: EMPTY_LIMIT, version: -1 };
    const { windowStartMs, failures, lockedUntilMs } = doc;
    return { state: { windowStartMs, failures, lockedUntilMs }, version: doc.version };
  }

  cas(key: string, version: number, next: LimitState): Promise<boolean> {
    if (version < 0) return this.ops.addIfAbsent(KIOSK_LIMITS, key, { ...next, version: 0 });
    return this.ops.updateWhere(KIOSK_LIMITS, { _id: key, version }, { ...next, version: version + 1 });
  }
}
