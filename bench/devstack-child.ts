/**
 * The devstack under benchmark, in its own process (so the load generator never shares its event
 * loop). Started by bench/booking-burst.ts and bench/payment-chaos.ts:
 *
 *   node --import tsx bench/devstack-child.ts --state-dir DIR --functions-dir DIR [--his-url URL] [--port P]
 *
 * With `--his-url` it uses that HIS sandbox (started by the bench in its own process) instead of
 * starting one inside this process. `--port` (default 0: any free one): where it listens — a HIS
 * sandbox of another process, started first with HIS_EVENTS_URL, can then deliver its events here.
 *
 * Prints one JSON line `{"url","hisUrl","payUrl","functions"}` on stdout once it listens, then runs until
 * SIGTERM/SIGINT or until its stdin closes (the parent died).
 *
 * Control lines on stdin (used by `--profile-dir`): `prof-start` starts the V8 CPU profiler,
 * `prof-stop <file>` writes the profile (.cpuprofile, open in Chrome DevTools) and answers
 * `{"profile": file}` on stdout; `cpu` answers `{"cpuMs": n}` (the child's user + system CPU time so
 * far, so the bench reports CPU per call independently of other load on the machine).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createInterface } from 'node:readline';
import { startDevstack } from '../devstack/stack';

function arg(name: string): string {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (!v) {
    console.error(`devstack-child: ${name} is required`);
    process.exit(2);
  }
  return v;
}

function optionalArg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const stack = await startDevstack({
    port: Number(optionalArg('--port') ?? '0'),
    hisPort: 0,
    stateDir: arg('--state-dir'),
    functionsDir: arg('--functions-dir'),
    reset: true,
    quiet: true,
    ...(optionalArg('--his-url') ? { hisUrl: optionalArg('--his-url') } : {}),
    instances: Number(optionalArg('--instances') ?? '0'),
  });
  process.stdout.write(
    `${JSON.stringify({ url: stack.url, hisUrl: stack.hisUrl, payUrl: stack.payUrl, functions: stack.functions.names() })}\n`,
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  let inspector: Session | null = null;
  const post = (method: string): Promise<unknown> =>
    new Promise((res, rej) => inspector!.post(method, (err, result) => (err ? rej(err) : res(result))));
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const [cmd, file] = line.trim().split(/\s+/, 2);
    if (cmd === 'prof-start') {
      inspector ??= new Session();
      inspector.connect();
      void post('Profiler.enable').then(() => post('Profiler.start'));
    } else if (cmd === 'cpu') {
      const u = process.cpuUsage();
      process.stdout.write(`${JSON.stringify({ cpuMs: (u.user + u.system) / 1000 })}\n`);
    } else if (cmd === 'prof-stop' && inspector && file) {
      void post('Profiler.stop').then((r) => {
        writeFileSync(file, JSON.stringify((r as { profile: unknown }).profile));
        inspector!.disconnect();
        process.stdout.write(`${JSON.stringify({ profile: file })}\n`);
      });
    }
  });
  rl.on('close', stop);
}

main().catch((err: unknown) => {
  console.error('devstack-child failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
