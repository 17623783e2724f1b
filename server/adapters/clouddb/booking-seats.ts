/**
 * The seat counters (`booking_timepoints`, `remaining`) and the seat documents (`booking_seats`,
 * `holder`) of the availability mirror. Every change is one conditional update by primary key,
 * so concurrent bookers never take the same count or seat.
 */
import type { SeatRecord, TimePointRecord } from '../../domain/booking/types';
import { BOOKING_COLLECTIONS as C, seatId, timepointId } from './booking-ids';
import type { DocOps } from './doc-ops';

export class SeatStore {
  constructor(private readonly ops: DocOps) {}

  private get _() {
    return this.ops._;
  }

  getTimepoint(sessionId: string, time: string): Promise<TimePointRecord | null> {
    return this.ops.get<TimePointRecord>(C.timepoints, timepointId(sessionId, time));
  }

  getTimepoints(ids: string[]): Promise<TimePointRecord[]> {
    return this.ops.getMany<TimePointRecord>(C.timepoints, ids);
  }

  /** A time point's counter as the sync creates it (the free seats it just saw). */
  async addTimepoint(tp: Omit<TimePointRecord, '_id' | 'countCheck'>): Promise<void> {
    await this.ops.addIfAbsent(C.timepoints, timepointId(tp.sessionId, tp.time), { ...tp });
  }

  /** The atomic seat reservation: remaining > 0 → remaining − 1. */
  reserve(tpId: string): Promise<boolean> {
    return this.ops.updateWhere(C.timepoints, { _id: tpId, remaining: this._.gt(0) }, { remaining: this._.inc(-1) });
  }

  async unreserve(tpId: string): Promise<void> {
    await this.ops.updateWhere(C.timepoints, { _id: tpId }, { remaining: this._.inc(1) });
  }

  /** Counts a seat the HIS took (walk-in) out of the mirror; never below zero. */
  async takeFromMirror(tpId: string): Promise<void> {
    await this.ops.updateWhere(C.timepoints, { _id: tpId, remaining: this._.gt(0) }, { remaining: this._.inc(-1) });
  }

  /** Records (or clears) a counter/seat difference seen by a sync. */
  async setCountCheck(tpId: string, check: { diff: number; atMs: number } | null): Promise<void> {
    await this.ops.updateWhere(C.timepoints, { _id: tpId }, { countCheck: check === null ? null : this._.set(check) });
  }

  /** remaining: `from` → `to` only if still `from` (a booker changing it meanwhile wins); clears the check. */
  correctRemaining(tpId: string, from: number, to: number): Promise<boolean> {
    return this.ops.updateWhere(C.timepoints, { _id: tpId, remaining: from }, { remaining: to, countCheck: null });
  }

  /** A seat document as the sync creates it; false when it exists already. */
  addSeat(seat: Omit<SeatRecord, '_id'>): Promise<boolean> {
    return this.ops.addIfAbsent(C.seats, seatId(seat.sessionId, seat.seatNo), { ...seat });
  }

  /** Takes a free seat for `holder`. */
  claim(sessionId: string, seatNo: number, holder: string): Promise<boolean> {
    return this.ops.updateWhere(C.seats, { _id: seatId(sessionId, seatNo), holder: null }, { holder });
  }

  /** Moves a seat from one holder to another (free → booking, booking → 'his', booking → booking). */
  move(sessionId: string, seatNo: number, from: string | null, to: string | null): Promise<boolean> {
    return this.ops.updateWhere(C.seats, { _id: seatId(sessionId, seatNo), holder: from }, { holder: to });
  }

  /** The free seats (holder null) among `seatNos`, one read. */
  async free(sessionId: string, seatNos: readonly number[]): Promise<number[]> {
    if (seatNos.length === 0) return [];
    const out: number[] = [];
    for (let i = 0; i < seatNos.length; i += 100) {
      const chunk = seatNos.slice(i, i + 100);
      const res = await this.ops.db
        .collection<SeatRecord>(C.seats)
        .where({ _id: this._.in(chunk.map((n) => seatId(sessionId, n))), holder: null })
        .field({ seatNo: true })
        .limit(chunk.length)
        .get();
      for (const s of res.data) if (typeof s.seatNo === 'number') out.push(s.seatNo);
    }
    return out;
  }

  getSeats(sessionId: string, seatNos: number[]): Promise<SeatRecord[]> {
    return this.ops.getMany<SeatRecord>(
      C.seats,
      seatNos.map((n) => seatId(sessionId, n)),
    );
  }
}
