/** The waitlist entries (`booking_waitlist/wl_<hmac>`), one per (HIS patient, session). */
import type { WaitlistRecord } from '../../domain/booking/types';
import { BOOKING_COLLECTIONS as C } from './booking-ids';
import { stripId, type DocOps } from './doc-ops';

export class WaitlistStore {
  constructor(private readonly ops: DocOps) {}

  get(id: string): Promise<WaitlistRecord | null> {
    return this.ops.get<WaitlistRecord>(C.waitlist, id);
  }

  add(w: WaitlistRecord): Promise<boolean> {
    return this.ops.addIfAbsent(C.waitlist, w._id, stripId(w));
  }

  /** Status transition `from` → patch, atomic. */
  transition(id: string, from: WaitlistRecord['status'], patch: Partial<WaitlistRecord>): Promise<boolean> {
    return this.ops.updateWhere(C.waitlist, { _id: id, status: from }, stripId(patch as WaitlistRecord));
  }

  /** A session's waiting entries, first come first. */
  async waitingFor(sessionId: string, limit = 100): Promise<WaitlistRecord[]> {
    const where = { sessionId, status: 'waiting' };
    return this.ops.find<WaitlistRecord>(C.waitlist, where, { orderBy: ['createdAtMs', 'asc'], limit });
  }

  async listOwned(openid: string, sinceMs: number): Promise<WaitlistRecord[]> {
    const where = { _openid: openid, createdAtMs: this.ops._.gte(sinceMs) };
    return this.ops.find<WaitlistRecord>(C.waitlist, where, { orderBy: ['createdAtMs', 'desc'], limit: 100 });
  }

  async closingBefore(nowMs: number, limit = 200): Promise<WaitlistRecord[]> {
    const where = { status: 'waiting', closesAtMs: this.ops._.lte(nowMs) };
    return this.ops.find<WaitlistRecord>(C.waitlist, where, { limit });
  }
}
