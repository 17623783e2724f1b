/**
 * The devstack's function host: loads the built cloud function bundles
 * (`cloudfunctions/<fn>/index.js`), invokes their `main(event, context)` under a caller identity,
 * and keeps a small ring buffer of recent calls per function for the console.
 *
 * How bundles are loaded: each bundle's text is evaluated in a fresh CommonJS wrapper whose
 * `require('wx-server-sdk')` returns the emulator's SDK (everything else goes to Node's require).
 * This is what `installWxServerSdk` does for Node's own loader, but it also works where Node's
 * loader is not in charge (jest runs test code under its own module registry, which a
 * `Module._load` hook does not see). Every load is a cold start: module-level code (e.g. reading
 * `HIS_BASE_URL` from the environment) runs again.
 *
 * The ring buffer records operational facts only — time, function, action, masked caller,
 * outcome, duration. Never the payload, never the response data.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { CloudSdk } from '../server/ports/cloud-sdk';
import { InstancePool, type InstanceCloud } from './instances';

/** The subset of the emulator the host needs (see devstack/cloud). */
export interface ContextRunner {
  runWithContext<T>(
    id: { OPENID: string; APPID?: string; UNIONID?: string; SOURCE?: string },
    fn: () => Promise<T>,
  ): Promise<T>;
}

export interface TimerTrigger {
  name: string;
  /** CloudBase 7-field cron: second minute hour day month weekday year. */
  config: string;
}

export type CallKind = 'call' | 'http' | 'timer';

export interface CallRecord {
  at: string;
  fn: string;
  kind: CallKind;
  /** Action name (for `call`), HTTP method (for `http`) or trigger name (for `timer`). */
  action: string;
  /** First 4 characters of the OPENID + '…', or '(none)'. */
  caller: string;
  /** 'ok', an envelope error code, 'HTTP <status>', or 'threw'. */
  outcome: string;
  ms: number;
}

export interface FunctionSummary {
  name: string;
  /** Running instances on worker threads; 0 when the function runs in the devstack's thread. */
  instances: number;
  actionsSeen: string[];
  timers: TimerTrigger[];
  recentCalls: CallRecord[];
}

export type InvokeResult = { threw: false; result: unknown; ms: number } | { threw: true; error: Error; ms: number };

type MainFn = (event: unknown, context: unknown) => unknown;
type RunFn = (event: unknown, context: unknown, identity: { OPENID: string; SOURCE: string }) => Promise<unknown>;

interface LoadedFunction {
  name: string;
  dir: string;
  /** Runs one call: in this thread under the emulator's identity, or on an instance of `pool`. */
  run: RunFn;
  pool: InstancePool | null;
  timers: TimerTrigger[];
  timeoutSec: number;
  actionsSeen: Set<string>;
  calls: CallRecord[];
}

export interface FunctionHostOptions {
  /** Folder holding `<fn>/index.js` (the repo's `cloudfunctions/`). */
  functionsDir: string;
  sdk: CloudSdk;
  runner: ContextRunner;
  envId: string;
  /** Drop the functions' console output (tests). */
  quiet?: boolean;
  /** Calls kept per function. */
  ringSize?: number;
  /**
   * Run each function as `count` instances on worker threads (devstack/instances.ts) whose SDK
   * reaches the emulator through `cloud.serve`, instead of once in this thread (`sdk`/`runner` are
   * then not used for calls). Call `ready()` after `loadAll()`, and `close()` when done.
   */
  instances?: { count: number; cloud: InstanceCloud };
}

const FN_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const ACTION_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,47}$/;

/** `oABC123xyz` → `oABC…`; never more of an OPENID than that. */
export function maskOpenid(openid: string): string {
  if (!openid) return '(none)';
  return `${Array.from(openid).slice(0, 4).join('')}…`;
}

export const silentConsole = {
  log() {},
  info() {},
  warn() {},
  error() {},
  debug() {},
  trace() {},
} as unknown as Console;

/** Reads `config.json` timer triggers; a missing file means none. Throws on malformed JSON. */
export function readFunctionConfig(dir: string): { timers: TimerTrigger[]; timeoutSec: number } {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return { timers: [], timeoutSec: 3 };
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const cfg = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const triggers = Array.isArray(cfg.triggers) ? (cfg.triggers as unknown[]) : [];
  const timers: TimerTrigger[] = [];
  for (const t of triggers) {
    if (typeof t !== 'object' || t === null) continue;
    const tr = t as Record<string, unknown>;
    if (tr.type === 'timer' && typeof tr.name === 'string' && typeof tr.config === 'string') {
      timers.push({ name: tr.name, config: tr.config });
    }
  }
  const timeoutSec = typeof cfg.timeout === 'number' && cfg.timeout > 0 ? cfg.timeout : 3;
  return { timers, timeoutSec };
}

