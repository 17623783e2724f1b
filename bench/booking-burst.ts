/**
 * bench/booking-burst — the slot-release burst of DESIGN.md ("Slot release burst"), issue #3.
 *
 *   npx tsx bench/booking-burst.ts --seats 500 --patients 5000 --concurrency 200 [--his-fail-rate 0.1]
 *
 * On a devstack started as a child process (bench/devstack-child.ts, fresh state in a temp dir):
 *   setup    bind N patients (one OPENID and one card each, concurrently; not timed), stage one session
 *            of S seats released now (HIS sandbox), fire the `syncSchedule` timer, warm up
 *   echo     N calls of a trivial `echo` function (lives only in the bench's temp functions dir) at
 *            concurrency C — the devstack's own floor
 *   booking  N `book` calls at concurrency C, one unique idempotency key per patient (timed), HIS
 *            faults (if any) active for booking.confirm during this phase only
 *   echo     N `echo` calls again: the ratio compares the booking with the echo around it
 *   settle   faults cleared; `reconcile` fired until no booking is `pending` (bounded)
 *   verify   against the HIS (/sandbox/bookings) and the cloud DB (devstack API): no overbooking, no
 *            lost booking (booked on one side only), no duplicates, all seats filled (fault-free);
 *            a sample of the book requests is re-sent with the same keys: same answers, no new bookings
 *
 * Prints one JSON document on stdout (progress on stderr); exits 1 when an invariant fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { freshPerson } from '../devstack/seed/identities';

const REPO = resolve(__dirname, '..');

// ---- flags -----------------------------------------------------------------------------------------

export interface Params {
  seats: number;
  patients: number;
  concurrency: number;
  hisFailRate: number;
  hisDelayMs: number;
  /** Share of confirms processed by the HIS whose answer is then lost (sandbox `applyThenFail`). */
  hisLostRate: number;
  /** `first-heavy`: 40 % of patients want the first time point, the rest round-robin; or `round-robin`. */
  pick: 'first-heavy' | 'round-robin';
  /** Book requests re-sent after the burst to check idempotency. */
  replays: number;
  /** Concurrency of the (untimed) binding of patients. */
  setupConcurrency: number;
  deptCode: string | null;
  /** Extra node flags for the devstack child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
  childNodeFlags: string[];
  /** The same for the HIS sandbox process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/his-prof`). */
  hisNodeFlags: string[];
  keepState: boolean;
  /** Write CPU profiles of the devstack child for the echo and booking phases here. */
  profileDir: string | null;
  /**
   * Run the HIS sandbox inside the devstack child (as `npm start` does) instead of in its own
   * process (default: the hospital's HIS is a separate system in production, and its CPU is not
   * the cloud side's).
   */
  hisInProcess: boolean;
  /** Function instances on worker threads in the devstack (0: in its main thread); default 2. */
  instances: number;
  /**
   * Untimed warm-up of both measured paths, so each is measured in steady state (JIT-compiled, as
   * code that runs all day is): W `echo` calls, and W `book` calls — W/8 extra patients each book
   * once in sessions of 8 other departments, each session with seats for half of them (successful
   * bookings and refusals); 0: none.
   */
  warmup: number;
}

function usage(msg?: string): never {
  if (msg) console.error(msg);
  console.error(
    'usage: npx tsx bench/booking-burst.ts [--seats 500] [--patients 5000] [--concurrency 200]\n' +
      '         [--his-fail-rate 0..1] [--his-delay-ms N] [--his-lost-rate 0..1] [--pick first-heavy|round-robin]\n' +
      '         [--replays 200] [--setup-concurrency 64] [--dept CODE] [--child-node-flags "..."] [--his-node-flags "..."] [--profile-dir DIR] [--keep-state]\n' +
      '         [--his-in-process] [--instances N] [--warmup 10000]',
  );
  process.exit(2);
}

