/**
 * Calls from the preview's wallet and mini-program look-alikes to the pay sandbox, through the
 * devstack's `/paysandbox/<rest>` proxy (the sandbox's `/sandbox/<rest>`). A sandbox that does not
 * answer, or refuses, is a red banner as well as a `fail`: the preview never fails quietly.
 */
import { WxFail } from './wx-fail';

/** What is read of a fetch Response. */
export interface SandboxResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

export interface SandboxDeps {
  /** The devstack's origin (the preview's own). */
  origin: string;
  /** The phone screen the sheets and screens go into. */
  root: () => HTMLElement;
  fetch: (url: string, init?: RequestInit) => Promise<SandboxResponse>;
  /** Red banner + console (state.ts reportError). */
  report: (message: string) => void;
}

/** Reports `why` for `api` and throws its `fail`. */
export function failLoudly(deps: SandboxDeps, api: string, why: string): never {
  deps.report(`[preview] wx.${api}: ${why}`);
  throw new WxFail(`${api}:fail ${why}`);
}

export async function readJson(r: SandboxResponse): Promise<Record<string, unknown> | null> {
  try {
    const body: unknown = await r.json();
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export type SandboxAnswer =
  { ok: true; body: Record<string, unknown> } | { ok: false; status: number; message: string };

/** A sandbox call whose refusal the caller shows itself (a screen's own error line); no answer fails loudly. */
export async function trySandbox(
  deps: SandboxDeps,
  api: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<SandboxAnswer> {
  let r: SandboxResponse;
  try {
    r = await deps.fetch(`${deps.origin}/paysandbox/${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    return failLoudly(deps, api, `${method} /paysandbox/${path} failed: ${String(err)}`);
  }
  const json = await readJson(r);
  if (r.ok) return { ok: true, body: json ?? {} };
  return { ok: false, status: r.status, message: typeof json?.message === 'string' ? json.message : '' };
}

/** A sandbox call that must succeed: a refusal fails loudly too. */
export async function sandbox(
  deps: SandboxDeps,
  api: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const answer = await trySandbox(deps, api, method, path, body);
  if (answer.ok) return answer.body;
  const said = answer.message ? `: ${answer.message}` : '';
  return failLoudly(deps, api, `${method} /paysandbox/${path} answered HTTP ${answer.status}${said}`);
}
