/**
 * One function instance on a worker thread (started by devstack/instances.ts): its own emulator
 * connection to the devstack's SQLite file, the bundle evaluated once (cold start), then calls
 * served as they arrive, each under its caller's identity.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createCloudEmulator } from './cloud';
import { loadBundle, silentConsole } from './functions';
import type { FromInstance, InstanceWorkerData, ToInstance } from './instances';

const port = parentPort;
if (!port) throw new Error('instance-worker runs on a worker thread only');
const data = workerData as InstanceWorkerData;
const send = (m: FromInstance): void => port.postMessage(m);

type MainFn = (event: unknown, context: unknown) => unknown;

let emulator: ReturnType<typeof createCloudEmulator> | null = null;
let main: MainFn | null = null;
try {
  emulator = createCloudEmulator({
    dbFile: data.emulator.dbFile,
    envId: data.emulator.envId,
    ...(data.emulator.appId !== undefined ? { appId: data.emulator.appId } : {}),
    templates: data.emulator.templates,
    commit: 'operation',
    writeLock: data.emulator.writeLock,
  });
  const exports = loadBundle(data.file, emulator.sdk, data.quiet ? silentConsole : console);
  if (typeof exports.main !== 'function') throw new Error(`${data.file} does not export main()`);
  main = exports.main as MainFn;
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'loadFailed', message: err instanceof Error ? err.message : String(err) });
  emulator?.close();
  process.exit(1);
}

port.on('message', (m: ToInstance) => {
  if (m.type === 'close') {
    emulator?.close();
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
    )
    .catch((err: unknown) => {
      // The answer could not be copied back (not cloneable): report that as the function's failure.
      send({
        type: 'result',
        id: m.id,
        threw: true,
        error: {
          name: 'Error',
          message: `answer not transferable: ${err instanceof Error ? err.message : String(err)}`,
        },
      });
    });
});
