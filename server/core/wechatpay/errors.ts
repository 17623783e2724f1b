/** Failures of WeChat Pay calls and notifications. */

export type WechatPayErrorKind = 'unavailable' | 'rejected';

/**
 * `unavailable`: the outcome is unknown or transient (network, timeout, HTTP 5xx, 429, an answer
 * whose signature does not verify) — an idempotent call may be repeated with the same numbers.
 * `rejected`: WeChat Pay refused with a 4xx and its `code` (ORDERPAID, NOT_ENOUGH, PARAM_ERROR, …).
 */
export class WechatPayError extends Error {
  constructor(
    readonly kind: WechatPayErrorKind,
    readonly code: string,
    message: string,
    readonly status = 0,
  ) {
    super(message);
    this.name = 'WechatPayError';
  }
}

/** A notification that must be answered with a failure (4xx): bad signature, stale, undecryptable. */
export class NotificationRejected extends Error {
  constructor(readonly why: string) {
    super(`notification rejected: ${why}`);
    this.name = 'NotificationRejected';
  }
}
