/**
 * Subscription message template ids (MP console → 订阅消息, medical category), in ONE place: the
 * function environment (TMPL_*, server/config/env-vars.ts). They are WeChat's random ids of this
 * mini program, so there is no default: a function without them refuses to start handling calls,
 * as without PII_HASH_KEY (the devstack sets its seeded ids, devstack/seed/subscribe-templates.ts).
 * The pages get them from the `rules` action for wx.requestSubscribeMessage, so consent is asked
 * for exactly the ids the server sends with.
 */
import type { BookingTemplateIds } from '../../typings/booking';
import type { EnvVarName, FunctionEnv } from './env-vars';

export type BookingTemplates = BookingTemplateIds;

/** Which variable holds which template. */
export const BOOKING_TEMPLATE_ENV = {
  bookingConfirmed: 'TMPL_BOOKING_CONFIRMED',
  visitReminder: 'TMPL_VISIT_REMINDER',
  waitlistSuccess: 'TMPL_WAITLIST_SUCCESS',
  bookingCancelled: 'TMPL_BOOKING_CANCELLED',
} as const satisfies Record<keyof BookingTemplates, EnvVarName>;

export function bookingTemplatesFromEnv(env: FunctionEnv = process.env): BookingTemplates {
  const kinds = Object.keys(BOOKING_TEMPLATE_ENV) as (keyof BookingTemplates)[];
  const missing = kinds.map((k) => BOOKING_TEMPLATE_ENV[k]).filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new Error(
      `subscription template ids are not set: ${missing.join(', ')} (configure them in the function environment, see server/config/templates.ts)`,
    );
  }
  const id = (k: keyof BookingTemplates): string => env[BOOKING_TEMPLATE_ENV[k]]!.trim();
  return {
    bookingConfirmed: id('bookingConfirmed'),
    visitReminder: id('visitReminder'),
    waitlistSuccess: id('waitlistSuccess'),
    bookingCancelled: id('bookingCancelled'),
  };
}

/** The payment function's templates (缴费成功通知, 退款通知). */
export interface PaymentTemplates {
  paymentSuccess: string;
  refund: string;
}

export const PAYMENT_TEMPLATE_ENV = {
  paymentSuccess: 'TMPL_PAYMENT_SUCCESS',
  refund: 'TMPL_REFUND_NOTICE',
} as const satisfies Record<keyof PaymentTemplates, EnvVarName>;

export function paymentTemplatesFromEnv(env: FunctionEnv = process.env): PaymentTemplates {
  const missing = Object.values(PAYMENT_TEMPLATE_ENV).filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new Error(`subscription template ids are not set: ${missing.join(', ')} (see server/config/templates.ts)`);
  }
  return {
    paymentSuccess: env.TMPL_PAYMENT_SUCCESS!.trim(),
    refund: env.TMPL_REFUND_NOTICE!.trim(),
  };
}

/** The hisEvents function's template: 待缴费提醒 (charges ready after a visit). */
export function chargesReadyTemplateFromEnv(env: FunctionEnv = process.env): string {
  const id = env.TMPL_CHARGES_READY?.trim();
  if (!id) throw new Error('subscription template id is not set: TMPL_CHARGES_READY (see server/config/templates.ts)');
  return id;
}
