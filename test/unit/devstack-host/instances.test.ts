/**
 * Function instances on worker threads (devstack/instances.ts through FunctionHost): calls spread
 * over the instances, identity and errors cross the thread boundary, a crashed instance fails only
 * its own calls and is replaced, a bundle that cannot load fails start-up.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCloudEmulator, type CloudEmulator } from '../../../devstack/cloud';
import { FunctionHost } from '../../../devstack/function-host';

const PROBE = `
const cloud = require('wx-server-sdk');
const { threadId } = require('node:worker_threads');
const db = cloud.database();
exports.main = async (event) => {
  if (event.crash) process.exit(3);
  if (event.throw) throw new TypeError('boom');
  if (event.wait) await new Promise((r) => setTimeout(r, event.wait));
  if (event.write) await db.collection('probe').add({ data: { n: event.write } });
  const { OPENID } = cloud.getWXContext();
  return { ok: true, data: { openid: OPENID, threadId } };
};
`;

let dir: string;
let emulator: CloudEmulator;
let host: FunctionHost | null = null;

function makeHost(functionsDir: string, count = 2): FunctionHost {
  return new FunctionHost({
    functionsDir,
    sdk: emulator.sdk,
    runner: emulator,
    envId: 'devstack',
    quiet: true,
    instances: { count, cloud: { envId: 'devstack', appId: 'wx-test', serve: (port) => emulator.serve(port) } },
  });
}

function writeFn(functionsDir: string, name: string, code: string): void {
  mkdirSync(join(functionsDir, name), { recursive: true });
  writeFileSync(join(functionsDir, name, 'index.js'), code);
}

describe('FunctionHost with instances on worker threads', () => {
  let fns: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'devstack-inst-'));
    fns = join(dir, 'functions');
    emulator = createCloudEmulator({ dbFile: join(dir, 'cloud.sqlite'), templates: [] });
    writeFn(fns, 'probe', PROBE);
  });
  afterEach(async () => {
    await host?.close();
    host = null;
    emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('spreads concurrent calls over the instances, each under its caller, writing to the shared database', async () => {
    host = makeHost(fns);
    host.loadAll();
    await host.ready();
    expect(host.summaries()[0]).toMatchObject({ name: 'probe', instances: 2 });
    const res = await Promise.all(
      Array.from({ length: 8 }, (_, i) => host!.call('probe', { wait: 20, write: i + 1 }, `o-${i}`)),
    );
    const data = res.map((r) => (r.threw ? null : (r.result as { data: { openid: string; threadId: number } }).data));
    expect(data.map((d) => d?.openid)).toEqual(Array.from({ length: 8 }, (_, i) => `o-${i}`));
    expect(new Set(data.map((d) => d?.threadId)).size).toBe(2);
    // The devstack's own connection sees what the instances wrote.
    const { total } = await emulator.db.collection('probe').count();
    expect(total).toBe(8);
  }, 30_000);

  it('a thrown error comes back as the call’s failure; a crashed instance fails its calls and is replaced', async () => {
    host = makeHost(fns, 1);
    host.loadAll();
    await host.ready();
    const thrown = await host.call('probe', { throw: true }, 'o-1');
    expect(thrown).toMatchObject({ threw: true, error: { name: 'TypeError', message: 'boom' } });

    const before = await host.call('probe', {}, 'o-1');
    const crashed = await host.call('probe', { crash: true }, 'o-1');
    expect(crashed).toMatchObject({ threw: true });
    expect(crashed.threw && crashed.error.message).toMatch(/instance exited \(code 3\)/);
    const after = await host.call('probe', {}, 'o-2');
    expect(after.threw).toBe(false);
    const tid = (r: typeof before): number =>
      r.threw ? -1 : (r.result as { data: { threadId: number } }).data.threadId;
    expect(tid(before)).toBeGreaterThan(0);
    expect(tid(after)).toBeGreaterThan(0);
    expect(tid(after)).not.toBe(tid(before)); // a new instance (cold start)
    expect(host.summaries()[0]?.recentCalls.map((c) => c.outcome)).toEqual(['ok', 'threw', 'ok', 'threw']);
  }, 30_000);

  it('a bundle without main() fails start-up with its name', async () => {
    writeFn(fns, 'broken', 'exports.notMain = 1;');
    host = makeHost(fns, 1);
    host.loadAll();
    await expect(host.ready()).rejects.toThrow(/cloud function broken failed to load: .*does not export main\(\)/);
  }, 30_000);
});
