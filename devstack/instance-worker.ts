/**
 * One function instance on a worker thread (started by devstack/instances.ts): the bundle
 * evaluated once (cold start) with the remote `wx-server-sdk` (database and messages served by the
 * devstack's emulator over a MessagePort), then calls served as they arrive, each under its
 * caller's identity.
 */
import { parentPort, workerData } from 'node:worker_threads';
// The remote SDK only: an instance has no database of its own (no SQLite in this thread).
import { batchPoster } from './cloud/remote';
import { createRemoteCloud, type RemoteCloud } from './cloud/remote-client';
import { loadBundle, silentConsole } from './function-host';
import type { FromInstance, InstanceWorkerData, ToInstance } from './instances';

const port = parentPort;
if (!port) throw new Error('instance-worker runs on a worker thread only');
const data = workerData as InstanceWorkerData;
// Batched per event-loop turn; an answer that cannot be copied back fails its call instead.
const send = batchPoster<FromInstance>(port, (m) => {
  if (m.type !== 'result') return;
  send({
    type: 'result',
    id: m.id,
    threw: true,
    error: { name: 'Error', message: 'the function returned a value that cannot be transferred' },
  });
});

type MainFn = (event: unknown, context: unknown) => unknown;

let emulator: RemoteCloud | null = null;
let main: MainFn | null = null;
try {
  emulator = createRemoteCloud(data.cloudPort, { envId: data.envId, appId: data.appId });
  const exports = loadBundle(data.file, emulator.sdk, data.quiet ? silentConsole : console);
  if (typeof exports.main !== 'function') throw new Error(`${data.file} does not export main()`);
  main = exports.main as MainFn;
  send({ type: 'ready' });
} catch (err) {
  // Posted at once (not batched): the thread ends right after.
  port.postMessage([
    { type: 'loadFailed', message: err instanceof Error ? err.message : String(err) },
  ] satisfies FromInstance[]);
  process.exit(1);
}

port.on('message', (batch: ToInstance[]) => {
  for (const m of batch) onMessage(m);
});

function onMessage(m: ToInstance): void {
  if (m.type === 'close') {
    emulator = null;
    // Ends this thread only (open keep-alive sockets to the HIS would keep it alive otherwise).
    process.exit(0);
  }
  if (!emulator || !main) return;
  const fn = main;
  emulator
    .runWithContext(m.identity, async () => fn(m.event, m.context))
    .then(
      (result) => send({ type: 'result', id: m.id, threw: false, result }),
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        send({
          type: 'result',
          id: m.id,
          threw: true,
          error: { name: e.name, message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}) },
        });
      },
    );
}
