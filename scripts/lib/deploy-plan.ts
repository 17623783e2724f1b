/**
 * The deploy check, pure: from the parsed files and the facts about the built bundles it returns
 * every problem (each naming the function, trigger, permission, variable or collection) and the
 * plan that `npm run deploy` prints and then applies. `scripts/deploy.ts` gathers the inputs
 * (deploy-inputs.ts) and applies the plan (deploy-cloudbase.ts); tests call this directly.
 */
import { ENV_VARS, type EnvVarName } from '../../server/config/env-vars';
import type { LoadResult } from './bundles';
import type { CollectionScan } from './deploy-collections';
import { checkDatabase } from './deploy-database';
import { planHttpAccess } from './deploy-http';
import { describeVar, type EnvSource, invalidValues, missingRequired, valuesFor } from './deploy-env';
import { checkMiniprogram, type MiniprogramFacts, type UploadEnv } from './deploy-miniprogram';
import {
  CloudbasercSchema,
  type CollectionDecl,
  FolderConfigSchema,
  FunctionPackageSchema,
  parseWith,
  type RcFunction,
  RcFunctionSchema,
  type Trigger,
} from './deploy-schema';

export const RC_FILE = 'cloudbaserc.json';
/** A function that calls the HIS needs room for a few calls with retries (the platform default is 3 s). */
export const HIS_MIN_TIMEOUT_S = 20;
/** scripts/build.ts bundles for node16; an older runtime could not run the bundle. */
export const MIN_NODE_RUNTIME = 16;
const MEMORY_SIZES = [128, 256, 512, 1024, 2048, 3072];

export interface BundleFacts {
  bytes: number;
  envVars: EnvVarName[];
  load: LoadResult;
}

export interface FolderFacts {
  name: string;
  /** parsed config.json; undefined when missing */
  config: unknown;
  packageJson: unknown;
  bundle: BundleFacts | null;
}

export interface DeployInputs {
  /** files that could not be read or parsed as JSON */
  readProblems: string[];
  rc: unknown;
  database: unknown;
  folders: FolderFacts[];
  collections: CollectionScan;
  env: EnvSource;
  envId: string | null;
  /** installed wx-server-sdk version the bundles were loaded with */
  sdkVersion: string | null;
  miniprogram: MiniprogramFacts;
  uploadEnv: UploadEnv;
}

export interface PlannedFunction {
  rc: RcFunction;
  /** values to set (secrets included): never print this */
  envVariables: Record<string, string>;
}

export interface DeployPlan {
  problems: string[];
  warnings: string[];
  lines: string[];
  functionRoot: string;
  functions: PlannedFunction[];
  collections: CollectionDecl[];
}

export function planDeploy(inputs: DeployInputs): DeployPlan {
  const plan: DeployPlan = {
    problems: [...inputs.readProblems],
    warnings: [],
    lines: [],
    functionRoot: '',
    functions: [],
    collections: [],
  };
  const rc = parseWith(CloudbasercSchema, inputs.rc, RC_FILE);
  if (!rc.ok) plan.problems.push(...rc.problems);
  else plan.functionRoot = rc.value.functionRoot;
  const entries = rc.ok ? parseEntries(rc.value.functions, plan) : new Map<string, RcFunction | null>();
  matchFolders(entries, inputs.folders, plan);
  plan.lines.push(`functions (${RC_FILE}, functionRoot ${plan.functionRoot || '?'}): ${entries.size}`);
  for (const folder of inputs.folders) {
    const fn = entries.get(folder.name);
    if (fn) planFunction(fn, folder, inputs, plan);
  }
  merge(plan, { ...planHttpAccess(inputs.folders.map((f) => f.name)), warnings: [] });
  const db = checkDatabase(inputs.database, inputs.collections);
  plan.collections = db.collections;
  merge(plan, db);
  const mp = checkMiniprogram(inputs.miniprogram, inputs.uploadEnv, false);
  merge(plan, mp);
  plan.problems.push(...miniprogramVsCloud(inputs, plan.functionRoot));
  return plan;
}

