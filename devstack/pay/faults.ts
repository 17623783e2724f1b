/**
 * Fault injection (`POST /sandbox/faults`, `setFaults`): what WeChat Pay does on a bad day, so the
 * payment function's retries, queries and idempotency are exercised. Rates are decided by a seeded
 * PRNG (the same seed, the same sequence); `failNext` is fully deterministic.
 */
import { mulberry32 } from '../his/prng';
import type { RefundStatus } from './store';

export interface PayFaults {
  /** Share (0..1) of matching /v3 calls answered with `failWith`. */
  failRate?: number;
  /** Delay before a matching /v3 call is processed, in ms. */
  delayMs?: number;
  /** Path prefixes the API faults apply to (`/v3/refund`); empty or absent = every /v3 path. */
  paths?: string[];
  /** The next N matching /v3 calls fail, whatever failRate says. */
  failNext?: number;
  /** What a failed call answers: 500 SYSTEM_ERROR (default) or 429 FREQUENCY_LIMITED. */
  failWith?: 'SYSTEM_ERROR' | 'FREQUENCY_LIMITED';
  /**
   * A failing call is first processed (an order placed, a refund accepted) and only its answer is
   * the error, as when WeChat's answer is lost: the caller must retry with the same numbers.
   */
  applyThenFail?: boolean;
  /** Share of notification deliveries whose body is altered after signing (the signature then fails). */
  tamperRate?: number;
  /** Share of successful deliveries sent a second time within a second (WeChat's duplicate). */
  duplicateRate?: number;
  /** Refund requests answer 403 NOT_ENOUGH (the merchant's balance is short). */
  refundNotEnough?: boolean;
  /** What PROCESSING refunds turn into (default SUCCESS). */
  refundResult?: Exclude<RefundStatus, 'PROCESSING'>;
  /**
   * The 医保 part of mixed orders times out when it settles: WeChat reverses the order (the cash
   * part is refunded, MIX_PAY_FAIL) and sends no MEDICAL_INSURANCE.SUCCESS — the polling path.
   */
  medInsTimeout?: boolean;
  /**
   * Withholding deductions (`/pay/pappayapply`) fail when they settle, as on a short balance:
   * `true` every one, a number the share (0..1) of them. The result notification and the query
   * then say `PAY_FAIL` / `NOTENOUGH`, so a client's fallback path (asking the user to pay) runs.
   */
  papayDeductFail?: boolean | number;
}

type Resolved = Required<Omit<PayFaults, 'papayDeductFail'>> & { papayDeductFail: number };

const NONE: Resolved = {
  failRate: 0,
  delayMs: 0,
  paths: [],
  failNext: 0,
  failWith: 'SYSTEM_ERROR',
  applyThenFail: false,
  tamperRate: 0,
  duplicateRate: 0,
  refundNotEnough: false,
  refundResult: 'SUCCESS',
  medInsTimeout: false,
  papayDeductFail: 0,
};

const share = (v: unknown): number => Math.min(1, Math.max(0, Number(v ?? 0) || 0));
const count = (v: unknown): number => Math.max(0, Math.floor(Number(v ?? 0) || 0));

function resolve(f: PayFaults): Resolved {
  const refundResults = ['SUCCESS', 'CLOSED', 'ABNORMAL'] as const;
  return {
    failRate: share(f.failRate),
    delayMs: Math.min(60_000, count(f.delayMs)),
    paths: Array.isArray(f.paths) ? f.paths.filter((p): p is string => typeof p === 'string') : [],
    failNext: count(f.failNext),
    failWith: f.failWith === 'FREQUENCY_LIMITED' ? 'FREQUENCY_LIMITED' : 'SYSTEM_ERROR',
    applyThenFail: f.applyThenFail === true,
    tamperRate: share(f.tamperRate),
    duplicateRate: share(f.duplicateRate),
    refundNotEnough: f.refundNotEnough === true,
    refundResult: refundResults.find((r) => r === f.refundResult) ?? 'SUCCESS',
    medInsTimeout: f.medInsTimeout === true,
    papayDeductFail: f.papayDeductFail === true ? 1 : share(f.papayDeductFail === false ? 0 : f.papayDeductFail),
  };
}

export class Faults {
  private state: Resolved = { ...NONE };
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  set(f: PayFaults): void {
    this.state = resolve(f);
  }

  clear(): void {
    this.state = { ...NONE };
  }

  current(): Resolved {
    return { ...this.state, paths: [...this.state.paths] };
  }

  matches(pathname: string): boolean {
    return this.state.paths.length === 0 || this.state.paths.some((p) => pathname.startsWith(p));
  }

  /** Whether this matching call fails (consumes one `failNext`). */
  decideFailure(): boolean {
    if (this.state.failNext > 0) {
      this.state.failNext -= 1;
      return true;
    }
    return this.state.failRate > 0 && this.random() < this.state.failRate;
  }

  tamper(): boolean {
    return this.state.tamperRate > 0 && this.random() < this.state.tamperRate;
  }

  duplicate(): boolean {
    return this.state.duplicateRate > 0 && this.random() < this.state.duplicateRate;
  }

  /** Whether this withholding deduction fails for want of balance (`papayDeductFail`). */
  papayDeductFails(): boolean {
    const rate = this.state.papayDeductFail;
    return rate >= 1 || (rate > 0 && this.random() < rate);
  }

  /** Milliseconds in [50, 1000): when WeChat's duplicate arrives after the first delivery. */
  duplicateDelayMs(): number {
    return 50 + Math.floor(this.random() * 950);
  }
}
