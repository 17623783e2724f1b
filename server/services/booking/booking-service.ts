/**
 * 预约挂号: book / cancel / list / get / checkIn / queue / joinWaitlist / leaveWaitlist, and the
 * timer jobs. validate (schemas) → load → decide (server/domain/booking, pure) → persist
 * (conditional updates by primary key) → enqueue messages. Nothing here logs payloads or patient data.
 */
import type {
  BookingListResponse,
  BookingQueueResponse,
  BookingRange,
  BookingView,
  WaitlistView,
} from '../../../typings/booking';
import { aborted, AppError, failedPrecondition, notFound, refusalError, unavailable } from '../../core/errors';
import { logger as defaultLogger, type Logger } from '../../core/log';
import { businessDate, type Clock } from '../../core/time';
import { bookingRules, type BookingRules } from '../../config/booking-rules';
import { piiHashKeyFromEnv } from '../../config/pii';
import { bookingTemplatesFromEnv, type BookingTemplates } from '../../config/templates';
import { BookingCardReader } from '../../adapters/clouddb/booking-cards';
import { BookingStore, timepointId, type RequestDoc } from '../../adapters/clouddb/booking-store';
import { HisError } from '../../ports/his-error';
import type { HisBooking } from '../../ports/his-booking';
import {
  addDays,
  BOOKING_MESSAGES,
  businessInstantMs,
  bookingPage,
  decideBook,
  decideCancel,
  decideCheckIn,
  decideJoinWaitlist,
  peopleAhead,
  recordNoShow,
  renderBookingConfirmed,
  renderBookingCancelled,
  renderVisitReminder,
  renderWaitlistSuccess,
  toBookingView,
  toWaitlistView,
  waitlistClosesAtMs,
  type BookingRecord,
  type WaitlistRecord,
} from '../../domain/booking';
import { MessageOutbox, type SendSummary } from '../messages/outbox';
import { BookingEngine, resultOf } from './engine';
import { callHis, mapHisError } from '../his-errors';
import { bookingKeys, type BookingKeys } from './keys';
import { ScheduleService, type SeatsFreedInHis, type SyncSummary } from './schedule-service';
import type { BookingServiceDeps, Caller } from './deps';

export type { BookingServiceDeps, Caller } from './deps';

const RANGE_DAYS: Record<BookingRange, number> = { '1w': 7, '1m': 30, '3m': 90 };
const DAY_MS = 86_400_000;

/** A booking's seat, as handOver takes it. */
const seatOf = (b: BookingRecord) => ({ sessionId: b.sessionId, time: b.time, seatNo: b.seatNo, holder: b._id });

export interface BookInput {
  cardId: string;
  sessionId: string;
  time: string;
  idempotencyKey: string;
}

const processing = (detail?: string): AppError =>
  aborted(BOOKING_MESSAGES.processing, { reason: 'processing', detail });
const hisBusy = (detail?: string): AppError =>
  unavailable(BOOKING_MESSAGES.hisBusy, { reason: 'hisUnavailable', detail });
const waitlistDuplicate = (): AppError =>
  new AppError('ALREADY_EXISTS', BOOKING_MESSAGES.waitlistDuplicate, { reason: 'waitlistDuplicate' });

/** How long after its time point a checked-in visit is asked about (→ completed) by markNoShows. */
export const COMPLETION_WATCH_MS = 24 * 3_600_000;

export class BookingService {
  readonly store: BookingStore;
  readonly rules: BookingRules;
  readonly schedules: ScheduleService;
  private readonly cards: BookingCardReader;
  private readonly keys: BookingKeys;
  private readonly engine: BookingEngine;
  private readonly outbox: MessageOutbox;
  readonly templates: BookingTemplates;
  private readonly log: Logger;

  constructor(private readonly deps: BookingServiceDeps) {
    this.store = new BookingStore(deps.db);
    this.rules = bookingRules(deps.rules);
    this.templates = deps.templates ?? bookingTemplatesFromEnv();
    this.keys = bookingKeys(deps.piiHashKey ?? piiHashKeyFromEnv());
    this.log = deps.log ?? defaultLogger;
    this.cards = new BookingCardReader(deps.db);
    this.engine = new BookingEngine(this.store, deps.his, this.rules, this.log, deps.random ?? Math.random);
    this.outbox = new MessageOutbox(
      deps.db,
      deps.openapi,
      { maxAttempts: this.rules.messageMaxAttempts, retryBaseMs: this.rules.messageRetryBaseMs },
      this.log,
    );
    this.schedules = new ScheduleService(this.store, deps.his, this.rules, this.log);
  }

  nowMs(clock: Clock): number {
    return (this.deps.clock ?? clock)().getTime();
  }

