/**
 * Departments, doctors, schedule, and the availability mirror sync (timer `syncSchedule`, and a
 * lazy per-department sync from `schedule` when the mirror is empty, throttled across instances
 * by a conditional update on `booking_sync/sync_<dept>`).
 */
import type {
  BookingDepartmentsResponse,
  BookingDoctorsResponse,
  BookingScheduleResponse,
  DepartmentView,
  DoctorView,
  SessionView,
  SlotKind,
} from '../../../typings/booking';
import { notFound } from '../../core/errors';
import type { Logger } from '../../core/log';
import { businessDate } from '../../core/time';
import type { BookingRules } from '../../config/booking-rules';
import { BOOKING_COLLECTIONS, BookingStore, seatId, timepointId } from '../../adapters/clouddb/booking-store';
import type { HisBookingPort, HisDepartment, HisDoctor, HisSession } from '../../ports/his-booking';
import {
  addDays,
  BOOKING_MESSAGES,
  bookingWindow,
  businessInstantMs,
  releaseAtFor,
  toSessionView,
  type SessionRecord,
  type TimePointRecord,
} from '../../domain/booking';
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
 * its confirm. The sync only reports them; the booking service settles each (see
 * BookingService.syncSchedule).
 */
export interface SeatsFreedInHis {
  /** `booking_seats` still marked `his`. */
  released: { sessionId: string; time: string; seatNo: number }[];
  /** Ids of the bookings holding the others. */
  bookingIds: string[];
}

export class ScheduleService {
  constructor(
    private readonly store: BookingStore,
    private readonly his: HisBookingPort,
    private readonly rules: BookingRules,
    private readonly log: Logger,
  ) {}

  private async deptsAndDoctors(): Promise<{ depts: HisDepartment[]; doctors: HisDoctor[] }> {
    const [depts, doctors] = await Promise.all([
      callHis('listDepartments', () => this.his.listDepartments()),
      callHis('listDoctors', () => this.his.listDoctors()),
    ]);
    return { depts: [...depts].sort((a, b) => a.sort - b.sort), doctors };
  }

  private deptView(d: HisDepartment, doctors: HisDoctor[]): DepartmentView {
    return {
      code: d.code,
      name: d.name,
      location: d.location,
      intro: d.intro,
      doctorCount: doctors.filter((x) => x.deptCode === d.code).length,
    };
  }

  async departments(q?: string): Promise<BookingDepartmentsResponse> {
    const { depts, doctors } = await this.deptsAndDoctors();
    const needle = q?.trim();
    const hits = needle ? depts.filter((d) => d.name.includes(needle) || d.intro.includes(needle)) : depts;
    return { departments: hits.map((d) => this.deptView(d, doctors)) };
  }

  async doctors(deptCode: string): Promise<BookingDoctorsResponse> {
    const { depts, doctors } = await this.deptsAndDoctors();
    const dept = depts.find((d) => d.code === deptCode);
    if (!dept) throw notFound('科室不存在');
    const list: DoctorView[] = doctors
      .filter((d) => d.deptCode === deptCode)
      .map((d) => ({
        doctorId: d.doctorId,
        name: d.name,
        title: d.title,
        level: d.level,
        gender: d.gender,
        deptCode: d.deptCode,
        deptName: dept.name,
        specialty: d.specialty,
        intro: d.intro,
      }));
    return { department: this.deptView(dept, doctors), doctors: list };
  }

  async schedule(
    q: { deptCode: string; doctorId?: string | undefined; kind?: SlotKind | undefined },
    nowMs: number,
  ): Promise<BookingScheduleResponse> {
    const today = businessDate(new Date(nowMs));
    const dates = bookingWindow(today, this.rules);
    const range = { deptCode: q.deptCode, fromDate: dates[0]!, toDate: dates[dates.length - 1]! };
    let sessions = await this.store.listSessions(range);
    if (
      sessions.length === 0 &&
      (await this.store.acquireSync(`dept_${q.deptCode}`, nowMs, this.rules.lazySyncIntervalMs))
    ) {
      await this.sync(nowMs, q.deptCode);
      sessions = await this.store.listSessions(range);
    }
    sessions = sessions.filter(
      (s) =>
        s.status !== 'stopped' &&
        (q.doctorId === undefined || s.doctorId === q.doctorId) &&
        (q.kind === undefined || s.kind === q.kind),
    );
    return { dates, releaseTime: this.rules.releaseTime, sessions: await this.views(sessions, nowMs) };
  }

  /** One session as `schedule` shows it; NOT_FOUND when the mirror has none (or it is 停诊). */
  async session(sessionId: string, nowMs: number): Promise<SessionView> {
    const s = await this.store.getSession(sessionId);
    if (!s || s.status === 'stopped') throw notFound(BOOKING_MESSAGES.sessionNotFound);
    const [view] = await this.views([s], nowMs);
    return view!;
  }

  /** Sessions with their time point counters (one read for all). */
  private async views(sessions: SessionRecord[], nowMs: number): Promise<SessionView[]> {
    const tpIds = sessions.flatMap((s) => s.timePoints.map((t) => timepointId(s.sessionId, t.time)));
    const tps = new Map((await this.store.getTimepoints(tpIds)).map((t) => [t._id, t]));
    return sessions.map((s) => {
      const mine = new Map<string, TimePointRecord>();
      for (const t of s.timePoints) {
        const rec = tps.get(timepointId(s.sessionId, t.time));
        if (rec) mine.set(t.time, rec);
      }
      return toSessionView(s, mine, this.rules, nowMs);
    });
  }

