import type { BookingRules } from '../../config/booking-rules';
import type { BookingTemplates } from '../../config/templates';
import type { Clock } from '../../core/time';
import type { Logger } from '../../core/log';
import type { Database, OpenApi } from '../../ports/cloud-sdk';
import type { HisBookingPort } from '../../ports/his-booking';

export interface BookingServiceDeps {
  db: Database;
  his: HisBookingPort;
  /** cloud.openapi (subscribeMessage.send). */
  openapi: Pick<OpenApi, 'subscribeMessage'>;
  /** Overrides the call's clock (tests). */
  clock?: Clock;
  rules?: Partial<BookingRules>;
  /** Defaults to env TMPL_* (server/config/templates.ts). */
  templates?: BookingTemplates;
  /** Defaults to env PII_HASH_KEY (server/config/pii.ts). */
  piiHashKey?: string;
  log?: Logger;
  /** Random source for the seat search start (tests may pin it). */
  random?: () => number;
}

export type { Caller } from '../../core/handler';
