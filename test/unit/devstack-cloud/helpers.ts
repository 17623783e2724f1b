import { createCloudEmulator, type CloudEmulator, type SubscribeTemplate } from '../../../devstack/cloud';

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

export function memoryEmulator(templates: SubscribeTemplate[] = TEST_TEMPLATES): Harness {
  const now = { value: new Date('2026-11-27T01:00:00.000Z') };
  const emu = createCloudEmulator({ dbFile: ':memory:', templates, clock: () => now.value });
  return { emu, now };
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