  private view(b: BookingRecord, nowMs: number): BookingView {
    return toBookingView(b, this.rules, nowMs);
  }

  private async ownedBooking(openid: string, bookingId: string): Promise<BookingRecord> {
    const b = await this.store.getBooking(bookingId);
    if (!b || b._openid !== openid || b.status === 'pending' || b.status === 'failed') {
      throw notFound(BOOKING_MESSAGES.bookingNotFound);
    }
    return b;
  }

  // ---- book --------------------------------------------------------------------------------------

  async book(caller: Caller, input: BookInput): Promise<BookingView> {
    const nowMs = this.nowMs(caller.now);
    const requestId = this.keys.requestId(caller.openid, input.idempotencyKey);
    const bookingId = this.keys.bookingId(caller.openid, input.idempotencyKey);
    const tpId = timepointId(input.sessionId, input.time);
    const request = (patientKey: string | null, answer?: AppError): RequestDoc => ({
      _id: requestId,
      _openid: caller.openid,
      status: answer ? 'done' : 'pending',
      bookingId,
      patientKey,
      result: answer ? resultOf({ ok: false, error: answer }) : null,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    });

    // A time point this instance just found full: the refusal is stored as the key's answer (the
    // key taken means an earlier answer, returned instead). A card id issued to the caller (its
    // owner tag checks out, keyed-ids.ts) is not read: the refusal books nothing, stores nothing
    // of the card and tells nothing the schedule does not — also for a card unbound meanwhile.
    // Any other id is read with the write, in one round trip, and a card the caller does not own
    // turns the stored answer into "not found".
    if (this.engine.isKnownFull(tpId, nowMs)) {
      const refusal = failedPrecondition(BOOKING_MESSAGES.full, { reason: 'full', detail: 'known full' });
      const [owned, stored] = await Promise.all([
        this.keys.cardIssuedTo(caller.openid, input.cardId) ||
          this.cards.findOwned(caller.openid, input.cardId).then((card) => card !== null),
        this.store.claimRequest(request(null, refusal)),
      ]);
      if (!owned) {
        const missing = notFound(BOOKING_MESSAGES.cardNotFound);
        if (stored) await this.store.finishRequest(requestId, resultOf({ ok: false, error: missing }), nowMs);
        throw missing;
      }
      if (!stored) return this.answerExisting(caller.openid, requestId, nowMs);
      throw refusal;
    }

    // Otherwise one round trip for the card, the stored request (replay?), the session and the
    // seat count reserved (remaining > 0 → −1): the count goes back unless the request is a valid,
    // new one (place() checks the time point and the session, and takes "not reserved" as full).
    const [cardRead, knownRead, sessionRead, reservedRead] = await Promise.allSettled([
      this.cards.findOwned(caller.openid, input.cardId),
      this.store.getRequest(requestId),
      this.store.getSession(input.sessionId),
      this.engine.reserveCount(tpId),
    ]);
    const countReserved = reservedRead.status === 'fulfilled' && reservedRead.value;
    const giveBack = async (): Promise<void> => {
      if (countReserved) await this.engine.giveCount(tpId);
    };
    if (cardRead.status === 'rejected' || knownRead.status === 'rejected' || sessionRead.status === 'rejected') {
      await giveBack();
      throw [cardRead, knownRead, sessionRead].find((r) => r.status === 'rejected')!.reason;
    }
    if (reservedRead.status === 'rejected') throw reservedRead.reason;
    const card = cardRead.value;
    const known = knownRead.value;
    const session = sessionRead.value;
    if (!card || known || !session) await giveBack();
    if (!card) throw notFound(BOOKING_MESSAGES.cardNotFound);
    const patientKey = this.keys.patientKey(card.hisPatientId);
    const req = request(patientKey);

    // A replay never keeps a seat count: answered from the stored request.
    if (known) return this.answerExisting(caller.openid, requestId, nowMs, known);

    // The request is claimed (`pending`) by the engine once the seat count is reserved (with the
    // seat claim and the patient's rule read); a refusal before that (full, closed, unknown
    // session) kept nothing and is stored as the answer in one write — or, when the key was taken
    // meanwhile, the stored answer is returned.
    let claimed = false;
    const claim = async (): Promise<boolean> => (claimed = await this.store.claimRequest(req));
    const refuse = async (error: AppError): Promise<BookingView> => {
      if (claimed) {
        await this.store.finishRequest(requestId, resultOf({ ok: false, error }), nowMs);
      } else if (!(await this.store.claimRequest(request(patientKey, error)))) {
        return this.answerExisting(caller.openid, requestId, nowMs);
      }
      throw error;
    };
    try {
      if (!session) return await refuse(notFound(BOOKING_MESSAGES.sessionNotFound));
      const outcome = await this.engine.place(
        {
          openid: caller.openid,
          card,
          patientKey,
          session,
          time: input.time,
          requestId,
          bookingId,
          source: 'direct',
          waitlistId: null,
          claim,
          countReserved,
        },
        nowMs,
      );
      if (!outcome.ok) {
        if (outcome.duplicate) return await this.answerExisting(caller.openid, requestId, nowMs);
        if (outcome.pending) throw outcome.error;
        return await refuse(outcome.error);
      }
      // Independent writes, together (the message never throws: its outbox retries).
      await Promise.all([
        this.store.finishRequest(requestId, resultOf({ ok: true, bookingId }), nowMs),
        this.sendBookingMessage(outcome.booking, 'bookingConfirmed', nowMs),
      ]);
      return this.view(outcome.booking, nowMs);
    } catch (err) {
      if (claimed && !(err instanceof AppError)) {
        // A fault after the request was claimed: its stored answer follows the booking — booked
        // (e.g. the final write failed) answers the booking, none or failed answers "busy"; a
        // pending one is left to reconcile.
        const b = await this.store.getBooking(bookingId).catch(() => null);
        if (b?.status !== 'pending') {
          const result =
            b && b.status !== 'failed' ? resultOf({ ok: true, bookingId }) : resultOf({ ok: false, error: hisBusy() });
          await this.store.finishRequest(requestId, result, nowMs).catch(() => undefined);
        }
      }
      throw err;
    }
  }

