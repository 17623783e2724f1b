/**
 * Changes of a patient's item claims (`payment_patients`) by compare-and-set, retried on
 * contention. Only what an order holds is ever released, and only by its own transitions.
 */
import { aborted } from '../../core/errors';
import { releaseClaim, type PatientClaims } from '../../domain/payment';
import type { PaymentContext } from './context';

export type ClaimChange<T> = (state: PatientClaims) => { next: PatientClaims | null; value: T };

export async function changeClaims<T>(ctx: PaymentContext, patientKey: string, change: ClaimChange<T>): Promise<T> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const { state, version } = await ctx.store.claims.read(patientKey);
    const { next, value } = change(state);
    if (next === null) return value;
    if (await ctx.store.claims.cas(patientKey, version, next, ctx.nowMs())) return value;
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10 * (attempt + 1))));
  }
  throw aborted('操作过于频繁，请稍后再试', { reason: 'processing', detail: 'payment_patients cas contention' });
}

/** Gives the order's items back (closed, refunding, settled). Never throws: the timer retries. */
export async function releaseOrderClaim(ctx: PaymentContext, patientKey: string, orderId: string): Promise<void> {
  try {
    await changeClaims(ctx, patientKey, (s) => ({ next: releaseClaim(s, orderId), value: undefined }));
  } catch (err) {
    ctx.log.warn('payment claim release failed', { orderId, err: err instanceof Error ? err.name : 'unknown' });
  }
}
