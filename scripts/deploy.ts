/**
 * One-command deploy of the cloud functions and the database to CloudBase.
 *
 *   npm run deploy -- --env <envId>             build, check, deploy
 *   npm run deploy -- --dry-run [--env <envId>] build, check offline, print the plan, deploy nothing
 *
 * The checks (scripts/lib/deploy-plan.ts) run in both modes and need no network and no account;
 * any problem stops the deploy. Variable values: the environment, else `.env.<envId>`.
 */
import { FUNCTIONS_ROOT } from './lib/bundles';
import { parseOptions, printProblems, runBuild } from './lib/cli';
import { applyPlan, credentialsFrom, type ManualStep } from './lib/deploy-cloudbase';
import { envFileName } from './lib/deploy-env';
import { gatherInputs } from './lib/deploy-inputs';
import { type DeployPlan, planDeploy } from './lib/deploy-plan';

const USAGE = 'usage: npm run deploy -- --env <envId> | npm run deploy -- --dry-run [--env <envId>] [--no-build]';

/** Reminders no API call can settle; printed after every real deploy. */
const ONCE_PER_ENVIRONMENT = [
  "network: the HIS gateway admits fixed addresses only: put booking and patient in the hospital's VPC / fixed egress IP (函数配置 → 网络) and have the gateway whitelist it",
  'subscription templates: add them in the mini program admin console (订阅消息, medical category); their ids go into TMPL_* (the pages get them from booking.rules)',
];

export interface DeployArgs {
  envId: string | null;
  dryRun: boolean;
  build: boolean;
}

export function parseDeployArgs(argv: readonly string[]): DeployArgs | string {
  const options = { env: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'no-build': { type: 'boolean' } } as const;
  const parsed = parseOptions(argv, options, USAGE);
  if (typeof parsed === 'string') return parsed;
  const envId = parsed.env ?? null;
  // The id names a file (.env.<envId>): letters, digits, - and _ only.
  if (envId !== null && !/^[A-Za-z0-9_-]{1,64}$/.test(envId)) return `--env ${envId}: not a CloudBase env id`;
  if (envId === null && !parsed['dry-run']) return `--env <envId> is required to deploy (or --dry-run)\n${USAGE}`;
  return { envId, dryRun: parsed['dry-run'] === true, build: parsed['no-build'] !== true };
}

function printPlan(plan: DeployPlan, args: DeployArgs, out: (line: string) => void): void {
  const mode = args.dryRun ? 'dry run, offline: nothing is deployed' : `deploy to ${args.envId}`;
  const values = args.envId
    ? `variable values from the environment, else ${envFileName(args.envId)}`
    : 'no --env: variable values are only listed as "to be supplied"';
  out(`智慧医院 deploy plan (${mode}; ${values})`);
  for (const line of plan.lines) out(line);
  out('  upload: npm run upload -- --version x.y.z --desc "..." (MP_APPID, MP_PRIVATE_KEY_PATH)');
  if (plan.warnings.length > 0) out(`warnings (${plan.warnings.length}):`);
  for (const w of plan.warnings) out(`  - ${w}`);
  printProblems(plan.problems, out);
}

function printSteps(steps: readonly ManualStep[], out: (line: string) => void): void {
  out('to do by hand:');
  for (const s of steps) out(`  - ${s.required ? 'REQUIRED ' : ''}${s.text}`);
  for (const s of ONCE_PER_ENVIRONMENT) out(`  - once per environment: ${s}`);
}

export async function main(argv: readonly string[], out: (line: string) => void = console.log): Promise<number> {
  const args = parseDeployArgs(argv);
  if (typeof args === 'string') {
    out(args);
    return 2;
  }
  if (args.build && !runBuild('--functions')) return 1;
  const plan = planDeploy(await gatherInputs({ envId: args.envId, env: process.env }));
  printPlan(plan, args, out);
  if (plan.problems.length > 0) return 1;
  if (args.dryRun || args.envId === null) {
    out(`dry run: nothing deployed. To deploy: npm run deploy -- --env ${args.envId ?? '<envId>'}`);
    return 0;
  }
  const credentials = credentialsFrom(process.env);
  if (!credentials) {
    out('TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY are not set (an API key allowed to manage the environment)');
    return 1;
  }
  const steps = await applyPlan(plan, { envId: args.envId, credentials, functionRootPath: FUNCTIONS_ROOT, log: out });
  printSteps(steps, out);
  return steps.some((s) => s.required) ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