  /** The same idempotency key again: the stored answer, or resume a stale pending one. */
  private async answerExisting(
    openid: string,
    requestId: string,
    nowMs: number,
    known?: RequestDoc,
  ): Promise<BookingView> {
    let req = known ?? (await this.store.getRequest(requestId));
    if (!req || req._openid !== openid) throw processing('request vanished');
    if (req.status === 'pending') {
      if (nowMs - req.updatedAtMs < this.rules.pendingResumeAfterMs) throw processing();
      await this.resolveStaleRequest(req, nowMs);
      req = await this.store.getRequest(requestId);
      if (!req || req.status !== 'done' || !req.result) {
        throw unavailable(BOOKING_MESSAGES.hisPending, { reason: 'pending', detail: 'still pending' });
      }
    }
    const result = req.result;
    if (!result) throw processing();
    if (!result.ok) {
      const { code, message, reason } = result;
      throw new AppError(code as AppError['code'], message, { reason, detail: 'idempotent replay' });
    }
    const b = await this.store.getBooking(result.bookingId);
    if (!b) throw notFound(BOOKING_MESSAGES.bookingNotFound);
    return this.view(b, nowMs);
  }

  /** A request stuck in `pending` (crash, or HIS outcome unknown and void failed). */
  private async resolveStaleRequest(req: RequestDoc, nowMs: number): Promise<void> {
    const b = await this.store.getBooking(req.bookingId);
    if (b && b.status === 'pending') {
      await this.engine.reconcile(b, nowMs);
      return;
    }
    if (b && b.status !== 'failed') {
      await this.store.finishRequest(req._id, { ok: true, bookingId: b._id }, nowMs);
      return;
    }
    if (!b && req.patientKey) {
      // Died before the booking was written: make sure no rule claim is left behind.
      await this.engine.undoPatient(req.patientKey, req.bookingId, nowMs);
    }
    await this.store.finishRequest(req._id, resultOf({ ok: false, error: hisBusy() }), nowMs);
  }

  // ---- cancel ------------------------------------------------------------------------------------

  async cancel(caller: Caller, bookingId: string): Promise<BookingView> {
    const nowMs = this.nowMs(caller.now);
    const b = await this.ownedBooking(caller.openid, bookingId);
    if (b.status === 'cancelled') return this.view(b, nowMs);
    const d = decideCancel(b, this.rules, nowMs);
    if (!d.ok) throw refusalError(d.refusal);
    try {
      await this.deps.his.cancelBooking({ requestId: `cancel-${b._id}`, confirmRequestId: b.confirmRequestId });
    } catch (err) {
      if (err instanceof HisError && err.kind === 'rejected' && err.code === 'TOO_LATE') {
        const message = BOOKING_MESSAGES.cancelTooLate(this.rules.cancelBeforeMinutes);
        throw failedPrecondition(message, { reason: 'tooLateToCancel', detail: 'his TOO_LATE' });
      }
      throw mapHisError('cancelBooking', err);
    }
    const at = new Date(nowMs).toISOString();
    if (
      !(await this.store.transitionBooking(b._id, 'booked', {
        status: 'cancelled',
        cancelledAt: at,
        cancelReason: 'patient',
        updatedAtMs: nowMs,
      }))
    ) {
      // A concurrent cancel won; answer with the current state.
      return this.view(await this.ownedBooking(caller.openid, bookingId), nowMs);
    }
    await this.engine.undoPatient(b.patientKey, b._id, nowMs);
    const cancelled: BookingRecord = {
      ...b,
      status: 'cancelled',
      cancelledAt: at,
      cancelReason: 'patient',
      updatedAtMs: nowMs,
    };
    await this.handOver(seatOf(b), nowMs);
    await this.sendBookingMessage(cancelled, 'bookingCancelled', nowMs);
    return this.view(cancelled, nowMs);
  }