  /**
   * The time point's counter against its free seats (`free`: as the sync just saw and left them).
   * A difference seen by two syncs in a row
   * is corrected with a compare-and-set on the counter (a booker changing it meanwhile makes this
   * round skip); a difference seen once is only recorded — a booker between reserving and claiming
   * looks exactly like that for a moment.
   */
  private async checkCount(
    sessionId: string,
    time: string,
    free: number,
    nowMs: number,
    summary: SyncSummary,
  ): Promise<void> {
    // Read again: this sync may just have counted seats in or out.
    const tp = await this.store.getTimepoint(sessionId, time);
    if (!tp) return;
    const diff = tp.remaining - free;
    const seen = tp.countCheck ?? null;
    if (diff === 0) {
      if (seen) await this.store.setCountCheck(tp._id, null);
      return;
    }
    if (seen && seen.diff === diff) {
      if (await this.store.correctRemaining(tp._id, tp.remaining, free)) {
        summary.countsCorrected++;
        this.log.warn('booking mirror count corrected', { timepoint: tp._id, diff });
      }
      return;
    }
    await this.store.setCountCheck(tp._id, { diff, atMs: nowMs });
  }

  /**
   * Pulls the HIS schedule for today … today+windowDays (optionally one department) into the
   * mirror. Also names the sessions the HIS reports stopped (停诊), for the caller to settle.
   */
  async sync(
    nowMs: number,
    deptCode?: string,
  ): Promise<SyncSummary & { stoppedSessionIds: string[]; freedInHis: SeatsFreedInHis }> {
    const today = businessDate(new Date(nowMs));
    const { depts, doctors } = await this.deptsAndDoctors();
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
      await this.syncSession(s, depts, doctors, nowMs, summary, s.status === 'stopped' ? null : freedInHis);
      summary.sessions++;
      if (s.status === 'stopped') stoppedSessionIds.push(s.sessionId);
    }
    summary.stopped = stoppedSessionIds.length;
    this.log.info('booking schedule synced', { scope: deptCode ?? 'all', ...summary });
    return { ...summary, stoppedSessionIds, freedInHis };
  }

  private async syncSession(
    s: HisSession,
    depts: HisDepartment[],
    doctors: HisDoctor[],
    nowMs: number,
    summary: SyncSummary,
    /** Collects the seats the HIS gave back (null: a stopped session, settled by 停诊). */
    freedInHis: SeatsFreedInHis | null,
  ): Promise<void> {
    const dept = depts.find((d) => d.code === s.deptCode);
    const doctor = s.doctorId ? doctors.find((d) => d.doctorId === s.doctorId) : undefined;
    const first = s.timePoints[0]?.time ?? '00:00';
    const startsAtMs = businessInstantMs(s.date, first);
    const releaseAtMs = s.releaseAt ? Date.parse(s.releaseAt) : releaseAtFor(s.date, this.rules);
    const record: Omit<SessionRecord, 'waiting'> = {
      _id: s.sessionId,
      sessionId: s.sessionId,
      date: s.date,
      period: s.period,
      kind: s.kind,
      deptCode: s.deptCode,
      deptName: dept?.name ?? s.deptCode,
      doctorId: s.doctorId,
      doctorName: doctor?.name ?? null,
      doctorTitle: doctor?.title ?? null,
      feeFen: s.feeFen,
      location: s.location || dept?.location || '',
      releaseAt: new Date(releaseAtMs).toISOString(),
      startsAt: new Date(startsAtMs).toISOString(),
      startsAtMs,
      releaseAtMs,
      status: s.status,
      timePoints: s.timePoints.map((t) => ({ time: t.time, endTime: t.endTime, capacity: t.seatNos.length })),
      syncedAtMs: nowMs,
    };
    for (const tp of s.timePoints) {
      const taken = new Set(tp.takenSeatNos);
      const existing = new Map((await this.store.getSeats(s.sessionId, tp.seatNos)).map((x) => [x.seatNo, x]));
      const tpDoc = await this.store.getTimepoint(s.sessionId, tp.time);
      // Free seats as this sync leaves them (what the counter should say).
      let free = 0;
      for (const seatNo of tp.seatNos) {
        const seat = existing.get(seatNo);
        if (!seat) {
          const holder = taken.has(seatNo) ? 'his' : null;
          if (holder === null) free++;
          if (
            await this.store.addIfAbsent(BOOKING_COLLECTIONS.seats, seatId(s.sessionId, seatNo), {
              sessionId: s.sessionId,
              time: tp.time,
              seatNo,
              holder,
            })
          ) {
            summary.seatsCreated++;
            // A seat added after its counter exists: count it in when free.
            if (tpDoc && holder === null) await this.store.unreserve(tpDoc._id);
          }
        } else if (seat.holder === null && taken.has(seatNo)) {
          // Taken in the HIS (window, kiosk) while the mirror thinks it free. Never touch cloud-held seats.
          if (await this.store.moveSeat(s.sessionId, seatNo, null, 'his')) {
            summary.seatsMarkedHis++;
            if (tpDoc) await this.store.takeFromMirror(tpDoc._id);
          }
        } else if (seat.holder === null) {
          free++;
        } else if (!taken.has(seatNo) && freedInHis) {
          if (seat.holder === 'his') freedInHis.released.push({ sessionId: s.sessionId, time: tp.time, seatNo });
          else freedInHis.bookingIds.push(seat.holder);
        }
      }
      if (tpDoc) await this.checkCount(s.sessionId, tp.time, free, nowMs, summary);
      else {
        await this.store.addIfAbsent(BOOKING_COLLECTIONS.timepoints, timepointId(s.sessionId, tp.time), {
          sessionId: s.sessionId,
          time: tp.time,
          endTime: tp.endTime,
          seatNos: tp.seatNos,
          capacity: tp.seatNos.length,
          remaining: free,
        });
      }
    }
    await this.store.upsertSession(record);
  }
}
