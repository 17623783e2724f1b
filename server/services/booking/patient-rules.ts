/**
 * The patient's rule state (`booking_patients`: active bookings, no-shows) changed by the pure
 * decisions of server/domain/booking with compare-and-set, retried on contention. A claim is given
 * back through seat-hold.ts; a no-show turns the claim into a strike.
 */
import { AppError } from '../../core/errors';
import { businessDate } from '../../core/time';
import type { BookingRules } from '../../config/booking-rules';
import type { PatientRead, PatientStore } from '../../adapters/clouddb/booking-patients';
import {
  decideBook,
  recordNoShow,
  releaseEntry,
  type BookCandidate,
  type BookingRecord,
  type PatientRuleState,
  type Refusal,
} from '../../domain/booking';

type Change<T, F> = (s: PatientRuleState) => { ok: true; next: PatientRuleState; value: T } | { ok: false; refusal: F };

export class PatientRules {
  constructor(
    private readonly patients: PatientStore,
    private readonly rules: BookingRules,
    private readonly random: () => number,
  ) {}

  read(patientKey: string): Promise<PatientRead> {
    return this.patients.read(patientKey);
  }

  /** Applies `change` to the patient's rule state with compare-and-set (retried on contention). */
  async change<T, F = Refusal>(
    patientKey: string,
    change: Change<T, F>,
    nowMs: number,
    /** The state already being read (first attempt only; the compare-and-set catches a stale one). */
    firstRead?: Promise<PatientRead>,
  ): Promise<{ ok: true; value: T } | { ok: false; refusal: F }> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const { state, version } = await (attempt === 0 && firstRead ? firstRead : this.patients.read(patientKey));
      const d = change(state);
      if (!d.ok) return d;
      if (await this.patients.cas(patientKey, version, d.next, nowMs)) return { ok: true, value: d.value };
      await new Promise((r) => setTimeout(r, Math.floor(this.random() * 5 * (attempt + 1))));
    }
    throw new AppError('ABORTED', '操作过于频繁，请稍后再试', {
      reason: 'contention',
      detail: 'booking_patients cas contention',
    });
  }

  /** Claims a place for the booking under the patient rules (no-show block, one per dept and day, max active). */
  async claim(
    patientKey: string,
    candidate: BookCandidate,
    nowMs: number,
    firstRead?: Promise<PatientRead>,
  ): Promise<Refusal | null> {
    const today = businessDate(new Date(nowMs));
    const decided = await this.change(
      patientKey,
      (s) => {
        const d = decideBook(s, candidate, this.rules, nowMs, today);
        return d.ok ? { ok: true, next: d.value, value: undefined } : d;
      },
      nowMs,
      firstRead,
    );
    return decided.ok ? null : decided.refusal;
  }

  /** Releases the booking's claim (nothing to do when it holds none). */
  async release(patientKey: string, bookingId: string, nowMs: number): Promise<void> {
    await this.change(
      patientKey,
      (s) =>
        s.active.some((a) => a.bookingId === bookingId)
          ? { ok: true, next: releaseEntry(s, bookingId), value: undefined }
          : { ok: false, refusal: 'nothing to release' },
      nowMs,
    );
  }

  /** A missed visit: its claim becomes a strike for the no-show rule. */
  async recordNoShow(b: Pick<BookingRecord, '_id' | 'patientKey' | 'date'>, nowMs: number): Promise<void> {
    await this.change(
      b.patientKey,
      (s) => ({ ok: true, next: recordNoShow(s, b._id, b.date), value: undefined }),
      nowMs,
    );
  }
}