  /**
   * A freed seat — a cancelled booking's, or one the HIS gave back (holder `his`): handed directly
   * to the first waiting patient who still passes the rules (same seat flow, system idempotency
   * key); else back to the pool. True when the seat moved (false: someone else moved it first).
   */
  private async handOver(
    freed: { sessionId: string; time: string; seatNo: number; holder: string },
    nowMs: number,
  ): Promise<boolean> {
    let holder: string | null = freed.holder;
    try {
      const session = await this.store.getSession(freed.sessionId);
      if (session && (session.waiting ?? 0) > 0 && nowMs < waitlistClosesAtMs(session, this.rules)) {
        for (const w of await this.store.waitingFor(session.sessionId, 20)) {
          const card = await this.cards.findOwned(w._openid, w.cardId);
          if (!card) continue;
          const key = `waitlist:${w._id}:${w.round}`;
          const requestId = this.keys.requestId('system', key);
          const bookingId = this.keys.bookingId('system', key);
          if (
            !(await this.store.claimRequest({
              _id: requestId,
              _openid: w._openid,
              status: 'pending',
              bookingId,
              patientKey: w.patientKey,
              result: null,
              createdAtMs: nowMs,
              updatedAtMs: nowMs,
            }))
          )
            continue;
          const outcome = await this.engine.place(
            {
              openid: w._openid,
              card,
              patientKey: w.patientKey,
              session,
              time: freed.time,
              requestId,
              bookingId,
              source: 'waitlist',
              waitlistId: w._id,
              preheld: holder ? { seatNo: freed.seatNo, holder } : undefined,
            },
            nowMs,
          );
          if (!outcome.ok) {
            if (!outcome.pending) await this.store.finishRequest(requestId, resultOf(outcome), nowMs);
            // A HIS failure gave the seat back to the pool (or it is pending): no direct hand-over any more.
            if (outcome.stage === 'his') holder = null;
            continue;
          }
          await this.store.finishRequest(requestId, resultOf({ ok: true, bookingId }), nowMs);
          holder = null;
          if (
            await this.store.transitionWaitlist(w._id, 'waiting', {
              status: 'fulfilled',
              bookingId,
              updatedAtMs: nowMs,
            })
          ) {
            await this.store.incWaiting(session.sessionId, -1);
          }
          await this.sendBookingMessage(outcome.booking, 'waitlistSuccess', nowMs);
          return true;
        }
      }
    } catch (err) {
      this.log.error('waitlist hand-over failed', { err: err instanceof Error ? err.name : 'error' });
    }
    return holder ? this.engine.freeSeat(freed.sessionId, freed.time, freed.seatNo, holder) : true;
  }

  // ---- list / get --------------------------------------------------------------------------------

  /**
   * Range semantics: a booking is listed when its visit date is within [today − range, ∞) OR it
   * was created within the last `range` (so every upcoming booking and every recent one show);
   * newest created first. Internal states (pending/failed) are never listed.
   */
  async list(caller: Caller, range: BookingRange, cardId?: string): Promise<BookingListResponse> {
    const nowMs = this.nowMs(caller.now);
    const days = RANGE_DAYS[range];
    const sinceMs = nowMs - days * DAY_MS;
    const sinceDate = addDays(businessDate(new Date(nowMs)), -days);
    const limit = this.rules.listLimit;
    // One more than shown: whether older ones exist.
    const rows = await this.store.listOwnedBookings({
      openid: caller.openid,
      sinceMs,
      sinceDate,
      cardId,
      limit: limit + 1,
    });
    const bookings = rows.slice(0, limit).map((b) => this.view(b, nowMs)); // newest first (the query's order)
    const wl = (await this.store.listOwnedWaitlist(caller.openid, sinceMs)).filter(
      (w) => cardId === undefined || w.cardId === cardId,
    );
    const waitlist: WaitlistView[] = [];
    for (const w of wl) waitlist.push(toWaitlistView(w, await this.position(w)));
    // Cut at the limit: the page says that older records are not shown.
    return { bookings, waitlist, truncated: rows.length > limit };
  }