export function parseParams(argv: string[]): Params {
  const p: Params = {
    seats: 500,
    patients: 5000,
    concurrency: 200,
    hisFailRate: 0,
    hisDelayMs: 0,
    hisLostRate: 0,
    pick: 'first-heavy',
    replays: 200,
    setupConcurrency: 64,
    deptCode: null,
    childNodeFlags: [],
    hisNodeFlags: [],
    keepState: false,
    profileDir: null,
    hisInProcess: false,
    instances: 2,
    warmup: 10000,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const val = (): string => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    const int = (min: number, max: number): number => {
      const n = Number(val());
      if (!Number.isInteger(n) || n < min || n > max) usage(`${flag} must be an integer in ${min}..${max}`);
      return n;
    };
    const rate = (): number => {
      const n = Number(val());
      if (!Number.isFinite(n) || n < 0 || n > 1) usage(`${flag} must be a number in 0..1`);
      return n;
    };
    switch (flag) {
      case '--seats':
        p.seats = int(1, 10_000);
        break;
      case '--patients':
        p.patients = int(1, 100_000);
        break;
      case '--concurrency':
        p.concurrency = int(1, 5000);
        break;
      case '--his-fail-rate':
        p.hisFailRate = rate();
        break;
      case '--his-delay-ms':
        p.hisDelayMs = int(0, 60_000);
        break;
      case '--his-lost-rate':
        p.hisLostRate = rate();
        break;
      case '--pick': {
        const v = val();
        if (v !== 'first-heavy' && v !== 'round-robin') usage('--pick must be first-heavy or round-robin');
        p.pick = v;
        break;
      }
      case '--replays':
        p.replays = int(0, 100_000);
        break;
      case '--setup-concurrency':
        p.setupConcurrency = int(1, 1000);
        break;
      case '--dept':
        p.deptCode = val();
        break;
      case '--child-node-flags':
        p.childNodeFlags = val().split(/\s+/).filter(Boolean);
        break;
      case '--his-node-flags':
        p.hisNodeFlags = val().split(/\s+/).filter(Boolean);
        break;
      case '--profile-dir':
        p.profileDir = resolve(val());
        break;
      case '--keep-state':
        p.keepState = true;
        break;
      case '--his-in-process':
        p.hisInProcess = true;
        break;
      case '--warmup':
        p.warmup = int(0, 100_000);
        break;
      case '--instances':
        p.instances = int(0, 64);
        break;
      case '--help':
      case '-h':
        usage();
        break;
      default:
        usage(`unknown argument: ${a}`);
    }
  }
  if (p.hisFailRate > 0 && p.hisLostRate > 0)
    usage('--his-fail-rate and --his-lost-rate are exclusive (one sandbox failRate)');
  return p;
}

// ---- HTTP client (node:http, keep-alive) -------------------------------------------------------------

interface HttpResult {
  status: number;
  body: unknown;
  ms: number;
}

