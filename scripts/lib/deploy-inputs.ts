/**
 * Gathers what the deploy check needs from disk, offline: the parsed files, the facts about each
 * built bundle (size, the environment variables it reads, whether it loads with the real
 * wx-server-sdk), the collections the server code uses, the variable values and the mini program.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_VARS } from '../../server/config/env-vars';
import { bundlePath, envVarsOfBundle, FUNCTIONS_ROOT, functionNames, loadWithRealSdk, REPO_ROOT } from './bundles';
import { scanCollections } from './deploy-collections';
import { DATABASE_FILE } from './deploy-database';
import { loadEnvValues } from './deploy-env';
import { gatherMiniprogramFacts, uploadEnvFrom } from './deploy-miniprogram';
import { type BundleFacts, type DeployInputs, type FolderFacts, RC_FILE } from './deploy-plan';

export interface GatherOptions {
  envId: string | null;
  env: NodeJS.ProcessEnv;
}

type Read = { ok: true; data: unknown } | { ok: false; problem: string };

function readJson(file: string, label: string): Read {
  if (!existsSync(file)) return { ok: false, problem: `${label} is missing` };
  try {
    return { ok: true, data: JSON.parse(readFileSync(file, 'utf8')) };
  } catch (err) {
    return { ok: false, problem: `${label} is not valid JSON: ${(err as Error).message}` };
  }
}

export async function gatherInputs(opts: GatherOptions): Promise<DeployInputs> {
  const readProblems: string[] = [];
  const read = (rel: string): unknown => {
    const r = readJson(join(REPO_ROOT, rel), rel);
    if (r.ok) return r.data;
    readProblems.push(r.problem);
    return undefined;
  };
  const rc = read(RC_FILE);
  const database = read(DATABASE_FILE);
  const names = functionNames();
  const folders = await Promise.all(names.map((n) => folderFacts(n)));
  return {
    readProblems,
    rc,
    database,
    folders,
    collections: scanCollections(
      names.map((n) => join(FUNCTIONS_ROOT, n, 'index.ts')),
      REPO_ROOT,
    ),
    env: loadEnvValues(Object.keys(ENV_VARS), { env: opts.env, envId: opts.envId, repoRoot: REPO_ROOT }),
    envId: opts.envId,
    sdkVersion: installedSdkVersion(),
    miniprogram: gatherMiniprogramFacts(REPO_ROOT),
    uploadEnv: uploadEnvFrom(opts.env, process.cwd()),
  };
}

async function folderFacts(name: string): Promise<FolderFacts> {
  const dir = join(FUNCTIONS_ROOT, name);
  const optional = (file: string): unknown => {
    const r = readJson(join(dir, file), `cloudfunctions/${name}/${file}`);
    return r.ok ? r.data : undefined;
  };
  return {
    name,
    config: optional('config.json'),
    packageJson: optional('package.json'),
    bundle: await bundleFacts(name),
  };
}

async function bundleFacts(name: string): Promise<BundleFacts | null> {
  const file = bundlePath(name);
  if (!existsSync(file)) return null;
  return { bytes: statSync(file).size, envVars: envVarsOfBundle(name), load: await loadWithRealSdk(name) };
}

function installedSdkVersion(): string | null {
  const r = readJson(join(REPO_ROOT, 'node_modules', 'wx-server-sdk', 'package.json'), 'wx-server-sdk');
  return r.ok ? String((r.data as { version?: unknown }).version ?? '') || null : null;
}
