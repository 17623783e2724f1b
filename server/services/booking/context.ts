/**
 * What the booking flows share, built once per function instance from the deps: the store, the
 * rules, the HIS, the keys, this instance's seat memory (seat-pool.ts), the patient rules, the
 * seat holds and the messages.
 */
import type { Logger } from '../../core/log';
import { logger as defaultLogger } from '../../core/log';
import type { Clock } from '../../core/time';
import { bookingRules, type BookingRules } from '../../config/booking-rules';
import { piiHashKeyFromEnv } from '../../config/pii';
import { bookingTemplatesFromEnv, type BookingTemplates } from '../../config/templates';
import { BookingStore } from '../../adapters/clouddb/booking-store';
import type { HisBookingPort } from '../../ports/his-booking';
import { MessageOutbox } from '../messages/outbox';
import type { BookingServiceDeps } from './deps';
import { bookingKeys, type BookingKeys } from './keys';
import { BookingMessages } from './messages';
import { PatientRules } from './patient-rules';
import { SeatHolds, type HoldDeps } from './seat-hold';
import { SeatPool } from './seat-pool';

export interface BookingContext {
  store: BookingStore;
  rules: BookingRules;
  templates: BookingTemplates;
  his: HisBookingPort;
  keys: BookingKeys;
  log: Logger;
  pool: SeatPool;
  patients: PatientRules;
  holds: SeatHolds;
  messages: BookingMessages;
  /** The call's instant (the deps' clock overrides the call's: tests). */
  nowMs(clock: Clock): number;
}

/** `offer`: the waitlist hand-over a given-back seat goes to first (hand-over.ts; built after the context). */
export function createBookingContext(deps: BookingServiceDeps, offer: HoldDeps['offer']): BookingContext {
  const store = new BookingStore(deps.db);
  const rules = bookingRules(deps.rules);
  const log = deps.log ?? defaultLogger;
  const random = deps.random ?? Math.random;
  const templates = deps.templates ?? bookingTemplatesFromEnv();
  const pool = new SeatPool(store.seats, rules, random);
  const patients = new PatientRules(store.patients, rules, random);
  const outboxOptions = { maxAttempts: rules.messageMaxAttempts, retryBaseMs: rules.messageRetryBaseMs };
  return {
    store,
    rules,
    templates,
    his: deps.his,
    keys: bookingKeys(deps.piiHashKey ?? piiHashKeyFromEnv()),
    log,
    pool,
    patients,
    holds: new SeatHolds({ pool, seats: store.seats, bookings: store.bookings, patients, log, offer }),
    messages: new BookingMessages(new MessageOutbox(deps.db, deps.openapi, outboxOptions, log), templates, rules),
    nowMs: (clock) => (deps.clock ?? clock)().getTime(),
  };
}