/** Function folders under `functionsDir` (those with an index.ts or index.js). */
export function discoverFunctions(functionsDir: string): { name: string; dir: string; built: boolean }[] {
  if (!existsSync(functionsDir)) return [];
  return readdirSync(functionsDir)
    .filter((n) => FN_NAME.test(n))
    .map((name) => ({ name, dir: join(functionsDir, name) }))
    .filter(({ dir }) => statSync(dir).isDirectory())
    .filter(({ dir }) => existsSync(join(dir, 'index.ts')) || existsSync(join(dir, 'index.js')))
    .map(({ name, dir }) => ({ name, dir, built: existsSync(join(dir, 'index.js')) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Evaluates a CommonJS bundle with `require('wx-server-sdk')` bound to `sdk`. Returns its exports.
 * Each call is a fresh module instance (cold start).
 */
export function loadBundle(file: string, sdk: CloudSdk, consoleImpl: Console = console): Record<string, unknown> {
  const code = readFileSync(file, 'utf8');
  const nodeRequire = createRequire(file);
  const localRequire = (id: string): unknown => (id === 'wx-server-sdk' ? sdk : nodeRequire(id));
  const mod: { exports: Record<string, unknown> } = { exports: {} };
  // sourceURL makes stack traces name the bundle instead of "eval".
  const wrapper = new Function(
    'exports',
    'require',
    'module',
    '__filename',
    '__dirname',
    'console',
    `${code}\n//# sourceURL=${file}`,
  ) as (...args: unknown[]) => void;
  wrapper(mod.exports, localRequire, mod, file, join(file, '..'), consoleImpl);
  return mod.exports;
}

export class FunctionHost {
  private readonly fns = new Map<string, LoadedFunction>();
  private readonly ringSize: number;

  constructor(private readonly opts: FunctionHostOptions) {
    this.ringSize = opts.ringSize ?? 50;
  }

  /** Loads every built function. Throws when a function has sources but no bundle. */
  loadAll(): string[] {
    const found = discoverFunctions(this.opts.functionsDir);
    const unbuilt = found.filter((f) => !f.built).map((f) => f.name);
    if (unbuilt.length > 0) {
      throw new Error(`cloud function(s) not built: ${unbuilt.join(', ')} — run npm run build`);
    }
    this.fns.clear();
    for (const f of found) this.load(f.name, f.dir);
    return this.names();
  }

  /** Resolves when every function instance has loaded (immediately without `instances`). */
  async ready(): Promise<void> {
    await Promise.all([...this.fns.values()].map((f) => f.pool?.ready()));
  }

  /** Stops the function instances (no-op without `instances`). */
  async close(): Promise<void> {
    await Promise.all([...this.fns.values()].map((f) => f.pool?.close()));
  }

  /** Names of the bundles that are newer in source than in build output (stale builds). */
  staleBuilds(): string[] {
    return discoverFunctions(this.opts.functionsDir)
      .filter((f) => f.built && existsSync(join(f.dir, 'index.ts')))
      .filter((f) => statSync(join(f.dir, 'index.ts')).mtimeMs > statSync(join(f.dir, 'index.js')).mtimeMs)
      .map((f) => f.name);
  }

  private load(name: string, dir: string): void {
    const { timers, timeoutSec } = readFunctionConfig(dir);
    const file = join(dir, 'index.js');
    let run: RunFn;
    let pool: InstancePool | null = null;
    if (this.opts.instances) {
      const p = new InstancePool(name, file, this.opts.instances.count, this.opts.instances.cloud, !!this.opts.quiet);
      pool = p;
      run = (event, context, identity) => p.invoke(event, context, identity);
    } else {
      const exports = loadBundle(file, this.opts.sdk, this.opts.quiet ? silentConsole : console);
      const main = exports.main;
      if (typeof main !== 'function') throw new Error(`cloudfunctions/${name}/index.js does not export main()`);
      const runner = this.opts.runner;
      run = (event, context, identity) => runner.runWithContext(identity, async () => (main as MainFn)(event, context));
    }
    this.fns.set(name, {
      name,
      dir,
      run,
      pool,
      timers,
      timeoutSec,
      actionsSeen: new Set(),
      calls: [],
    });
  }

  names(): string[] {
    return [...this.fns.keys()];
  }

  has(name: string): boolean {
    return this.fns.has(name);
  }

  timers(name: string): TimerTrigger[] {
    return this.fns.get(name)?.timers ?? [];
  }

  summaries(): FunctionSummary[] {
    return [...this.fns.values()].map((f) => ({
      name: f.name,
      instances: f.pool?.size() ?? 0,
      actionsSeen: [...f.actionsSeen].sort(),
      timers: f.timers,
      recentCalls: [...f.calls].reverse(),
    }));
  }

  /** A callFunction from the mini program (SOURCE wx_client). */
  async call(name: string, event: unknown, openid: string): Promise<InvokeResult> {
    const ev =
      typeof event === 'object' && event !== null && !Array.isArray(event) ? (event as Record<string, unknown>) : {};
    const rawAction = typeof ev.action === 'string' && ACTION_NAME.test(ev.action) ? ev.action : '(invalid)';
    const res = await this.invoke(name, event, { OPENID: openid, SOURCE: 'wx_client' });
    let outcome = 'threw';
    if (!res.threw) {
      outcome = envelopeOutcome(res.result);
      const unknownAction = isErrorEnvelope(res.result, 'INVALID_ARGUMENT', 'action');
      if (rawAction !== '(invalid)' && !unknownAction) this.fns.get(name)?.actionsSeen.add(rawAction);
    }
    this.record(name, { kind: 'call', action: rawAction, caller: maskOpenid(openid), outcome, ms: res.ms });
    return res;
  }

  /** The HTTP access service (SOURCE wx_http, no OPENID). */
  async http(name: string, event: HttpAccessEvent): Promise<InvokeResult> {
    const res = await this.invoke(name, event, { OPENID: '', SOURCE: 'wx_http' });
    let outcome = 'threw';
    if (!res.threw) {
      const r = res.result as { statusCode?: unknown } | null;
      outcome = r && typeof r === 'object' && typeof r.statusCode === 'number' ? `HTTP ${r.statusCode}` : 'HTTP 200';
    }
    this.record(name, { kind: 'http', action: event.httpMethod, caller: '(none)', outcome, ms: res.ms });
    return res;
  }

  /** Fires a timer trigger now (SOURCE wx_trigger, no OPENID). */
  async fireTimer(name: string, trigger: TimerTrigger, at: Date, message?: string): Promise<InvokeResult> {
    const event = {
      Type: 'Timer',
      TriggerName: trigger.name,
      Time: at.toISOString(),
      ...(message !== undefined ? { Message: message } : {}),
    };
    const res = await this.invoke(name, event, { OPENID: '', SOURCE: 'wx_trigger' });
    const outcome = res.threw ? 'threw' : envelopeOutcome(res.result);
    this.record(name, { kind: 'timer', action: trigger.name, caller: '(timer)', outcome, ms: res.ms });
    return res;
  }

  private async invoke(
    name: string,
    event: unknown,
    identity: { OPENID: string; SOURCE: string },
  ): Promise<InvokeResult> {
    const fn = this.fns.get(name);
    if (!fn) throw new Error(`unknown function ${name}`);
    const context = {
      request_id: randomUUID(),
      function_name: name,
      function_version: '$LATEST',
      namespace: this.opts.envId,
      memory_limit_in_mb: 256,
      time_limit_in_ms: fn.timeoutSec * 1000,
      callbackWaitsForEmptyEventLoop: false,
    };
    const started = performance.now();
    try {
      const result = await fn.run(event, context, identity);
      return { threw: false, result, ms: Math.round(performance.now() - started) };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      return { threw: true, error, ms: Math.round(performance.now() - started) };
    }
  }

  private record(name: string, r: Omit<CallRecord, 'at' | 'fn'>): void {
    const fn = this.fns.get(name);
    if (!fn) return;
    fn.calls.push({ at: new Date().toISOString(), fn: name, ...r });
    if (fn.calls.length > this.ringSize) fn.calls.splice(0, fn.calls.length - this.ringSize);
  }
}

export interface HttpAccessEvent {
  httpMethod: string;
  path: string;
  headers: Record<string, string>;
  queryStringParameters: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

function envelopeOutcome(result: unknown): string {
  if (typeof result !== 'object' || result === null) return 'ok';
  const r = result as { ok?: unknown; error?: { code?: unknown } };
  if (r.ok === false) return typeof r.error?.code === 'string' ? r.error.code : 'error';
  return 'ok';
}

function isErrorEnvelope(result: unknown, code: string, field: string): boolean {
  if (typeof result !== 'object' || result === null) return false;
  const r = result as { ok?: unknown; error?: { code?: unknown; field?: unknown } };
  return r.ok === false && r.error?.code === code && r.error?.field === field;
}