  async get(caller: Caller, bookingId: string): Promise<BookingView> {
    const nowMs = this.nowMs(caller.now);
    return this.view(await this.ownedBooking(caller.openid, bookingId), nowMs);
  }

  // ---- check-in / queue --------------------------------------------------------------------------

  async checkIn(caller: Caller, bookingId: string): Promise<BookingView> {
    const nowMs = this.nowMs(caller.now);
    const b = await this.ownedBooking(caller.openid, bookingId);
    if (b.status === 'checkedIn') return this.view(b, nowMs);
    const d = decideCheckIn(b, this.rules, nowMs);
    if (!d.ok) throw refusalError(d.refusal);
    if (!b.hisBookingId) throw hisBusy('booking without hisBookingId');
    const hisBookingId = b.hisBookingId;
    const his = await callHis('checkIn', () => this.deps.his.checkIn({ requestId: `checkin-${b._id}`, hisBookingId }));
    const at = new Date(nowMs).toISOString();
    const patch = { status: 'checkedIn' as const, queueNo: his.queueNo, checkedInAt: at, updatedAtMs: nowMs };
    await this.store.transitionBooking(b._id, 'booked', patch);
    return this.view({ ...b, ...patch }, nowMs);
  }

  async queue(caller: Caller, bookingId: string): Promise<BookingQueueResponse> {
    const b = await this.ownedBooking(caller.openid, bookingId);
    if (b.status !== 'checkedIn' || b.queueNo === null) {
      throw failedPrecondition(BOOKING_MESSAGES.notCheckedIn, { reason: 'notCheckedIn' });
    }
    const q = await callHis('queueStatus', () => this.deps.his.queueStatus(b.sessionId));
    return {
      bookingId: b._id,
      queueNo: b.queueNo,
      nowServing: q.nowServing,
      ahead: peopleAhead(b.queueNo, q.nowServing),
    };
  }

  // ---- waitlist ----------------------------------------------------------------------------------

  private async position(w: WaitlistRecord): Promise<number | null> {
    if (w.status !== 'waiting') return null;
    const waiting = await this.store.waitingFor(w.sessionId, 1000);
    const i = waiting.findIndex((x) => x._id === w._id);
    return i < 0 ? null : i + 1;
  }

  async joinWaitlist(caller: Caller, cardId: string, sessionId: string): Promise<WaitlistView> {
    const nowMs = this.nowMs(caller.now);
    const card = await this.cards.findOwned(caller.openid, cardId);
    if (!card) throw notFound(BOOKING_MESSAGES.cardNotFound);
    const session = await this.store.getSession(sessionId);
    if (!session || session.status === 'stopped') throw notFound(BOOKING_MESSAGES.sessionNotFound);
    const tps = await this.store.getTimepoints(session.timePoints.map((t) => timepointId(sessionId, t.time)));
    const remaining = tps.reduce((n, t) => n + Math.max(0, t.remaining), 0);
    const open = decideJoinWaitlist(session, remaining, this.rules, nowMs);
    if (!open.ok) throw refusalError(open.refusal);
    const patientKey = this.keys.patientKey(card.hisPatientId);
    const lastEnd = session.timePoints[session.timePoints.length - 1]?.endTime ?? '23:59';
    const endMs = businessInstantMs(session.date, lastEnd);
    const { state } = await this.store.readPatient(patientKey);
    const rules = decideBook(
      state,
      { bookingId: '(waitlist)', deptCode: session.deptCode, date: session.date, endMs },
      this.rules,
      nowMs,
      businessDate(new Date(nowMs)),
    );
    if (!rules.ok) throw refusalError(rules.refusal);

    const waitlistId = this.keys.waitlistId(card.hisPatientId, sessionId);
    const at = new Date(nowMs).toISOString();
    const record: WaitlistRecord = {
      _id: waitlistId,
      _openid: caller.openid,
      status: 'waiting',
      cardId,
      hisPatientId: card.hisPatientId,
      patientKey,
      patientName: card.displayName,
      sessionId,
      date: session.date,
      period: session.period,
      deptCode: session.deptCode,
      deptName: session.deptName,
      doctorName: session.doctorName,
      closesAtMs: waitlistClosesAtMs(session, this.rules),
      bookingId: null,
      round: 1,
      createdAt: at,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    };
    if (!(await this.store.addWaitlist(record))) {
      const existing = await this.store.getWaitlist(waitlistId);
      if (!existing) throw processing();
      if (existing.status === 'waiting') throw waitlistDuplicate();
      // Re-join after leaving / expiry / fulfilment: to the back of the queue, a new round.
      const rejoined = await this.store.transitionWaitlist(waitlistId, existing.status, {
        ...record,
        round: (existing.round ?? 1) + 1,
      });
      if (!rejoined) throw waitlistDuplicate();
      record.round = (existing.round ?? 1) + 1;
    }
    await this.store.incWaiting(sessionId, 1);
    return toWaitlistView(record, await this.position(record));
  }

