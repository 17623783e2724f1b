/**
 * SharedWriteLock between real threads: workers increment a shared counter with a deliberately
 * non-atomic read → spin → write under the lock; no increment may be lost.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SharedWriteLock } from '../../../devstack/cloud/write-lock';

const LOCK_FILE = join(__dirname, '../../../devstack/cloud/write-lock.ts');

function incrementer(lockBuf: SharedArrayBuffer, counter: SharedArrayBuffer, times: number): Promise<void> {
  const src = `
    require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();
    const { workerData, parentPort } = require('node:worker_threads');
    const { SharedWriteLock } = require(${JSON.stringify(LOCK_FILE)});
    const lock = new SharedWriteLock(workerData.lockBuf);
    const c = new Int32Array(workerData.counter);
    for (let i = 0; i < workerData.times; i++) {
      lock.acquire();
      const v = c[0];
      for (let k = 0; k < 50; k++) Math.sqrt(k); // widen the window between read and write
      c[0] = v + 1;
      lock.release();
    }
    parentPort.postMessage('done');
  `;
  const w = new Worker(src, { eval: true, workerData: { lockBuf, counter, times } });
  return new Promise<void>((resolve, reject) => {
    w.once('message', () => resolve());
    w.once('error', reject);
  }).finally(() => void w.terminate());
}

describe('SharedWriteLock', () => {
  it('serialises threads: 3 workers × 20 000 increments → 60 000', async () => {
    const lock = new SharedWriteLock();
    const counter = new SharedArrayBuffer(4);
    await Promise.all([0, 1, 2].map(() => incrementer(lock.buffer, counter, 20_000)));
    expect(new Int32Array(counter)[0]).toBe(60_000);
    expect(lock.held()).toBe(false);
  }, 60_000);

  it('is free after release, held in between', () => {
    const lock = new SharedWriteLock();
    expect(lock.held()).toBe(false);
    lock.acquire();
    expect(lock.held()).toBe(true);
    lock.release();
    expect(lock.held()).toBe(false);
  });

  it('rejects a buffer too small', () => {
    expect(() => new SharedWriteLock(new SharedArrayBuffer(2))).toThrow('4 bytes');
  });
});
