/** The bench's flags. */
import { join, resolve } from 'node:path';
import { REPO } from './util';

/** Where a run's result is appended (one JSON line per run) unless `--no-append`. */
export const DEFAULT_RESULTS_FILE = join(REPO, 'bench', 'results', 'booking-burst.jsonl');

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
  /** The results file a run's JSON line is appended to (`--results FILE`). */
  resultsFile: string;
  /** `--no-append`: print the result only (trial runs). */
  append: boolean;
}

const DEFAULTS: Params = {
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
  resultsFile: DEFAULT_RESULTS_FILE,
  append: true,
};

export function usage(msg?: string): never {
  if (msg) console.error(msg);
  console.error(
    'usage: npx tsx bench/booking-burst.ts [--seats 500] [--patients 5000] [--concurrency 200]\n' +
      '         [--his-fail-rate 0..1] [--his-delay-ms N] [--his-lost-rate 0..1] [--pick first-heavy|round-robin]\n' +
      '         [--replays 200] [--setup-concurrency 64] [--dept CODE] [--child-node-flags "..."] [--his-node-flags "..."] [--profile-dir DIR] [--keep-state]\n' +
      '         [--his-in-process] [--instances N] [--warmup 10000] [--results FILE] [--no-append]',
  );
  process.exit(2);
}

/** Reads one flag's value (`--flag v` or `--flag=v`), checked. */
class Reader {
  constructor(
    private readonly argv: string[],
    public i: number,
    public readonly flag: string,
    private readonly inline: string | undefined,
  ) {}

  val(): string {
    return this.inline ?? this.argv[++this.i] ?? usage(`${this.flag} needs a value`);
  }

  int(min: number, max: number): number {
    const n = Number(this.val());
    if (!Number.isInteger(n) || n < min || n > max) usage(`${this.flag} must be an integer in ${min}..${max}`);
    return n;
  }

  rate(): number {
    const n = Number(this.val());
    if (!Number.isFinite(n) || n < 0 || n > 1) usage(`${this.flag} must be a number in 0..1`);
    return n;
  }

  words(): string[] {
    return this.val().split(/\s+/).filter(Boolean);
  }
}

function pickOf(v: string): Params['pick'] {
  if (v !== 'first-heavy' && v !== 'round-robin') usage('--pick must be first-heavy or round-robin');
  return v;
}

/** What each flag does to the parameters (the value read and checked by the `Reader`). */
const FLAGS: Record<string, (p: Params, r: Reader) => void> = {
  '--seats': (p, r) => (p.seats = r.int(1, 10_000)),
  '--patients': (p, r) => (p.patients = r.int(1, 100_000)),
  '--concurrency': (p, r) => (p.concurrency = r.int(1, 5000)),
  '--his-fail-rate': (p, r) => (p.hisFailRate = r.rate()),
  '--his-delay-ms': (p, r) => (p.hisDelayMs = r.int(0, 60_000)),
  '--his-lost-rate': (p, r) => (p.hisLostRate = r.rate()),
  '--pick': (p, r) => (p.pick = pickOf(r.val())),
  '--replays': (p, r) => (p.replays = r.int(0, 100_000)),
  '--setup-concurrency': (p, r) => (p.setupConcurrency = r.int(1, 1000)),
  '--dept': (p, r) => (p.deptCode = r.val()),
  '--child-node-flags': (p, r) => (p.childNodeFlags = r.words()),
  '--his-node-flags': (p, r) => (p.hisNodeFlags = r.words()),
  '--profile-dir': (p, r) => (p.profileDir = resolve(r.val())),
  '--keep-state': (p) => (p.keepState = true),
  '--his-in-process': (p) => (p.hisInProcess = true),
  '--warmup': (p, r) => (p.warmup = r.int(0, 100_000)),
  '--instances': (p, r) => (p.instances = r.int(0, 64)),
  '--results': (p, r) => (p.resultsFile = resolve(r.val())),
  '--no-append': (p) => (p.append = false),
};

export function parseParams(argv: string[]): Params {
  const p: Params = { ...DEFAULTS, childNodeFlags: [], hisNodeFlags: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const r = new Reader(argv, i, eq > 0 ? a.slice(0, eq) : a, eq > 0 ? a.slice(eq + 1) : undefined);
    if (r.flag === '--help' || r.flag === '-h') usage();
    const apply = Object.hasOwn(FLAGS, r.flag) ? FLAGS[r.flag] : undefined;
    if (!apply) usage(`unknown argument: ${a}`);
    apply(p, r);
    i = r.i;
  }
  if (p.hisFailRate > 0 && p.hisLostRate > 0)
    usage('--his-fail-rate and --his-lost-rate are exclusive (one sandbox failRate)');
  return p;
}
