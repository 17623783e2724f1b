/**
 * The one typed entry to every cloud function. Targets CloudBase (`wx.cloud.callFunction`) or the
 * local devstack over HTTP, as decided by ../config.ts, and unwraps the envelope
 * `{ ok: true, data } | { ok: false, error }` into a value or a thrown CloudError.
 */
import type { ErrorCode } from '../../typings/envelope';
import type { ActionName, ActionRequest, ActionResponse, FunctionName, FunctionReason } from '../../typings/functions';
import { DEVSTACK_OPENID_KEY, getConfig } from '../config';

/**
 * Every canonical code once: a Record over the ErrorCode type makes a missing or unknown code a
 * compile error (a value import of typings/envelope.ts ERROR_CODES would leave miniprogramRoot).
 */
const KNOWN_CODES: Record<ErrorCode, true> = {
  INVALID_ARGUMENT: true,
  UNAUTHENTICATED: true,
  PERMISSION_DENIED: true,
  NOT_FOUND: true,
  ALREADY_EXISTS: true,
  FAILED_PRECONDITION: true,
  RESOURCE_EXHAUSTED: true,
  ABORTED: true,
  UNAVAILABLE: true,
  INTERNAL: true,
};

function isKnownCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(KNOWN_CODES, code);
}

export const NETWORK_ERROR_MESSAGE = '网络异常，请稍后重试';
export const SERVER_ERROR_MESSAGE = '服务异常，请稍后重试';

export interface CloudErrorDetails<R extends string = string> {
  /** For INVALID_ARGUMENT: the payload field at fault. */
  field?: string;
  /** The server's machine-readable reason (ErrorBody.reason). */
  reason?: R;
  /** The function that answered (absent for an envelope unwrapped on its own). */
  fn?: FunctionName;
  /** False when no envelope came back: see CloudError.answered. */
  answered?: boolean;
}

/**
 * A refusal or failure of a cloud function call. Pages decide on `code` and `reason`, never on
 * `message`: the message is for the patient and may be reworded on the server at any time.
 */
export class CloudError<R extends string = string> extends Error {
  readonly code: ErrorCode;
  /** For INVALID_ARGUMENT: the payload field at fault. */
  readonly field: string | undefined;
  /** Why the server refused (its union per function: FunctionReason<F>); undefined when it gave none. */
  readonly reason: R | undefined;
  /** The function called, so isCloudErrorOf can type `reason` by it. */
  readonly fn: FunctionName | undefined;
  /**
   * False when no envelope came back (network failure, the function threw, a malformed reply):
   * the server may or may not have acted, which a page retrying a write must know.
   */
  readonly answered: boolean;

  constructor(code: ErrorCode, message: string, details: CloudErrorDetails<R> = {}) {
    super(message);
    this.name = 'CloudError';
    this.code = code;
    this.field = details.field;
    this.reason = details.reason;
    this.fn = details.fn;
    this.answered = details.answered ?? true;
    Object.setPrototypeOf(this, CloudError.prototype);
  }
}

/** What `callCloud(fn, …)` rejects with: `reason` is that function's union (typings/functions.ts). */
export type CloudErrorOf<F extends FunctionName> = CloudError<FunctionReason<F>>;

export function isCloudError(err: unknown): err is CloudError {
  return err instanceof CloudError;
}

/** A CloudError from function `fn`, with `reason` typed by that function's refusal reasons. */
export function isCloudErrorOf<F extends FunctionName>(err: unknown, fn: F): err is CloudErrorOf<F> {
  return isCloudError(err) && err.fn === fn;
}

/** The reason of a refusal by `fn` (undefined for anything else), for a `switch` in a page. */
export function reasonOf<F extends FunctionName>(err: unknown, fn: F): FunctionReason<F> | undefined {
  return isCloudErrorOf(err, fn) ? err.reason : undefined;
}

/** A patient-readable message for anything thrown by a service call. */
export function errorMessage(err: unknown): string {
  return isCloudError(err) ? err.message : SERVER_ERROR_MESSAGE;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** A failure made here, without an envelope from the function. */
function noAnswer(code: 'INTERNAL' | 'UNAVAILABLE', fn?: FunctionName): CloudError {
  return new CloudError(code, code === 'UNAVAILABLE' ? NETWORK_ERROR_MESSAGE : SERVER_ERROR_MESSAGE, {
    fn,
    answered: false,
  });
}

/**
 * Unwraps an envelope; anything that is not a well-formed envelope is an INTERNAL error. `fn`
 * (the function that answered) types the reason of the CloudError thrown.
 */
export function unwrapEnvelope<T, F extends FunctionName = FunctionName>(raw: unknown, fn?: F): T {
  let value: unknown = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw noAnswer('INTERNAL', fn);
    }
  }
  if (isObject(value) && value.ok === true && 'data' in value) {
    return (value as { ok: true; data: T }).data;
  }
  if (isObject(value) && value.ok === false && isObject(value.error)) {
    const error = value.error;
    const code = isKnownCode(error.code) ? error.code : 'INTERNAL';
    const message = typeof error.message === 'string' && error.message ? error.message : SERVER_ERROR_MESSAGE;
    const field = typeof error.field === 'string' ? error.field : undefined;
    // Passed on as sent, typed as `fn`'s union: a value a newer server adds matches no case of a page's switch.
    const reason = typeof error.reason === 'string' && error.reason ? (error.reason as FunctionReason<F>) : undefined;
    throw new CloudError<FunctionReason<F>>(code, message, { field, reason, fn });
  }
  throw noAnswer('INTERNAL', fn);
}

function devstackOpenid(fallback: string): string {
  try {
    const stored: unknown = wx.getStorageSync(DEVSTACK_OPENID_KEY);
    if (typeof stored === 'string' && stored) return stored;
  } catch {
    // storage unavailable: use the configured identity
  }
  return fallback;
}

function requestDevstack(
  fn: FunctionName,
  url: string,
  openid: string,
  data: Record<string, unknown>,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      method: 'POST',
      header: { 'content-type': 'application/json', 'X-WX-OPENID': openid },
      data,
      success(res) {
        // HTTP 500 means the function threw; its body is not an envelope.
        if (res.statusCode >= 200 && res.statusCode < 300) resolve(res.data);
        else if (isObject(res.data) && typeof res.data.ok === 'boolean') resolve(res.data);
        else reject(noAnswer('INTERNAL', fn));
      },
      fail() {
        reject(noAnswer('UNAVAILABLE', fn));
      },
    });
  });
}

async function callFunctionCloud(name: FunctionName, data: Record<string, unknown>): Promise<unknown> {
  try {
    const res = await wx.cloud.callFunction({ name, data });
    return res.result;
  } catch {
    throw noAnswer('UNAVAILABLE', name);
  }
}

/**
 * Calls `fn` with `{ action, ...payload }` and returns the action's typed response.
 * Rejects with a CloudErrorOf<F>: the server's code/message/field/reason, or UNAVAILABLE (not
 * `answered`) on transport failure.
 */
export async function callCloud<F extends FunctionName, A extends ActionName<F>>(
  fn: F,
  action: A,
  payload: ActionRequest<F, A>,
): Promise<ActionResponse<F, A>> {
  const config = getConfig();
  const data: Record<string, unknown> = { ...(payload as Record<string, unknown>), action };
  const raw =
    config.target === 'cloud'
      ? await callFunctionCloud(fn, data)
      : await requestDevstack(fn, `${config.devstackUrl}/functions/${fn}`, devstackOpenid(config.devOpenid), data);
  return unwrapEnvelope<ActionResponse<F, A>, F>(raw, fn);
}
