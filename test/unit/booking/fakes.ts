/**
 * In-memory HisBookingPort with switchable faults, and a harness running the booking function
 * (actions + timers) against the devstack cloud emulator (in-memory SQLite).
 */
import { createCloudEmulator, type CloudEmulator } from '../../../devstack/cloud';
import { DEVSTACK_BOOKING_TEMPLATES, DEVSTACK_TEMPLATES } from '../../../devstack/seed/subscribe-templates';
import { createTimerAwareMain } from '../../../server/core/timer-main';
import { bookingFunction } from '../../../server/actions/booking';
import { silentLogger } from '../../../server/core/log';
import type { BookingRules } from '../../../server/config/booking-rules';
import { HisError } from '../../../server/ports/his-error';
import type { Database, OpenApi } from '../../../server/ports/cloud-sdk';
import type {
  HisBooking,
  HisBookingPort,
  HisConfirmBookingInput,
  HisDepartment,
  HisDoctor,
  HisSession,
} from '../../../server/ports/his-booking';
import { BOOKING_REFUSAL_REASONS } from '../../../typings/booking';
import type { Envelope } from '../../../typings/envelope';
import { businessInstantMs } from '../../../server/domain/booking/time';
import { cardIdFor, keyedHash } from '../../../server/services/keyed-ids';

/** The harness's PII_HASH_KEY (the booking function's; card ids are issued with it as `patient.bind` does). */
export const HARNESS_PII_KEY = 'test-key-test-key-test-key-test-key';

export type ConfirmMode = 'ok' | 'timeout' | 'appliedThenLost' | { reject: string };

export class FakeHisBooking implements HisBookingPort {
  departments: HisDepartment[] = [
    { code: 'NK', name: '心血管内科', location: '门诊楼3层A区', intro: '高血压、冠心病', sort: 1 },
    { code: 'EK', name: '儿科', location: '门诊楼2层', intro: '儿童常见病', sort: 2 },
  ];
  doctors: HisDoctor[] = [
    {
      doctorId: 'D001',
      name: '张建国',
      gender: 'M',
      title: '主任医师',
      level: 'expert',
      deptCode: 'NK',
      specialty: '冠心病',
      intro: '',
    },
    {
      doctorId: 'D002',
      name: '李芳',
      gender: 'F',
      title: '主治医师',
      level: 'specialist',
      deptCode: 'NK',
      specialty: '',
      intro: '',
    },
  ];
  sessions: HisSession[] = [];
  bookings = new Map<string, HisBooking>();
  confirmMode: ConfirmMode = 'ok';
  cancelMode: 'ok' | 'unavailable' | 'tooLate' = 'ok';
  /** Seats taken outside the cloud (window / kiosk). */
  external = new Set<string>();
  calls: string[] = [];
  /** hisBookingIds whose getBooking times out: the HIS cannot tell about them now. */
  unreachable = new Set<string>();
  private seq = 0;
  private queue = new Map<string, number>();
  nowServing: number | null = null;

  addSession(
    s: Partial<HisSession> & { sessionId: string; date: string },
    times: string[],
    seatsPer: number,
  ): HisSession {
    let seat = 1;
    const session: HisSession = {
      period: 'AM',
      kind: 'specialist',
      deptCode: 'NK',
      doctorId: null,
      feeFen: 1000,
      location: '门诊楼3层A区',
      releaseAt: new Date(businessInstantMs(s.date, '07:00') - 7 * 86_400_000).toISOString(),
      status: 'open',
      timePoints: times.map((time) => {
        const [h, m] = time.split(':').map(Number) as [number, number];
        const end = `${String(h + (m + 30 >= 60 ? 1 : 0)).padStart(2, '0')}:${String((m + 30) % 60).padStart(2, '0')}`;
        const seatNos = Array.from({ length: seatsPer }, () => seat++);
        return { time, endTime: end, seatNos, takenSeatNos: [] };
      }),
      ...s,
    };
    this.sessions.push(session);
    return session;
  }

  /** 停诊, as the sandbox does it: the session is reported stopped and its active bookings are cancelled. */
  stop(sessionId: string): void {
    const s = this.sessions.find((x) => x.sessionId === sessionId);
    if (!s) throw new Error(`no session ${sessionId}`);
    s.status = 'stopped';
    for (const b of this.bookings.values()) {
      if (b.sessionId === sessionId && (b.status === 'booked' || b.status === 'checkedIn')) b.status = 'cancelled';
    }
  }

