import { MessageChannel } from 'node:worker_threads';
import {
  createCloudEmulator,
  createRemoteCloud,
  DEFAULT_APP_ID,
  DEFAULT_ENV_ID,
  type CloudEmulator,
  type SubscribeTemplate,
} from '../../../devstack/cloud';

export const TEST_TEMPLATES: SubscribeTemplate[] = [
  {
    id: 'tmpl-one',
    title: '预约成功通知',
    kind: 'one-time',
    keys: { thing1: '就诊人', time2: '就诊时间' },
  },
  { id: 'tmpl-long', title: '报告出具通知', kind: 'long-term', keys: { thing1: '就诊人', thing2: '报告名称' } },
];

export interface Harness {
  emu: CloudEmulator;
  /** Settable clock the emulator uses. */
  now: { value: Date };
}

/**
 * An emulator on an in-memory database. In the `unit-remote-db` jest project
 * (DEVSTACK_TEST_REMOTE_DB=1) the same tests reach it the way a function instance on a worker
 * thread does: `sdk`, `db` and `runWithContext` are the remote SDK (devstack/cloud/remote.ts) over a
 * MessageChannel served by the emulator; the admin and subscription views stay local.
 */
export function memoryEmulator(templates: SubscribeTemplate[] = TEST_TEMPLATES): Harness {
  const now = { value: new Date('2026-11-27T01:00:00.000Z') };
  const emu = createCloudEmulator({ dbFile: ':memory:', templates, clock: () => now.value });
  if (process.env.DEVSTACK_TEST_REMOTE_DB !== '1') return { emu, now };
  const { port1, port2 } = new MessageChannel();
  emu.serve(port1);
  const remote = createRemoteCloud(port2, { envId: DEFAULT_ENV_ID, appId: DEFAULT_APP_ID });
  const viaPort: CloudEmulator = {
    ...emu,
    sdk: remote.sdk,
    db: remote.sdk.database(),
    runWithContext: (id, fn) => remote.runWithContext(id, fn),
    close: () => {
      port1.close();
      port2.close();
      emu.close();
    },
  };
  return { emu: viaPort, now };
}

/** Awaits a promise expected to reject; returns the rejection. */
export async function rejection(p: Promise<unknown>): Promise<Error & { errCode?: number; errMsg?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { errCode?: number; errMsg?: string };
  }
  throw new Error('expected a rejection');
}
