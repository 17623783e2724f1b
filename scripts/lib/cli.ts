/**
 * What the release scripts (deploy.ts, upload.ts) do alike: strict option parsing that answers
 * a mistake with the usage, running scripts/build.ts, and printing the checks' problems.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { REPO_ROOT } from './bundles';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `argv` parsed against `options` (an unknown option is a mistake), or what is wrong followed by `usage`. */
export function parseOptions<const O extends Options>(argv: readonly string[], options: O, usage: string) {
  try {
    return parseArgs({ args: [...argv], options, strict: true }).values;
  } catch (err) {
    return `${(err as Error).message}\n${usage}`;
  }
}

/** Runs scripts/build.ts with `flag`, its output shown; true when it succeeded. */
export function runBuild(flag: '--functions' | '--miniprogram-npm'): boolean {
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  return spawnSync(tsx, [join(REPO_ROOT, 'scripts', 'build.ts'), flag], { stdio: 'inherit' }).status === 0;
}

/** The checks' verdict: `checks: no problems`, or how many problems and one line each. */
export function printProblems(problems: readonly string[], out: (line: string) => void): void {
  out(problems.length === 0 ? 'checks: no problems' : `problems (${problems.length}):`);
  for (const p of problems) out(`  - ${p}`);
}
