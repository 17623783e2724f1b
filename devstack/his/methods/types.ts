import type { ScheduleConfig } from '../booking-store';
import type { SandboxDb } from '../db';
import type { FeeRuntime } from '../fee-store';

/** What a gateway method handler gets besides its parsed JSON body. */
export interface MethodContext {
  db: SandboxDb;
  /** The authenticated caller. */
  appId: string;
  /** The sandbox clock. */
  now(): Date;
  /** Seed and release time, for generating schedule days lazily. */
  schedule: ScheduleConfig;
  /** Receipt page base URL and delay, for the fee methods. */
  fees: FeeRuntime;
}

/** A gateway method: parsed JSON body in, `data` out; throws SandboxError for protocol errors. */
export type MethodHandler = (body: Record<string, unknown>, ctx: MethodContext) => unknown;