function merge(plan: DeployPlan, part: { problems: string[]; warnings: string[]; lines: string[] }): void {
  plan.problems.push(...part.problems);
  plan.warnings.push(...part.warnings);
  plan.lines.push(...part.lines);
}

/** name → entry (null when the entry exists but is malformed: reported, and not deployed). */
function parseEntries(raw: readonly unknown[], plan: DeployPlan): Map<string, RcFunction | null> {
  const out = new Map<string, RcFunction | null>();
  raw.forEach((item, i) => {
    const name = (item as { name?: unknown } | null)?.name;
    const label = `${RC_FILE} functions[${i}]${typeof name === 'string' ? ` (${name})` : ''}`;
    const parsed = parseWith(RcFunctionSchema, item, label);
    if (!parsed.ok) plan.problems.push(...parsed.problems);
    if (typeof name !== 'string') return;
    if (out.has(name)) plan.problems.push(`function ${name}: listed twice in ${RC_FILE}`);
    out.set(name, parsed.ok ? parsed.value : null);
  });
  return out;
}

function matchFolders(
  entries: Map<string, RcFunction | null>,
  folders: readonly FolderFacts[],
  plan: DeployPlan,
): void {
  const names = new Set(folders.map((f) => f.name));
  for (const f of folders) {
    if (!entries.has(f.name))
      plan.problems.push(`function ${f.name}: cloudfunctions/${f.name} has no entry in ${RC_FILE}`);
  }
  for (const name of entries.keys()) {
    if (!names.has(name)) {
      plan.problems.push(`function ${name}: listed in ${RC_FILE} but cloudfunctions/${name}/index.ts does not exist`);
    }
  }
}

function planFunction(fn: RcFunction, folder: FolderFacts, inputs: DeployInputs, plan: DeployPlan): void {
  const problems = [
    ...settingProblems(fn),
    ...folderConfigProblems(fn, folder.config),
    ...bundleProblems(fn, folder.bundle),
    ...declaredVarProblems(fn, folder.bundle?.envVars ?? null),
    ...packageProblems(fn.name, folder.packageJson, inputs.sdkVersion),
    ...valueProblems(folder.bundle?.envVars ?? [], inputs),
  ];
  plan.problems.push(...problems.map((p) => `function ${fn.name}: ${p}`));
  plan.functions.push({ rc: fn, envVariables: valuesFor(Object.keys(fn.envVariables), inputs.env.values) });
  plan.lines.push(...functionLines(fn, folder.bundle, inputs));
}

function settingProblems(fn: RcFunction): string[] {
  const problems: string[] = [];
  if (fn.handler !== 'index.main')
    problems.push(`handler ${fn.handler}: the bundle exports main from index.js (index.main)`);
  const major = Number(/^Nodejs(\d+)/.exec(fn.runtime)?.[1] ?? NaN);
  if (!(major >= MIN_NODE_RUNTIME)) problems.push(`runtime ${fn.runtime}: needs Nodejs${MIN_NODE_RUNTIME} or later`);
  if (!fn.installDependency) problems.push('installDependency must be true (CloudBase installs wx-server-sdk)');
  if (!MEMORY_SIZES.includes(fn.memorySize))
    problems.push(`memorySize ${fn.memorySize}: one of ${MEMORY_SIZES.join(', ')}`);
  for (const kept of ['index.js', 'package.json', 'config.json']) {
    if (fn.ignore?.includes(kept)) problems.push(`ignore drops ${kept}, which the deployed function needs`);
  }
  return problems;
}

/** cloudbaserc.json must state what config.json states: triggers, openapi permissions, timeout. */
function folderConfigProblems(fn: RcFunction, config: unknown): string[] {
  const file = `cloudfunctions/${fn.name}/config.json`;
  if (config === undefined) return [`${file} is missing`];
  const parsed = parseWith(FolderConfigSchema, config, file);
  if (!parsed.ok) return parsed.problems;
  const c = parsed.value;
  const problems = [...triggerProblems(fn.triggers, c.triggers), ...openapiProblems(fn, c.permissions.openapi)];
  if (c.timeout !== undefined && c.timeout !== fn.timeout) {
    problems.push(`timeout ${fn.timeout} s in ${RC_FILE} but ${c.timeout} s in config.json`);
  }
  return problems;
}

