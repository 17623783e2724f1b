/** Wall time and CPU per call of a timed phase: the devstack child (and its threads), the HIS, the driver. */
import { readdir, readFile } from 'node:fs/promises';
import type { Bench } from './api';
import { round3 } from './util';

export interface PhaseCpu {
  /** CPU time of the devstack child / calls. */
  childCpuMsPerCall: number;
  /** The same by thread on Linux: `main`, the four busiest others, the rest together. */
  childThreadCpuMsPerCall: Record<string, number>;
  /** The HIS sandbox process's; null when it runs inside the child. */
  hisCpuMsPerCall: number | null;
  /** This load generator's (it shares the machine with both). */
  driverCpuMsPerCall: number;
}

/** This process's CPU (user + system) since `since`, per call, in ms. */
function driverMsPerCall(since: NodeJS.CpuUsage, calls: number): number {
  const u = process.cpuUsage(since);
  return round3((u.user + u.system) / 1000 / calls);
}

/** CPU time on a core so far of each thread of a process, in ms (Linux schedstat; empty elsewhere). */
async function threadCpuMs(pid: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  try {
    for (const tid of await readdir(`/proc/${pid}/task`)) {
      const s = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').catch(() => '');
      if (s) out.set(tid, Number(s.split(' ')[0]) / 1e6);
    }
  } catch {
    // not Linux: no breakdown
  }
  return out;
}

/**
 * Per call, the CPU of the devstack child's threads between two samples: `main` (HTTP, dispatch,
 * the database) and the busiest other threads (function instances, then V8/libuv helpers).
 */
function threadsPerCall(
  pid: number,
  a: Map<string, number>,
  b: Map<string, number>,
  calls: number,
): Record<string, number> {
  const main = String(pid);
  const others: number[] = [];
  let mainMs = 0;
  for (const [tid, ms] of b) {
    const d = ms - (a.get(tid) ?? 0);
    if (tid === main) mainMs = d;
    else others.push(d);
  }
  others.sort((x, y) => y - x);
  const out: Record<string, number> = { main: round3(mainMs / calls) };
  others.slice(0, 4).forEach((d, i) => (out[`thread${i + 1}`] = round3(d / calls)));
  out.otherThreads = round3(others.slice(4).reduce((x, y) => x + y, 0) / calls);
  return out;
}

/**
 * Starts measuring a timed phase; the function it returns gives the phase's wall time and CPU
 * per call: the devstack child's (total, and by thread on Linux — main, then the busiest
 * others), the HIS sandbox process's (null when it runs inside the child) and this load
 * generator's (it shares the machine with both).
 */
export async function startMeter(b: Bench): Promise<(calls: number) => Promise<{ wallMs: number } & PhaseCpu>> {
  const { child, hisChild } = b;
  const pid = child.proc.pid!;
  const cpu0 = await child.cpuMs();
  const threads0 = await threadCpuMs(pid);
  const his0 = hisChild ? await hisChild.cpuMs() : Number.NaN;
  const driver0 = process.cpuUsage();
  const started = performance.now();
  return async (calls: number) => {
    const wallMs = performance.now() - started;
    const driverCpuMsPerCall = driverMsPerCall(driver0, calls);
    return {
      wallMs,
      childCpuMsPerCall: round3(((await child.cpuMs()) - cpu0) / calls),
      childThreadCpuMsPerCall: threadsPerCall(pid, threads0, await threadCpuMs(pid), calls),
      hisCpuMsPerCall: hisChild ? round3(((await hisChild.cpuMs()) - his0) / calls) : null,
      driverCpuMsPerCall,
    };
  };
}