function makeClient(maxSockets: number): {
  post(url: string, body: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  get(url: string): Promise<HttpResult>;
  close(): void;
} {
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const send = (
    method: 'GET' | 'POST',
    url: string,
    body: unknown,
    headers: Record<string, string>,
    retriedFrom: number | null = null,
  ): Promise<HttpResult> =>
    new Promise((resolvePromise, reject) => {
      const u = new URL(url);
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
      const started = retriedFrom ?? performance.now();
      const req = request(
        {
          agent,
          method,
          hostname: u.hostname,
          port: u.port,
          path: `${u.pathname}${u.search}`,
          headers: {
            ...headers,
            ...(payload
              ? { 'content-type': 'application/json; charset=utf-8', 'content-length': String(payload.length) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const ms = performance.now() - started;
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              /* keep text */
            }
            resolvePromise({ status: res.statusCode ?? 0, body: parsed, ms });
          });
          res.on('error', reject);
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed just as this request went out on it (the
        // server's keep-alive timeout; Node's documented race): the request never reached the
        // server, so it is sent once more on a fresh connection.
        if (retriedFrom === null && req.reusedSocket && err.code === 'ECONNRESET') {
          // (latency counted from the first attempt)
          send(method, url, body, headers, started).then(resolvePromise, reject);
          return;
        }
        reject(err);
      });
      if (payload) req.end(payload);
      else req.end();
    });
  return {
    post: (url, body, headers = {}) => send('POST', url, body, headers),
    get: (url) => send('GET', url, undefined, {}),
    close: () => agent.destroy(),
  };
}

/** This process's CPU (user + system) since `since`, per call, in ms. */
function driverMsPerCall(since: NodeJS.CpuUsage, calls: number): number {
  const u = process.cpuUsage(since);
  return round3((u.user + u.system) / 1000 / calls);
}

/** Sessions (departments) the booking warm-up books in, each patient once per session. */
const WARMUP_ROUNDS = 8;

/** CPU time on a core so far of each thread of a process, in ms (Linux schedstat; empty elsewhere). */
async function threadCpuMs(pid: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  try {
    const { readdir } = await import('node:fs/promises');
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

/** Runs `task(i)` for i in 0..n-1 with at most `concurrency` in flight. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, () => worker()));
}

// ---- stats -----------------------------------------------------------------------------------------

export interface PhaseStats {
  n: number;
  wallMs: number;
  throughputPerSec: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx]!;
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

function phaseStats(latencies: number[], wallMs: number): PhaseStats {
  const s = [...latencies].sort((a, b) => a - b);
  return {
    n: s.length,
    wallMs: Math.round(wallMs),
    throughputPerSec: r1((s.length * 1000) / wallMs),
    p50Ms: r1(quantile(s, 0.5)),
    p90Ms: r1(quantile(s, 0.9)),
    p99Ms: r1(quantile(s, 0.99)),
    maxMs: r1(s[s.length - 1] ?? 0),
  };
}

// ---- devstack child --------------------------------------------------------------------------------

interface Child {
  proc: ChildProcess;
  url: string;
  hisUrl: string;
  profileStart(): void;
  profileStop(file: string): Promise<void>;
  /** The child's CPU time (user + system) so far, ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

const ECHO_SOURCE = `// Bench-only trivial function: never deployed (lives in the bench's temp functions dir).
exports.main = async (event) => ({ ok: true, data: event });
`;

function prepareFunctionsDir(root: string): string {
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

interface HisChild {
  url: string;
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

/** The HIS sandbox in its own process (`devstack/his/main.ts`, fresh database, ephemeral port). */
async function startHisChild(root: string, nodeFlags: string[]): Promise<HisChild> {
  const args = [...nodeFlags, '--import', 'tsx', join(REPO, 'devstack', 'his', 'main.ts'), '--reset'];
  const proc = spawn(process.execPath, args, {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, HIS_PORT: '0', HIS_DB_FILE: join(root, 'state', 'his.sqlite') },
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
  return {
    url,
    cpuMs: () => processCpuMs(proc.pid!),
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** User + system CPU time of another process so far (Linux /proc; NaN elsewhere). */
async function processCpuMs(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], fields[12]: utime, stime in clock ticks (USER_HZ, 100 on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

async function startChild(
  root: string,
  functionsDir: string,
  nodeFlags: string[],
  hisUrl: string | null,
  instances: number,
): Promise<Child> {
  const stateDir = join(root, 'state');
  const proc = spawn(
    process.execPath,
    [
      ...nodeFlags,
      '--import',
      'tsx',
      join(REPO, 'bench', 'devstack-child.ts'),
      '--state-dir',
      stateDir,
      '--functions-dir',
      functionsDir,
      ...(hisUrl ? ['--his-url', hisUrl] : []),
      '--instances',
      String(instances),
    ],
    { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const rl = createInterface({ input: proc.stdout! });
  const waiters: ((l: string) => void)[] = [];
  // Only JSON lines are answers: node flags such as --trace-gc print their own lines on stdout,
  // passed on to stderr here.
  rl.on('line', (l) => (l.startsWith('{') ? waiters.shift()?.(l) : console.error(l)));
  const nextLine = (): Promise<string> =>
    new Promise<string>((resolveLine, reject) => {
      waiters.push(resolveLine);
      proc.once('exit', (code) => reject(new Error(`devstack child exited (${code})`)));
    });
  const line = await nextLine();
  const info = JSON.parse(line) as { url: string; hisUrl: string; functions: string[] };
  log(`devstack child pid ${proc.pid}: ${info.url} (HIS ${info.hisUrl}), functions ${info.functions.join(', ')}`);
  return {
    proc,
    url: info.url,
    hisUrl: info.hisUrl,
    profileStart: () => {
      proc.stdin!.write('prof-start\n');
    },
    cpuMs: async () => {
      const answer = nextLine();
      proc.stdin!.write('cpu\n');
      return (JSON.parse(await answer) as { cpuMs: number }).cpuMs;
    },
    profileStop: async (file: string) => {
      const answer = nextLine();
      proc.stdin!.write(`prof-stop ${file}\n`);
      await answer;
    },
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

// ---- envelope helpers ------------------------------------------------------------------------------

interface Envelope {
  ok: boolean;
  data?: Record<string, unknown>;
  error?: { code?: string; message?: string };
}

function envelope(r: HttpResult): Envelope {
  const b = r.body as Envelope | null;
  if (r.status !== 200 || !b || typeof b !== 'object' || typeof b.ok !== 'boolean') {
    return {
      ok: false,
      error: {
        code: `HTTP_${r.status}`,
        message: typeof r.body === 'string' ? r.body.slice(0, 200) : JSON.stringify(r.body).slice(0, 200),
      },
    };
  }
  return b;
}

const MSG_FULL = '该时段已约满';
const MSG_HIS = '医院系统';

type Outcome = 'ok' | 'full' | 'refusedByHis' | 'unavailable' | 'pending' | 'other';

function classify(e: Envelope): Outcome {
  if (e.ok) return 'ok';
  const code = e.error?.code ?? '';
  const msg = e.error?.message ?? '';
  if (code === 'FAILED_PRECONDITION' && msg.startsWith(MSG_FULL)) return 'full';
  if (code === 'UNAVAILABLE' && msg.includes('确认中')) return 'pending';
  if (code === 'UNAVAILABLE') return 'unavailable';
  if (code === 'FAILED_PRECONDITION' && msg.startsWith(MSG_HIS)) return 'refusedByHis';
  return 'other';
}

// ---- the run ---------------------------------------------------------------------------------------

interface Patient {
  openid: string;
  cardId: string;
}

interface BookCall {
  patient: Patient;
  time: string;
  key: string;
  env?: Envelope;
  ms?: number;
}

interface HisBookingItem {
  hisBookingId: string;
  source: string;
  confirmRequestId: string | null;
  sessionId: string;
  time: string;
  seatNo: number;
  patientId: string | null;
  status: string;
}

interface CloudBooking {
  _id: string;
  status: string;
  sessionId: string;
  time: string;
  seatNo: number;
  cardId: string;
  hisPatientId: string;
  hisBookingId: string | null;
  confirmRequestId: string;
  _openid: string;
}

async function main(): Promise<void> {
  const params = parseParams(process.argv.slice(2));
  const { seats: S, patients: N, concurrency: C } = params;
  const root = mkdtempSync(join(tmpdir(), 'booking-burst-'));
  const functionsDir = prepareFunctionsDir(root);
  mkdirSync(join(root, 'state'), { recursive: true });
  const hisChild = params.hisInProcess ? null : await startHisChild(root, params.hisNodeFlags);
  const child = await startChild(
    root,
    functionsDir,
    params.childNodeFlags,
    hisChild?.url ?? null,
    params.instances,
  ).catch(async (err: unknown) => {
    await hisChild?.stop();
    throw err;
  });
  const http = makeClient(Math.max(C, params.setupConcurrency) + 8);
  const runId = Date.now().toString(36);
  const fn = (name: string): string => `${child.url}/functions/${name}`;
  const his = (path: string): string => `${child.hisUrl}${path}`;
  const call = async (name: string, openid: string, event: unknown): Promise<{ env: Envelope; ms: number }> => {
    const r = await http.post(fn(name), event, { 'x-wx-openid': openid });
    return { env: envelope(r), ms: r.ms };
  };
  const hisData = async <T>(r: Promise<HttpResult>): Promise<T> => {
    const res = await r;
    const b = res.body as { code?: string; data?: T; message?: string };
    if (res.status !== 200 || b?.code !== 'OK')
      throw new Error(`HIS sandbox: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return b.data as T;
  };
  const timer = async (trigger: string): Promise<Envelope> => {
    const r = await http.post(`${child.url}/timers/booking?trigger=${trigger}`, {});
    const b = r.body as { result?: Envelope; error?: string };
    if (r.status !== 200 || !b.result)
      throw new Error(`timer ${trigger}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return b.result;
  };

  let exitCode = 1;
  try {
    // ---- setup: bind N patients (untimed) ----
    const setupStarted = performance.now();
    const W = params.warmup;
    // The booking warm-up: WP patients book once in each of WARMUP_ROUNDS other departments'
    // sessions (the rules allow one per department per day), half of the calls successfully.
    const WP = Math.ceil(W / WARMUP_ROUNDS);
    const patients: Patient[] = new Array<Patient>(N + WP);
    const usedIds = new Set<string>();
    let bindFailures = 0;
    await pool(N + WP, params.setupConcurrency, async (i) => {
      const openid = `obench${runId}${String(i).padStart(6, '0')}`;
      for (let attempt = 0; attempt < 5; attempt++) {
        let person = freshPerson();
        while (usedIds.has(person.idNumber)) person = freshPerson();
        usedIds.add(person.idNumber);
        const { env } = await call('patient', openid, {
          action: 'bind',
          name: person.name,
          idNumber: person.idNumber,
          phone: person.phone,
          relation: '本人',
        });
        if (env.ok && typeof env.data?.id === 'string') {
          patients[i] = { openid, cardId: env.data.id };
          return;
        }
        bindFailures++;
        if (bindFailures <= 5)
          log(`bind failed (${env.error?.code}: ${env.error?.message}), retrying with another identity`);
      }
      throw new Error(`could not bind patient ${i}`);
    });
    const bindMs = performance.now() - setupStarted;
    log(`bound ${N + WP} patients in ${(bindMs / 1000).toFixed(1)} s (${bindFailures} retried binds)`);

    // ---- stage the release ----
    const depts = (await hisData<{ items: { code: string }[] }>(http.get(his('/sandbox/departments')))).items;
    const deptCode = params.deptCode ?? depts[0]!.code;
    // The warm-up's sessions: other departments, so the burst's patients, seats and rules are untouched.
    const warmupDepts = depts.filter((d) => d.code !== deptCode).slice(0, WARMUP_ROUNDS);
    if (W > 0 && warmupDepts.length < WARMUP_ROUNDS)
      throw new Error(`the warm-up needs ${WARMUP_ROUNDS + 1} departments, the HIS has ${depts.length}`);
    const warmups: { sessionId: string; timePoints: { time: string }[] }[] = [];
    for (const d of W > 0 ? warmupDepts : []) {
      const w = await hisData<{ session: { sessionId: string; timePoints: { time: string }[] } }>(
        http.post(his('/sandbox/stage-session'), {
          deptCode: d.code,
          kind: 'specialist',
          seats: Math.max(1, Math.ceil(WP / 2)),
        }),
      );
      warmups.push(w.session);
    }
    const staged = await hisData<{
      session: { sessionId: string; timePoints: { time: string; seatNos: number[] }[] };
      startsAt: string;
    }>(http.post(his('/sandbox/stage-session'), { deptCode, kind: 'specialist', seats: S }));
    const sessionId = staged.session.sessionId;
    const tps = staged.session.timePoints.map((t) => ({ time: t.time, seats: t.seatNos.length }));
    log(
      `staged ${sessionId}: ${S} seats in ${tps.length} time points (${tps.map((t) => `${t.time}×${t.seats}`).join(', ')})`,
    );
    const sync = await timer('syncSchedule');
    if (!sync.ok) throw new Error(`syncSchedule failed: ${JSON.stringify(sync)}`);
    const schedule = await call('booking', patients[0]!.openid, { action: 'schedule', deptCode });
    const mirrored = (
      schedule.env.data?.sessions as { sessionId: string; seatsRemaining: number; closedReason: unknown }[] | undefined
    )?.find((s) => s.sessionId === sessionId);
    if (!mirrored)
      throw new Error(
        `session ${sessionId} not in the cloud mirror after syncSchedule: ${JSON.stringify(schedule.env).slice(0, 300)}`,
      );
    if (mirrored.seatsRemaining !== S)
      throw new Error(`mirror says ${mirrored.seatsRemaining} seats remaining, staged ${S}`);

    // Which time point each patient asks for.
    const timeFor = (i: number): string => {
      if (params.pick === 'round-robin' || tps.length === 1) return tps[i % tps.length]!.time;
      // first-heavy: 2 of every 5 patients want the first time point, the others round-robin over the rest.
      return i % 5 < 2 ? tps[0]!.time : tps[1 + ((Math.floor(i / 5) * 3 + (i % 5) - 2) % (tps.length - 1))]!.time;
    };
    const demand = new Map<string, number>();
    for (let i = 0; i < N; i++) demand.set(timeFor(i), (demand.get(timeFor(i)) ?? 0) + 1);
    const expectedConfirmed = tps.reduce((n, t) => n + Math.min(t.seats, demand.get(t.time) ?? 0), 0);

    // ---- warm-up (untimed): the booking path, then the echo (each right before it is timed) ----
    await pool(50, 10, async (i) => {
      await call('booking', patients[i % N]!.openid, { action: 'schedule', deptCode });
    });
    const warmAnswers: Record<string, number> = {};
    for (const [round, w] of warmups.entries()) {
      await pool(WP, C, async (j) => {
        // Each round starts at the other half of the patients, so a patient succeeds in about
        // every second round (the rules allow at most 5 active bookings).
        const i = (j + (round % 2) * Math.floor(WP / 2)) % WP;
        const p = patients[N + i]!;
        const { env } = await call('booking', p.openid, {
          action: 'book',
          cardId: p.cardId,
          sessionId: w.sessionId,
          time: w.timePoints[i % w.timePoints.length]!.time,
          idempotencyKey: `w-${runId}-${round}-${i}`,
        });
        const k = env.ok ? 'ok' : String(env.error?.code);
        warmAnswers[k] = (warmAnswers[k] ?? 0) + 1;
      });
    }
    if (W > 0)
      log(`warm-up: ${WP * warmups.length} book calls on ${warmups.length} sessions: ${JSON.stringify(warmAnswers)}`);
    await pool(W, C, async (i) => {
      const p = patients[i % N]!;
      // The timed phase's event shape. Last, so the echo is as warm as the booking path when timed.
      await call('echo', p.openid, {
        action: 'book',
        cardId: p.cardId,
        sessionId,
        time: timeFor(i % N),
        idempotencyKey: `echo-warm-${runId}-${i}`,
      });
    });

    /**
     * Starts measuring a timed phase; the function it returns gives the phase's wall time and CPU
     * per call: the devstack child's (total, and by thread on Linux — main, then the busiest
     * others), the HIS sandbox process's (null when it runs inside the child) and this load
     * generator's (it shares the machine with both).
     */
    const startMeter = async () => {
      const cpu0 = await child.cpuMs();
      const threads0 = await threadCpuMs(child.proc.pid!);
      const his0 = hisChild ? await hisChild.cpuMs() : Number.NaN;
      const driver0 = process.cpuUsage();
      const started = performance.now();
      return async (calls: number) => {
        const wallMs = performance.now() - started;
        const driverCpuMsPerCall = driverMsPerCall(driver0, calls);
        return {
          wallMs,
          childCpuMsPerCall: round3(((await child.cpuMs()) - cpu0) / calls),
          childThreadCpuMsPerCall: threadsPerCall(child.proc.pid!, threads0, await threadCpuMs(child.proc.pid!), calls),
          hisCpuMsPerCall: hisChild ? round3(((await hisChild.cpuMs()) - his0) / calls) : null,
          driverCpuMsPerCall,
        };
      };
    };

    // ---- timed: echo (before the burst; again after it, see below) ----
    const echoPhase = async (tag: string) => {
      const echoLat: number[] = [];
      let errors = 0;
      if (params.profileDir) {
        mkdirSync(params.profileDir, { recursive: true });
        child.profileStart();
      }
      const meter = await startMeter();
      await pool(N, C, async (i) => {
        const p = patients[i]!;
        const ev = {
          action: 'book',
          cardId: p.cardId,
          sessionId,
          time: timeFor(i),
          idempotencyKey: `${tag}-${runId}-${i}`,
        };
        const { env, ms } = await call('echo', p.openid, ev);
        if (!env.ok || (env.data as { idempotencyKey?: string } | undefined)?.idempotencyKey !== ev.idempotencyKey)
          errors++;
        echoLat.push(ms);
      });
      // hisCpuMsPerCall: the echo never calls the HIS, so anything there is other work meanwhile.
      const { wallMs, ...cpu } = await meter(N);
      const stats = { ...phaseStats(echoLat, wallMs), errors, ...cpu };
      if (params.profileDir) await child.profileStop(join(params.profileDir, `${tag}.cpuprofile`));
      log(`${tag}: ${stats.throughputPerSec}/s p50 ${stats.p50Ms} ms p99 ${stats.p99Ms} ms`);
      return stats;
    };
    const echo = await echoPhase('echo');

    // ---- faults on for the burst ----
    const faults =
      params.hisFailRate > 0 || params.hisDelayMs > 0 || params.hisLostRate > 0
        ? {
            failRate: params.hisFailRate || params.hisLostRate,
            applyThenFail: params.hisLostRate > 0,
            delayMs: params.hisDelayMs,
            methods: ['booking.confirm'],
          }
        : null;
    if (faults) await hisData(http.post(his('/sandbox/faults'), faults));

    // ---- timed: booking burst ----
    const calls: BookCall[] = Array.from({ length: N }, (_, i) => ({
      patient: patients[i]!,
      time: timeFor(i),
      key: `k-${runId}-${i}`,
    }));
    const bookLat: number[] = [];
    if (params.profileDir) child.profileStart();
    const meter = await startMeter();
    await pool(N, C, async (i) => {
      const c = calls[i]!;
      const { env, ms } = await call('booking', c.patient.openid, {
        action: 'book',
        cardId: c.patient.cardId,
        sessionId,
        time: c.time,
        idempotencyKey: c.key,
      });
      c.env = env;
      c.ms = ms;
      bookLat.push(ms);
    });
    const { wallMs: bookWall, ...bookCpu } = await meter(N);
    if (params.profileDir) await child.profileStop(join(params.profileDir, 'booking.cpuprofile'));
    const outcomes: Record<Outcome, number> = { ok: 0, full: 0, refusedByHis: 0, unavailable: 0, pending: 0, other: 0 };
    const otherSamples: string[] = [];
    for (const c of calls) {
      const o = classify(c.env!);
      outcomes[o]++;
      if (o === 'other' && otherSamples.length < 5)
        otherSamples.push(`${c.env!.error?.code}: ${c.env!.error?.message}`);
    }
    // Latency by outcome (the tail is usually one kind of answer).
    const byOutcome: Record<string, { n: number; p50Ms: number; p99Ms: number }> = {};
    for (const o of Object.keys(outcomes) as Outcome[]) {
      const l = calls.filter((c) => classify(c.env!) === o).map((c) => c.ms!);
      if (l.length === 0) continue;
      const st = phaseStats(l, bookWall);
      byOutcome[o] = { n: st.n, p50Ms: st.p50Ms, p99Ms: st.p99Ms };
    }
    const booking = {
      ...phaseStats(bookLat, bookWall),
      ...bookCpu,
      outcomes,
      latencyByOutcome: byOutcome,
      otherSamples,
    };
    log(
      `booking: ${booking.throughputPerSec}/s p50 ${booking.p50Ms} ms p99 ${booking.p99Ms} ms cpu ${booking.childCpuMsPerCall} ms/call ${JSON.stringify(outcomes)}`,
    );

    // ---- timed: echo again, right after the burst ----
    // The machine's speed drifts (a VM: the same calls cost tens of per cent more or less CPU from
    // one phase to the next, see bench/README.md); an echo phase on each side of the burst makes the
    // ratio compare like with like.
    const echoAfter = await echoPhase('echoAfter');

    // ---- settle ----
    if (faults) await hisData(http.post(his('/sandbox/faults'), {}));
    const listCloud = async (collection: string): Promise<Record<string, unknown>[]> => {
      const out: Record<string, unknown>[] = [];
      for (let skip = 0; ; skip += 200) {
        const r = await http.get(`${child.url}/devstack/api/collections/${collection}?limit=200&skip=${skip}`);
        if (r.status === 404) return out;
        const docs = (r.body as { documents: Record<string, unknown>[] }).documents;
        out.push(...docs);
        if (docs.length < 200) return out;
      }
    };
    const settleStarted = performance.now();
    let reconcileRuns = 0;
    let cloudBookings = (await listCloud('bookings')) as unknown as CloudBooking[];
    const pendingAfterBurst = cloudBookings.filter((b) => b.sessionId === sessionId && b.status === 'pending').length;
    while (cloudBookings.some((b) => b.sessionId === sessionId && b.status === 'pending')) {
      if (performance.now() - settleStarted > 120_000) break;
      // reconcile only touches bookings older than pendingResumeAfterMs (30 s): wait for them to age.
      await new Promise((r) => setTimeout(r, 5_000));
      const res = await timer('reconcile');
      reconcileRuns++;
      log(`reconcile: ${JSON.stringify(res.data ?? res.error)}`);
      cloudBookings = (await listCloud('bookings')) as unknown as CloudBooking[];
    }
    const settleMs = Math.round(performance.now() - settleStarted);

    // ---- verify ----
    const hisAll = await hisData<{
      counts: { active: number; total: number };
      invariants: { doubleBookedSeats: number; patientsWithTwoBookings: number };
      items: HisBookingItem[];
    }>(http.get(his(`/sandbox/bookings?sessionId=${encodeURIComponent(sessionId)}&limit=10000`)));
    const hisActive = hisAll.items.filter((b) => b.status !== 'cancelled');
    const cloudOfSession = cloudBookings.filter((b) => b.sessionId === sessionId);
    const cloudBooked = cloudOfSession.filter((b) => b.status === 'booked');
    const cloudById = new Map(cloudOfSession.map((b) => [b._id, b]));
    const hisByHisId = new Map(hisActive.map((b) => [b.hisBookingId, b]));
    const cloudByHisId = new Map(cloudBooked.filter((b) => b.hisBookingId).map((b) => [b.hisBookingId!, b]));

    const problems: string[] = [];
    const note = (s: string): void => {
      if (problems.length < 20) problems.push(s);
    };

    // overbooked: more active seats than staged, a seat twice (HIS or cloud)
    const seatCount = (list: { seatNo: number }[]): number => {
      const seen = new Set<number>();
      let dup = 0;
      for (const b of list) {
        if (seen.has(b.seatNo)) dup++;
        seen.add(b.seatNo);
      }
      return dup;
    };
    const overbooked =
      hisAll.invariants.doubleBookedSeats +
      seatCount(cloudBooked) +
      Math.max(0, hisActive.length - S) +
      Math.max(0, cloudBooked.length - S);
    if (overbooked > 0)
      note(`overbooked: HIS doubleBookedSeats ${hisAll.invariants.doubleBookedSeats}, active ${hisActive.length}/${S}`);

    // duplicates: a patient with two active bookings in the session (HIS or cloud)
    const cardDup = (() => {
      const seen = new Set<string>();
      let dup = 0;
      for (const b of cloudBooked) {
        if (seen.has(b.cardId)) dup++;
        seen.add(b.cardId);
      }
      return dup;
    })();
    const duplicates = hisAll.invariants.patientsWithTwoBookings + cardDup;
    if (duplicates > 0) note(`duplicates: HIS ${hisAll.invariants.patientsWithTwoBookings}, cloud ${cardDup}`);

    // lost: booked on one side only, or told "booked" without being booked (and vice versa)
    let lost = 0;
    for (const c of calls) {
      if (!c.env!.ok) continue;
      const v = c.env!.data as { bookingId: string; seatNo: number; status: string };
      const cb = cloudById.get(v.bookingId);
      const hb = cb?.hisBookingId ? hisByHisId.get(cb.hisBookingId) : undefined;
      if (
        !cb ||
        cb.status !== 'booked' ||
        !hb ||
        hb.seatNo !== v.seatNo ||
        cb.seatNo !== v.seatNo ||
        hb.time !== c.time
      ) {
        lost++;
        note(
          `told booked but not booked on both sides: ${v.bookingId} seat ${v.seatNo} (cloud ${cb?.status ?? 'none'}, HIS ${hb ? `seat ${hb.seatNo}` : 'none'})`,
        );
      }
    }
    for (const hb of hisActive) {
      const cb = cloudByHisId.get(hb.hisBookingId);
      if (hb.source !== 'gateway' || !cb || cb.seatNo !== hb.seatNo || cb.hisPatientId !== hb.patientId) {
        lost++;
        note(`HIS booking without a cloud booking: ${hb.hisBookingId} seat ${hb.seatNo} (${hb.source})`);
      }
    }
    for (const cb of cloudBooked) {
      if (!cb.hisBookingId || !hisByHisId.has(cb.hisBookingId)) {
        lost++;
        note(`cloud booking without a HIS booking: ${cb._id} seat ${cb.seatNo}`);
      }
    }
    const okIds = new Set(calls.filter((c) => c.env!.ok).map((c) => (c.env!.data as { bookingId: string }).bookingId));
    const bookedButToldFailed = cloudBooked.filter((b) => !okIds.has(b._id)).length;
    if (bookedButToldFailed > 0) note(`${bookedButToldFailed} booked while the patient was told it failed`);
    lost += bookedButToldFailed;

    // seat accounting in the cloud mirror: counter + booked = seats, and no seat held by a non-booking
    const tpDocs = (await listCloud('booking_timepoints')).filter((d) => String(d._id).startsWith(`${sessionId}_`));
    const remaining = tpDocs.reduce((n, d) => n + Number(d.remaining ?? 0), 0);
    const seatDocs = (await listCloud('booking_seats')).filter((d) => String(d._id).startsWith(`${sessionId}_`));
    const bookedIds = new Set(cloudBooked.map((b) => b._id));
    const seatsHeldByNonBooked = seatDocs.filter((d) => d.holder !== null && !bookedIds.has(String(d.holder))).length;
    const leakedSeats = S - cloudBooked.length - remaining;
    if (leakedSeats !== 0) note(`seat counter: ${S} seats − ${cloudBooked.length} booked ≠ ${remaining} remaining`);
    if (seatsHeldByNonBooked !== 0) note(`${seatsHeldByNonBooked} seats held by a booking that is not booked`);
    const pendingLeft = cloudOfSession.filter((b) => b.status === 'pending').length;
    if (pendingLeft > 0) note(`${pendingLeft} bookings still pending after settle`);

    // idempotency: re-send a sample (ok answers first, then refusals) with the same keys
    const activeBefore = hisActive.length;
    const sample = [
      ...calls.filter((c) => c.env!.ok).slice(0, Math.ceil(params.replays / 2)),
      ...calls.filter((c) => !c.env!.ok),
    ].slice(0, params.replays);
    let replaysSame = 0;
    const replayDiffs: string[] = [];
    await pool(sample.length, Math.min(C, 50), async (i) => {
      const c = sample[i]!;
      const { env } = await call('booking', c.patient.openid, {
        action: 'book',
        cardId: c.patient.cardId,
        sessionId,
        time: c.time,
        idempotencyKey: c.key,
      });
      const a = c.env!;
      const same = a.ok
        ? env.ok &&
          (env.data as { bookingId: string }).bookingId === (a.data as { bookingId: string }).bookingId &&
          (env.data as { seatNo: number }).seatNo === (a.data as { seatNo: number }).seatNo &&
          (env.data as { status: string }).status === 'booked'
        : !env.ok && env.error?.code === a.error?.code;
      if (same) replaysSame++;
      else if (replayDiffs.length < 5)
        replayDiffs.push(`${JSON.stringify(a).slice(0, 120)} → ${JSON.stringify(env).slice(0, 120)}`);
    });
    const hisAfter = await hisData<{ counts: { active: number; total: number } }>(
      http.get(his(`/sandbox/bookings?sessionId=${encodeURIComponent(sessionId)}&limit=1`)),
    );
    const newBookingsFromReplays =
      hisAfter.counts.total - hisAll.counts.total + (hisAfter.counts.active - activeBefore);
    const idempotencyOk = replaysSame === sample.length && newBookingsFromReplays === 0;
    if (!idempotencyOk)
      note(
        `idempotency: ${replaysSame}/${sample.length} replays identical, ${newBookingsFromReplays} new HIS bookings; ${replayDiffs.join(' | ')}`,
      );

    const minSN = Math.min(S, N);
    const confirmedCloud = cloudBooked.length;
    const allSeatsFilled = confirmedCloud === expectedConfirmed;
    if (!faults && !allSeatsFilled) note(`confirmed ${confirmedCloud} ≠ expected ${expectedConfirmed}`);
    if (!faults && outcomes.ok !== expectedConfirmed) note(`ok answers ${outcomes.ok} ≠ expected ${expectedConfirmed}`);

    const invariants = {
      minSeatsPatients: minSN,
      expectedConfirmed,
      confirmedCloud,
      okAnswers: outcomes.ok,
      activeHis: hisActive.length,
      overbooked,
      lost,
      duplicates,
      bookedButToldFailed,
      leakedSeats,
      seatsHeldByNonBooked,
      pendingAfterBurst,
      pendingLeft,
      allSeatsFilled,
      hisDoubleBookedSeats: hisAll.invariants.doubleBookedSeats,
      hisPatientsWithTwoBookings: hisAll.invariants.patientsWithTwoBookings,
      idempotentReplays: { sent: sample.length, identical: replaysSame, newHisBookings: newBookingsFromReplays },
    };
    // The echo's throughput around the burst: its 2N calls before and after it over their time.
    const echoAroundPerSec = r1((2 * N * 1000) / (echo.wallMs + echoAfter.wallMs));
    const ratio = round3(booking.throughputPerSec / echoAroundPerSec);
    const ratioEchoBefore = round3(booking.throughputPerSec / echo.throughputPerSec);
    const ratioEchoAfter = round3(booking.throughputPerSec / echoAfter.throughputPerSec);
    // Echo CPU / booking CPU per call in the devstack child: the throughput ratio the devstack
    // would show if nothing else competed for the machine (less noisy than the wall-clock ratio).
    const cpuRatio =
      booking.childCpuMsPerCall > 0
        ? round3((echo.childCpuMsPerCall + echoAfter.childCpuMsPerCall) / 2 / booking.childCpuMsPerCall)
        : null;
    const passed =
      overbooked === 0 &&
      lost === 0 &&
      duplicates === 0 &&
      leakedSeats === 0 &&
      seatsHeldByNonBooked === 0 &&
      pendingLeft === 0 &&
      idempotencyOk &&
      echo.errors === 0 &&
      echoAfter.errors === 0 &&
      (faults !== null || (allSeatsFilled && outcomes.ok === expectedConfirmed));
    const targets = {
      ratioAtLeastHalf: ratio >= 0.5,
      bookingP99Under250Ms: booking.p99Ms < 250,
    };
    const result = {
      bench: 'booking-burst',
      at: new Date().toISOString(),
      params: {
        seats: S,
        patients: N,
        concurrency: C,
        hisFailRate: params.hisFailRate,
        hisDelayMs: params.hisDelayMs,
        hisLostRate: params.hisLostRate,
        pick: params.pick,
        replays: params.replays,
        instances: params.instances,
        hisInProcess: params.hisInProcess,
        warmup: params.warmup,
      },
      session: { sessionId, timePoints: tps.map((t) => ({ ...t, demand: demand.get(t.time) ?? 0 })) },
      setup: { bindMs: Math.round(bindMs), bindRetries: bindFailures, settleMs, reconcileRuns },
      echo,
      booking,
      echoAfter,
      echoAroundPerSec,
      ratio,
      ratioEchoBefore,
      ratioEchoAfter,
      cpuRatio,
      invariants,
      problems,
      targets,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', node: process.version },
      passed,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    exitCode = passed ? 0 : 1;
  } finally {
    http.close();
    await child.stop();
    await hisChild?.stop();
    if (!params.keepState) rmSync(root, { recursive: true, force: true });
    else log(`state kept in ${root}`);
  }
  process.exitCode = exitCode;
}

main().catch((err: unknown) => {
  console.error('[bench] failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