  async leaveWaitlist(caller: Caller, waitlistId: string): Promise<WaitlistView> {
    const nowMs = this.nowMs(caller.now);
    const w = await this.store.getWaitlist(waitlistId);
    if (!w || w._openid !== caller.openid) throw notFound(BOOKING_MESSAGES.waitlistNotFound);
    const notWaiting = () => failedPrecondition(BOOKING_MESSAGES.waitlistNotWaiting, { reason: 'waitlistNotWaiting' });
    if (w.status !== 'waiting') throw notWaiting();
    if (!(await this.store.transitionWaitlist(waitlistId, 'waiting', { status: 'left', updatedAtMs: nowMs }))) {
      throw notWaiting();
    }
    await this.store.incWaiting(w.sessionId, -1);
    return toWaitlistView({ ...w, status: 'left', updatedAtMs: nowMs }, null);
  }

  // ---- messages ----------------------------------------------------------------------------------

  private async sendBookingMessage(
    b: BookingRecord,
    kind:
      | 'bookingConfirmed'
      | 'waitlistSuccess'
      | 'visitReminder'
      | 'bookingCancelled'
      | 'sessionStopped'
      | 'cancelledAtWindow',
    nowMs: number,
  ): Promise<void> {
    const t = this.templates;
    const r = this.rules;
    const spec = {
      bookingConfirmed: { prefix: 'bc', templateId: t.bookingConfirmed, render: () => renderBookingConfirmed(b, r) },
      waitlistSuccess: { prefix: 'wl', templateId: t.waitlistSuccess, render: () => renderWaitlistSuccess(b, r) },
      visitReminder: { prefix: 'rm', templateId: t.visitReminder, render: () => renderVisitReminder(b, r) },
      bookingCancelled: {
        prefix: 'cx',
        templateId: t.bookingCancelled,
        render: () => renderBookingCancelled(b, 'patient'),
      },
      sessionStopped: {
        prefix: 'st',
        templateId: t.bookingCancelled,
        render: () => renderBookingCancelled(b, 'stopped'),
      },
      cancelledAtWindow: {
        prefix: 'cw',
        templateId: t.bookingCancelled,
        render: () => renderBookingCancelled(b, 'window'),
      },
    }[kind];
    await this.outbox.enqueueAndSend(
      {
        id: `msg_${spec.prefix}_${b._id}`,
        kind,
        touser: b._openid,
        templateId: spec.templateId,
        page: bookingPage(b._id),
        data: spec.render(),
      },
      nowMs,
    );
  }

  // ---- timers ------------------------------------------------------------------------------------

  /**
   * The HIS schedule into the mirror; then the bookings of sessions the HIS stopped (停诊) are
   * cancelled, and the seats the HIS gave back meanwhile are settled: a booking cancelled at the
   * window is mirrored at once (not only the evening before or after the visit) and its seat, like
   * a seat the window or kiosk used and released, goes to the first waiting patient or back to
   * the pool.
   */
  async syncSchedule(
    nowMs: number,
  ): Promise<SyncSummary & { cancelledByStop: number; cancelledInHis: number; seatsReturned: number }> {
    const { stoppedSessionIds, freedInHis, ...summary } = await this.schedules.sync(nowMs);
    const cancelledByStop = await this.cancelStopped(stoppedSessionIds, nowMs);
    return { ...summary, cancelledByStop, ...(await this.settleFreedInHis(freedInHis, nowMs)) };
  }

  /** At most this many bookings are asked about per sync (each is one HIS call); the rest next time. */
  static readonly HIS_CHECKS_PER_SYNC = 100;

