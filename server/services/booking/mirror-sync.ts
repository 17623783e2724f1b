/**
 * The availability mirror: the HIS schedule of today … today+windowDays copied into
 * `booking_sessions`, `booking_timepoints` (a `remaining` counter) and `booking_seats` (one document
 * per seat, `holder`). Run by the `syncSchedule` timer (schedule-sync.ts) and lazily by `schedule`
 * for an empty department. Seats the cloud holds are never touched here; what the HIS gave back is
 * only reported, for schedule-sync.ts to settle.
 */
import type { Logger } from '../../core/log';
import { businessDate } from '../../core/time';
import type { BookingRules } from '../../config/booking-rules';
import type { BookingStore } from '../../adapters/clouddb/booking-store';
import type { HisBookingPort, HisDepartment, HisDoctor, HisSession, HisTimePoint } from '../../ports/his-booking';
import { addDays, sessionRecordOf, type SeatRecord, type TimePointRecord } from '../../domain/booking';
import { callHis } from '../his-errors';

export interface SyncSummary {
  sessions: number;
  seatsCreated: number;
  seatsMarkedHis: number;
  /** Sessions the HIS reports stopped (停诊). */
  stopped: number;
  /** Time point counters corrected from their seats (a difference seen by two syncs). */
  countsCorrected: number;
}

/**
 * Seats the mirror holds that the HIS no longer counts as taken (open sessions only): a seat
 * marked `his` (used at the window or kiosk) that the HIS gave back, and a seat held by a cloud
 * booking the HIS does not show — cancelled at the window, or a booking between its seat claim and
 * its confirm.
 */
export interface SeatsFreedInHis {
  /** `booking_seats` still marked `his`. */
  released: { sessionId: string; time: string; seatNo: number }[];
  /** Ids of the bookings holding the others. */
  bookingIds: string[];
}

/** The HIS's departments (in their order) and doctors. */
export async function hisDirectory(his: HisBookingPort): Promise<{ depts: HisDepartment[]; doctors: HisDoctor[] }> {
  const [depts, doctors] = await Promise.all([
    callHis('listDepartments', () => his.listDepartments()),
    callHis('listDoctors', () => his.listDoctors()),
  ]);
  return { depts: [...depts].sort((a, b) => a.sort - b.sort), doctors };
}

/** One time point being synced: where its findings go. */
interface TimepointSync {
  sessionId: string;
  time: string;
  counter: TimePointRecord | null;
  summary: SyncSummary;
  /** Null: a stopped session, settled by 停诊. */
  freedInHis: SeatsFreedInHis | null;
}

export class MirrorSync {
  constructor(
    private readonly store: BookingStore,
    private readonly his: HisBookingPort,
    private readonly rules: BookingRules,
    private readonly log: Logger,
  ) {}

  /**
   * Pulls the HIS schedule for today … today+windowDays (optionally one department) into the
   * mirror. Also names the sessions the HIS reports stopped (停诊), for the caller to settle.
   */
  async sync(
    nowMs: number,
    deptCode?: string,
  ): Promise<SyncSummary & { stoppedSessionIds: string[]; freedInHis: SeatsFreedInHis }> {
    const today = businessDate(new Date(nowMs));
    const { depts, doctors } = await hisDirectory(this.his);
    const sessions = await callHis('querySchedule', () =>
      this.his.querySchedule({
        fromDate: today,
        toDate: addDays(today, this.rules.windowDays),
        ...(deptCode ? { deptCode } : {}),
      }),
    );
    const summary: SyncSummary = { sessions: 0, seatsCreated: 0, seatsMarkedHis: 0, stopped: 0, countsCorrected: 0 };
    const stoppedSessionIds: string[] = [];
    const freedInHis: SeatsFreedInHis = { released: [], bookingIds: [] };
    for (const s of sessions) {
      const dept = depts.find((d) => d.code === s.deptCode);
      const doctor = s.doctorId ? doctors.find((d) => d.doctorId === s.doctorId) : undefined;
      await this.syncSession(s, dept, doctor, nowMs, summary, s.status === 'stopped' ? null : freedInHis);
      summary.sessions++;
      if (s.status === 'stopped') stoppedSessionIds.push(s.sessionId);
    }
    summary.stopped = stoppedSessionIds.length;
    this.log.info('booking schedule synced', { scope: deptCode ?? 'all', ...summary });
    return { ...summary, stoppedSessionIds, freedInHis };
  }