  /** The HIS's booking of a cloud booking (the cloud confirms with its booking id as the requestId). */
  bookingFor(bookingId: string): HisBooking {
    const b = [...this.bookings.values()].find((x) => x.confirmRequestId === bookingId);
    if (!b) throw new Error(`no HIS booking for ${bookingId}`);
    return b;
  }

  active(): HisBooking[] {
    return [...this.bookings.values()].filter((b) => b.status === 'booked' || b.status === 'checkedIn');
  }

  private tick = () => new Promise<void>((r) => setImmediate(r));

  async listDepartments() {
    await this.tick();
    return this.departments;
  }
  async listDoctors(deptCode?: string) {
    await this.tick();
    return this.doctors.filter((d) => !deptCode || d.deptCode === deptCode);
  }
  async querySchedule(q: { fromDate: string; toDate: string; deptCode?: string }) {
    this.calls.push('querySchedule');
    await this.tick();
    return this.sessions
      .filter((s) => s.date >= q.fromDate && s.date <= q.toDate && (!q.deptCode || s.deptCode === q.deptCode))
      .map((s) => ({
        ...s,
        timePoints: s.timePoints.map((tp) => ({
          ...tp,
          takenSeatNos: tp.seatNos.filter(
            (n) =>
              this.external.has(`${s.sessionId}_${n}`) ||
              this.active().some((b) => b.sessionId === s.sessionId && b.seatNo === n),
          ),
        })),
      }));
  }
  async confirmBooking(input: HisConfirmBookingInput): Promise<HisBooking> {
    this.calls.push('confirmBooking');
    await this.tick();
    const prior = this.bookings.get(input.requestId);
    if (prior) return prior;
    const mode = this.confirmMode;
    if (mode === 'timeout') throw new HisError('unavailable', 'TIMEOUT', 'timeout');
    if (typeof mode === 'object') throw new HisError('rejected', mode.reject, mode.reject);
    if (this.external.has(`${input.sessionId}_${input.seatNo}`)) throw new HisError('rejected', 'SEAT_TAKEN', 'taken');
    if (this.active().some((b) => b.sessionId === input.sessionId && b.seatNo === input.seatNo)) {
      throw new HisError('rejected', 'SEAT_TAKEN', 'taken');
    }
    const b: HisBooking = {
      hisBookingId: `HB${++this.seq}`,
      confirmRequestId: input.requestId,
      sessionId: input.sessionId,
      time: input.time,
      seatNo: input.seatNo,
      patientId: input.patientId,
      status: 'booked',
      queueNo: null,
      createdAt: new Date().toISOString(),
    };
    this.bookings.set(input.requestId, b);
    if (mode === 'appliedThenLost') throw new HisError('unavailable', 'TIMEOUT', 'timeout after apply');
    return b;
  }
  async cancelBooking(input: { requestId: string; confirmRequestId: string }): Promise<HisBooking | null> {
    this.calls.push('cancelBooking');
    await this.tick();
    if (this.cancelMode === 'unavailable') throw new HisError('unavailable', 'TIMEOUT', 'timeout');
    if (this.cancelMode === 'tooLate') throw new HisError('rejected', 'TOO_LATE', 'too late');
    const b = this.bookings.get(input.confirmRequestId);
    if (!b) {
      // Void marker: a later confirm with this requestId must not book.
      this.bookings.set(input.confirmRequestId, {
        hisBookingId: 'VOID',
        confirmRequestId: input.confirmRequestId,
        sessionId: '',
        time: '',
        seatNo: 0,
        patientId: '',
        status: 'cancelled',
        queueNo: null,
        createdAt: '',
      });
      return null;
    }
    b.status = 'cancelled';
    return b;
  }
  async checkIn(input: { requestId: string; hisBookingId: string }): Promise<HisBooking> {
    await this.tick();
    const b = [...this.bookings.values()].find((x) => x.hisBookingId === input.hisBookingId);
    if (!b) throw new HisError('rejected', 'NOT_FOUND', 'nf');
    if (b.queueNo === null) {
      const n = (this.queue.get(b.sessionId) ?? 0) + 1;
      this.queue.set(b.sessionId, n);
      b.queueNo = n;
      b.status = 'checkedIn';
    }
    return b;
  }
  async getBooking(id: string) {
    if (this.unreachable.has(id)) throw new HisError('unavailable', 'TIMEOUT', 'timeout');
    this.calls.push('getBooking');
    return [...this.bookings.values()].find((x) => x.hisBookingId === id) ?? null;
  }
  async queueStatus(sessionId: string) {
    return { nowServing: this.nowServing, checkedIn: this.queue.get(sessionId) ?? 0 };
  }
}

