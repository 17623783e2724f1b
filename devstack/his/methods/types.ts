import type { SandboxDb } from '../db';

/** What a gateway method handler gets besides its parsed JSON body. */
export interface MethodContext {
  db: SandboxDb;
  /** The authenticated caller. */
  appId: string;
  /** The sandbox clock. */
  now(): Date;
}

/** A gateway method: parsed JSON body in, `data` out; throws SandboxError for protocol errors. */
export type MethodHandler = (body: Record<string, unknown>, ctx: MethodContext) => unknown;
