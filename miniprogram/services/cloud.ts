/**
 * The one typed entry to every cloud function. Targets CloudBase (`wx.cloud.callFunction`) or the
 * local devstack over HTTP, as decided by ../config.ts, and unwraps the envelope
 * `{ ok: true, data } | { ok: false, error }` into a value or a thrown CloudError.
 */
import type { ErrorCode } from '../../typings/envelope';
import type { ActionName, ActionRequest, ActionResponse, FunctionName } from '../../typings/functions';
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

export class CloudError extends Error {
  readonly code: ErrorCode;
  /** For INVALID_ARGUMENT: the payload field at fault. */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'CloudError';
    this.code = code;
    this.field = field;
    Object.setPrototypeOf(this, CloudError.prototype);
  }
}

export function isCloudError(err: unknown): err is CloudError {
  return err instanceof CloudError;
}

/** A patient-readable message for anything thrown by a service call. */
export function errorMessage(err: unknown): string {
  return isCloudError(err) ? err.message : SERVER_ERROR_MESSAGE;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Unwraps an envelope; anything that is not a well-formed envelope is an INTERNAL error. */
export function unwrapEnvelope<T>(raw: unknown): T {
  let value: unknown = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new CloudError('INTERNAL', SERVER_ERROR_MESSAGE);
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
    throw new CloudError(code, message, field);
  }
  throw new CloudError('INTERNAL', SERVER_ERROR_MESSAGE);
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

function requestDevstack(url: string, openid: string, data: Record<string, unknown>): Promise<unknown> {
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
        else reject(new CloudError('INTERNAL', SERVER_ERROR_MESSAGE));
      },
      fail() {
        reject(new CloudError('UNAVAILABLE', NETWORK_ERROR_MESSAGE));
      },
    });
  });
}

async function callFunctionCloud(name: string, data: Record<string, unknown>): Promise<unknown> {
  try {
    const res = await wx.cloud.callFunction({ name, data });
    return res.result;
  } catch {
    throw new CloudError('UNAVAILABLE', NETWORK_ERROR_MESSAGE);
  }
}

/**
 * Calls `fn` with `{ action, ...payload }` and returns the action's typed response.
 * Throws CloudError: the server's code/message/field, or UNAVAILABLE on transport failure.
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
      : await requestDevstack(`${config.devstackUrl}/functions/${fn}`, devstackOpenid(config.devOpenid), data);
  return unwrapEnvelope<ActionResponse<F, A>>(raw);
}
