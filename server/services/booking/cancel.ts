/**
 * Cancellation before the visit: by the patient (`cancel`, until time point − 2 h, in the HIS
 * first) or at the hospital's window (seen by asking the HIS). Either way the booking becomes
 * `cancelled`, its rule claim is released, its seat goes to the first waiting patient (else the
 * pool: the seat hold's giveBack, hand-over.ts) and the patient gets a 预约取消通知.
 */
import type { BookingView } from '../../../typings/booking';
import { refusalError } from '../../core/errors';
import { HisError } from '../../ports/his-error';
import type { HisBooking } from '../../ports/his-booking';
import { cancelledPatch, cancelRefusal, decideCancel, toBookingView, type BookingRecord } from '../../domain/booking';
import { mapHisError } from '../his-errors';
import type { BookingContext } from './context';
import type { Caller } from './deps';
import { ownedBooking } from './records';

export class Cancellation {
  constructor(private readonly ctx: BookingContext) {}

  async cancel(caller: Caller, bookingId: string): Promise<BookingView> {
    const { store, rules } = this.ctx;
    const nowMs = this.ctx.nowMs(caller.now);
    const b = await ownedBooking(store, caller.openid, bookingId);
    if (b.status === 'cancelled') return toBookingView(b, rules, nowMs);
    const d = decideCancel(b, rules, nowMs);
    if (!d.ok) throw refusalError(d.refusal);
    await this.cancelInHis(b);
    const patch = cancelledPatch('patient', nowMs);
    if (!(await store.bookings.transition(b._id, 'booked', patch))) {
      // A concurrent cancel won; answer with the current state.
      return toBookingView(await ownedBooking(store, caller.openid, bookingId), rules, nowMs);
    }
    const cancelled: BookingRecord = { ...b, ...patch };
    await this.ctx.holds.ofCancelledBooking(b, nowMs).giveBack();
    await this.ctx.messages.send(cancelled, 'bookingCancelled', nowMs);
    return toBookingView(cancelled, rules, nowMs);
  }

  private async cancelInHis(b: BookingRecord): Promise<void> {
    try {
      await this.ctx.his.cancelBooking({ requestId: `cancel-${b._id}`, confirmRequestId: b.confirmRequestId });
    } catch (err) {
      // The HIS's own deadline passed before ours: the same refusal as ours.
      const refusal =
        err instanceof HisError && err.kind === 'rejected' ? cancelRefusal(err.code, this.ctx.rules) : null;
      if (refusal) throw refusalError(refusal, 'his TOO_LATE');
      throw mapHisError('cancelBooking', err);
    }
  }

  /**
   * Asks the HIS about a `booked` booking; when it was cancelled there (at the window), the same
   * happens here as for a cancellation in the pages, and the 预约取消通知 says where it was
   * cancelled. An unreachable HIS answers false (the booking stays).
   */
  async cancelledInHis(b: BookingRecord, nowMs: number): Promise<boolean> {
    if (!b.hisBookingId) return false;
    let his: HisBooking | null;
    try {
      his = await this.ctx.his.getBooking(b.hisBookingId);
    } catch (err) {
      this.ctx.log.warn('booking his status unavailable', { code: err instanceof HisError ? err.code : 'error' });
      return false;
    }
    if (his?.status !== 'cancelled') return false;
    const patch = cancelledPatch('window', nowMs);
    if (!(await this.ctx.store.bookings.transition(b._id, 'booked', patch))) return false;
    await this.ctx.holds.ofCancelledBooking(b, nowMs).giveBack();
    await this.ctx.messages.send({ ...b, ...patch }, 'cancelledAtWindow', nowMs);
    return true;
  }
}
