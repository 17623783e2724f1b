/**
 * Uploads the mini program with miniprogram-ci, run on demand through npx (it is ~275 MB and
 * ~700 packages, so it is not a dependency of this repository).
 *
 *   npm run upload -- --version x.y.z --desc "..." [--robot 1]
 *   npm run upload -- --dry-run [--version x.y.z --desc "..."]   offline checks + the command
 *
 * MP_APPID (the mini program appid) and MP_PRIVATE_KEY_PATH (the code upload key from
 * mp.weixin.qq.com → 开发管理 → 开发设置 → 小程序代码上传) come from the environment.
 */
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './lib/bundles';
import { parseOptions, printProblems, runBuild } from './lib/cli';
import {
  checkMiniprogram,
  gatherMiniprogramFacts,
  shellLine,
  uploadCommand,
  uploadEnvFrom,
} from './lib/deploy-miniprogram';

const USAGE = 'usage: npm run upload -- --version x.y.z --desc "..." [--robot 1..30] [--dry-run]';

export interface UploadCliArgs {
  version: string;
  desc: string;
  robot: number;
  dryRun: boolean;
}

export function parseUploadArgs(argv: readonly string[]): UploadCliArgs | string {
  const options = {
    version: { type: 'string' },
    desc: { type: 'string' },
    robot: { type: 'string' },
    'dry-run': { type: 'boolean' },
  } as const;
  const v = parseOptions(argv, options, USAGE);
  if (typeof v === 'string') return v;
  const dryRun = v['dry-run'] === true;
  // A dry run may leave them out; the printed command then shows placeholders.
  const version = v.version ?? (dryRun ? '<x.y.z>' : '');
  const desc = v.desc ?? (dryRun ? '<desc>' : '');
  if (v.version !== undefined && !/^\d+\.\d+\.\d+$/.test(v.version)) return `--version ${v.version}: use x.y.z`;
  if (!version || !desc.trim()) return `--version and --desc are required\n${USAGE}`;
  const robot = Number(v.robot ?? '1');
  if (!Number.isInteger(robot) || robot < 1 || robot > 30) return `--robot ${v.robot}: 1 to 30`;
  return { version, desc, robot, dryRun };
}

export function main(argv: readonly string[], out: (line: string) => void = console.log): number {
  const args = parseUploadArgs(argv);
  if (typeof args === 'string') {
    out(args);
    return 2;
  }
  // The real upload builds miniprogram_npm and the common/ copy first; a dry run only reads.
  if (!args.dryRun && !runBuild('--miniprogram-npm')) return 1;
  const env = uploadEnvFrom(process.env, process.cwd());
  const check = checkMiniprogram(gatherMiniprogramFacts(REPO_ROOT), env, !args.dryRun);
  check.lines.forEach((l) => out(l));
  check.warnings.forEach((w) => out(`warning: ${w}`));
  printProblems(check.problems, out);
  const command = uploadCommand({
    projectPath: REPO_ROOT,
    appid: env.appid ?? '$MP_APPID',
    privateKeyPath: env.privateKeyPath ?? '$MP_PRIVATE_KEY_PATH',
    version: args.version,
    desc: args.desc,
    robot: args.robot,
  });
  out(`${args.dryRun ? 'would run' : 'running'}: npx ${shellLine(command)}`);
  if (check.problems.length > 0) return 1;
  if (args.dryRun) return 0;
  return spawnSync('npx', command, { stdio: 'inherit', cwd: REPO_ROOT }).status ?? 1;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
