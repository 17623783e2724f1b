/** The payment chaos bench's flags. */
import { join, resolve } from 'node:path';
import { REPO } from '../booking/util';

/** Where a run's result is appended (one JSON line per run) unless `--no-append`. */
export const DEFAULT_RESULTS_FILE = join(REPO, 'bench', 'results', 'payment-chaos.jsonl');

export interface Params {
  /** Orders paid (N). */
  orders: number;
  /** Orders per patient (card): the patients bound are ⌈N / this⌉. */
  ordersPerPatient: number;
  /** Pay flows and extra deliveries in flight at once. */
  concurrency: number;
  /** Share of `fee.settle` calls the HIS answers UNAVAILABLE during the chaos. */
  hisFailRate: number;
  /** Share of `fee.settle` calls the HIS processes and then answers UNAVAILABLE (the answer lost; sandbox `applyThenFail`). */
  hisLostRate: number;
  /** Share of notification deliveries the pay sandbox tampers with during the chaos. */
  tamperRate: number;
  /**
   * Share of orders whose items the patient also pays at the window (`/sandbox/fees/pay-at-window`)
   * between createOrder and the payment: the HIS refuses the settle, the money goes back (default 0).
   */
  windowRate: number;
  /** Share of the patients bound insured (a 社保卡 number on the card and in the HIS). */
  insuredShare: number;
  /** Share of all orders paid as 医保 mixed orders (by insured patients; at most their orders). */
  insuranceShare: number;
  /** Share of the uninsured patients with a 代扣 contract (all their orders are deducted on charges.ready). */
  contractedShare: number;
  /** Share of the 医保 orders also paid at the window (at least `windowRate`): both parts go back. */
  insuranceWindowRate: number;
  /** Share of orders whose createOrder (orderLabTests) is sent twice at once: one order is expected. */
  doubleTapRate: number;
  /** Each TRANSACTION.SUCCESS notification is delivered 1..this many times in total. */
  maxDeliveries: number;
  /** Upper bound of the drain (paymentDue until nothing is open), ms. */
  drainTimeoutMs: number;
  /** Seed of the bench's own choices (kinds, deliveries, the interleaving). */
  seed: number;
  /** Function instances on worker threads in the devstack (0: in its main thread). */
  instances: number;
  setupConcurrency: number;
  keepState: boolean;
  resultsFile: string;
  append: boolean;
}

const DEFAULTS: Params = {
  orders: 200,
  ordersPerPatient: 4,
  concurrency: 16,
  hisFailRate: 0.1,
  hisLostRate: 0,
  tamperRate: 0.05,
  windowRate: 0,
  insuredShare: 0.6,
  insuranceShare: 0.25,
  insuranceWindowRate: 0.1,
  contractedShare: 0.25,
  doubleTapRate: 0.1,
  maxDeliveries: 10,
  drainTimeoutMs: 300_000,
  seed: 20261204,
  instances: 2,
  setupConcurrency: 32,
  keepState: false,
  resultsFile: DEFAULT_RESULTS_FILE,
  append: true,
};

export function usage(msg?: string): never {
  if (msg) console.error(msg);
  console.error(
    'usage: npx tsx bench/payment-chaos.ts --orders N [--concurrency 16] [--orders-per-patient 4]\n' +
      '         [--his-fail-rate 0.1 | --his-lost-rate R] [--tamper-rate 0.05] [--window-rate 0] [--double-tap-rate 0.1] [--max-deliveries 10] [--drain-timeout-s 300]\n' +
      '         [--insured-share 0.6] [--insurance-share 0.25] [--insurance-window-rate 0.1] [--contracted-share 0.25]\n' +
      '         [--seed N] [--instances 2] [--setup-concurrency 32] [--keep-state] [--results FILE] [--no-append]',
  );
  process.exit(2);
}

type Value = () => string;

function int(flag: string, v: Value, min: number, max: number): number {
  const n = Number(v());
  if (!Number.isInteger(n) || n < min || n > max) usage(`${flag} must be an integer in ${min}..${max}`);
  return n;
}

function rate(flag: string, v: Value): number {
  const n = Number(v());
  if (!Number.isFinite(n) || n < 0 || n > 1) usage(`${flag} must be a number in 0..1`);
  return n;
}

const FLAGS: Record<string, (p: Params, v: Value, flag: string) => void> = {
  '--orders': (p, v, f) => (p.orders = int(f, v, 1, 20_000)),
  '--orders-per-patient': (p, v, f) => (p.ordersPerPatient = int(f, v, 1, 20)),
  '--concurrency': (p, v, f) => (p.concurrency = int(f, v, 1, 500)),
  '--his-fail-rate': (p, v, f) => (p.hisFailRate = rate(f, v)),
  '--his-lost-rate': (p, v, f) => (p.hisLostRate = rate(f, v)),
  '--tamper-rate': (p, v, f) => (p.tamperRate = rate(f, v)),
  '--double-tap-rate': (p, v, f) => (p.doubleTapRate = rate(f, v)),
  '--window-rate': (p, v, f) => (p.windowRate = rate(f, v)),
  '--insured-share': (p, v, f) => (p.insuredShare = rate(f, v)),
  '--insurance-share': (p, v, f) => (p.insuranceShare = rate(f, v)),
  '--insurance-window-rate': (p, v, f) => (p.insuranceWindowRate = rate(f, v)),
  '--contracted-share': (p, v, f) => (p.contractedShare = rate(f, v)),
  '--max-deliveries': (p, v, f) => (p.maxDeliveries = int(f, v, 1, 50)),
  '--drain-timeout-s': (p, v, f) => (p.drainTimeoutMs = int(f, v, 10, 3600) * 1000),
  '--seed': (p, v, f) => (p.seed = int(f, v, 0, 2 ** 31 - 1)),
  '--instances': (p, v, f) => (p.instances = int(f, v, 0, 64)),
  '--setup-concurrency': (p, v, f) => (p.setupConcurrency = int(f, v, 1, 500)),
  '--keep-state': (p) => (p.keepState = true),
  '--results': (p, v) => (p.resultsFile = resolve(v())),
  '--no-append': (p) => (p.append = false),
};

export function parseParams(argv: string[]): Params {
  const p: Params = { ...DEFAULTS };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (flag === '--help' || flag === '-h') usage();
    const apply = Object.hasOwn(FLAGS, flag) ? FLAGS[flag] : undefined;
    if (!apply) usage(`unknown argument: ${a}`);
    const value: Value = () => (eq > 0 ? a.slice(eq + 1) : (argv[++i] ?? usage(`${flag} needs a value`)));
    apply(p, value, flag);
    seen.add(flag);
  }
  // One sandbox failRate: a lost-answer run replaces the plain failures (unless both were asked for).
  if (seen.has('--his-lost-rate') && p.hisLostRate > 0) {
    if (seen.has('--his-fail-rate') && p.hisFailRate > 0)
      usage('--his-fail-rate and --his-lost-rate are exclusive (one sandbox failRate)');
    p.hisFailRate = 0;
  }
  return p;
}
