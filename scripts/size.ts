/**
 * `npm run size`: what WeChat DevTools would upload, per package, against WeChat's limits.
 *
 *   tsx scripts/size.ts [miniprogramRoot]   default: project.config.json's miniprogramRoot
 *
 * Prints a table, any problems and limits passed (stderr), and last one JSON line
 * `{"mainBytes":…,"subpackages":{"<root>":…},"totalBytes":…}`. Exits 1 when a package or the
 * total is over its limit, or a reference is broken or crosses packages (DevTools would refuse
 * it too). The model is in scripts/lib/package-size.ts.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkLimits, DEFAULT_LIMITS, formatTable, jsonLine, measurePackages } from './lib/package-size';

const projectRoot = join(__dirname, '..');

function miniprogramRoot(): string {
  const arg = process.argv[2];
  if (arg) return resolve(arg);
  const config = JSON.parse(readFileSync(join(projectRoot, 'project.config.json'), 'utf8')) as {
    miniprogramRoot?: string;
  };
  return join(projectRoot, config.miniprogramRoot ?? '.');
}

function main(): number {
  const report = measurePackages(miniprogramRoot());
  console.log(formatTable(report, DEFAULT_LIMITS));
  for (const p of report.problems) console.error(`problem: ${p}`);
  if (report.problems.some((p) => p.includes('miniprogram_npm'))) {
    console.error('(is miniprogram_npm built? npx tsx scripts/build.ts --miniprogram-npm)');
  }
  const over = checkLimits(report, DEFAULT_LIMITS);
  for (const o of over) console.error(`over the limit: ${o}`);
  console.log(jsonLine(report));
  return over.length > 0 || report.problems.length > 0 ? 1 : 0;
}

process.exitCode = main();
