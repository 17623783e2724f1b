/**
 * This function instance's memory of the seats, and the seat operations that keep it right: which
 * time points it just found full (answered "full" without asking again), which seats it believes
 * free (claimed one per booker instead of probing seat after seat), and the seat numbers of each
 * time point. All of it is a hint: every take is still a conditional update in the database. Only
 * seat-hold.ts gives counts and seats back.
 */
import type { BookingRules } from '../../config/booking-rules';
import { timepointId } from '../../adapters/clouddb/booking-ids';
import type { SeatStore } from '../../adapters/clouddb/booking-seats';

/** Memo sizes: a burst touches a few hundred time points; a runaway one is dropped whole. */
const MAX_ENTRIES = 5000;

export class SeatPool {
  constructor(
    private readonly seats: SeatStore,
    private readonly rules: BookingRules,
    private readonly random: () => number,
  ) {}

  /**
   * Time points this instance found full (a refused reserve) and when: for `rules.fullMemoMs` a
   * `book` of them is answered "full" without reading the session or trying the counter again —
   * in a release burst most calls ask for a time point that sold out a moment ago. Forgotten as
   * soon as this instance gives a count back; another instance's cancellation is seen when the
   * memo expires (the waitlist gets such seats first anyway).
   */
  private readonly knownFull = new Map<string, number>();

  isKnownFull(tpId: string, nowMs: number): boolean {
    const since = this.knownFull.get(tpId);
    if (since === undefined) return false;
    if (nowMs >= since && nowMs - since < this.rules.fullMemoMs) return true;
    this.knownFull.delete(tpId);
    return false;
  }

  noteFull(tpId: string, nowMs: number): void {
    if (this.rules.fullMemoMs <= 0) return;
    if (this.knownFull.size >= MAX_ENTRIES) this.knownFull.clear();
    this.knownFull.set(tpId, nowMs);
  }

  /**
   * The atomic count reservation (remaining > 0 → −1), nothing else: `book` sends it with its first
   * reads and notes a refusal only once the request turned out valid (noteFull).
   */
  reserveCount(tpId: string): Promise<boolean> {
    return this.seats.reserve(tpId);
  }

  /** The atomic count reservation; a refusal is remembered (isKnownFull). */
  async reserve(tpId: string, nowMs: number): Promise<boolean> {
    if (await this.seats.reserve(tpId)) return true;
    this.noteFull(tpId, nowMs);
    return false;
  }

  /** Gives a reserved count back (and forgets that the time point was full). */
  async giveCount(tpId: string): Promise<void> {
    this.knownFull.delete(tpId);
    await this.seats.unreserve(tpId);
  }

  /** Gives a held seat and its count back to the pool (only if `holder` still holds it). */
  async freeSeat(sessionId: string, time: string, seatNo: number, holder: string): Promise<boolean> {
    if (!(await this.seats.move(sessionId, seatNo, holder, null))) return false;
    await this.giveCount(timepointId(sessionId, time));
    this.freeHint.get(timepointId(sessionId, time))?.push(seatNo);
    return true;
  }

  /**
   * Claims a concrete free seat of a time point whose count the caller reserved (so one is free
   * unless the HIS took it): conditional takes of the hinted free seats (a lost race tries the
   * next one), re-reading the free seats when the hint runs dry; null when none is free (the
   * counter was ahead of the seats).
   */
  async claimFree(sessionId: string, time: string, bookingId: string): Promise<number | null> {
    const tpId = timepointId(sessionId, time);
    for (let pass = 0; pass < 4; pass++) {
      let hint = this.freeHint.get(tpId);
      if (!hint || hint.length === 0) {
        await this.refillHint(sessionId, time, pass >= 2);
        hint = this.freeHint.get(tpId);
      }
      for (let seatNo = hint?.pop(); seatNo !== undefined; seatNo = hint?.pop()) {
        if (await this.seats.claim(sessionId, seatNo, bookingId)) return seatNo;
      }
    }
    return null;
  }

  /**
   * Seats of a time point this instance believes free, in random order: filled by one read of the
   * free seats, then handed out one per claimer (`pop`, synchronous, so concurrent claimers of this
   * instance try different seats) and topped up with the seats this instance gives back. An empty
   * hint means "read again", never "full".
   */
  private readonly freeHint = new Map<string, number[]>();
  /** One free-seat read per time point at a time (the claimers of a burst share it). */
  private readonly hintReads = new Map<string, Promise<number[]>>();

  private refillHint(sessionId: string, time: string, fresh: boolean): Promise<number[]> {
    const tpId = timepointId(sessionId, time);
    const inFlight = this.hintReads.get(tpId);
    if (inFlight) return inFlight;
    const read = (async () => {
      try {
        const free = await this.seats.free(sessionId, await this.seatNosOf(sessionId, time, fresh));
        for (let n = free.length; n > 1; n--) {
          const i = Math.floor(this.random() * n);
          [free[i], free[n - 1]] = [free[n - 1]!, free[i]!];
        }
        if (this.freeHint.size >= MAX_ENTRIES) this.freeHint.clear();
        this.freeHint.set(tpId, free);
        return free;
      } finally {
        this.hintReads.delete(tpId);
      }
    })();
    this.hintReads.set(tpId, read);
    return read;
  }

  /**
   * Seat numbers per time point (`booking_timepoints.seatNos`, HIS facts that change only with a
   * schedule sync): which seat documents to look at. A miss re-reads the time point.
   */
  private readonly seatNosCache = new Map<string, number[]>();

  private async seatNosOf(sessionId: string, time: string, fresh: boolean): Promise<number[]> {
    const tpId = timepointId(sessionId, time);
    const cached = fresh ? undefined : this.seatNosCache.get(tpId);
    if (cached) return cached;
    const tp = await this.seats.getTimepoint(sessionId, time);
    const seatNos = tp?.seatNos ?? [];
    if (this.seatNosCache.size >= MAX_ENTRIES) this.seatNosCache.clear();
    this.seatNosCache.set(tpId, seatNos);
    return seatNos;
  }
}
