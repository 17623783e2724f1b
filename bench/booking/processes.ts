/**
 * The processes under benchmark: the devstack as a child process (bench/devstack-child.ts, fresh
 * state in a temp dir, functions from a temp copy of the built bundles plus the bench-only `echo`)
 * and, unless `--his-in-process`, the HIS sandbox in a process of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { log, REPO } from './util';

export interface DevstackChild {
  proc: ChildProcess;
  url: string;
  hisUrl: string;
  /** The WeChat Pay sandbox the devstack started (its notifications go to `${url}/http/payNotify`). */
  payUrl: string;
  profileStart(): void;
  profileStop(file: string): Promise<void>;
  /** The child's CPU time (user + system) so far, ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

export interface HisChild {
  url: string;
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

const ECHO_SOURCE = `// Bench-only trivial function: never deployed (lives in the bench's temp functions dir).
exports.main = async (event) => ({ ok: true, data: event });
`;

/** `root/functions`: the built bundles (`cloudfunctions/*\/index.js` + `config.json`) and `echo`. */
export function prepareFunctionsDir(root: string): string {
  const dir = join(root, 'functions');
  const src = join(REPO, 'cloudfunctions');
  for (const name of readdirSync(src)) {
    const bundle = join(src, name, 'index.js');
    if (!existsSync(bundle)) continue;
    mkdirSync(join(dir, name), { recursive: true });
    copyFileSync(bundle, join(dir, name, 'index.js'));
    if (existsSync(join(src, name, 'config.json')))
      copyFileSync(join(src, name, 'config.json'), join(dir, name, 'config.json'));
  }
  if (!existsSync(join(dir, 'booking', 'index.js'))) {
    throw new Error('cloudfunctions/booking/index.js missing — run: npx tsx scripts/build.ts --functions');
  }
  mkdirSync(join(dir, 'echo'), { recursive: true });
  writeFileSync(join(dir, 'echo', 'index.js'), ECHO_SOURCE);
  return dir;
}

/** User + system CPU time of another process so far (Linux /proc; NaN elsewhere). */
export async function processCpuMs(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], fields[12]: utime, stime in clock ticks (USER_HZ, 100 on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. */
function stopper(proc: ChildProcess, exited: Promise<number | null>): () => Promise<void> {
  return async () => {
    if (proc.exitCode === null) proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
}

/** The HIS sandbox in its own process (`devstack/his/main.ts`, fresh database, ephemeral port). */
/** The HIS sandbox in its own process; `env` adds to its environment (e.g. HIS_EVENTS_URL). */
export async function startHisChild(
  root: string,
  nodeFlags: string[],
  env: Record<string, string> = {},
): Promise<HisChild> {
  const args = [...nodeFlags, '--import', 'tsx', join(REPO, 'devstack', 'his', 'main.ts'), '--reset'];
  const proc = spawn(process.execPath, args, {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, HIS_PORT: '0', HIS_DB_FILE: join(root, 'state', 'his.sqlite'), ...env },
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const rl = createInterface({ input: proc.stdout! });
  const url = await new Promise<string>((resolveUrl, reject) => {
    rl.once('line', (l) => {
      const m = /listening on (http:\/\/\S+)/.exec(l);
      if (m) resolveUrl(m[1]!);
      else reject(new Error(`HIS sandbox: unexpected output ${l}`));
    });
    proc.once('exit', (code) => reject(new Error(`HIS sandbox exited (${code})`)));
  });
  log(`HIS sandbox pid ${proc.pid}: ${url}`);
  return { url, cpuMs: () => processCpuMs(proc.pid!), stop: stopper(proc, exited) };
}

function spawnDevstack(
  root: string,
  functionsDir: string,
  nodeFlags: string[],
  hisUrl: string | null,
  instances: number,
  port: number,
): ChildProcess {
  const args = [
    ...nodeFlags,
    '--import',
    'tsx',
    join(REPO, 'bench', 'devstack-child.ts'),
    '--state-dir',
    join(root, 'state'),
    '--functions-dir',
    functionsDir,
    ...(hisUrl ? ['--his-url', hisUrl] : []),
    '--instances',
    String(instances),
    ...(port ? ['--port', String(port)] : []),
  ];
  return spawn(process.execPath, args, { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
}

/** The child's answers on stdout, one JSON line each, in the order they were asked for. */
function answerLines(proc: ChildProcess): () => Promise<string> {
  const rl = createInterface({ input: proc.stdout! });
  const waiters: ((l: string) => void)[] = [];
  // Only JSON lines are answers: node flags such as --trace-gc print their own lines on stdout,
  // passed on to stderr here.
  rl.on('line', (l) => (l.startsWith('{') ? waiters.shift()?.(l) : console.error(l)));
  return () =>
    new Promise<string>((resolveLine, reject) => {
      waiters.push(resolveLine);
      proc.once('exit', (code) => reject(new Error(`devstack child exited (${code})`)));
    });
}

/**
 * The devstack in a child process (`bench/devstack-child.ts`), with its control protocol on stdin;
 * listening on `port` (0: any free one).
 */
export async function startDevstackChild(
  root: string,
  functionsDir: string,
  nodeFlags: string[],
  hisUrl: string | null,
  instances: number,
  port = 0,
): Promise<DevstackChild> {
  const proc = spawnDevstack(root, functionsDir, nodeFlags, hisUrl, instances, port);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const nextLine = answerLines(proc);
  const info = JSON.parse(await nextLine()) as { url: string; hisUrl: string; payUrl: string; functions: string[] };
  log(
    `devstack child pid ${proc.pid}: ${info.url} (HIS ${info.hisUrl}, pay ${info.payUrl}), functions ${info.functions.join(', ')}`,
  );
  const ask = async (command: string): Promise<string> => {
    const answer = nextLine();
    proc.stdin!.write(`${command}\n`);
    return answer;
  };
  return {
    proc,
    url: info.url,
    hisUrl: info.hisUrl,
    payUrl: info.payUrl,
    profileStart: () => {
      proc.stdin!.write('prof-start\n');
    },
    cpuMs: async () => (JSON.parse(await ask('cpu')) as { cpuMs: number }).cpuMs,
    profileStop: async (file: string) => {
      await ask(`prof-stop ${file}`);
    },
    stop: stopper(proc, exited),
  };
}
