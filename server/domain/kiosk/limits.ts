/**
 * A failure counter over a fixed window with a lockout, pure: a kiosk's wrong codes, or one code
 * value's failed tries. The store applies the result with compare-and-set.
 */

export interface LimitRule {
  max: number;
  windowMs: number;
  lockMs: number;
}

export interface LimitState {
  windowStartMs: number;
  failures: number;
  lockedUntilMs: number;
}

export const EMPTY_LIMIT: LimitState = { windowStartMs: 0, failures: 0, lockedUntilMs: 0 };

export function isLocked(s: LimitState, nowMs: number): boolean {
  return s.lockedUntilMs > nowMs;
}

/** One more failure; `locked` when this one reached the limit (log it once, then). */
export function recordFailure(s: LimitState, rule: LimitRule, nowMs: number): { next: LimitState; locked: boolean } {
  const fresh = nowMs - s.windowStartMs >= rule.windowMs;
  const failures = (fresh ? 0 : s.failures) + 1;
  const windowStartMs = fresh ? nowMs : s.windowStartMs;
  if (failures >= rule.max)
    return { next: { windowStartMs, failures: 0, lockedUntilMs: nowMs + rule.lockMs }, locked: true };
  return { next: { windowStartMs, failures, lockedUntilMs: s.lockedUntilMs }, locked: false };
}
