/**
 * The availability mirror's records from the HIS's facts (pure): a session with the names the
 * pages show.
 */
import type { BookingRules } from '../../config/booking-rules';
import type { HisDepartment, HisDoctor, HisSession } from '../../ports/his-booking';
import { releaseAtFor } from './decide';
import { businessInstantMs } from './time';
import type { SessionRecord } from './types';

/** `booking_sessions/{sessionId}` for a HIS session (the `waiting` counter is the mirror's own). */
export function sessionRecordOf(
  s: HisSession,
  dept: HisDepartment | undefined,
  doctor: HisDoctor | undefined,
  rules: Pick<BookingRules, 'windowDays' | 'releaseTime'>,
  nowMs: number,
): Omit<SessionRecord, 'waiting'> {
  const first = s.timePoints[0]?.time ?? '00:00';
  const startsAtMs = businessInstantMs(s.date, first);
  const releaseAtMs = s.releaseAt ? Date.parse(s.releaseAt) : releaseAtFor(s.date, rules);
  return {
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
}
