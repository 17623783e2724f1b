/**
 * The `syncSchedule` timer: the HIS schedule into the mirror (mirror-sync.ts), then what the HIS
 * changed meanwhile is settled here — the bookings of sessions it stopped (停诊) are cancelled, a
 * booking cancelled at the window is mirrored at once (not only the evening before or after the
 * visit), and a seat the HIS gave back goes to the first waiting patient or back to the pool.
 */
import type { Logger } from '../../core/log';
import { cancelledPatch } from '../../domain/booking';
import type { Cancellation } from './cancel';
import type { BookingContext } from './context';
import type { MirrorSync, SeatsFreedInHis, SyncSummary } from './mirror-sync';
import type { WaitlistFlow } from './waitlist';

/** At most this many bookings are asked about per sync (each is one HIS call); the rest next time. */
export const HIS_CHECKS_PER_SYNC = 100;

export type ScheduleSyncSummary = SyncSummary & {
  cancelledByStop: number;
  cancelledInHis: number;
  seatsReturned: number;
};

export class ScheduleSync {
  private readonly log: Logger;

  constructor(
    private readonly ctx: BookingContext,
    private readonly mirror: MirrorSync,
    private readonly cancellation: Cancellation,
    private readonly waitlist: WaitlistFlow,
  ) {
    this.log = ctx.log;
  }

  async run(nowMs: number): Promise<ScheduleSyncSummary> {
    const { stoppedSessionIds, freedInHis, ...summary } = await this.mirror.sync(nowMs);
    const cancelledByStop = await this.cancelStopped(stoppedSessionIds, nowMs);
    return { ...summary, cancelledByStop, ...(await this.settleFreedInHis(freedInHis, nowMs)) };
  }

  private async settleFreedInHis(
    freed: SeatsFreedInHis,
    nowMs: number,
  ): Promise<{ cancelledInHis: number; seatsReturned: number }> {
    const { store, holds } = this.ctx;
    let seatsReturned = 0;
    for (const seat of freed.released) {
      // Only a seat still marked `his` moves (to a waiting patient's booking, or free).
      if (await holds.ofFreedSeat(seat, 'his', nowMs).giveBack()) seatsReturned++;
    }
    let cancelledInHis = 0;
    for (const id of freed.bookingIds.slice(0, HIS_CHECKS_PER_SYNC)) {
      const b = await store.bookings.get(id);
      // None yet, or `pending`: between its seat claim and its confirm — not the HIS's business yet.
      if (!b) continue;
      if (b.status === 'booked') {
        // Confirmed after the HIS's schedule was read (a release burst during the sync): not a question.
        if (b.updatedAtMs <= nowMs && (await this.cancellation.cancelledInHis(b, nowMs))) cancelledInHis++;
      } else if (b.status === 'cancelled' || b.status === 'failed') {
        // Still holding its seat: the flow that ended it stopped before giving the seat back.
        if (await holds.ofFreedSeat(b, b._id, nowMs).giveBack()) seatsReturned++;
      }
    }
    if (seatsReturned + cancelledInHis > 0)
      this.log.info('booking seats the his gave back', { seatsReturned, cancelledInHis });
    return { cancelledInHis, seatsReturned };
  }

  /**
   * 停诊: the HIS stopped a session (and cancelled its bookings there, 停诊退号 — see
   * docs/his-gateway.md). Its active bookings here become `cancelled` with reason `stopped`, their
   * rule claims are released, each patient gets a 预约取消通知 (when consented), and the session's
   * waitlist closes. Idempotent: only `booked` / `checkedIn` bookings are touched.
   */
  private async cancelStopped(sessionIds: readonly string[], nowMs: number): Promise<number> {
    let cancelled = 0;
    for (const sessionId of sessionIds) {
      for (const from of ['booked', 'checkedIn'] as const) cancelled += await this.cancelAll(sessionId, from, nowMs);
      await this.waitlist.closeSession(sessionId, nowMs);
    }
    if (cancelled > 0) this.log.info('booking cancelled by 停诊', { sessions: sessionIds.length, cancelled });
    return cancelled;
  }

  /** Each pass takes what is still `from`; a transition lost to a concurrent change is skipped. */
  private async cancelAll(sessionId: string, from: 'booked' | 'checkedIn', nowMs: number): Promise<number> {
    const { store, holds, messages } = this.ctx;
    const patch = cancelledPatch('stopped', nowMs);
    let cancelled = 0;
    for (let pass = 0; pass < 50; pass++) {
      let moved = 0;
      for (const b of await store.bookings.ofSession(from, sessionId)) {
        if (!(await store.bookings.transition(b._id, from, patch))) continue;
        moved++;
        // The seat stays: the session is closed.
        await holds.ofRuleClaim(b, nowMs).giveBack();
        await messages.send({ ...b, ...patch }, 'sessionStopped', nowMs);
      }
      cancelled += moved;
      if (moved === 0) break;
    }
    return cancelled;
  }
}
