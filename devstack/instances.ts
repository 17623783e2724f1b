/**
 * Function instances on worker threads: what CloudBase does when calls arrive faster than one
 * instance serves them — it starts more instances of the function, each a separate runtime with
 * its own module state (cold start, in-memory caches), all talking to the same database.
 *
 * An `InstancePool` starts `count` worker threads for one function. Each worker
 * (devstack/instance-worker.ts) evaluates the bundle once and then serves invocations, several at
 * a time like an instance with multi-concurrency. Its `wx-server-sdk` is the remote emulation
 * (devstack/cloud/remote.ts): database operations and subscription messages go over a
 * MessagePort to the devstack's one emulator, as a real function reaches CloudBase's database
 * over the network — one SQLite connection, one writer, group commit, as without instances. The pool sends each call to the instance with the fewest calls in flight.
 * An instance that dies (uncaught error, exit) fails its calls in flight and is replaced by a
 * fresh one (cold start), as the platform does.
 *
 * Identity travels with each call (`getWXContext()` inside the worker answers from it); the event
 * and the answer are copied between threads (structured clone), like the platform's JSON.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { batchPoster } from './cloud/remote';
import type { CallIdentity } from './cloud/sdk-parts';

/** What the instances' SDK talks to: the devstack's emulator (`CloudEmulator.serve`). */
export interface InstanceCloud {
  envId: string;
  appId: string;
  /** Serves the emulator to one instance over `port`. */
  serve(port: MessagePort): void;
}

export interface InstanceWorkerData {
  name: string;
  file: string;
  envId: string;
  appId: string;
  /** The instance's end of the channel to the devstack's emulator. */
  cloudPort: MessagePort;
  quiet: boolean;
}

export type ToInstance =
  { type: 'invoke'; id: number; event: unknown; context: unknown; identity: CallIdentity } | { type: 'close' };

export type FromInstance =
  | { type: 'ready' }
  | { type: 'loadFailed'; message: string }
  | { type: 'result'; id: number; threw: false; result: unknown }
  | { type: 'result'; id: number; threw: true; error: { name: string; message: string; stack?: string } };

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

interface Instance {
  worker: Worker;
  /** Posts to the worker, batched per event-loop turn. */
  post(m: ToInstance): void;
  inFlight: number;
  pending: Map<number, Pending>;
  ready: Promise<void>;
  /** Set once `ready` settled successfully; a replacement that fails to load is not retried. */
  loaded: boolean;
  dead: boolean;
}

const WORKER_FILE = join(__dirname, 'instance-worker.ts');
const CLOSE_GRACE_MS = 2000;

/**
 * The worker's entry: registers tsx's CommonJS loader in the new thread (loaders registered in
 * this thread do not reach a worker's entry file) and loads instance-worker.ts. Works under tsx,
 * plain node and jest alike.
 */
function workerSource(): string {
  return [
    `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();`,
    `require(${JSON.stringify(WORKER_FILE)});`,
  ].join('\n');
}

export class InstancePool {
  private readonly instances: Instance[] = [];
  private nextId = 1;
  private rr = 0;
  private closing = false;

