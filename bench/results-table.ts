/**
 * Prints recorded booking-burst runs as a Markdown table (the one in bench/README.md).
 *
 *   npx tsx bench/results-table.ts                  # the runs of the latest commit in the file
 *   npx tsx bench/results-table.ts --commit fdc4477 # the runs of one commit
 *   npx tsx bench/results-table.ts --all            # every run, oldest first
 *   npx tsx bench/results-table.ts --file F.jsonl   # another results file
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_RESULTS_FILE } from './booking/params';

interface Phase {
  throughputPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** The fields of a result line the table shows (older lines lack some). */
interface Line {
  at: string;
  commit: string | null;
  params: { seats: number; patients: number; concurrency: number; hisFailRate: number; instances?: number };
  echo: Phase;
  echoAfter?: Phase;
  echoAroundPerSec?: number;
  booking: Phase;
  ratio: number;
  cpuRatio?: number | null;
  invariants: {
    confirmedCloud: number;
    activeHis: number;
    overbooked: number;
    lost: number;
    duplicates: number;
    idempotentReplays: { sent: number; identical: number };
  };
  passed: boolean;
}

const HEAD = [
  'at (UTC)',
  'commit',
  'S/N/C',
  'instances',
  'HIS fail',
  'echo /s',
  'book /s',
  'book p50 / p99 ms',
  'ratio',
  'cpuRatio',
  'confirmed cloud / active HIS',
  'overbooked / lost / dup',
  'replays identical',
  'invariants',
];

function row(l: Line): string[] {
  const p = l.params;
  const inv = l.invariants;
  return [
    l.at.slice(0, 16).replace('T', ' '),
    l.commit ?? '?',
    `${p.seats}/${p.patients}/${p.concurrency}`,
    p.instances === undefined ? '?' : String(p.instances),
    String(p.hisFailRate),
    l.echoAroundPerSec === undefined ? `${l.echo.throughputPerSec}*` : String(l.echoAroundPerSec),
    String(l.booking.throughputPerSec),
    `${l.booking.p50Ms} / ${l.booking.p99Ms}`,
    l.ratio.toFixed(3),
    l.cpuRatio == null ? '—' : l.cpuRatio.toFixed(3),
    `${inv.confirmedCloud} / ${inv.activeHis}`,
    `${inv.overbooked} / ${inv.lost} / ${inv.duplicates}`,
    `${inv.idempotentReplays.identical} of ${inv.idempotentReplays.sent}`,
    l.passed ? 'hold' : '**fail**',
  ];
}

function table(rows: string[][]): string {
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(HEAD), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function main(argv: string[]): void {
  // `| head` closing the pipe early is no error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const file = flag('--file') ?? DEFAULT_RESULTS_FILE;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((s) => s.trim() !== '')
    .map((s) => JSON.parse(s) as Line);
  if (lines.length === 0) throw new Error(`${file}: no runs recorded`);
  const commit = flag('--commit') ?? lines[lines.length - 1]!.commit;
  const shown = argv.includes('--all') ? lines : lines.filter((l) => l.commit === commit);
  process.stdout.write(`${table(shown.map(row))}\n`);
  if (shown.some((l) => l.echoAroundPerSec === undefined))
    process.stdout.write('\n`*`: the echo before the burst only (runs before the echo phase after it existed).\n');
}

main(process.argv.slice(2));