type Call = <T = unknown>(openid: string, event: Record<string, unknown>) => Promise<Envelope<T>>;

export interface Harness {
  emulator: CloudEmulator;
  his: FakeHisBooking;
  clock: { now: Date };
  call: Call;
  timer<T = unknown>(name: string): Promise<Envelope<T>>;
  /**
   * Another instance of the booking function (its own module state: free-seat hints, known-full
   * memo) over the same database and HIS, as CloudBase runs a function on several instances.
   */
  otherInstance(): { call: Call };
  /** A card as `patient.bind` stores it (its id issued to `openid` with the harness key). */
  addCard(openid: string, hisPatientId: string, name?: string, relation?: string): Promise<string>;
  docs(collection: string): Record<string, unknown>[];
}

export function makeHarness(
  now: Date,
  rules?: Partial<BookingRules>,
  random?: () => number,
  /** What the function sees as its database (e.g. one that fails an operation). */
  wrapDb?: (db: Database) => Database,
  /** What the function sees as cloud.openapi (e.g. one that counts the sends). */
  wrapOpenapi?: (openapi: Pick<OpenApi, 'subscribeMessage'>) => Pick<OpenApi, 'subscribeMessage'>,
): Harness {
  const clock = { now };
  const emulator = createCloudEmulator({ dbFile: ':memory:', templates: DEVSTACK_TEMPLATES, clock: () => clock.now });
  const his = new FakeHisBooking();
  const instance = () => {
    const fn = bookingFunction({
      db: wrapDb ? wrapDb(emulator.db) : emulator.db,
      his,
      openapi: wrapOpenapi ? wrapOpenapi(emulator.sdk.openapi) : emulator.sdk.openapi,
      clock: () => clock.now,
      piiHashKey: HARNESS_PII_KEY,
      templates: DEVSTACK_BOOKING_TEMPLATES,
      log: silentLogger,
      ...(rules ? { rules } : {}),
      ...(random ? { random } : {}),
    });
    const main = createTimerAwareMain(emulator.sdk, fn.actions, fn.timers, { fn: 'booking', log: silentLogger });
    const call: Call = async (openid, event) => {
      const env = await emulator.runWithContext({ OPENID: openid, SOURCE: 'wx_client' }, () => main(event));
      // Every reason answered is one of the contract's (typings/booking.ts).
      if (!env.ok && env.error.reason !== undefined) expect(BOOKING_REFUSAL_REASONS).toContain(env.error.reason);
      return env as Envelope<never>;
    };
    return { main, call };
  };
  const { main, call } = instance();
  let cardSeq = 0;
  return {
    emulator,
    his,
    clock,
    call,
    otherInstance: () => ({ call: instance().call }),
    timer: (name) =>
      main({ Type: 'Timer', TriggerName: name, Time: clock.now.toISOString() }) as Promise<Envelope<never>>,
    async addCard(openid, hisPatientId, name = '王小明', relation = '本人') {
      const id = cardIdFor(keyedHash(HARNESS_PII_KEY), openid, hisPatientId);
      ++cardSeq;
      await emulator.db.collection('patient_cards').add({
        data: { _id: id, _openid: openid, hisPatientId, name, relation, cardNo: `C${cardSeq}`, boundAtMs: cardSeq },
      });
      return id;
    },
    docs: (c) => emulator.admin.listDocuments(c, { limit: 1000 }),
  };
}

export const ok = <T>(env: Envelope<T>): T => {
  if (!env.ok) throw new Error(`expected ok, got ${JSON.stringify(env.error)}`);
  return env.data;
};