function triggerProblems(rc: readonly Trigger[], cfg: readonly Trigger[]): string[] {
  const problems: string[] = [];
  const byName = (list: readonly Trigger[]) => new Map(list.map((t) => [t.name, t]));
  const rcMap = byName(rc);
  const cfgMap = byName(cfg);
  if (rcMap.size !== rc.length) problems.push(`trigger names repeat in ${RC_FILE} (they must be unique)`);
  for (const t of cfg) {
    const mine = rcMap.get(t.name);
    if (!mine) problems.push(`trigger ${t.name} (${t.config}) of config.json is missing from ${RC_FILE}`);
    else if (mine.type !== t.type || mine.config !== t.config) {
      problems.push(`trigger ${t.name}: "${mine.config}" in ${RC_FILE} but "${t.config}" in config.json`);
    }
  }
  for (const t of rc) {
    if (!cfgMap.has(t.name)) problems.push(`trigger ${t.name} of ${RC_FILE} is not in config.json`);
    if (t.config.trim().split(/\s+/).length !== 7)
      problems.push(`trigger ${t.name}: "${t.config}" is not a 7-field cron`);
  }
  return problems;
}

function openapiProblems(fn: RcFunction, cfg: readonly string[]): string[] {
  const mine = new Set(fn.permissions.openapi);
  const theirs = new Set(cfg);
  return [
    ...cfg.filter((p) => !mine.has(p)).map((p) => `openapi permission ${p} of config.json is missing from ${RC_FILE}`),
    ...fn.permissions.openapi
      .filter((p) => !theirs.has(p))
      .map((p) => `openapi permission ${p} of ${RC_FILE} is not in config.json`),
  ];
}

function bundleProblems(fn: RcFunction, bundle: BundleFacts | null): string[] {
  if (!bundle) return [`cloudfunctions/${fn.name}/index.js is missing (the build did not make it)`];
  const problems = bundle.load.ok ? [] : [`the bundle does not load with the real wx-server-sdk: ${bundle.load.error}`];
  if (bundle.envVars.includes('HIS_BASE_URL') && fn.timeout < HIS_MIN_TIMEOUT_S) {
    problems.push(`timeout ${fn.timeout} s: it calls the HIS, which needs at least ${HIS_MIN_TIMEOUT_S} s`);
  }
  return problems;
}

/** Both ways: every variable the bundle reads is declared; every declared one is read and templated. */
function declaredVarProblems(fn: RcFunction, reads: readonly EnvVarName[] | null): string[] {
  const declared = Object.keys(fn.envVariables);
  const problems = (reads ?? [])
    .filter((n) => !declared.includes(n))
    .map((n) => `reads environment variable ${n}, which ${RC_FILE} does not declare in envVariables`);
  for (const name of declared) {
    if (!Object.prototype.hasOwnProperty.call(ENV_VARS, name)) {
      problems.push(`envVariables.${name} is not in the catalogue server/config/env-vars.ts`);
    } else if (reads && !reads.includes(name as EnvVarName)) {
      problems.push(`envVariables.${name} is declared but the bundle does not read it`);
    }
    if (fn.envVariables[name] !== `{{env.${name}}}`) {
      problems.push(`envVariables.${name} must be "{{env.${name}}}": values come from the deployer's environment`);
    }
  }
  return problems;
}

/** CloudBase installs the function's package.json; it must get the SDK version the bundle was checked with. */
function packageProblems(name: string, pkg: unknown, sdkVersion: string | null): string[] {
  const parsed = parseWith(FunctionPackageSchema, pkg ?? null, `cloudfunctions/${name}/package.json`);
  if (!parsed.ok) return parsed.problems;
  const range = parsed.value.dependencies?.['wx-server-sdk'];
  if (!range) return ['package.json has no wx-server-sdk dependency (installDependency installs it from there)'];
  if (sdkVersion && !satisfies(sdkVersion, range)) {
    return [`package.json wants wx-server-sdk ${range}, but the bundle was checked with ${sdkVersion}`];
  }
  return [];
}

