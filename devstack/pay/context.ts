/** What the sandbox's routes and rules share: the store, the merchant, the clock and the timers. */
import type { Faults } from './faults';
import type { MedInsAuthFile, NonceCache } from './med-ins-auth-scheme';
import type { MedInsStore } from './med-ins-store';
import type { Credentials } from './merchant';
import type { Notifier } from './notifier';
import type { PapayNotifier } from './papay-notifier';
import type { PapayStore } from './papay-store';
import type { WechatpaySigner } from './signer';
import type { PayStore } from './store';
import type { Clock } from './time';

/** The 医保 mixed orders and the 医保 authorisation gateway. */
export interface MedInsContext {
  store: MedInsStore;
  /** Real ms between the cash part paid and the 医保 part settled (or timed out). */
  settleDelayMs: number;
  /** The gateway credentials (`<stateDir>/pay/medins.json`). */
  auth: MedInsAuthFile;
  /** Nonces seen by the gateway within the timestamp window (replays are refused). */
  nonces: NonceCache;
}

/** Withholding (委托代扣, v2 papay): contracts, deductions and their XML notifications. */
export interface PapayContext {
  store: PapayStore;
  notifier: PapayNotifier;
  /** Real ms between a deduction accepted and its outcome (success, or NOTENOUGH on the fault). */
  deductDelayMs: number;
}

export interface PayContext {
  store: PayStore;
  credentials: Credentials;
  signer: WechatpaySigner;
  notifier: Notifier;
  faults: Faults;
  clock: Clock;
  /** Where refunds without a notify_url are notified (the merchant's configured URL), if set. */
  defaultNotifyUrl(): string | undefined;
  /** Real ms a refund stays PROCESSING. */
  refundDelayMs: number;
  /** Sandbox-clock ms two refunds of one order must be apart (WeChat: 1 minute). */
  refundIntervalMs: number;
  /** Runs `settle` after `delayMs` real ms, unless the sandbox closes first. */
  later(delayMs: number, settle: () => void): void;
  /** Waits `ms` real ms (a fault's delay); resolves at once when the sandbox closes. */
  sleep(ms: number): Promise<void>;
  /** `HH:mm` Asia/Shanghai at which the bill of the day before is ready. */
  billReadyAt: string;
  /**
   * Dates whose bill a tool asked for early (`POST /sandbox/bills/<date>/ready`): served now, with
   * the rows so far — a benchmark or test reconciles today without waiting for tomorrow 10:00.
   */
  billsReadyNow: Set<string>;
  medIns: MedInsContext;
  papay: PapayContext;
}

export const now = (ctx: PayContext): number => ctx.clock().getTime();