  constructor(
    private readonly name: string,
    private readonly file: string,
    count: number,
    private readonly cloud: InstanceCloud,
    private readonly quiet: boolean,
  ) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`instances must be a positive integer, got ${count}`);
    if (!existsSync(WORKER_FILE)) throw new Error(`instance worker not found at ${WORKER_FILE}`);
    for (let i = 0; i < count; i++) this.instances.push(this.start(i));
  }

  /** Resolves when every instance has loaded the bundle; rejects with the first load failure. */
  async ready(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.ready));
  }

  size(): number {
    return this.instances.filter((i) => !i.dead).length;
  }

  invoke(event: unknown, context: unknown, identity: CallIdentity): Promise<unknown> {
    const inst = this.pick();
    if (!inst) return Promise.reject(new Error(`no running instance of function ${this.name}`));
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      inst.pending.set(id, { resolve, reject });
      inst.inFlight++;
      inst.post({ type: 'invoke', id, event, context, identity });
    });
  }

  /** Asks every instance to close its database and exit; terminates those that do not in time. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.instances.map(async (inst) => {
        if (inst.dead) return;
        const exited = new Promise<void>((res) => inst.worker.once('exit', () => res()));
        inst.post({ type: 'close' });
        const timer = setTimeout(() => void inst.worker.terminate(), CLOSE_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private pick(): Instance | undefined {
    let best: Instance | undefined;
    const n = this.instances.length;
    for (let k = 0; k < n; k++) {
      const inst = this.instances[(this.rr + k) % n]!;
      if (inst.dead) continue;
      if (!best || inst.inFlight < best.inFlight) best = inst;
    }
    this.rr = (this.rr + 1) % n;
    return best;
  }

  private start(slot: number): Instance {
    const channel = new MessageChannel();
    this.cloud.serve(channel.port1);
    const data: InstanceWorkerData = {
      name: this.name,
      file: this.file,
      envId: this.cloud.envId,
      appId: this.cloud.appId,
      cloudPort: channel.port2,
      quiet: this.quiet,
    };
    // The environment as this code sees it (the HIS_* variables the devstack set for the functions'
    // cold start); jest gives test code its own copy of process.env, which a worker would not inherit.
    const worker = new Worker(workerSource(), {
      eval: true,
      workerData: data,
      transferList: [channel.port2],
      env: { ...process.env },
    });
    let settle!: { resolve(): void; reject(e: Error): void };
    const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const inst: Instance = {
      worker,
      post: batchPoster<ToInstance>(worker, (m, err) => {
        // An event that cannot be copied to the instance fails its call alone.
        if (m.type !== 'invoke') return;
        const p = inst.pending.get(m.id);
        inst.pending.delete(m.id);
        inst.inFlight--;
        p?.reject(err instanceof Error ? err : new Error(String(err)));
      }),
      inFlight: 0,
      pending: new Map(),
      ready,
      loaded: false,
      dead: false,
    };
    // A replacement's load failure is reported by the slot turning dead, not by an unhandled rejection.
    ready.catch(() => undefined);
    worker.on('message', (batch: FromInstance[]) => {
      for (const m of batch) onMessage(m);
    });
    const onMessage = (m: FromInstance): void => {
      if (m.type === 'ready') {
        inst.loaded = true;
        settle.resolve();
      } else if (m.type === 'loadFailed') {
        inst.dead = true;
        settle.reject(new Error(`cloud function ${this.name} failed to load: ${m.message}`));
      } else if (m.type === 'result') {
        const p = inst.pending.get(m.id);
        if (!p) return;
        inst.pending.delete(m.id);
        inst.inFlight--;
        if (m.threw) {
          const e = new Error(m.error.message);
          e.name = m.error.name;
          if (m.error.stack !== undefined) e.stack = m.error.stack;
          p.reject(e);
        } else p.resolve(m.result);
      }
    };
    worker.on('error', (err) => {
      // An uncaught exception in the instance: it exits next ('exit' below handles the calls).
      if (!this.quiet) console.error(`devstack: instance of ${this.name} crashed:`, err.message);
    });
    worker.on('exit', (code) => {
      channel.port1.close();
      const wasLoaded = inst.loaded;
      inst.dead = true;
      settle.reject(new Error(`cloud function ${this.name}: instance exited (code ${code}) before loading`));
      for (const p of inst.pending.values()) {
        p.reject(new Error(`cloud function ${this.name}: instance exited (code ${code}) during the call`));
      }
      inst.pending.clear();
      inst.inFlight = 0;
      if (!this.closing && wasLoaded) this.instances[slot] = this.start(slot);
    });
    return inst;
  }
}
