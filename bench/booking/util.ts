/** Small helpers of the booking bench: the repo root, progress log, rounding, a bounded pool. */
import { resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..');

/** Progress goes to stderr; stdout carries only the result document. */
export function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

export const r1 = (x: number): number => Math.round(x * 10) / 10;
export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Runs `task(i)` for i in 0..n-1 with at most `concurrency` in flight. */
export async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, () => worker()));
}
