/**
 * The hospital's payment rules (configuration, not code). Times in ms. Defaults are what a
 * typical hospital runs with; a deployment may override any of them through the function's deps.
 */
import type { PaymentRules } from '../domain/payment/types';

export const DEFAULT_PAYMENT_RULES: Readonly<PaymentRules> = Object.freeze({
  // WeChat Pay's prepay lives 2 h; patients finish within minutes, and a held item blocks the window.
  orderTtlMs: 30 * 60_000,
  settleRetryBaseMs: 15_000,
  // After this the HIS is assumed unable to settle: the patient gets the money back the same day.
  settleLimitMs: 30 * 60_000,
  maxItems: 20,
  pickupTtlMs: 7 * 24 * 3_600_000,
  queryAfterMs: 60_000,
});

export function paymentRules(overrides: Partial<PaymentRules> = {}): PaymentRules {
  return { ...DEFAULT_PAYMENT_RULES, ...overrides };
}

/** Outbox settings of the payment messages. */
export const PAYMENT_MESSAGE_OPTIONS = { maxAttempts: 5, retryBaseMs: 30_000 } as const;