  private async settleFreedInHis(
    freed: SeatsFreedInHis,
    nowMs: number,
  ): Promise<{ cancelledInHis: number; seatsReturned: number }> {
    let seatsReturned = 0;
    for (const seat of freed.released) {
      // Only a seat still marked `his` moves (to a waiting patient's booking, or free).
      if (await this.handOver({ ...seat, holder: 'his' }, nowMs)) seatsReturned++;
    }
    let cancelledInHis = 0;
    for (const id of freed.bookingIds.slice(0, BookingService.HIS_CHECKS_PER_SYNC)) {
      const b = await this.store.getBooking(id);
      // None yet, or `pending`: between its seat claim and its confirm — not the HIS's business yet.
      if (!b) continue;
      if (b.status === 'booked') {
        // Confirmed after the HIS's schedule was read (a release burst during the sync): not a question.
        if (b.updatedAtMs <= nowMs && (await this.cancelledInHis(b, nowMs))) cancelledInHis++;
      } else if (b.status === 'cancelled' || b.status === 'failed') {
        // Still holding its seat: the flow that ended it stopped before giving the seat back.
        if (await this.handOver(seatOf(b), nowMs)) seatsReturned++;
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
    const at = new Date(nowMs).toISOString();
    for (const sessionId of sessionIds) {
      for (const from of ['booked', 'checkedIn'] as const) {
        // Each pass takes what is still `from`; a transition lost to a concurrent change is skipped.
        for (let pass = 0; pass < 50; pass++) {
          const batch = await this.store.bookingsByStatus(from, { sessionId });
          let moved = 0;
          for (const b of batch) {
            const patch = { status: 'cancelled' as const, cancelledAt: at, cancelReason: 'stopped' as const };
            if (!(await this.store.transitionBooking(b._id, from, { ...patch, updatedAtMs: nowMs }))) continue;
            moved++;
            cancelled++;
            await this.engine.undoPatient(b.patientKey, b._id, nowMs);
            await this.sendBookingMessage({ ...b, ...patch, updatedAtMs: nowMs }, 'sessionStopped', nowMs);
          }
          if (moved === 0) break;
        }
      }
      for (const w of await this.store.waitingFor(sessionId, 1000)) {
        if (await this.store.transitionWaitlist(w._id, 'waiting', { status: 'expired', updatedAtMs: nowMs })) {
          await this.store.incWaiting(sessionId, -1);
        }
      }
    }
    if (cancelled > 0) this.log.info('booking cancelled by 停诊', { sessions: sessionIds.length, cancelled });
    return cancelled;
  }

  /** Stale `pending` bookings are voided in the HIS and given back; stuck requests settled. */
  async reconcile(nowMs: number): Promise<{ voided: number; stillPending: number; requests: number }> {
    const out = { voided: 0, stillPending: 0, requests: 0 };
    const cutoff = nowMs - this.rules.pendingResumeAfterMs;
    for (const b of await this.store.bookingsByStatus('pending', { updatedAtMs: this.deps.db.command.lt(cutoff) })) {
      const r = await this.engine.reconcile(b, nowMs);
      if (r === 'voided') out.voided++;
      else if (r === 'stillPending') out.stillPending++;
    }
    for (const req of await this.store.stalePendingRequests(nowMs - 2 * this.rules.pendingResumeAfterMs)) {
      const b = await this.store.getBooking(req.bookingId);
      if (b && b.status === 'pending') continue;
      await this.resolveStaleRequest(req, nowMs);
      out.requests++;
    }
    return out;
  }

  /** Bookings not checked in by the end of their time point become `missed` and count as no-shows. */
  /**
   * Settles the visits whose time point has ended, against the HIS — a patient may have checked in
   * at the kiosk or the window, been seen, or cancelled at the window, none of which the cloud saw:
   *
   * - `booked` here: HIS `booked`/`missed` → `missed` (过号, counted for the no-show rule; the seat is
   *   not returned, the HIS used it); HIS `checkedIn` / `completed` → the same here (no strike); HIS
   *   `cancelled` → `cancelled` and the rule claim released;
   * - `checkedIn` here: HIS `completed` → `completed`.
   *
   * A booking the HIS cannot tell about now (unavailable) is left for the next run: nobody is
   * punished on an unknown.
   */
  async markNoShows(
    nowMs: number,
  ): Promise<{ missed: number; checkedIn: number; completed: number; cancelled: number; unknown: number }> {
    const out = { missed: 0, checkedIn: 0, completed: 0, cancelled: 0, unknown: 0 };
    const _ = this.deps.db.command;
    const ended = {
      booked: { endMs: _.lte(nowMs) },
      // A visit the HIS has not reported completed within a day stays checkedIn (asked no more).
      checkedIn: { endMs: _.lte(nowMs).and(_.gt(nowMs - COMPLETION_WATCH_MS)) },
    };
    for (const from of ['booked', 'checkedIn'] as const) {
      for (const b of await this.store.bookingsByStatus(from, ended[from], 500)) {
        let his: HisBooking | null = null;
        if (b.hisBookingId) {
          try {
            his = await this.deps.his.getBooking(b.hisBookingId);
          } catch (err) {
            out.unknown++;
            this.log.warn('booking settle: his unavailable', { code: err instanceof HisError ? err.code : 'error' });
            continue;
          }
        }
        const hisStatus = his?.status ?? 'missed';
        if (from === 'checkedIn') {
          if (
            hisStatus === 'completed' &&
            (await this.store.transitionBooking(b._id, from, { status: 'completed', updatedAtMs: nowMs }))
          )
            out.completed++;
          continue;
        }
        if (hisStatus === 'checkedIn' || hisStatus === 'completed') {
          const patch = {
            status: hisStatus,
            queueNo: his?.queueNo ?? b.queueNo,
            checkedInAt: b.checkedInAt ?? new Date(nowMs).toISOString(),
            updatedAtMs: nowMs,
          };
          if (await this.store.transitionBooking(b._id, 'booked', patch)) {
            if (hisStatus === 'checkedIn') out.checkedIn++;
            else out.completed++;
          }
          continue;
        }
        if (hisStatus === 'cancelled') {
          const patch = {
            status: 'cancelled' as const,
            cancelledAt: new Date(nowMs).toISOString(),
            cancelReason: 'window' as const,
          };
          if (await this.store.transitionBooking(b._id, 'booked', { ...patch, updatedAtMs: nowMs })) {
            out.cancelled++;
            await this.engine.undoPatient(b.patientKey, b._id, nowMs);
          }
          continue;
        }
        if (!(await this.store.transitionBooking(b._id, 'booked', { status: 'missed', updatedAtMs: nowMs }))) continue;
        out.missed++;
        // The seat is not returned: the HIS already used it.
        await this.engine.changePatient(
          b.patientKey,
          (s) => ({ ok: true, next: recordNoShow(s, b._id, b.date), value: undefined }),
          nowMs,
        );
      }
    }
    return out;
  }

  /** The day before the visit: one reminder per booking, never twice (flag + deterministic outbox id). */
  async remindTomorrow(nowMs: number): Promise<{ reminded: number; cancelledInHis: number }> {
    const tomorrow = addDays(businessDate(new Date(nowMs)), 1);
    let reminded = 0;
    let cancelledInHis = 0;
    for (const b of await this.store.bookingsByStatus('booked', { date: tomorrow, reminded: false }, 1000)) {
      // Cancelled at the hospital's window meanwhile: mirrored (seat to the waitlist), no reminder.
      if (await this.cancelledInHis(b, nowMs)) {
        cancelledInHis++;
        continue;
      }
      if (
        !(await this.store.updateWhere(
          'bookings',
          { _id: b._id, status: 'booked', reminded: false },
          { reminded: true },
        ))
      )
        continue;
      await this.sendBookingMessage(b, 'visitReminder', nowMs);
      reminded++;
    }
    return { reminded, cancelledInHis };
  }

  /**
   * Asks the HIS about a `booked` booking; when it was cancelled there (at the window), the same
   * happens here as for a cancellation in the pages: `cancelled` (reason `window`), rule claim
   * released, the seat handed to the waitlist or freed, and the patient gets a 预约取消通知 saying
   * where it was cancelled. An unreachable HIS answers false (the booking stays).
   */
  private async cancelledInHis(b: BookingRecord, nowMs: number): Promise<boolean> {
    if (!b.hisBookingId) return false;
    let his: HisBooking | null;
    try {
      his = await this.deps.his.getBooking(b.hisBookingId);
    } catch (err) {
      this.log.warn('booking his status unavailable', { code: err instanceof HisError ? err.code : 'error' });
      return false;
    }
    if (his?.status !== 'cancelled') return false;
    const at = new Date(nowMs).toISOString();
    const patch = { status: 'cancelled' as const, cancelledAt: at, cancelReason: 'window' as const };
    if (!(await this.store.transitionBooking(b._id, 'booked', { ...patch, updatedAtMs: nowMs }))) return false;
    await this.engine.undoPatient(b.patientKey, b._id, nowMs);
    await this.handOver(seatOf(b), nowMs);
    await this.sendBookingMessage({ ...b, ...patch, updatedAtMs: nowMs }, 'cancelledAtWindow', nowMs);
    return true;
  }

  sendMessages(nowMs: number): Promise<SendSummary> {
    return this.outbox.sendDue(nowMs);
  }

  /** Waitlist entries of sessions closing within the cut-off expire. */
  async expireWaitlist(nowMs: number): Promise<{ expired: number }> {
    let expired = 0;
    for (const w of await this.store.waitlistClosingBefore(nowMs)) {
      if (await this.store.transitionWaitlist(w._id, 'waiting', { status: 'expired', updatedAtMs: nowMs })) {
        await this.store.incWaiting(w.sessionId, -1);
        expired++;
      }
    }
    return { expired };
  }
}