  private async syncSession(
    s: HisSession,
    dept: HisDepartment | undefined,
    doctor: HisDoctor | undefined,
    nowMs: number,
    summary: SyncSummary,
    freedInHis: SeatsFreedInHis | null,
  ): Promise<void> {
    const record = sessionRecordOf(s, dept, doctor, this.rules, nowMs);
    for (const tp of s.timePoints) await this.syncTimepoint(s.sessionId, tp, nowMs, summary, freedInHis);
    await this.store.sessions.upsert(record);
  }

  private async syncTimepoint(
    sessionId: string,
    tp: HisTimePoint,
    nowMs: number,
    summary: SyncSummary,
    freedInHis: SeatsFreedInHis | null,
  ): Promise<void> {
    const taken = new Set(tp.takenSeatNos);
    const existing = new Map((await this.store.seats.getSeats(sessionId, tp.seatNos)).map((x) => [x.seatNo, x]));
    const counter = await this.store.seats.getTimepoint(sessionId, tp.time);
    const at: TimepointSync = { sessionId, time: tp.time, counter, summary, freedInHis };
    // Free seats as this sync leaves them (what the counter should say).
    let free = 0;
    for (const seatNo of tp.seatNos) {
      if (await this.syncSeat(seatNo, existing.get(seatNo), taken.has(seatNo), at)) free++;
    }
    if (at.counter) {
      await this.checkCount(at.sessionId, tp.time, free, nowMs, at.summary);
      return;
    }
    const capacity = tp.seatNos.length;
    await this.store.seats.addTimepoint({
      sessionId,
      time: tp.time,
      endTime: tp.endTime,
      seatNos: tp.seatNos,
      capacity,
      remaining: free,
    });
  }

  /** One seat against the HIS's word (`takenInHis`); true when it is free as this sync leaves it. */
  private async syncSeat(
    seatNo: number,
    seat: SeatRecord | undefined,
    takenInHis: boolean,
    at: TimepointSync,
  ): Promise<boolean> {
    const seats = this.store.seats;
    if (!seat) {
      const holder = takenInHis ? 'his' : null;
      if (await seats.addSeat({ sessionId: at.sessionId, time: at.time, seatNo, holder })) {
        at.summary.seatsCreated++;
        // A seat added after its counter exists: count it in when free.
        if (at.counter && holder === null) await seats.unreserve(at.counter._id);
      }
      return holder === null;
    }
    if (seat.holder === null && takenInHis) {
      // Taken in the HIS (window, kiosk) while the mirror thinks it free. Never touch cloud-held seats.
      if (await seats.move(at.sessionId, seatNo, null, 'his')) {
        at.summary.seatsMarkedHis++;
        if (at.counter) await seats.takeFromMirror(at.counter._id);
      }
      return false;
    }
    if (seat.holder === null) return true;
    if (!takenInHis && at.freedInHis) {
      if (seat.holder === 'his') at.freedInHis.released.push({ sessionId: at.sessionId, time: at.time, seatNo });
      else at.freedInHis.bookingIds.push(seat.holder);
    }
    return false;
  }

  /**
   * The time point's counter against its free seats (`free`: as the sync just saw and left them).
   * A difference seen by two syncs in a row is corrected with a compare-and-set on the counter (a
   * booker changing it meanwhile makes this round skip); a difference seen once is only recorded —
   * a booker between reserving and claiming looks exactly like that for a moment.
   */
  private async checkCount(
    sessionId: string,
    time: string,
    free: number,
    nowMs: number,
    summary: SyncSummary,
  ): Promise<void> {
    // Read again: this sync may just have counted seats in or out.
    const tp = await this.store.seats.getTimepoint(sessionId, time);
    if (!tp) return;
    const diff = tp.remaining - free;
    const seen = tp.countCheck ?? null;
    if (diff === 0) {
      if (seen) await this.store.seats.setCountCheck(tp._id, null);
      return;
    }
    if (seen && seen.diff === diff) {
      if (await this.store.seats.correctRemaining(tp._id, tp.remaining, free)) {
        summary.countsCorrected++;
        this.log.warn('booking mirror count corrected', { timepoint: tp._id, diff });
      }
      return;
    }
    await this.store.seats.setCountCheck(tp._id, { diff, atMs: nowMs });
  }
}
