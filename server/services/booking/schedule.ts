/**
 * What the pages read before booking: departments and doctors (from the HIS), the schedule and one
 * session (from the availability mirror; an empty department is synced lazily, at most once per
 * `lazySyncIntervalMs` across instances through `booking_sync/sync_dept_<code>`).
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
import { businessDate } from '../../core/time';
import type { BookingRules } from '../../config/booking-rules';
import { timepointId } from '../../adapters/clouddb/booking-ids';
import type { BookingStore } from '../../adapters/clouddb/booking-store';
import type { HisBookingPort, HisDepartment, HisDoctor } from '../../ports/his-booking';
import {
  BOOKING_MESSAGES,
  bookingWindow,
  toSessionView,
  type SessionRecord,
  type TimePointRecord,
} from '../../domain/booking';
import { hisDirectory, type MirrorSync } from './mirror-sync';

export class Schedule {
  constructor(
    private readonly store: BookingStore,
    private readonly his: HisBookingPort,
    private readonly rules: BookingRules,
    private readonly mirror: MirrorSync,
  ) {}

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
    const { depts, doctors } = await hisDirectory(this.his);
    const needle = q?.trim();
    const hits = needle ? depts.filter((d) => d.name.includes(needle) || d.intro.includes(needle)) : depts;
    return { departments: hits.map((d) => this.deptView(d, doctors)) };
  }

  async doctors(deptCode: string): Promise<BookingDoctorsResponse> {
    const { depts, doctors } = await hisDirectory(this.his);
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
    let sessions = await this.store.sessions.list(range);
    if (
      sessions.length === 0 &&
      (await this.store.sessions.acquireSync(`dept_${q.deptCode}`, nowMs, this.rules.lazySyncIntervalMs))
    ) {
      await this.mirror.sync(nowMs, q.deptCode);
      sessions = await this.store.sessions.list(range);
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
    const s = await this.store.sessions.get(sessionId);
    if (!s || s.status === 'stopped') throw notFound(BOOKING_MESSAGES.sessionNotFound);
    const [view] = await this.views([s], nowMs);
    return view!;
  }

  /** Sessions with their time point counters (one read for all). */
  private async views(sessions: SessionRecord[], nowMs: number): Promise<SessionView[]> {
    const tpIds = sessions.flatMap((s) => s.timePoints.map((t) => timepointId(s.sessionId, t.time)));
    const tps = new Map((await this.store.seats.getTimepoints(tpIds)).map((t) => [t._id, t]));
    return sessions.map((s) => {
      const mine = new Map<string, TimePointRecord>();
      for (const t of s.timePoints) {
        const rec = tps.get(timepointId(s.sessionId, t.time));
        if (rec) mine.set(t.time, rec);
      }
      return toSessionView(s, mine, this.rules, nowMs);
    });
  }
}