/** Enough of semver for exact, `~` and `^` ranges. */
export function satisfies(version: string, range: string): boolean {
  const parse = (v: string) => v.split('.').map((x) => Number.parseInt(x, 10));
  const m = /^([~^]?)(\d+\.\d+\.\d+)$/.exec(range.trim());
  if (!m) return false;
  const [a, b, c] = parse(version);
  const [x, y, z] = parse(m[2]!);
  if (m[1] === '') return a === x && b === y && c === z;
  const atLeast = a! > x! || (a === x && (b! > y! || (b === y && c! >= z!)));
  return atLeast && a === x && (m[1] === '^' || b === y);
}

function valueProblems(reads: readonly EnvVarName[], inputs: DeployInputs): string[] {
  if (!inputs.envId) return [];
  const from = sourceText(inputs);
  return [
    ...missingRequired(reads, inputs.env.values).map(
      (n) => `required environment variable ${n} has no value (${from})`,
    ),
    ...invalidValues(reads, inputs.env.values),
  ];
}

function sourceText(inputs: DeployInputs): string {
  const file = inputs.env.file;
  return file ? `environment or ${file.name}${file.found ? '' : ', which does not exist'}` : 'environment';
}

function functionLines(fn: RcFunction, bundle: BundleFacts | null, inputs: DeployInputs): string[] {
  const size = bundle ? `bundle ${Math.round(bundle.bytes / 1024)} KB` : 'no bundle';
  const loads = bundle?.load.ok ? `, loads with wx-server-sdk ${inputs.sdkVersion ?? '?'}` : '';
  const width = Math.max(0, ...fn.triggers.map((t) => t.name.length));
  const lines = [
    `  ${fn.name}: ${fn.runtime}, ${fn.handler}, timeout ${fn.timeout} s, memory ${fn.memorySize} MB, ` +
      `installDependency ${fn.installDependency}, ${size}${loads}`,
    `    openapi: ${fn.permissions.openapi.join(', ') || 'none'}`,
    `    triggers: ${fn.triggers.length === 0 ? 'none' : ''}`,
    ...fn.triggers.map((t) => `      ${t.name.padEnd(width)}  ${t.config}`),
    `    env: ${Object.keys(fn.envVariables).length === 0 ? 'none' : ''}`,
    ...Object.keys(fn.envVariables).map((n) => `      ${describeVar(n, inputs.env.values, inputs.envId !== null)}`),
  ];
  return lines.map((l) => l.trimEnd());
}

/** cloudbaserc.json, project.config.json and miniprogram/config.ts must point at what this deploy makes. */
function miniprogramVsCloud(inputs: DeployInputs, functionRoot: string): string[] {
  const problems: string[] = [];
  const norm = (p: string) => p.replace(/^\.\//, '').replace(/\/?$/, '/');
  if (functionRoot && norm(functionRoot) !== 'cloudfunctions/') {
    problems.push(`${RC_FILE}: functionRoot ${functionRoot}, but the functions are built in ./cloudfunctions`);
  }
  const mpRoot = inputs.miniprogram.projectConfig?.cloudfunctionRoot;
  if (functionRoot && typeof mpRoot === 'string' && norm(mpRoot) !== norm(functionRoot)) {
    problems.push(
      `project.config.json: cloudfunctionRoot ${mpRoot} differs from ${RC_FILE} functionRoot ${functionRoot}`,
    );
  }
  const cloudEnv = inputs.miniprogram.cloudEnv;
  if (inputs.envId && cloudEnv && cloudEnv !== inputs.envId) {
    problems.push(
      `miniprogram/config.ts: CLOUD_ENV ${JSON.stringify(cloudEnv)} is not the environment ${inputs.envId}`,
    );
  }
  return problems;
}
